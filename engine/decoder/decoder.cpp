// Engine zone. decodeModule: header, section sequence and order, cross-section checks.
#include "decoder/decoder.h"

#include <algorithm>
#include <cstring>

#include "decoder/binary_types.h"
#include "decoder/expr_scanner.h"
#include "decoder/module_decoder.h"

namespace wasm {

namespace {
// clang-format off
enum SectionId : uint8_t {
  kCustom = 0, kType = 1, kImport = 2, kFunction = 3, kTable = 4, kMemory = 5, kGlobal = 6,
  kExport = 7, kStart = 8, kElement = 9, kCode = 10, kData = 11, kDataCount = 12, kTag = 13,
};
// clang-format on

const char* sectionName(uint8_t id) {
  static const char* const kNames[] = {"custom", "type",   "import",    "function", "table",
                                       "memory", "global", "export",    "start",    "element",
                                       "code",   "data",   "data count"};
  return id < 13 ? kNames[id] : "unknown";
}

// Position of a non-custom section in the required order (data count sits between
// element and code).
uint8_t sectionRank(uint8_t id) {
  static const uint8_t kRank[13] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
  return kRank[id];
}

void markFuncRef(ModuleInfo& m, const ConstExpr& e) {
  if (e.kind == ConstExpr::Kind::RefFunc && e.index < m.declaredFuncRefs.size()) {
    m.declaredFuncRefs[e.index] = true;
  }
}

// C.refs: the functions referenced outside function bodies (globals, element segments,
// exports), which ref.func in a body may name.
void computeDeclaredFuncRefs(ModuleInfo& m) {
  m.declaredFuncRefs.assign(m.funcs.size(), false);
  for (uint32_t i = m.numImportedGlobals; i < m.globals.size(); i++)
    markFuncRef(m, m.globals[i].init);
  for (const ElemSegment& seg : m.elems) {
    if (seg.mode == SegmentMode::Active) markFuncRef(m, seg.offset);
    for (const ConstExpr& e : seg.items) markFuncRef(m, e);
  }
  for (const Export& e : m.exports) {
    if (e.kind == ExternKind::Func && e.index < m.declaredFuncRefs.size()) {
      m.declaredFuncRefs[e.index] = true;
    }
  }
}

void decodeSection(uint8_t id, Reader& r, DecodeContext& c) {
  switch (id) {
    case kType: decodeTypeSection(r, c); break;
    case kImport: decodeImportSection(r, c); break;
    case kFunction: decodeFunctionSection(r, c); break;
    case kTable: decodeTableSection(r, c); break;
    case kMemory: decodeMemorySection(r, c); break;
    case kGlobal: decodeGlobalSection(r, c); break;
    case kExport: decodeExportSection(r, c); break;
    case kStart: decodeStartSection(r, c); break;
    case kElement: decodeElementSection(r, c); break;
    case kCode: decodeCodeSection(r, c); break;
    case kData: decodeDataSection(r, c); break;
    case kDataCount: decodeDataCountSection(r, c); break;
    default: break;
  }
}

Status decodeCustomSection(Reader& r, ModuleInfo& m, Job* job) {
  std::string name;
  if (!readName(r, &name)) {
    Error e = r.takeError();
    refineUnexpectedEnd(&e);
    return e;
  }
  CustomSection cs;
  cs.name = std::move(name);
  cs.offset = uint32_t(r.offset());
  cs.size = uint32_t(r.remaining());
  if (cs.name == "name") {
    decodeNameSection(m, r.offset(), r.end(), job);
    if (job && job->stopped()) return job->interruptedError();
  }
  m.customs.push_back(std::move(cs));
  return okStatus();
}
}  // namespace

Result<std::unique_ptr<ModuleInfo>> decodeModule(const uint8_t* bytes, size_t size, DecodeMode mode, Job* job) {
  if (size > UINT32_MAX) {
    return makeError(ErrorKind::Limit, kNoOffset, "module of %zu bytes is too large", size);
  }
  auto module = std::make_unique<ModuleInfo>();
  ModuleInfo& m = *module;
  // The module's own copy, in pieces with a poll between them (256 MB take a while).
  m.bytes.reserve(size);
  for (size_t done = 0; done < size;) {
    if (job && !job->poll()) return job->interruptedError();
    size_t n = std::min<size_t>(size - done, size_t(4) << 20);
    m.bytes.insert(m.bytes.end(), bytes + done, bytes + done + n);
    done += n;
  }
  const uint8_t* base = m.bytes.data();

  if (size < 4) return makeError(ErrorKind::Malformed, size, "unexpected end (no magic header)");
  static const uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6D};
  if (std::memcmp(base, kMagic, 4) != 0) {
    return makeError(ErrorKind::Malformed, 0, "magic header not detected");
  }
  if (size < 8) return makeError(ErrorKind::Malformed, size, "unexpected end (no version)");
  uint32_t version = uint32_t(base[4]) | uint32_t(base[5]) << 8 | uint32_t(base[6]) << 16 |
                     uint32_t(base[7]) << 24;
  if (version != 1) {
    if (version == 0x0001000d) {  // a layer-1 component
      return makeError(ErrorKind::Unsupported, 4, "component-model: components are not supported");
    }
    return makeError(ErrorKind::Malformed, 4, "unknown binary version 0x%x", version);
  }

