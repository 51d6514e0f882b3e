// Engine zone. Decoders of the segment sections: element, data count and data.
#include "decoder/binary_types.h"
#include "decoder/decoder.h"
#include "decoder/module_decoder.h"

namespace wasm {

namespace {
// elemkind: only 0x00 (funcref) exists.
bool readElemKind(Reader& r) {
  size_t off = r.offset();
  uint8_t kind = r.u8();
  if (!r.ok()) return false;
  if (kind != 0x00) {
    r.fail(ErrorKind::Malformed, off, "malformed elements segment kind 0x%02x", kind);
    return false;
  }
  return true;
}

// Items of one segment: at most kMaxElemSegmentSize, and kMaxElemItems in all segments.
bool readItemCount(Reader& r, DecodeContext& c, uint32_t* n) {
  uint64_t left = limits::kMaxElemItems - c.elemItems;
  uint32_t limit = left < limits::kMaxElemSegmentSize ? uint32_t(left) : limits::kMaxElemSegmentSize;
  if (!readCount(r, limit, "element", n)) return false;
  c.elemItems += *n;
  return true;
}

// The items are appended (module_decoder.h), as everything the decoder reads.
bool readFuncIndexItems(Reader& r, DecodeContext& c, ElemSegment* seg) {
  uint32_t n;
  if (!readItemCount(r, c, &n)) return false;
  for (uint32_t i = 0; i < n; i++) {
    if (!c.poll(r, i)) return false;
    ConstExpr& e = seg->items.emplace_back();
    e.offset = uint32_t(r.offset());
    e.kind = ConstExpr::Kind::RefFunc;
    e.type = ValType::FuncRef;
    e.index = r.u32();
    if (!r.ok()) return false;
  }
  return true;
}

bool readExprItems(Reader& r, DecodeContext& c, ElemSegment* seg) {
  uint32_t n;
  if (!readItemCount(r, c, &n)) return false;
  for (uint32_t i = 0; i < n; i++) {
    if (!c.poll(r, i)) return false;
    seg->items.push_back(decodeConstExpr(r, c));
    if (!r.ok()) return false;
  }
  return true;
}
}  // namespace

void decodeElementSection(Reader& r, DecodeContext& c) {
  ModuleInfo& m = c.m;
  uint32_t n;
  if (!readCount(r, limits::kMaxElemSegments, "element segment", &n)) return;
  for (uint32_t i = 0; i < n; i++) {
    if (!c.poll(r, i)) return;
    ElemSegment& seg = m.elems.emplace_back();
    seg.byteOffset = uint32_t(r.offset());
    uint32_t flags = r.u32();
    if (!r.ok()) return;
    if (flags > 7) {
      r.fail(ErrorKind::Malformed, seg.byteOffset, "malformed elements segment kind %u", flags);
      return;
    }
    // Bit 0: passive or declarative (bit 1 set: declarative) vs active; bit 1 on an active
    // segment: explicit table index; bit 2: items are expressions with an explicit type.
    bool active = !(flags & 1);
    seg.mode = active ? SegmentMode::Active
                      : ((flags & 2) ? SegmentMode::Declarative : SegmentMode::Passive);
    seg.type = ValType::FuncRef;
    if (active) {
      seg.table = (flags & 2) ? r.u32() : 0;
      seg.offset = decodeConstExpr(r, c);
      if (!r.ok()) return;
    }
    bool exprs = flags & 4;
    bool explicitType = flags & 3;  // every form but 0 and 4 says the type / elemkind
    if (explicitType) {
      if (exprs) {
        if (!readRefType(r, &seg.type)) return;
      } else if (!readElemKind(r)) {
        return;
      }
    }
    if (!(exprs ? readExprItems(r, c, &seg) : readFuncIndexItems(r, c, &seg))) return;
  }
}

void decodeDataCountSection(Reader& r, DecodeContext& c) {
  size_t off = r.offset();
  uint32_t n = r.u32();
  if (!r.ok()) return;
  if (n > limits::kMaxDataSegments) {
    r.fail(ErrorKind::Limit, off, "too many data segments: %u (the limit is %u)", n,
           limits::kMaxDataSegments);
    return;
  }
  c.m.hasDataCount = true;
  c.m.dataCount = n;
}

void decodeDataSection(Reader& r, DecodeContext& c) {
  ModuleInfo& m = c.m;
  c.sawDataSection = true;
  size_t countOff = r.offset();
  uint32_t n;
  if (!readCount(r, limits::kMaxDataSegments, "data segment", &n)) return;
  if (m.hasDataCount && n != m.dataCount) {
    r.fail(ErrorKind::Malformed, countOff,
           "data count and data section have inconsistent lengths (%u and %u)", m.dataCount, n);
    return;
  }
  for (uint32_t i = 0; i < n; i++) {
    if (!c.poll(r, i)) return;
    DataSegment& seg = m.datas.emplace_back();
    seg.byteOffset = uint32_t(r.offset());
    uint32_t flags = r.u32();
    if (!r.ok()) return;
    switch (flags) {
      case 0:
        seg.mode = SegmentMode::Active;
        seg.memory = 0;
        break;
      case 1: seg.mode = SegmentMode::Passive; break;
      case 2:
        seg.mode = SegmentMode::Active;
        seg.memory = r.u32();
        break;
      default:
        r.fail(ErrorKind::Malformed, seg.byteOffset, "malformed data segment kind %u", flags);
        return;
    }
    if (seg.mode == SegmentMode::Active) {
      seg.offset = decodeConstExpr(r, c);
      if (!r.ok()) return;
    }
    size_t lenOff = r.offset();
    uint32_t len = r.u32();
    if (!r.ok()) return;
    if (len > r.remaining()) {
      r.fail(ErrorKind::Malformed, lenOff,
             "unexpected end of section or function (data segment of %u bytes, %zu remain)", len,
             r.remaining());
      return;
    }
    seg.dataOffset = uint32_t(r.offset());
    seg.size = len;
    r.skip(len);
  }
}

}  // namespace wasm
