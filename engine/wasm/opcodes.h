// Engine zone. Opcode enumeration and per-opcode facts, generated from opcodes.def.
#pragma once

#include <cstddef>
#include <cstdint>

namespace wasm {

enum class Op : uint16_t {
#define OP(name, prefix, code, text, imm, sig, fuel) name,
#include "wasm/opcodes.def"
#undef OP
  Count,
  Invalid = 0xFFFF,
};

// How an instruction's immediates are encoded.
enum class Imm : uint8_t {
  None, BlockType, Label, LabelTable, Func, CallIndirect, SelectT, Local, Global, Table,
  MemArg, MemIndex, I32, I64, F32, F64, HeapType, MemoryInit, Data, MemoryCopy, TableInit,
  Elem, TableCopy,
};

// Operand/result shape of simple instructions: result_operands (i=i32 l=i64 f=f32 d=f64).
enum class Sig : uint8_t {
  Special,
  i_i, i_ii, i_l, i_ll, i_f, i_ff, i_d, i_dd,
  l_i, l_l, l_ll, l_f, l_d,
  f_i, f_l, f_f, f_ff, f_d,
  d_i, d_l, d_f, d_d, d_dd,
  v_ii, v_il, v_if, v_id,
};

struct OpInfo {
  const char* name;
  Imm imm;
  Sig sig;
  uint8_t fuel;
  uint8_t prefix;
  uint8_t code;
};

extern const OpInfo kOpInfo[size_t(Op::Count)];
inline const OpInfo& opInfo(Op op) { return kOpInfo[size_t(op)]; }

// Single-byte opcode -> Op, Invalid where the byte is not an instruction we implement.
extern const Op kOneByteOps[256];
// 0xFC-prefixed sub-opcode -> Op.
inline constexpr uint32_t kNumFcOps = 18;
extern const Op kFcOps[kNumFcOps];

// For a byte (or prefix) that is not an instruction of WebAssembly 2.0 without SIMD, the
// name of the proposal it belongs to ("simd", "threads", ...), or nullptr if none.
const char* featureOfOpcode(uint8_t byte);

}  // namespace wasm
