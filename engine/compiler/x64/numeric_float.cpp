// Engine zone. Floating-point arithmetic on SSE scalars: add/sub/mul/div, min/max with
// Wasm's NaN and signed-zero rules, copysign/abs/neg through sign masks, rounding
// (SSE4.1 roundss/roundsd) and sqrt.
#include "compiler/x64/func_compiler.h"

namespace wasm::x64 {

namespace {
inline ax::Xmm xr(uint8_t r) { return ax::xmm(r - XMM0); }
inline bool isF64Op(Op op) {
  Sig s = opInfo(op).sig;
  return s == Sig::d_d || s == Sig::d_dd;
}
}  // namespace

void FuncCompiler::floatBinary(Op op) {
  bool wide = isF64Op(op);
  ValType t = wide ? ValType::F64 : ValType::F32;
  Val rhs = pop();
  Val lhs = pop();
  if (op == Op::F32Copysign || op == Op::F64Copysign) {
    loadInto(kScratchXmm, rhs);
    uint8_t dst = resultReg(t, &lhs, 0);
    loadInto(dst, lhs);
    a_.andps(ax::xmm15, mc_.constMem(wide ? ConstId::F64Sign : ConstId::F32Sign));
    a_.andps(xr(dst), mc_.constMem(wide ? ConstId::F64Abs : ConstId::F32Abs));
    a_.orps(xr(dst), ax::xmm15);
    pushResult(t, dst);
    return;
  }
  bool commutative = op == Op::F32Add || op == Op::F64Add || op == Op::F32Mul || op == Op::F64Mul;
  if (commutative && lhs.loc != Loc::Reg && rhs.loc == Loc::Reg) std::swap(lhs, rhs);
  asmjit::InstId id;
  switch (op) {
    case Op::F32Add: id = ax::Inst::kIdAddss; break;
    case Op::F64Add: id = ax::Inst::kIdAddsd; break;
    case Op::F32Sub: id = ax::Inst::kIdSubss; break;
    case Op::F64Sub: id = ax::Inst::kIdSubsd; break;
    case Op::F32Mul: id = ax::Inst::kIdMulss; break;
    case Op::F64Mul: id = ax::Inst::kIdMulsd; break;
    case Op::F32Div: id = ax::Inst::kIdDivss; break;
    default: id = ax::Inst::kIdDivsd; break;
  }
  asmjit::Operand rhsOp = xmmOperand(rhs, regsOf(lhs));
  uint8_t dst = resultReg(t, &lhs, regsOf(rhs));
  loadInto(dst, lhs);
  a_.emit(id, xr(dst), rhsOp);
  pushResult(t, dst);
}

void FuncCompiler::floatMinMax(Op op) {
  bool wide = op == Op::F64Min || op == Op::F64Max;
  bool isMin = op == Op::F32Min || op == Op::F64Min;
  ValType t = wide ? ValType::F64 : ValType::F32;
  Val rhs = pop();
  Val lhs = pop();
  uint8_t b = regOf(rhs, regsOf(lhs));
  uint8_t dst = resultReg(t, &lhs, bit(b));
  loadInto(dst, lhs);
  ax::Xmm d = xr(dst), s = xr(b);
  Label nan = a_.makeLabel(), notEqual = a_.makeLabel(), done = a_.makeLabel();
  if (wide) a_.ucomisd(d, s);
  else a_.ucomiss(d, s);
  a_.jp(nan);
  a_.jne(notEqual);
  // Equal: only the signs of zeros can differ. min: -0 wins (or); max: +0 wins (and).
  if (isMin) a_.orps(d, s);
  else a_.andps(d, s);
  a_.jmp(done);
  a_.bind(nan);
  // Either operand is NaN: the sum is a (quiet) NaN.
  if (wide) a_.addsd(d, s);
  else a_.addss(d, s);
  a_.jmp(done);
  a_.bind(notEqual);
  if (isMin) {
    if (wide) a_.minsd(d, s);
    else a_.minss(d, s);
  } else {
    if (wide) a_.maxsd(d, s);
    else a_.maxss(d, s);
  }
  a_.bind(done);
  pushResult(t, dst);
}

void FuncCompiler::floatUnary(Op op) {
  bool wide = isF64Op(op);
  ValType t = wide ? ValType::F64 : ValType::F32;
  Val v = pop();
  switch (op) {
    case Op::F32Abs: case Op::F64Abs: case Op::F32Neg: case Op::F64Neg: {
      uint8_t dst = resultReg(t, &v, 0);
      loadInto(dst, v);
      bool abs = op == Op::F32Abs || op == Op::F64Abs;
      ConstId c = abs ? (wide ? ConstId::F64Abs : ConstId::F32Abs) : (wide ? ConstId::F64Sign : ConstId::F32Sign);
      if (abs) a_.andps(xr(dst), mc_.constMem(c));
      else a_.xorps(xr(dst), mc_.constMem(c));
      pushResult(t, dst);
      return;
    }
    case Op::F32Sqrt: case Op::F64Sqrt: {
      asmjit::Operand src = xmmOperand(v, 0);
      uint8_t dst = resultReg(t, &v, 0);
      a_.emit(wide ? ax::Inst::kIdSqrtsd : ax::Inst::kIdSqrtss, xr(dst), src);
      pushResult(t, dst);
      return;
    }
    default: break;
  }
  // Rounding: roundss/roundsd with the mode in the immediate, precision exception masked.
  uint32_t mode;
  switch (op) {
    case Op::F32Nearest: case Op::F64Nearest: mode = 0; break;
    case Op::F32Floor: case Op::F64Floor: mode = 1; break;
    case Op::F32Ceil: case Op::F64Ceil: mode = 2; break;
    default: mode = 3; break;
  }
  asmjit::Operand src = xmmOperand(v, 0);
  uint8_t dst = resultReg(t, &v, 0);
  a_.emit(wide ? ax::Inst::kIdRoundsd : ax::Inst::kIdRoundss, xr(dst), src, asmjit::Imm(mode | 8));
  pushResult(t, dst);
}

}  // namespace wasm::x64
