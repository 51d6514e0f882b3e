// Spec harness. Matching engine results against expected values.
#include "spec_value.h"

#include <cinttypes>
#include <cstdio>

namespace spec {
namespace {

using wasm::ValType;

bool isCanonicalNan(ValType t, uint64_t bits) {
  if (t == ValType::F32) return (bits & 0x7fffffffu) == 0x7fc00000u;
  return (bits & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
}

// A NaN whose quiet bit (the payload's top bit) is set.
bool isArithmeticNan(ValType t, uint64_t bits) {
  if (t == ValType::F32) return (bits & 0x7fc00000u) == 0x7fc00000u;
  return (bits & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
}

std::string describeBits(ValType t, uint64_t bits) {
  char buf[96];
  switch (t) {
    case ValType::I32:
      snprintf(buf, sizeof buf, "i32:%" PRIu32 " (%" PRId32 ")", uint32_t(bits), int32_t(uint32_t(bits)));
      break;
    case ValType::I64:
      snprintf(buf, sizeof buf, "i64:%" PRIu64 " (%" PRId64 ")", bits, int64_t(bits));
      break;
    case ValType::F32:
      snprintf(buf, sizeof buf, "f32:%.9g (0x%08" PRIx32 ")", double(wasm::Value::f32Bits(uint32_t(bits)).asF32()),
               uint32_t(bits));
      break;
    case ValType::F64:
      snprintf(buf, sizeof buf, "f64:%.17g (0x%016" PRIx64 ")", wasm::Value::f64Bits(bits).asF64(), bits);
      break;
    case ValType::V128: snprintf(buf, sizeof buf, "v128"); break;
    case ValType::FuncRef:
      if (bits == 0) snprintf(buf, sizeof buf, "funcref:null");
      else snprintf(buf, sizeof buf, "funcref:0x%" PRIx64, bits);
      break;
    case ValType::ExternRef:
      // Shown as the script's number N (the engine carries N + 1).
      if (bits == 0) snprintf(buf, sizeof buf, "externref:null");
      else snprintf(buf, sizeof buf, "externref:%" PRIu64, bits - 1);
      break;
  }
  return buf;
}

}  // namespace

wasm::Value toEngineValue(const SpecValue& v) { return wasm::Value{v.type, v.bits}; }

bool matches(const SpecValue& expected, const wasm::Value& actual) {
  if (expected.type != actual.type) return false;
  uint64_t bits = actual.bits;
  switch (expected.type) {
    case ValType::I32:
    case ValType::F32: bits &= 0xffffffffu; break;
    default: break;
  }
  switch (expected.kind) {
    case SpecValue::Kind::Bits: return bits == expected.bits;
    case SpecValue::Kind::CanonicalNan: return isFloat(expected.type) && isCanonicalNan(expected.type, bits);
    case SpecValue::Kind::ArithmeticNan: return isFloat(expected.type) && isArithmeticNan(expected.type, bits);
    case SpecValue::Kind::NonNullRef: return bits != 0;
    case SpecValue::Kind::AnyValue: return true;
    case SpecValue::Kind::Lanes: return false;
  }
  return false;
}

std::string describe(const SpecValue& v) {
  const char* type = wasm::valTypeName(v.type);
  switch (v.kind) {
    case SpecValue::Kind::Bits: return describeBits(v.type, v.bits);
    case SpecValue::Kind::CanonicalNan: return std::string(type) + ":nan:canonical";
    case SpecValue::Kind::ArithmeticNan: return std::string(type) + ":nan:arithmetic";
    case SpecValue::Kind::NonNullRef: return std::string(type) + ":non-null";
    case SpecValue::Kind::AnyValue: return std::string(type) + ":any";
    case SpecValue::Kind::Lanes: return "v128";
  }
  return "?";
}

std::string describe(const wasm::Value& v) { return describeBits(v.type, v.bits); }

}  // namespace spec
