// Engine zone. Registers and the internal calling convention of generated x86-64 code.
//
// Pinned:  rsp; r15 = VMContext*; r14 = linear memory base; r13 = fuel (fuel-metered
//          code only); r11 and xmm15 = code generator scratch, never allocated.
// Calls between Wasm functions (our convention, not SysV):
//   params:  integer-class (i32/i64/ref) in rdi, rsi, rdx, rcx, r8, r9; float-class in
//            xmm0..xmm7; the rest in 8-byte stack slots at [rsp + 8k] at the call
//            (k counts overflowing params in order).
//   results: result 0 in rax (integer) or xmm0 (float); result i >= 1 in stack slot i-1
//            of the same area (the caller sizes it for max(params, results)).
//   rax:     at calls through a FuncRef, the caller's VMContext* (host stubs use it).
//   callee-saved: rbx, rbp, r12, r13 (unless fuel), and the low 64 bits of xmm8..xmm14.
//   r14/r15: preserved by direct calls; calls through a FuncRef may change them, so the
//            caller reloads both afterwards.
//   rsp is 16-byte aligned at every call instruction.
#pragma once

#include <cstdint>

namespace wasm::x64 {

// Register numbers: 0..15 general purpose (asmjit ids), 16..31 xmm0..xmm15.
enum : uint8_t {
  RAX = 0, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15,
  XMM0 = 16, XMM1, XMM2, XMM3, XMM4, XMM5, XMM6, XMM7,
  XMM8, XMM9, XMM10, XMM11, XMM12, XMM13, XMM14, XMM15,
};
inline constexpr uint8_t kNoReg = 0xFF;

using RegSet = uint32_t;
inline constexpr RegSet bit(uint8_t r) { return RegSet(1) << r; }
inline constexpr bool isXmm(uint8_t r) { return r >= XMM0 && r != kNoReg; }

inline constexpr uint8_t kVmctx = R15;
inline constexpr uint8_t kMemBase = R14;
inline constexpr uint8_t kFuel = R13;
inline constexpr uint8_t kScratch = R11;
inline constexpr uint8_t kScratchXmm = XMM15;

inline constexpr uint8_t kIntArgRegs[6] = {RDI, RSI, RDX, RCX, R8, R9};
inline constexpr uint8_t kFloatArgRegs[8] = {XMM0, XMM1, XMM2, XMM3, XMM4, XMM5, XMM6, XMM7};
inline constexpr uint32_t kNumIntArgRegs = 6;
inline constexpr uint32_t kNumFloatArgRegs = 8;
inline constexpr uint8_t kIntResultReg = RAX;
inline constexpr uint8_t kFloatResultReg = XMM0;

inline constexpr RegSet kCallerSavedGp =
    bit(RAX) | bit(RCX) | bit(RDX) | bit(RSI) | bit(RDI) | bit(R8) | bit(R9) | bit(R10);
inline constexpr RegSet kCalleeSavedGp = bit(RBX) | bit(RBP) | bit(R12) | bit(R13);
inline constexpr RegSet kCallerSavedXmm = 0xFFu << XMM0;                  // xmm0..7
inline constexpr RegSet kCalleeSavedXmm = 0x7Fu << XMM8;                  // xmm8..14

// SysV (runtime helpers): what a C call clobbers of the registers we allocate.
inline constexpr RegSet kSysvClobbered = kCallerSavedGp | kCallerSavedXmm | kCalleeSavedXmm;

// Where a value of the given class goes in a signature: register or stack slot.
struct ArgLoc {
  uint8_t reg;     // kNoReg when on the stack
  uint32_t slot;   // stack slot index when reg == kNoReg
};

}  // namespace wasm::x64
