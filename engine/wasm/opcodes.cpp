// Engine zone. Opcode tables generated from opcodes.def.
#include "wasm/opcodes.h"

namespace wasm {

const OpInfo kOpInfo[size_t(Op::Count)] = {
#define OP(name, prefix, code, text, imm, sig, fuel) {text, Imm::imm, Sig::sig, fuel, prefix, code},
#include "wasm/opcodes.def"
#undef OP
};

namespace {
struct OneByteTable {
  Op ops[256];
  constexpr OneByteTable() : ops() {
    for (auto& o : ops) o = Op::Invalid;
#define OP(name, prefix, code, text, imm, sig, fuel) \
  if (prefix == 0) ops[code] = Op::name;
#include "wasm/opcodes.def"
#undef OP
  }
};
struct FcTable {
  Op ops[kNumFcOps];
  constexpr FcTable() : ops() {
    for (auto& o : ops) o = Op::Invalid;
#define OP(name, prefix, code, text, imm, sig, fuel) \
  if (prefix == 0xFC) ops[code] = Op::name;
#include "wasm/opcodes.def"
#undef OP
  }
};
constexpr OneByteTable kOneByte;
constexpr FcTable kFc;
}  // namespace

const Op kOneByteOps[256] = {
#define X(i) kOneByte.ops[i]
#define X8(i) X(i), X(i + 1), X(i + 2), X(i + 3), X(i + 4), X(i + 5), X(i + 6), X(i + 7)
#define X64(i) X8(i), X8(i + 8), X8(i + 16), X8(i + 24), X8(i + 32), X8(i + 40), X8(i + 48), X8(i + 56)
    X64(0), X64(64), X64(128), X64(192)
#undef X64
#undef X8
#undef X
};

const Op kFcOps[kNumFcOps] = {
    kFc.ops[0],  kFc.ops[1],  kFc.ops[2],  kFc.ops[3],  kFc.ops[4],  kFc.ops[5],
    kFc.ops[6],  kFc.ops[7],  kFc.ops[8],  kFc.ops[9],  kFc.ops[10], kFc.ops[11],
    kFc.ops[12], kFc.ops[13], kFc.ops[14], kFc.ops[15], kFc.ops[16], kFc.ops[17],
};

const char* featureOfOpcode(uint8_t byte) {
  switch (byte) {
    case 0xFD: return "simd";
    case 0xFE: return "threads";
    case 0x06: case 0x07: case 0x08: case 0x09: case 0x18: case 0x19: case 0x0A:
      return "exception-handling";
    case 0x12: case 0x13: return "tail-call";
    case 0x14: case 0x15: case 0xD3: case 0xD4: case 0xD5: case 0xD6: return "function-references";
    case 0xFB: return "gc";
    default: return nullptr;
  }
}

}  // namespace wasm
