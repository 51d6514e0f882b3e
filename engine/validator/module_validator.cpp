// Engine zone. Module-level validation (WebAssembly 2.0 without SIMD): imports, function
// declarations, limits, constant expressions, segments, start function and exports.
#include <algorithm>
#include <string_view>

#include "decoder/expr_scanner.h"
#include "base/job.h"
#include "validator/validator.h"

namespace wasm {

namespace {
uint64_t offsetIn(const std::vector<uint32_t>& offsets, size_t i) {
  return i < offsets.size() ? offsets[i] : kNoOffset;
}

Status checkLimits(const Limits& l, bool isMemory, uint64_t off) {
  if (isMemory) {
    if (l.min > kMaxPages || (l.hasMax && l.max > kMaxPages)) {
      return makeError(ErrorKind::Invalid, off, "memory size must be at most 65536 pages (4GiB)");
    }
  } else if (l.min > UINT32_MAX || (l.hasMax && l.max > UINT32_MAX)) {
    return makeError(ErrorKind::Invalid, off, "table size must be at most 2^32-1");
  } else if (l.min > limits::kMaxTableSize) {
    return makeError(ErrorKind::Limit, off, "table of %llu elements exceeds the limit of %u",
                     (unsigned long long)l.min, limits::kMaxTableSize);
  }
  if (l.hasMax && l.min > l.max) {
    return makeError(ErrorKind::Invalid, off,
                     "size minimum must not be greater than maximum (%llu > %llu)",
                     (unsigned long long)l.min, (unsigned long long)l.max);
  }
  return okStatus();
}

// Type-checks a constant expression against `expected`. global.get may name only the
// first `visibleGlobals` globals (for global initializers: the imported ones), and only
// immutable ones.
Status checkConstExpr(const ModuleInfo& m, const ConstExpr& e, ValType expected,
                      uint32_t visibleGlobals) {
  ValType t = e.type;
  switch (e.kind) {
    case ConstExpr::Kind::I32:
    case ConstExpr::Kind::I64:
    case ConstExpr::Kind::F32:
    case ConstExpr::Kind::F64:
    case ConstExpr::Kind::RefNull: break;
    case ConstExpr::Kind::RefFunc:
      if (e.index >= m.funcs.size()) {
        return makeError(ErrorKind::Invalid, e.offset, "unknown function %u", e.index);
      }
      t = ValType::FuncRef;
      break;
    case ConstExpr::Kind::GlobalGet:
      if (e.index >= visibleGlobals || e.index >= m.globals.size()) {
        return makeError(ErrorKind::Invalid, e.offset, "unknown global %u", e.index);
      }
      if (m.globals[e.index].type.mut) {
        return makeError(ErrorKind::Invalid, e.offset,
                         "constant expression required (global %u is mutable)", e.index);
      }
      t = m.globals[e.index].type.type;
      break;
  }
  if (t != expected) {
    return makeError(ErrorKind::Invalid, e.offset,
                     "type mismatch: constant expression has type %s, expected %s", valTypeName(t),
                     valTypeName(expected));
  }
  return okStatus();
}

Status checkFuncType(const ModuleInfo& m, uint32_t typeIndex, uint64_t off) {
  if (typeIndex >= m.types.size())
    return makeError(ErrorKind::Invalid, off, "unknown type %u", typeIndex);
  return okStatus();
}

Status checkExports(const ModuleInfo& m) {
  for (const Export& e : m.exports) {
    size_t count = 0;
    switch (e.kind) {
      case ExternKind::Func: count = m.funcs.size(); break;
      case ExternKind::Table: count = m.tables.size(); break;
      case ExternKind::Memory: count = m.memories.size(); break;
      case ExternKind::Global: count = m.globals.size(); break;
    }
    if (e.index >= count) {
      return makeError(ErrorKind::Invalid, e.byteOffset, "unknown %s %u", externKindName(e.kind),
                       e.index);
    }
  }
  if (m.exports.size() < 2) return okStatus();
  std::vector<uint32_t> order(m.exports.size());
  for (uint32_t i = 0; i < order.size(); i++) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    int c = m.exports[a].name.compare(m.exports[b].name);
    return c != 0 ? c < 0 : a < b;
  });
  // Report the earliest export whose name was already used.
  uint32_t dup = UINT32_MAX;
  for (size_t i = 1; i < order.size(); i++) {
    if (m.exports[order[i]].name == m.exports[order[i - 1]].name) dup = std::min(dup, order[i]);
  }
  if (dup != UINT32_MAX) {
    return makeError(ErrorKind::Invalid, m.exports[dup].byteOffset, "duplicate export name \"%s\"",
                     m.exports[dup].name.c_str());
  }
  return okStatus();
}

