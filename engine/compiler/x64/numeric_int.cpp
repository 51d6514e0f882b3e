// Engine zone. Integer arithmetic: add/sub/mul/logic (with immediate and memory operands,
// lea for three-address adds), shifts and rotates (BMI2 when present), division with
// its traps (by a constant: shifts, or a multiplication by its magic number), bit
// counting and sign extension.
#include "compiler/div_magic.h"
#include "compiler/x64/func_compiler.h"

namespace wasm::x64 {

namespace {
inline ax::Gp gp(uint8_t r, bool wide) { return wide ? ax::Gp(ax::gpq(r)) : ax::Gp(ax::gpd(r)); }
inline bool isWideIntOp(Op op) { return opInfo(op).sig == Sig::l_ll || opInfo(op).sig == Sig::l_l; }
}  // namespace

void FuncCompiler::intBinary(Op op) {
  bool wide = isWideIntOp(op);
  ValType t = wide ? ValType::I64 : ValType::I32;
  Val rhs = pop();
  Val lhs = pop();
  bool commutative = op != Op::I32Sub && op != Op::I64Sub;
  if (commutative && ((lhs.loc == Loc::Const && rhs.loc != Loc::Const) ||
                      (lhs.loc != Loc::Reg && rhs.loc == Loc::Reg))) {
    std::swap(lhs, rhs);
  }
  asmjit::InstId id;
  Alu alu = Alu::Add;
  switch (op) {
    case Op::I32Add: case Op::I64Add: id = ax::Inst::kIdAdd; alu = Alu::Add; break;
    case Op::I32Sub: case Op::I64Sub: id = ax::Inst::kIdSub; alu = Alu::Sub; break;
    case Op::I32Mul: case Op::I64Mul: id = ax::Inst::kIdImul; break;
    case Op::I32And: case Op::I64And: id = ax::Inst::kIdAnd; alu = Alu::And; break;
    case Op::I32Or: case Op::I64Or: id = ax::Inst::kIdOr; alu = Alu::Or; break;
    default: id = ax::Inst::kIdXor; alu = Alu::Xor; break;
  }
  // The operation itself: dst = dst op rhs.
  auto emitOp = [&](uint8_t dst, const asmjit::Operand& rhs) {
    if (id == ax::Inst::kIdImul) a_.emit(ax::Inst::kIdImul, gp(dst, wide), rhs);
    else a_.alu(alu, wide, dst, rhs);
  };
  asmjit::Operand rhsOp = gpOperand(rhs, regsOf(lhs));
  RegSet avoid = regsOf(rhs);
  uint8_t lhsReg = kNoReg;
  if (lhs.loc == Loc::Reg) lhsReg = lhs.reg;
  else if (lhs.loc == Loc::Local && locals_[lhs.idx].reg != kNoReg) lhsReg = locals_[lhs.idx].reg;

  // Three-address forms that leave lhs untouched.
  if (id == ax::Inst::kIdImul && rhsOp.isImm() && lhs.loc != Loc::Const) {
    asmjit::Operand lhsOp = gpOperand(lhs, avoid);
    uint8_t dst = resultReg(t, &lhs, 0);
    a_.emit(ax::Inst::kIdImul, gp(dst, wide), lhsOp, rhsOp);
    pushResult(t, dst);
    return;
  }
  if ((id == ax::Inst::kIdAdd || (id == ax::Inst::kIdSub && rhsOp.isImm())) && lhsReg != kNoReg &&
      lhs.loc != Loc::Reg && !(rhsOp.isMem())) {
    uint8_t dst = resultReg(t, &lhs, avoid);
    if (dst != lhsReg) {
      ax::Gp base = ax::gpq(lhsReg);
      ax::Mem m;
      if (rhsOp.isImm()) {
        int64_t imm = rhsOp.as<asmjit::Imm>().value();
        if (id == ax::Inst::kIdSub) imm = -imm;
        if (imm == int64_t(int32_t(imm))) m = ax::ptr(base, int32_t(imm));
      } else {
        m = ax::ptr(base, ax::gpq(rhsOp.as<ax::Gp>().id()));
      }
      if (!m.hasBase() && rhsOp.isImm()) {
        loadInto(dst, lhs);
        emitOp(dst, rhsOp);
      } else {
        a_.leaOf(wide, dst, m);
      }
      pushResult(t, dst);
      return;
    }
    loadInto(dst, lhs);
    emitOp(dst, rhsOp);
    pushResult(t, dst);
    return;
  }
  uint8_t dst = resultReg(t, &lhs, avoid);
  if (lhsReg != dst) loadInto(dst, lhs);
  emitOp(dst, rhsOp);
  pushResult(t, dst);
}

void FuncCompiler::intShift(Op op) {
  bool wide = isWideIntOp(op);
  ValType t = wide ? ValType::I64 : ValType::I32;
  unsigned mask = wide ? 63 : 31;
  Val rhs = pop();
  Val lhs = pop();
  asmjit::InstId id;
  switch (op) {
    case Op::I32Shl: case Op::I64Shl: id = ax::Inst::kIdShl; break;
    case Op::I32ShrS: case Op::I64ShrS: id = ax::Inst::kIdSar; break;
    case Op::I32ShrU: case Op::I64ShrU: id = ax::Inst::kIdShr; break;
    case Op::I32Rotl: case Op::I64Rotl: id = ax::Inst::kIdRol; break;
    default: id = ax::Inst::kIdRor; break;
  }
  if (rhs.loc == Loc::Const) {
    unsigned k = unsigned(rhs.imm) & mask;
    if (mc_.cpu.bmi2 && (id == ax::Inst::kIdRol || id == ax::Inst::kIdRor) && k != 0) {
      // rorx: three-address rotate, reads lhs from register or memory.
      asmjit::Operand src = gpOperand(lhs, 0, false);
      uint8_t dst = resultReg(t, &lhs, 0);
      unsigned r = id == ax::Inst::kIdRor ? k : (mask + 1 - k);
      a_.emit(ax::Inst::kIdRorx, gp(dst, wide), src, asmjit::Imm(r));
      pushResult(t, dst);
      return;
    }
    uint8_t dst = resultReg(t, &lhs, 0);
    loadInto(dst, lhs);
    if (k != 0) a_.emit(id, gp(dst, wide), asmjit::Imm(k));
    pushResult(t, dst);
    return;
  }
  if (mc_.cpu.bmi2 && id != ax::Inst::kIdRol && id != ax::Inst::kIdRor) {
    uint8_t cnt = regOf(rhs, regsOf(lhs));
    asmjit::Operand src = gpOperand(lhs, bit(cnt), false);
    uint8_t dst = resultReg(t, &lhs, 0);
    asmjit::InstId x = id == ax::Inst::kIdShl ? ax::Inst::kIdShlx
                   : id == ax::Inst::kIdSar ? ax::Inst::kIdSarx
                                            : ax::Inst::kIdShrx;
    a_.emit(x, gp(dst, wide), src, gp(cnt, wide));
    pushResult(t, dst);
    return;
  }
  // The count must be in cl.
  RegSet pinned = regsOf(lhs) | regsOf(rhs);
  evict(RCX, pinned);
  if (lhs.loc == Loc::Reg && lhs.reg == RCX) {
    uint8_t r2 = allocReg(false, bit(RCX) | pinned);
    moveReg(r2, RCX, t);
    lhs.reg = r2;
  }
  loadInto(RCX, rhs);
  uint8_t dst = resultReg(t, &lhs, bit(RCX));
  loadInto(dst, lhs);
  a_.emit(id, gp(dst, wide), ax::cl);
  pushResult(t, dst);
}

void FuncCompiler::intDivRem(Op op) {
  bool wide = isWideIntOp(op);
  ValType t = wide ? ValType::I64 : ValType::I32;
  bool isSigned = op == Op::I32DivS || op == Op::I64DivS || op == Op::I32RemS || op == Op::I64RemS;
  bool isRem = op == Op::I32RemS || op == Op::I64RemS || op == Op::I32RemU || op == Op::I64RemU;
  Val rhs = pop();
  Val lhs = pop();
  RegSet pinned = regsOf(lhs) | regsOf(rhs);
  evict(RAX, pinned | bit(RDX));
  evict(RDX, pinned | bit(RAX));
  RegSet fixed = bit(RAX) | bit(RDX);
  // Divisor: a register other than rax/rdx, or memory.
  bool constDivisor = rhs.loc == Loc::Const;
  int64_t divisor = wide ? int64_t(rhs.imm) : int64_t(int32_t(uint32_t(rhs.imm)));
  if (constDivisor && divisor != 0 && !(isSigned && divisor == -1)) {
    // Neither trap can happen: no idiv.
    intDivRemByConst(wide, isSigned, isRem, lhs, wide ? rhs.imm : uint64_t(uint32_t(rhs.imm)));
    return;
  }
  asmjit::Operand d;
  if (rhs.loc == Loc::Const || (rhs.loc == Loc::Reg && (fixed & bit(rhs.reg)))) {
    uint8_t r = allocReg(false, fixed | regsOf(lhs) | regsOf(rhs));
    loadInto(r, rhs);
    rhs = Val::inReg(t, r);
    d = gp(r, wide);
  } else {
    d = gpOperand(rhs, 0, false);
  }
  loadInto(RAX, lhs);
  if (!constDivisor) {
    if (d.isMem()) a_.emit(ax::Inst::kIdCmp, d, asmjit::Imm(0));
    else a_.emit(ax::Inst::kIdTest, d, d);
    a_.jz(trapLabel(TrapKind::IntegerDivideByZero));
  } else if (divisor == 0) {
    a_.jmp(trapLabel(TrapKind::IntegerDivideByZero));
  }
  Label done = a_.makeLabel();
  if (isSigned && (!constDivisor || divisor == -1)) {
    Label normal = a_.makeLabel();
    if (!constDivisor) {
      a_.emit(ax::Inst::kIdCmp, d, asmjit::Imm(-1));
      a_.jne(normal);
    }
    if (isRem) {
      a_.mov(ax::edx, 0);  // x rem -1 == 0 (and idiv would fault on INT_MIN)
      a_.jmp(done);
    } else {
      if (wide) {
        a_.mov(ax::r11, int64_t(INT64_MIN));
        a_.cmp(ax::rax, ax::r11);
      } else {
        a_.cmp(ax::eax, int32_t(INT32_MIN));
      }
      a_.je(trapLabel(TrapKind::IntegerOverflow));
    }
    a_.bind(normal);
  }
  if (isSigned) {
    if (wide) a_.cqo();
    else a_.cdq();
    a_.emit(ax::Inst::kIdIdiv, d);
  } else {
    a_.mov(ax::edx, 0);
    a_.emit(ax::Inst::kIdDiv, d);
  }
  a_.bind(done);
  uint8_t res = isRem ? RDX : RAX;
  Val rv = Val::inReg(t, res);
  uint8_t dst = resultReg(t, &rv, 0);
  moveReg(dst, res, t);
  pushResult(t, dst);
}

// n / d and n % d (Wasm: truncating) for a constant d other than 0 (and -1 when signed),
// so no trap is possible. Powers of two are shifts; others a multiply-high by d's magic
// number (div_magic.h), with rax and rdx as its scratch.
void FuncCompiler::intDivRemByConst(bool wide, bool isSigned, bool isRem, Val lhs, uint64_t d) {
  ValType t = wide ? ValType::I64 : ValType::I32;
  const unsigned N = wide ? 64 : 32;
  const uint64_t ones = wide ? ~uint64_t(0) : 0xFFFFFFFFull;
  ax::Gp rax = gp(RAX, wide), rdx = gp(RDX, wide), r11 = gp(kScratch, wide);
  uint8_t nr = allocReg(false, bit(RAX) | bit(RDX) | regsOf(lhs));
  loadInto(nr, lhs);
  ax::Gp n = gp(nr, wide);
  // dst = src * d (the wrapped product), dst a register.
  auto mulByD = [&](const ax::Gp& dst) {
    int64_t sd = wide ? int64_t(d) : int64_t(int32_t(uint32_t(d)));
    if (sd >= INT32_MIN && sd <= INT32_MAX) {
      a_.imul(dst, dst, int32_t(sd));
    } else {
      a_.mov(ax::r11, d);
      a_.imul(dst, r11);
    }
  };
  // out = n - q * d (q is clobbered).
  auto remainderOf = [&](const ax::Gp& q, const ax::Gp& out) {
    mulByD(q);
    a_.mov(out, n);
    a_.sub(out, q);
  };
  // dst &= mask (an and with a register where the mask is no sign-extended imm32).
  auto andMask = [&](const ax::Gp& dst, uint64_t mask) {
    int64_t sm = wide ? int64_t(mask) : int64_t(int32_t(uint32_t(mask)));
    if (sm >= INT32_MIN && sm <= INT32_MAX) {
      a_.and_(dst, int32_t(sm));
    } else {
      a_.mov(ax::r11, mask);
      a_.and_(dst, r11);
    }
  };
  uint8_t res;  // rax or rdx
  bool dNeg = isSigned && ((d >> (N - 1)) & 1);
  uint64_t ad = dNeg ? (uint64_t(0) - d) & ones : d;  // |d| (2^(N-1) for INT_MIN)
  if (ad == 1) {  // d == 1 (d == -1 is not here)
    if (isRem) a_.xor_(ax::eax, ax::eax);
    else a_.mov(rax, n);
    res = RAX;
  } else if ((ad & (ad - 1)) == 0) {
    unsigned k = unsigned(__builtin_ctzll(ad));
    if (!isSigned) {
      a_.mov(rax, n);
      if (isRem) andMask(rax, ad - 1);
      else a_.shr(rax, k);
    } else {
      // Round toward zero: add 2^k - 1 to a negative n before the shift.
      a_.mov(rax, n);
      a_.sar(rax, N - 1);
      a_.shr(rax, N - k);
      a_.add(rax, n);
      if (isRem) {
        andMask(rax, (uint64_t(0) - ad) & ones);
        a_.mov(rdx, n);
        a_.sub(rdx, rax);
        a_.mov(rax, rdx);  // n - ((n + bias) & -2^k); the sign of d does not matter
      } else {
        a_.sar(rax, k);
        if (dNeg) a_.neg(rax);
      }
    }
    res = RAX;
  } else if (!isSigned) {
    UnsignedMagic<uint64_t> m64{};
    UnsignedMagic<uint32_t> m32{};
    unsigned l;
    if (wide) {
      m64 = unsignedMagic<uint64_t>(d);
      l = m64.l;
      a_.mov(ax::rax, m64.m);
      a_.mul(n);  // rdx = mulhi(m, n)
    } else {
      m32 = unsignedMagic<uint32_t>(uint32_t(d));
      l = m32.l;
      a_.mov(ax::eax, n);  // zero-extended
      a_.mov(ax::edx, m32.m);
      a_.imul(ax::rax, ax::rdx);
      a_.shr(ax::rax, 32);
      a_.mov(ax::edx, ax::eax);  // rdx = mulhi(m, n)
    }
    a_.mov(rax, n);
    a_.sub(rax, rdx);
    a_.shr(rax, 1);
    a_.add(rax, rdx);
    if (l > 1) a_.shr(rax, l - 1);  // rax = q
    res = RAX;
    if (isRem) {
      remainderOf(rax, rdx);
      res = RDX;
    }
  } else {
    uint64_t m;
    unsigned s;
    if (wide) {
      SignedMagic<uint64_t> g = signedMagic<uint64_t>(d);
      m = g.m;
      s = g.s;
      a_.mov(ax::rax, m);
    } else {
      SignedMagic<uint32_t> g = signedMagic<uint32_t>(uint32_t(d));
      m = g.m;
      s = g.s;
      a_.mov(ax::eax, uint32_t(m));
    }
    a_.imul(n);  // rdx = mulhi_signed(m, n)
    bool mNeg = (m >> (N - 1)) & 1;
    if (!dNeg && mNeg) a_.add(rdx, n);
    if (dNeg && !mNeg) a_.sub(rdx, n);
    if (s) a_.sar(rdx, s);
    a_.mov(rax, rdx);
    a_.shr(rax, N - 1);
    a_.add(rdx, rax);  // rdx = q
    res = RDX;
    if (isRem) {
      remainderOf(rdx, rax);
      res = RAX;
    }
  }
  Val rv = Val::inReg(t, res);
  uint8_t dst = resultReg(t, &rv, 0);
  moveReg(dst, res, t);
  pushResult(t, dst);
}

void FuncCompiler::intUnary(Op op) {
  bool wide = isWideIntOp(op);
  ValType t = wide ? ValType::I64 : ValType::I32;
  Val v = pop();
  switch (op) {
    case Op::I32Clz: case Op::I64Clz: {
      asmjit::Operand src = gpOperand(v, 0, false);
      uint8_t dst = resultReg(t, &v, 0);
      if (mc_.cpu.lzcnt) {
        a_.emit(ax::Inst::kIdLzcnt, gp(dst, wide), src);
      } else {
        a_.emit(ax::Inst::kIdBsr, gp(dst, wide), src);
        a_.mov(ax::r11d, wide ? 127 : 63);
        a_.cmovz(gp(dst, wide), gp(kScratch, wide));
        a_.xor_(gp(dst, wide), wide ? 63 : 31);
      }
      pushResult(t, dst);
      return;
    }
    case Op::I32Ctz: case Op::I64Ctz: {
      asmjit::Operand src = gpOperand(v, 0, false);
      uint8_t dst = resultReg(t, &v, 0);
      if (mc_.cpu.bmi1) {
        a_.emit(ax::Inst::kIdTzcnt, gp(dst, wide), src);
      } else {
        a_.emit(ax::Inst::kIdBsf, gp(dst, wide), src);
        a_.mov(ax::r11d, wide ? 64 : 32);
        a_.cmovz(gp(dst, wide), gp(kScratch, wide));
      }
      pushResult(t, dst);
      return;
    }
    case Op::I32Popcnt: case Op::I64Popcnt: {
      asmjit::Operand src = gpOperand(v, 0, false);
      uint8_t dst = resultReg(t, &v, 0);
      a_.emit(ax::Inst::kIdPopcnt, gp(dst, wide), src);
      pushResult(t, dst);
      return;
    }
    default: break;
  }
  // Sign extensions: read the low bits of the operand (register or slot, little endian).
  uint32_t bits = op == Op::I32Extend8S || op == Op::I64Extend8S ? 8
                  : op == Op::I32Extend16S || op == Op::I64Extend16S ? 16
                                                                     : 32;
  asmjit::Operand src;
  if (v.loc == Loc::Const) {
    uint8_t r = ownedRegOf(v, 0);
    src = ax::gpq(r);
  } else {
    src = gpOperand(v, 0, false);
  }
  if (src.isReg()) {
    uint8_t r = uint8_t(src.as<ax::Gp>().id());
    src = bits == 8 ? asmjit::Operand(ax::gpb(r)) : bits == 16 ? asmjit::Operand(ax::gpw(r)) : asmjit::Operand(ax::gpd(r));
  } else {
    ax::Mem m = src.as<ax::Mem>();
    m.setSize(bits / 8);
    src = m;
  }
  uint8_t dst = resultReg(t, &v, 0);
  if (bits == 32) a_.emit(ax::Inst::kIdMovsxd, gp(dst, true), src);
  else a_.emit(ax::Inst::kIdMovsx, gp(dst, wide), src);
  pushResult(t, dst);
}

}  // namespace wasm::x64
