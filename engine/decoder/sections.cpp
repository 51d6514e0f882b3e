// Engine zone. Decoders of the module-structure sections: type, import, function, table,
// memory, global, export and start.
#include "decoder/binary_types.h"
#include "decoder/decoder.h"
#include "decoder/module_decoder.h"

namespace wasm {

bool readCount(Reader& r, uint32_t limit, const char* what, uint32_t* out, uint32_t minBytesEach) {
  size_t off = r.offset();
  uint32_t n = r.u32();
  if (!r.ok()) return false;
  uint64_t need = uint64_t(n) * minBytesEach;
  if (need > r.remaining()) {
    r.fail(ErrorKind::Malformed, off,
           "unexpected end of section or function: %u %s entries cannot fit in %zu bytes", n, what,
           r.remaining());
    return false;
  }
  if (n > limit) {
    r.fail(ErrorKind::Limit, off, "too many %s entries: %u (the limit is %u)", what, n, limit);
    return false;
  }
  *out = n;
  return true;
}

namespace {
bool readValTypes(Reader& r, uint32_t limit, const char* what, std::vector<ValType>* out) {
  uint32_t n;
  if (!readCount(r, limit, what, &n)) return false;
  out->resize(n);
  for (uint32_t i = 0; i < n; i++) {
    if (!readValType(r, &(*out)[i])) return false;
  }
  return true;
}

bool readGlobalType(Reader& r, GlobalType* out) {
  if (!readValType(r, &out->type)) return false;
  size_t off = r.offset();
  uint8_t mut = r.u8();
  if (!r.ok()) return false;
  if (mut > 1) {
    r.fail(ErrorKind::Malformed, off, "malformed mutability 0x%02x", mut);
    return false;
  }
  out->mut = mut == 1;
  return true;
}

bool readTableType(Reader& r, TableType* out) {
  return readRefType(r, &out->elem) && readLimits(r, &out->limits, /*isMemory=*/false);
}

uint32_t remainingLimit(uint32_t limit, size_t used) {
  return used >= limit ? 0 : uint32_t(limit - used);
}
}  // namespace

void decodeTypeSection(Reader& r, DecodeContext& c) {
  uint32_t n;
  if (!readCount(r, limits::kMaxTypes, "type", &n)) return;
  for (uint32_t i = 0; i < n; i++) {
    if (!c.poll(r, i)) return;
    size_t off = r.offset();
    uint8_t form = r.u8();
    if (!r.ok()) return;
    if (form != 0x60) {
      if (form == 0x5E || form == 0x5F || form == 0x4E || form == 0x50 || form == 0x4F) {
        r.fail(ErrorKind::Unsupported, off, "gc: type form 0x%02x is not supported", form);
      } else if (form & 0x80) {
        r.fail(ErrorKind::Malformed, off, "integer representation too long (type form 0x%02x)",
               form);
      } else {
        r.fail(ErrorKind::Malformed, off, "malformed function type 0x%02x", form);
      }
      return;
    }
    FuncType& t = c.m.types.emplace_back();
    if (!readValTypes(r, limits::kMaxFunctionParams, "parameter", &t.params)) return;
    if (!readValTypes(r, limits::kMaxFunctionResults, "result", &t.results)) return;
  }
}

void decodeImportSection(Reader& r, DecodeContext& c) {
  ModuleInfo& m = c.m;
  uint32_t n;
  if (!readCount(r, limits::kMaxImports, "import", &n)) return;
  for (uint32_t i = 0; i < n; i++) {
    if (!c.poll(r, i)) return;
    Import& imp = m.imports.emplace_back();
    imp.byteOffset = uint32_t(r.offset());
    if (!readName(r, &imp.module) || !readName(r, &imp.name)) return;
    size_t off = r.offset();
    uint8_t kind = r.u8();
    if (!r.ok()) return;
    switch (kind) {
      case 0:
        imp.kind = ExternKind::Func;
        imp.funcType = r.u32();
        m.funcs.push_back(imp.funcType);
        m.funcOffsets.push_back(imp.byteOffset);
        m.numImportedFuncs++;
        break;
      case 1:
        imp.kind = ExternKind::Table;
        if (!readTableType(r, &imp.table)) return;
        m.tables.push_back(imp.table);
        m.tableOffsets.push_back(imp.byteOffset);
        m.numImportedTables++;
        break;
      case 2:
        imp.kind = ExternKind::Memory;
        if (!readLimits(r, &imp.memory.limits, /*isMemory=*/true)) return;
        m.memories.push_back(imp.memory);
        m.memoryOffsets.push_back(imp.byteOffset);
        m.numImportedMemories++;
        break;
      case 3: {
        imp.kind = ExternKind::Global;
        if (!readGlobalType(r, &imp.global)) return;
        GlobalDef g;
        g.type = imp.global;
        g.byteOffset = imp.byteOffset;
        m.globals.push_back(g);
        m.numImportedGlobals++;
        break;
      }
      default: r.fail(ErrorKind::Malformed, off, "malformed import kind 0x%02x", kind); return;
    }
    if (!r.ok()) return;
  }
}

void decodeFunctionSection(Reader& r, DecodeContext& c) {
  ModuleInfo& m = c.m;
  c.sawFunctionSection = true;
  uint32_t n;
  if (!readCount(r, remainingLimit(limits::kMaxFunctions, m.funcs.size()), "function", &n)) {
    return;
  }
  for (uint32_t i = 0; i < n && r.ok(); i++) {
    if (!c.poll(r, i)) return;
    m.funcOffsets.push_back(uint32_t(r.offset()));
    m.funcs.push_back(r.u32());
  }
}

void decodeTableSection(Reader& r, DecodeContext& c) {
  ModuleInfo& m = c.m;
  uint32_t n;
  if (!readCount(r, remainingLimit(limits::kMaxTables, m.tables.size()), "table", &n)) return;
  for (uint32_t i = 0; i < n; i++) {
    if (!c.poll(r, i)) return;
    TableType t;
    m.tableOffsets.push_back(uint32_t(r.offset()));
    if (!readTableType(r, &t)) return;
    m.tables.push_back(t);
  }
}

void decodeMemorySection(Reader& r, DecodeContext& c) {
  ModuleInfo& m = c.m;
  uint32_t n;
  if (!readCount(r, UINT32_MAX, "memory", &n)) return;
  for (uint32_t i = 0; i < n; i++) {
    if (!c.poll(r, i)) return;
    MemoryType t;
    m.memoryOffsets.push_back(uint32_t(r.offset()));
    if (!readLimits(r, &t.limits, /*isMemory=*/true)) return;
    m.memories.push_back(t);
  }
}

void decodeGlobalSection(Reader& r, DecodeContext& c) {
  ModuleInfo& m = c.m;
  uint32_t n;
  if (!readCount(r, remainingLimit(limits::kMaxGlobals, m.globals.size()), "global", &n)) {
    return;
  }
  for (uint32_t i = 0; i < n; i++) {
    if (!c.poll(r, i)) return;
    GlobalDef g;
    g.byteOffset = uint32_t(r.offset());
    if (!readGlobalType(r, &g.type)) return;
    g.init = decodeConstExpr(r, c);
    if (!r.ok()) return;
    m.globals.push_back(g);
  }
}

void decodeExportSection(Reader& r, DecodeContext& c) {
  ModuleInfo& m = c.m;
  uint32_t n;
  if (!readCount(r, limits::kMaxExports, "export", &n)) return;
  for (uint32_t i = 0; i < n; i++) {
    if (!c.poll(r, i)) return;
    Export& e = m.exports.emplace_back();
    e.byteOffset = uint32_t(r.offset());
    if (!readName(r, &e.name)) return;
    size_t off = r.offset();
    uint8_t kind = r.u8();
    if (!r.ok()) return;
    if (kind > 3) {
      r.fail(ErrorKind::Malformed, off, "malformed export kind 0x%02x", kind);
      return;
    }
    e.kind = ExternKind(kind);
    e.index = r.u32();
    if (!r.ok()) return;
  }
}

void decodeStartSection(Reader& r, DecodeContext& c) {
  c.m.startOffset = uint32_t(r.offset());
  c.m.start = r.u32();
  c.m.hasStart = r.ok();
}

}  // namespace wasm