  DecodeContext c(m, job);
  Reader r(base, 8, size);
  uint8_t lastRank = 0;
  uint8_t lastId = 0;
  while (!r.atEnd()) {
    if (job && !job->poll()) return job->interruptedError();
    size_t idOff = r.offset();
    uint8_t id = r.u8();
    if (id == kTag && r.peekU8() != 0) {
      // (A tag section of size 0, without even a count, is malformed under any proposal.)
      return makeError(ErrorKind::Unsupported, idOff,
                       "exception-handling: the tag section (id 13) is not supported");
    }
    if (id > kDataCount) {  // includes an empty tag section
      return makeError(ErrorKind::Malformed, idOff, "malformed section id %u", id);
    }
    size_t sizeOff = r.offset();
    uint32_t secSize = r.u32();
    if (!r.ok()) return r.takeError();
    if (secSize > r.remaining()) {
      return makeError(ErrorKind::Malformed, sizeOff,
                       "length out of bounds: %s section of %u bytes, %zu remain", sectionName(id),
                       secSize, r.remaining());
    }
    size_t begin = r.offset(), end = begin + secSize;
    Reader sr(base, begin, end);
    if (id == kCustom) {
      WASM_TRY(decodeCustomSection(sr, m, job));
    } else {
      uint8_t rank = sectionRank(id);
      if (rank <= lastRank) {
        if (id == lastId) {
          return makeError(ErrorKind::Malformed, idOff,
                           "unexpected content after last section (duplicate %s section)",
                           sectionName(id));
        }
        return makeError(ErrorKind::Malformed, idOff,
                         "unexpected content after last section (%s section after %s section)",
                         sectionName(id), sectionName(lastId));
      }
      lastRank = rank;
      lastId = id;
      if (id == kCode) m.codeSectionSize = secSize;
      decodeSection(id, sr, c);
      if (!sr.ok()) {
        Error e = sr.takeError();
        refineUnexpectedEnd(&e);
        return e;
      }
      if (!sr.atEnd()) {
        return makeError(ErrorKind::Malformed, sr.offset(),
                         "section size mismatch: %s section has %zu bytes left over",
                         sectionName(id), sr.remaining());
      }
    }
    r.seek(end);
  }

  if (!c.sawCodeSection && m.numDefinedFuncs() != 0 && mode != DecodeMode::WithoutCode) {
    return makeError(ErrorKind::Malformed, size,
                     "function and code section have inconsistent lengths (%u functions, no code "
                     "section)",
                     m.numDefinedFuncs());
  }
  if (m.hasDataCount && !c.sawDataSection && m.dataCount != 0) {
    return makeError(ErrorKind::Malformed, size,
                     "data count and data section have inconsistent lengths (%u and no data "
                     "section)",
                     m.dataCount);
  }
  if (job && !job->poll()) return job->interruptedError();
  computeDeclaredFuncRefs(m);

  if (c.hasDeferred) {
    // Malformed function bodies take priority over the validation error we noticed.
    WASM_TRY(scanFunctionBodies(m, 0, job));
    return std::move(c.deferred);
  }
  return module;
}

}  // namespace wasm