Status validateModuleImpl(const ModuleInfo& m, Job* job) {
  for (const Import& imp : m.imports) {
    switch (imp.kind) {
      case ExternKind::Func: WASM_TRY(checkFuncType(m, imp.funcType, imp.byteOffset)); break;
      case ExternKind::Table: WASM_TRY(checkLimits(imp.table.limits, false, imp.byteOffset)); break;
      case ExternKind::Memory:
        WASM_TRY(checkLimits(imp.memory.limits, true, imp.byteOffset));
        break;
      case ExternKind::Global: break;
    }
  }
  for (size_t i = m.numImportedFuncs; i < m.funcs.size(); i++) {
    WASM_TRY(checkFuncType(m, m.funcs[i], offsetIn(m.funcOffsets, i)));
  }
  for (size_t i = m.numImportedTables; i < m.tables.size(); i++) {
    WASM_TRY(checkLimits(m.tables[i].limits, false, offsetIn(m.tableOffsets, i)));
  }
  for (size_t i = m.numImportedMemories; i < m.memories.size(); i++) {
    WASM_TRY(checkLimits(m.memories[i].limits, true, offsetIn(m.memoryOffsets, i)));
  }
  if (m.memories.size() > 1) {
    return makeError(ErrorKind::Invalid, offsetIn(m.memoryOffsets, 1), "multiple memories");
  }
  // In WebAssembly 2.0 every constant expression sees only the imported globals.
  const uint32_t visibleGlobals = m.numImportedGlobals;
  for (size_t i = m.numImportedGlobals; i < m.globals.size(); i++) {
    const GlobalDef& g = m.globals[i];
    WASM_TRY(checkConstExpr(m, g.init, g.type.type, visibleGlobals));
  }
  for (const ElemSegment& seg : m.elems) {
    for (size_t i = 0; i < seg.items.size(); i++) {
      if ((i & 4095) == 0 && job && !job->poll()) return job->interruptedError();
      WASM_TRY(checkConstExpr(m, seg.items[i], seg.type, visibleGlobals));
    }
    if (seg.mode != SegmentMode::Active) continue;
    if (seg.table >= m.tables.size()) {
      return makeError(ErrorKind::Invalid, seg.byteOffset, "unknown table %u", seg.table);
    }
    WASM_TRY(checkConstExpr(m, seg.offset, ValType::I32, visibleGlobals));
    if (m.tables[seg.table].elem != seg.type) {
      return makeError(ErrorKind::Invalid, seg.byteOffset,
                       "type mismatch: %s segment for a table of %s", valTypeName(seg.type),
                       valTypeName(m.tables[seg.table].elem));
    }
  }
  for (const DataSegment& seg : m.datas) {
    if (seg.mode != SegmentMode::Active) continue;
    if (seg.memory >= m.memories.size()) {
      return makeError(ErrorKind::Invalid, seg.byteOffset, "unknown memory %u", seg.memory);
    }
    WASM_TRY(checkConstExpr(m, seg.offset, ValType::I32, visibleGlobals));
  }
  if (m.hasStart) {
    if (m.start >= m.funcs.size()) {
      return makeError(ErrorKind::Invalid, m.startOffset, "unknown function %u", m.start);
    }
    const FuncType& t = m.funcType(m.start);
    if (!t.params.empty() || !t.results.empty()) {
      return makeError(ErrorKind::Invalid, m.startOffset,
                       "start function must have type [] -> [], not %s", t.toString().c_str());
    }
  }
  WASM_TRY(checkExports(m));
  if (m.bodies.size() != m.numDefinedFuncs()) {
    return makeError(ErrorKind::Invalid, kNoOffset,
                     "function and code section have inconsistent lengths");
  }
  return okStatus();
}
}  // namespace

Status validateModule(const ModuleInfo& m, Job* job) {
  Status s = validateModuleImpl(m, job);
  if (!s.ok() && s.error().kind == ErrorKind::Invalid && m.bodies.size() == m.numDefinedFuncs()) {
    // As in the spec, where the whole module is decoded before it is validated, a
    // malformed function body takes priority over a validation error.
    WASM_TRY(scanFunctionBodies(m, 0, job));
  }
  return s;
}

Status validateAll(const ModuleInfo& m, Job* job) {
  Job own(m.bytes.size());
  if (!job) job = &own;
  WASM_TRY(validateModule(m, job));
  for (uint32_t i = 0; i < m.bodies.size(); i++) WASM_TRY(validateFunction(m, i, nullptr, job));
  return okStatus();
}

}  // namespace wasm
