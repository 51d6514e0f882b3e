// Engine zone. Conversions: wrap/extend, reinterpret, demote/promote, int -> float
// (with the unsigned 64-bit rounding trick) and float -> int, trapping and saturating.
// cvtt* returns the "integer indefinite" value (INT_MIN) for NaN and out-of-range inputs;
// the fast path tests for it and a deferred slow path sorts out the cases.
#include <cstring>

#include "compiler/x64/func_compiler.h"

namespace wasm::x64 {

namespace {
inline ax::Gp gp(uint8_t r, bool wide) { return wide ? ax::Gp(ax::gpq(r)) : ax::Gp(ax::gpd(r)); }
inline ax::Xmm xr(uint8_t r) { return ax::xmm(r - XMM0); }
uint64_t bitsOf(double d) {
  uint64_t b;
  std::memcpy(&b, &d, 8);
  return b;
}
uint32_t bitsOf(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}
}  // namespace

void FuncCompiler::conversion(Op op) {
  switch (op) {
    case Op::I32WrapI64: {
      Val v = pop();
      asmjit::Operand src = gpOperand(v, 0, false);
      if (src.isReg()) src = ax::gpd(src.as<ax::Gp>().id());
      else src.as<ax::Mem>().setSize(4);
      uint8_t dst = resultReg(ValType::I32, &v, 0);
      a_.emit(ax::Inst::kIdMov, ax::gpd(dst), src);
      pushResult(ValType::I32, dst);
      return;
    }
    case Op::I64ExtendI32S: {
      Val v = pop();
      asmjit::Operand src = gpOperand(v, 0, false);
      uint8_t dst = resultReg(ValType::I64, &v, 0);
      a_.emit(ax::Inst::kIdMovsxd, ax::gpq(dst), src);
      pushResult(ValType::I64, dst);
      return;
    }
    case Op::I64ExtendI32U: {
      Val v = pop();
      if (v.loc == Loc::Reg && peekFusableSet(ValType::I64) < 0) {
        push(Val::inReg(ValType::I64, v.reg));  // already zero-extended
        return;
      }
      if (v.loc == Loc::Const) {
        push(Val::konst(ValType::I64, uint32_t(v.imm)));
        return;
      }
      asmjit::Operand src = gpOperand(v, 0, false);
      uint8_t dst = resultReg(ValType::I64, &v, 0);
      a_.emit(ax::Inst::kIdMov, ax::gpd(dst), src);
      pushResult(ValType::I64, dst);
      return;
    }
    case Op::I32ReinterpretF32:
    case Op::I64ReinterpretF64: {
      bool wide = op == Op::I64ReinterpretF64;
      ValType t = wide ? ValType::I64 : ValType::I32;
      Val v = pop();
      if (v.loc == Loc::Const) {
        push(Val::konst(t, v.imm));
        return;
      }
      asmjit::Operand src = xmmOperand(v, 0);
      uint8_t dst = resultReg(t, nullptr, 0);
      if (src.isMem()) a_.mov(gp(dst, wide), src.as<ax::Mem>());
      else if (wide) a_.movq(ax::gpq(dst), src.as<ax::Xmm>());
      else a_.movd(ax::gpd(dst), src.as<ax::Xmm>());
      pushResult(t, dst);
      return;
    }
    case Op::F32ReinterpretI32:
    case Op::F64ReinterpretI64: {
      bool wide = op == Op::F64ReinterpretI64;
      ValType t = wide ? ValType::F64 : ValType::F32;
      Val v = pop();
      if (v.loc == Loc::Const) {
        push(Val::konst(t, v.imm));
        return;
      }
      asmjit::Operand src = gpOperand(v, 0, false);
      uint8_t dst = resultReg(t, nullptr, 0);
      if (src.isMem()) {
        if (wide) a_.movsd(xr(dst), src.as<ax::Mem>());
        else a_.movss(xr(dst), src.as<ax::Mem>());
      } else if (wide) {
        a_.movq(xr(dst), src.as<ax::Gp>());
      } else {
        a_.movd(xr(dst), src.as<ax::Gp>());
      }
      pushResult(t, dst);
      return;
    }
    case Op::F32DemoteF64:
    case Op::F64PromoteF32: {
      bool toF64 = op == Op::F64PromoteF32;
      ValType t = toF64 ? ValType::F64 : ValType::F32;
      Val v = pop();
      asmjit::Operand src = xmmOperand(v, 0);
      uint8_t dst = resultReg(t, &v, 0);
      a_.emit(toF64 ? ax::Inst::kIdCvtss2sd : ax::Inst::kIdCvtsd2ss, xr(dst), src);
      pushResult(t, dst);
      return;
    }
    case Op::F32ConvertI32S: case Op::F32ConvertI32U: case Op::F32ConvertI64S:
    case Op::F32ConvertI64U: case Op::F64ConvertI32S: case Op::F64ConvertI32U:
    case Op::F64ConvertI64S: case Op::F64ConvertI64U:
      convertToFloat(op);
      return;
    case Op::I32TruncF32S: case Op::I32TruncF32U: case Op::I32TruncF64S: case Op::I32TruncF64U:
    case Op::I64TruncF32S: case Op::I64TruncF32U: case Op::I64TruncF64S: case Op::I64TruncF64U:
      truncToInt(op, false);
      return;
    case Op::I32TruncSatF32S: case Op::I32TruncSatF32U: case Op::I32TruncSatF64S:
    case Op::I32TruncSatF64U: case Op::I64TruncSatF32S: case Op::I64TruncSatF32U:
    case Op::I64TruncSatF64S: case Op::I64TruncSatF64U:
      truncToInt(op, true);
      return;
    default:
      abort();  // every opcode is dispatched somewhere; validated input cannot get here
  }
}

void FuncCompiler::convertToFloat(Op op) {
  bool toF64 = op == Op::F64ConvertI32S || op == Op::F64ConvertI32U || op == Op::F64ConvertI64S ||
               op == Op::F64ConvertI64U;
  bool srcWide = op == Op::F32ConvertI64S || op == Op::F32ConvertI64U || op == Op::F64ConvertI64S ||
                 op == Op::F64ConvertI64U;
  bool isUnsigned = op == Op::F32ConvertI32U || op == Op::F32ConvertI64U || op == Op::F64ConvertI32U ||
                    op == Op::F64ConvertI64U;
  ValType t = toF64 ? ValType::F64 : ValType::F32;
  asmjit::InstId cvt = toF64 ? ax::Inst::kIdCvtsi2sd : ax::Inst::kIdCvtsi2ss;
  Val v = pop();
  // u32 is zero-extended in its register: convert it as a signed 64-bit value.
  uint8_t src = regOf(v, 0);
  uint8_t dst = resultReg(t, nullptr, 0);
  ax::Xmm d = xr(dst);
  a_.xorps(d, d);  // break the dependency on dst's old value
  if (!(srcWide && isUnsigned)) {
    a_.emit(cvt, d, gp(src, srcWide || isUnsigned));
    pushResult(t, dst);
    return;
  }
  // u64: values with the top bit set are halved (keeping the low bit for rounding),
  // converted, and doubled.
  Label big = a_.makeLabel(), done = a_.makeLabel();
  a_.test(ax::gpq(src), ax::gpq(src));
  a_.js(big);
  a_.emit(cvt, d, ax::gpq(src));
  a_.bind(done);
  defer(big, [this, src, d, cvt, toF64, done] {
    // Halve with a sticky low bit so that the final rounding is still correct.
    Label even = a_.makeLabel();
    a_.mov(ax::r11, ax::gpq(src));
    a_.shr(ax::r11, 1);
    a_.jnc(even);
    a_.or_(ax::r11, 1);
    a_.bind(even);
    a_.emit(cvt, d, ax::r11);
    if (toF64) a_.addsd(d, d);
    else a_.addss(d, d);
    a_.jmp(done);
  });
  pushResult(t, dst);
}

void FuncCompiler::truncToInt(Op op, bool sat) {
  bool dstWide, srcF64, isUnsigned;
  switch (op) {
    case Op::I32TruncF32S: case Op::I32TruncSatF32S: dstWide = false; srcF64 = false; isUnsigned = false; break;
    case Op::I32TruncF32U: case Op::I32TruncSatF32U: dstWide = false; srcF64 = false; isUnsigned = true; break;
    case Op::I32TruncF64S: case Op::I32TruncSatF64S: dstWide = false; srcF64 = true; isUnsigned = false; break;
    case Op::I32TruncF64U: case Op::I32TruncSatF64U: dstWide = false; srcF64 = true; isUnsigned = true; break;
    case Op::I64TruncF32S: case Op::I64TruncSatF32S: dstWide = true; srcF64 = false; isUnsigned = false; break;
    case Op::I64TruncF32U: case Op::I64TruncSatF32U: dstWide = true; srcF64 = false; isUnsigned = true; break;
    case Op::I64TruncF64S: case Op::I64TruncSatF64S: dstWide = true; srcF64 = true; isUnsigned = false; break;
    default: dstWide = true; srcF64 = true; isUnsigned = true; break;
  }
  ValType t = dstWide ? ValType::I64 : ValType::I32;
  asmjit::InstId cvtt = srcF64 ? ax::Inst::kIdCvttsd2si : ax::Inst::kIdCvttss2si;
  asmjit::InstId ucomi = srcF64 ? ax::Inst::kIdUcomisd : ax::Inst::kIdUcomiss;
  Val v = pop();
  uint8_t s = regOf(v, 0);
  ax::Xmm x = xr(s);
  uint8_t dst = resultReg(t, nullptr, 0);
  ax::Gp d64 = ax::gpq(dst);
  ax::Gp d = gp(dst, dstWide);
  Label slow = a_.makeLabel(), done = a_.makeLabel();
  Label invalid = sat ? Label() : trapLabel(TrapKind::InvalidConversion);
  Label overflow = sat ? Label() : trapLabel(TrapKind::IntegerOverflow);
  // Loads a float constant into xmm15 (through r11, leaving the flags alone).
  auto constToScratch = [this, srcF64](double value) {
    if (srcF64) a_.mov(ax::r11, bitsOf(value));
    else a_.mov(ax::r11d, bitsOf(float(value)));
    if (srcF64) a_.movq(ax::xmm15, ax::r11);
    else a_.movd(ax::xmm15, ax::r11d);
  };

  if (!isUnsigned) {
    // Signed: cvtt gives INT_MIN for NaN and overflow; INT_MIN is also a legitimate result.
    a_.emit(cvtt, d, x);
    a_.cmp(d, 1);
    a_.jo(slow);
    a_.bind(done);
    double lowest = dstWide ? -9223372036854775808.0 : -2147483648.0;
    defer(slow, [=, this] {
      a_.emit(ucomi, x, x);
      if (sat) {
        Label notNan = a_.makeLabel();
        a_.jnp(notNan);
        a_.xor_(d, d);
        a_.jmp(done);
        a_.bind(notNan);
        // Negative overflow keeps INT_MIN; positive overflow saturates to INT_MAX.
        a_.xorps(ax::xmm15, ax::xmm15);
        a_.emit(ucomi, x, ax::xmm15);
        a_.jb(done);
        if (dstWide) a_.mov(d64, int64_t(INT64_MAX));
        else a_.mov(ax::gpd(dst), uint32_t(INT32_MAX));
        a_.jmp(done);
      } else {
        a_.jp(invalid);
        // INT_MIN is right only for x in (lowest - 1, lowest]; in f32 (and f64 -> i64)
        // that interval holds just `lowest` itself.
        if (!dstWide && srcF64) {
          constToScratch(lowest - 1.0);
          a_.emit(ucomi, x, ax::xmm15);
          a_.jbe(overflow);
          constToScratch(lowest);
          a_.emit(ucomi, x, ax::xmm15);
          a_.ja(overflow);
        } else {
          constToScratch(lowest);
          a_.emit(ucomi, x, ax::xmm15);
          a_.jne(overflow);
        }
        a_.jmp(done);
      }
    });
    pushResult(t, dst);
    return;
  }

  if (!dstWide) {
    // Unsigned 32: convert as signed 64; valid results fit in 32 bits.
    a_.emit(cvtt, d64, x);
    a_.mov(ax::r11, d64);
    a_.shr(ax::r11, 32);
    a_.jnz(slow);
    a_.bind(done);
    defer(slow, [=, this] {
      a_.emit(ucomi, x, x);
      if (sat) {
        Label notNan = a_.makeLabel();
        a_.jnp(notNan);
        a_.xor_(d64, d64);
        a_.jmp(done);
        a_.bind(notNan);
        a_.xorps(ax::xmm15, ax::xmm15);
        a_.emit(ucomi, x, ax::xmm15);
        Label positive = a_.makeLabel();
        a_.ja(positive);
        a_.xor_(d64, d64);
        a_.jmp(done);
        a_.bind(positive);
        a_.mov(ax::gpd(dst), 0xFFFFFFFFu);
        a_.jmp(done);
      } else {
        a_.jp(invalid);
        a_.jmp(overflow);
      }
    });
    pushResult(t, dst);
    return;
  }

  // Unsigned 64: below 2^63 convert directly; from 2^63 convert x - 2^63 and set bit 63.
  Label big = a_.makeLabel();
  constToScratch(9223372036854775808.0);
  a_.emit(ucomi, x, ax::xmm15);
  a_.jae(big);
  a_.emit(cvtt, d64, x);
  a_.test(d64, d64);
  a_.js(slow);  // NaN or x <= -1
  a_.bind(done);
  defer(big, [=, this] {
    constToScratch(-9223372036854775808.0);
    a_.emit(srcF64 ? ax::Inst::kIdAddsd : ax::Inst::kIdAddss, ax::xmm15, x);  // exact
    a_.emit(cvtt, d64, ax::xmm15);
    a_.test(d64, d64);
    if (sat) {
      Label fits = a_.makeLabel();
      a_.jns(fits);
      a_.mov(d64, int64_t(-1));
      a_.jmp(done);
      a_.bind(fits);
    } else {
      a_.js(overflow);
    }
    a_.bts(d64, 63);
    a_.jmp(done);
  });
  defer(slow, [=, this] {
    if (sat) {
      a_.xor_(d64, d64);  // NaN and negative values both saturate to 0
      a_.jmp(done);
    } else {
      a_.emit(ucomi, x, x);
      a_.jp(invalid);
      a_.jmp(overflow);
    }
  });
  pushResult(t, dst);
}

}  // namespace wasm::x64
