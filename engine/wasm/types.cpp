// Engine zone. Names and text forms of types and values.
#include <cinttypes>
#include <cstdio>

#include "wasm/module.h"
#include "wasm/types.h"

namespace wasm {

const char* valTypeName(ValType t) {
  switch (t) {
    case ValType::I32: return "i32";
    case ValType::I64: return "i64";
    case ValType::F32: return "f32";
    case ValType::F64: return "f64";
    case ValType::V128: return "v128";
    case ValType::FuncRef: return "funcref";
    case ValType::ExternRef: return "externref";
  }
  return "?";
}

const char* externKindName(ExternKind k) {
  switch (k) {
    case ExternKind::Func: return "function";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
  }
  return "?";
}

std::string FuncType::toString() const {
  std::string s = "(";
  for (size_t i = 0; i < params.size(); i++) {
    if (i) s += ", ";
    s += valTypeName(params[i]);
  }
  s += ") -> ";
  if (results.size() == 1) return s + valTypeName(results[0]);
  s += "(";
  for (size_t i = 0; i < results.size(); i++) {
    if (i) s += ", ";
    s += valTypeName(results[i]);
  }
  return s + ")";
}

std::string Value::toString() const {
  char buf[64];
  switch (type) {
    case ValType::I32: snprintf(buf, sizeof buf, "i32:%" PRId32, asI32()); break;
    case ValType::I64: snprintf(buf, sizeof buf, "i64:%" PRId64, asI64()); break;
    case ValType::F32: snprintf(buf, sizeof buf, "f32:%.9g", double(asF32())); break;
    case ValType::F64: snprintf(buf, sizeof buf, "f64:%.17g", asF64()); break;
    case ValType::V128: snprintf(buf, sizeof buf, "v128"); break;
    case ValType::FuncRef:
    case ValType::ExternRef:
      if (bits == 0) snprintf(buf, sizeof buf, "%s:null", valTypeName(type));
      else snprintf(buf, sizeof buf, "%s:0x%" PRIx64, valTypeName(type), bits);
      break;
  }
  return buf;
}

const char* trapMessage(TrapKind k) {
  switch (k) {
#define TRAP(name, text) case TrapKind::name: return text;
#include "wasm/traps.def"
#undef TRAP
  }
  return "unknown trap";
}

const char* trapName(TrapKind k) {
  switch (k) {
#define TRAP(name, text) case TrapKind::name: return #name;
#include "wasm/traps.def"
#undef TRAP
  }
  return "Unknown";
}

std::string_view ModuleInfo::funcName(uint32_t funcIndex) const {
  size_t lo = 0, hi = funcNames.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (funcNames[mid].index < funcIndex) lo = mid + 1;
    else hi = mid;
  }
  if (lo < funcNames.size() && funcNames[lo].index == funcIndex)
    return std::string_view(reinterpret_cast<const char*>(bytes.data()) + funcNames[lo].offset, funcNames[lo].size);
  return std::string_view();
}

}  // namespace wasm
