// Engine zone. WebAssembly types and runtime values, as seen by the embedder.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace wasm {

enum class ValType : uint8_t {
  I32 = 0x7F,
  I64 = 0x7E,
  F32 = 0x7D,
  F64 = 0x7C,
  V128 = 0x7B,  // decoded only to be rejected: SIMD is not supported
  FuncRef = 0x70,
  ExternRef = 0x6F,
};

const char* valTypeName(ValType t);
inline bool isRef(ValType t) { return t == ValType::FuncRef || t == ValType::ExternRef; }
inline bool isFloat(ValType t) { return t == ValType::F32 || t == ValType::F64; }
inline bool isNumOrRef(uint8_t b) {
  return b == 0x7F || b == 0x7E || b == 0x7D || b == 0x7C || b == 0x70 || b == 0x6F;
}

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType& o) const { return params == o.params && results == o.results; }
  bool operator!=(const FuncType& o) const { return !(*this == o); }
  // "(i32, i32) -> i32"
  std::string toString() const;
};

struct Limits {
  uint64_t min = 0;
  uint64_t max = 0;
  bool hasMax = false;
};

struct TableType {
  ValType elem = ValType::FuncRef;
  Limits limits;
};

struct MemoryType {
  Limits limits;  // in 64 KiB pages
};

struct GlobalType {
  ValType type = ValType::I32;
  bool mut = false;
};

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };
const char* externKindName(ExternKind k);

inline constexpr uint64_t kPageSize = 65536;
inline constexpr uint32_t kMaxPages = 65536;  // 4 GiB of 32-bit address space

// A runtime value. References: a funcref is an engine FuncRef pointer, an externref is an
// opaque non-zero host word; 0 is null for both.
struct Value {
  ValType type = ValType::I32;
  uint64_t bits = 0;

  static Value i32(uint32_t v) { return {ValType::I32, v}; }
  static Value i64(uint64_t v) { return {ValType::I64, v}; }
  static Value f32(float v) {
    uint32_t b;
    std::memcpy(&b, &v, 4);
    return {ValType::F32, b};
  }
  static Value f64(double v) {
    uint64_t b;
    std::memcpy(&b, &v, 8);
    return {ValType::F64, b};
  }
  static Value f32Bits(uint32_t b) { return {ValType::F32, b}; }
  static Value f64Bits(uint64_t b) { return {ValType::F64, b}; }
  static Value ref(ValType t, uint64_t r) { return {t, r}; }

  uint32_t asU32() const { return uint32_t(bits); }
  int32_t asI32() const { return int32_t(uint32_t(bits)); }
  uint64_t asU64() const { return bits; }
  int64_t asI64() const { return int64_t(bits); }
  float asF32() const {
    float f;
    uint32_t b = uint32_t(bits);
    std::memcpy(&f, &b, 4);
    return f;
  }
  double asF64() const {
    double d;
    std::memcpy(&d, &bits, 8);
    return d;
  }
  bool isNull() const { return bits == 0; }
  // Text for people: "i32:42", "f64:1.5", "funcref:null".
  std::string toString() const;
};

enum class TrapKind : uint8_t {
#define TRAP(name, text) name,
#include "wasm/traps.def"
#undef TRAP
};
const char* trapMessage(TrapKind k);
const char* trapName(TrapKind k);

}  // namespace wasm
