// Engine zone. Comparisons and select. A comparison looks ahead: followed by br_if, if
// or select (possibly through i32.eqz), it becomes the flags of a fused compare-and-
// branch or cmov instead of a 0/1 value.
#include "compiler/x64/func_compiler.h"

namespace wasm::x64 {

namespace {
inline ax::Gp gp(uint8_t r, bool wide) { return wide ? ax::Gp(ax::gpq(r)) : ax::Gp(ax::gpd(r)); }
inline bool wideType(ValType t) { return t != ValType::I32 && t != ValType::F32; }
}  // namespace

PreparedCmp FuncCompiler::prepareCompare(Op op) {
  PreparedCmp pc;
  Val rhs = pop();
  Val lhs = pop();
  bool isFloatCmp = isFloat(lhs.type);
  pc.wide = wideType(lhs.type);
  if (isFloatCmp) {
    pc.kind = PreparedCmp::FloatCmp;
    // a < b  <=>  b > a: put the larger-side operand first so the test is "above".
    bool swap = false;
    switch (op) {
      case Op::F32Eq: case Op::F64Eq: pc.cond.kind = Cond::FloatEq; break;
      case Op::F32Ne: case Op::F64Ne: pc.cond.kind = Cond::FloatNe; break;
      case Op::F32Lt: case Op::F64Lt: swap = true; pc.cond = {Cond::FloatCC, ax::CondCode::kA}; break;
      case Op::F32Gt: case Op::F64Gt: pc.cond = {Cond::FloatCC, ax::CondCode::kA}; break;
      case Op::F32Le: case Op::F64Le: swap = true; pc.cond = {Cond::FloatCC, ax::CondCode::kAE}; break;
      default: pc.cond = {Cond::FloatCC, ax::CondCode::kAE}; break;
    }
    if (swap) std::swap(lhs, rhs);
    uint8_t l = regOf(lhs, regsOf(rhs));
    pc.rhs = xmmOperand(rhs, bit(l));
    pc.lhs = ax::xmm(l - XMM0);
    pc.regs = bit(l) | regsOf(rhs);
    return pc;
  }
  ax::CondCode cc;
  switch (op) {
    case Op::I32Eq: case Op::I64Eq: cc = ax::CondCode::kE; break;
    case Op::I32Ne: case Op::I64Ne: cc = ax::CondCode::kNE; break;
    case Op::I32LtS: case Op::I64LtS: cc = ax::CondCode::kL; break;
    case Op::I32LtU: case Op::I64LtU: cc = ax::CondCode::kB; break;
    case Op::I32GtS: case Op::I64GtS: cc = ax::CondCode::kG; break;
    case Op::I32GtU: case Op::I64GtU: cc = ax::CondCode::kA; break;
    case Op::I32LeS: case Op::I64LeS: cc = ax::CondCode::kLE; break;
    case Op::I32LeU: case Op::I64LeU: cc = ax::CondCode::kBE; break;
    case Op::I32GeS: case Op::I64GeS: cc = ax::CondCode::kGE; break;
    default: cc = ax::CondCode::kAE; break;
  }
  if (lhs.loc == Loc::Const && rhs.loc != Loc::Const) {
    std::swap(lhs, rhs);
    cc = ax::reverseCond(cc);
  }
  pc.kind = PreparedCmp::IntCmp;
  pc.cond = {Cond::Int, cc};
  bool lhsInMem = lhs.loc == Loc::Slot || (lhs.loc == Loc::Local && locals_[lhs.idx].reg == kNoReg);
  bool rhsInMem = rhs.loc == Loc::Slot || (rhs.loc == Loc::Local && locals_[rhs.idx].reg == kNoReg);
  if (lhsInMem && !rhsInMem) {
    pc.lhs = gpOperand(lhs, 0);
    pc.rhs = gpOperand(rhs, 0);  // register or immediate
  } else {
    uint8_t l = regOf(lhs, regsOf(rhs));
    pc.lhs = gp(l, pc.wide);
    pc.rhs = gpOperand(rhs, bit(l));
    if (pc.rhs.isImm() && pc.rhs.as<asmjit::Imm>().value() == 0 &&
        (cc == ax::CondCode::kE || cc == ax::CondCode::kNE)) {
      pc.kind = PreparedCmp::IntTest;
    }
  }
  pc.regs = regsOf(lhs) | regsOf(rhs);
  return pc;
}

void FuncCompiler::compare(Op op) {
  PreparedCmp pc = prepareCompare(op);
  consumeCompare(pc);
}

void FuncCompiler::eqz(Op op) {
  (void)op;
  PreparedCmp pc = prepareTruthTest();
  pc.cond = pc.cond.negated();  // "is zero"
  consumeCompare(pc);
}

void FuncCompiler::refIsNull() {
  PreparedCmp pc = prepareTruthTest();
  pc.cond = pc.cond.negated();
  consumeCompare(pc);
}

void FuncCompiler::consumeCompare(PreparedCmp& pc) {
  for (;;) {
    if (r_.remaining() == 0) break;
    uint8_t next = *r_.cursor();
    if (next == 0x45) {  // i32.eqz: negate and look further
      r_.u8();
      if (fuel_) pendingFuel_ += 1;
      pc.cond = pc.cond.negated();
      continue;
    }
    if (next == 0x0D) {  // br_if
      r_.u8();
      uint32_t depth = r_.u32();
      if (fuel_) pendingFuel_ += 1;
      brIf(depth, &pc);
      return;
    }
    if (next == 0x04) {  // if
      r_.u8();
      int64_t bt = r_.s33();
      if (fuel_) pendingFuel_ += 1;
      beginBlock(Op::If, bt, &pc);
      return;
    }
    if (next == 0x1B) {  // select
      r_.u8();
      if (fuel_) pendingFuel_ += 1;
      selectValues(pc);
      return;
    }
    break;
  }
  // Materialize 0/1. The destination is zeroed before the compare (xor clobbers flags),
  // so it must not be one of the compare's operands.
  uint8_t dst = resultReg(ValType::I32, nullptr, pc.regs);
  a_.xor_(ax::gpd(dst), ax::gpd(dst));
  emitCmp(pc);
  ax::GpbLo d8 = ax::gpb(dst);
  switch (pc.cond.kind) {
    case Cond::Int:
    case Cond::FloatCC: a_.set(pc.cond.cc, d8); break;
    case Cond::FloatEq:
      a_.sete(d8);
      a_.setnp(ax::r11b);
      a_.and_(d8, ax::r11b);
      break;
    case Cond::FloatNe:
      a_.setne(d8);
      a_.setp(ax::r11b);
      a_.or_(d8, ax::r11b);
      break;
  }
  pushResult(ValType::I32, dst);
}

void FuncCompiler::select(bool typed) {
  (void)typed;
  PreparedCmp pc = prepareTruthTest();
  selectValues(pc);
}

void FuncCompiler::selectValues(PreparedCmp& pc) {
  Val b = pop();
  Val a = pop();
  ValType t = a.type;
  RegSet avoid = pc.regs | regsOf(b);
  if (isFloat(t)) {
    uint8_t dst = resultReg(t, &a, avoid);
    loadInto(dst, a);
    asmjit::Operand bOp = xmmOperand(b, pc.regs | bit(dst));
    emitCmp(pc);
    Label skip = a_.makeLabel();
    jumpIf(pc.cond, skip);
    if (bOp.isReg()) a_.movaps(ax::xmm(dst - XMM0), bOp.as<ax::Xmm>());
    else if (t == ValType::F64) a_.movsd(ax::xmm(dst - XMM0), bOp.as<ax::Mem>());
    else a_.movss(ax::xmm(dst - XMM0), bOp.as<ax::Mem>());
    a_.bind(skip);
    pushResult(t, dst);
    return;
  }
  bool wide = wideType(t);
  uint8_t dst = resultReg(t, &a, avoid);
  loadInto(dst, a);
  asmjit::Operand bOp = gpOperand(b, pc.regs | bit(dst), false);
  emitCmp(pc);
  ax::Gp d = gp(dst, wide);
  switch (pc.cond.kind) {
    case Cond::Int:
    case Cond::FloatCC: a_.emit(ax::Inst::cmovccFromCond(ax::negateCond(pc.cond.cc)), d, bOp); break;
    case Cond::FloatEq:
      // false when not equal or unordered
      a_.emit(ax::Inst::kIdCmovne, d, bOp);
      a_.emit(ax::Inst::kIdCmovp, d, bOp);
      break;
    case Cond::FloatNe: {
      Label skip = a_.makeLabel();
      jumpIf(pc.cond, skip);
      a_.emit(ax::Inst::kIdMov, d, bOp);
      a_.bind(skip);
      break;
    }
  }
  pushResult(t, dst);
}

}  // namespace wasm::x64
