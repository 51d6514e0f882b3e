// Engine zone. SAFETY-CRITICAL (compile time and memory). The compile-time operand stack:
// where each value lives, register allocation of temporaries with spilling, and the moves
// between locations. No operation scans the stack: the entries that may be in a register
// or be a lazy local reference are listed in dirty_ (ascending heights; an entry spilled
// in place stays listed, stale, until the list is compacted, which costs no more than the
// spills that made the stale entries). At most kMaxLazyLocals entries are lazy locals and
// at most one per temporary register holds one, so each walk of the list is short.
#include <cstdlib>

#include "compiler/x64/func_compiler.h"

namespace wasm::x64 {

namespace {
inline RegSet classMask(bool xmm) { return xmm ? 0xFFFF0000u : 0x0000FFFFu; }
inline ax::Gp gp(uint8_t r, bool wide) { return wide ? ax::Gp(ax::gpq(r)) : ax::Gp(ax::gpd(r)); }
inline bool wideType(ValType t) { return t != ValType::I32 && t != ValType::F32; }
inline uint32_t sizeOf(ValType t) { return wideType(t) ? 8 : 4; }
inline bool fitsS32(uint64_t v) { return int64_t(v) == int64_t(int32_t(v)); }
}  // namespace


void FuncCompiler::dropTo(uint32_t height) {
  while (stack_.size() > height) (void)pop();
}

void FuncCompiler::spillEntry(uint32_t height) {
  Val& v = stack_[height];
  if (v.loc == Loc::Slot) return;
  storeTo(slotMem(height, sizeOf(v.type)), v);
  if (v.loc == Loc::Reg) freeRegs_ |= bit(v.reg);
  else if (v.loc == Loc::Local) {
    locals_[v.idx].refs--;
    lazyLocals_--;
  }
  if (dirtyLoc(v.loc)) staleDirty_++;
  v.loc = Loc::Slot;
  v.idx = height;
}

void FuncCompiler::compactDirty() {
  size_t k = 0;
  for (uint32_t h : dirty_)
    if (dirtyLoc(stack_[h].loc)) dirty_[k++] = h;
  dirty_.resize(k);
  staleDirty_ = 0;
}

void FuncCompiler::spillReg(uint8_t r) {
  for (uint32_t h : dirty_) {
    if (stack_[h].loc == Loc::Reg && stack_[h].reg == r) {
      spillEntry(h);
      return;
    }
  }
}

void FuncCompiler::spillForLabel(uint32_t constsFrom) {
  for (uint32_t h : dirty_) spillEntry(h);
  dirty_.clear();
  staleDirty_ = 0;
  for (uint32_t h = constsFrom; h < stack_.size(); h++)
    if (stack_[h].loc == Loc::Const) spillEntry(h);
}

void FuncCompiler::spillRegs(uint32_t keepTop) {
  uint32_t n = uint32_t(stack_.size()) - keepTop;
  for (uint32_t h : dirty_)
    if (h < n && stack_[h].loc == Loc::Reg) spillEntry(h);
}

uint8_t FuncCompiler::allocReg(bool xmm, RegSet avoid) {
  RegSet cand = freeRegs_ & classMask(xmm) & ~avoid;
  if (cand) return uint8_t(__builtin_ctz(cand));
  // Spill the oldest value held in a register of this class.
  for (uint32_t h : dirty_) {
    const Val& v = stack_[h];
    if (v.loc == Loc::Reg && isXmm(v.reg) == xmm && !(avoid & bit(v.reg))) {
      uint8_t r = v.reg;
      spillEntry(h);
      return r;
    }
  }
  // Unreachable for valid input: at most three operands are ever pinned.
  abort();
}

void FuncCompiler::evict(uint8_t r, RegSet avoid) {
  for (uint32_t h : dirty_) {
    Val& v = stack_[h];
    uint32_t i = h;
    if (v.loc == Loc::Reg && v.reg == r) {
      RegSet cand = freeRegs_ & classMask(isXmm(r)) & ~avoid & ~bit(r);
      if (cand) {
        uint8_t r2 = uint8_t(__builtin_ctz(cand));
        moveReg(r2, r, v.type);
        v.reg = r2;
        freeRegs_ &= ~bit(r2);
        freeRegs_ |= bit(r);
      } else {
        spillEntry(i);
      }
      return;
    }
  }
}

// A lazy local reference at height h becomes a register value (or, with no register
// free, a spilled one).
void FuncCompiler::materializeEntry(uint32_t h) {
  Val& v = stack_[h];
  RegSet cand = freeRegs_ & classMask(isFloat(v.type));
  if (cand) {
    uint8_t r = uint8_t(__builtin_ctz(cand));
    loadInto(r, v);
    locals_[v.idx].refs--;
    lazyLocals_--;
    v.loc = Loc::Reg;
    v.reg = r;
    freeRegs_ &= ~bit(r);
  } else {
    spillEntry(h);
  }
}

void FuncCompiler::materializeLocalRefs(uint32_t local) {
  if (locals_[local].refs == 0) return;
  for (size_t k = 0; k < dirty_.size() && locals_[local].refs; k++) {
    uint32_t h = dirty_[k];
    if (stack_[h].loc == Loc::Local && stack_[h].idx == local) materializeEntry(h);
  }
}

void FuncCompiler::pushLocalRef(ValType t, uint32_t i) {
  if (lazyLocals_ >= kMaxLazyLocals) {
    for (uint32_t h : dirty_) {
      if (stack_[h].loc == Loc::Local) {
        materializeEntry(h);
        break;
      }
    }
  }
  push(Val::local(t, i));
}

void FuncCompiler::moveReg(uint8_t dst, uint8_t src, ValType t) {
  if (dst == src) return;
  if (isFloat(t)) a_.movaps(ax::xmm(dst - XMM0), ax::xmm(src - XMM0));
  else a_.movRR(true, dst, src);
}

void FuncCompiler::loadInto(uint8_t dst, const Val& v) {
  bool wide = wideType(v.type);
  if (isFloat(v.type)) {
    ax::Xmm x = ax::xmm(dst - XMM0);
    switch (v.loc) {
      case Loc::Reg: moveReg(dst, v.reg, v.type); return;
      case Loc::Local:
        if (locals_[v.idx].reg != kNoReg) {
          moveReg(dst, locals_[v.idx].reg, v.type);
          return;
        }
        if (wide) a_.movsd(x, localMem(v.idx, 8));
        else a_.movss(x, localMem(v.idx, 4));
        return;
      case Loc::Slot:
        if (wide) a_.movsd(x, slotMem(v.idx, 8));
        else a_.movss(x, slotMem(v.idx, 4));
        return;
      case Loc::Const:
        if (v.imm == 0) {
          a_.xorps(x, x);  // SSE logic does not touch EFLAGS
        } else if (wide) {
          a_.mov(ax::r11, v.imm);
          a_.movq(x, ax::r11);
        } else {
          a_.mov(ax::r11d, uint32_t(v.imm));
          a_.movd(x, ax::r11d);
        }
        return;
    }
    return;
  }
  switch (v.loc) {
    case Loc::Reg: moveReg(dst, v.reg, v.type); return;
    case Loc::Local:
      if (locals_[v.idx].reg != kNoReg) {
        moveReg(dst, locals_[v.idx].reg, v.type);
        return;
      }
      a_.load(wide, dst, localMem(v.idx, wide ? 8 : 4));
      return;
    case Loc::Slot: a_.load(wide, dst, slotMem(v.idx, wide ? 8 : 4)); return;
    case Loc::Const:
      // Never xor-zero: this may run between a compare and its branch.
      a_.movRI(wide, dst, wide ? v.imm : uint32_t(v.imm));
      return;
  }
}

void FuncCompiler::storeTo(const ax::Mem& dstIn, const Val& v) {
  bool wide = wideType(v.type);
  ax::Mem dst = dstIn;
  dst.setSize(wide ? 8 : 4);
  uint8_t srcReg = kNoReg;
  if (v.loc == Loc::Reg) srcReg = v.reg;
  else if (v.loc == Loc::Local && locals_[v.idx].reg != kNoReg) srcReg = locals_[v.idx].reg;
  if (srcReg != kNoReg) {
    if (isXmm(srcReg)) {
      if (wide) a_.movsd(dst, ax::xmm(srcReg - XMM0));
      else a_.movss(dst, ax::xmm(srcReg - XMM0));
    } else {
      a_.store(wide, dst, srcReg);
    }
    return;
  }
  if (v.loc == Loc::Const) {
    FastMem fm;
    if ((!wide || fitsS32(v.imm)) && FastAssembler::toFast(dst, &fm)) {
      a_.movMI(wide ? 8 : 4, fm, int32_t(uint32_t(v.imm)));
    } else if (!wide || fitsS32(v.imm)) {
      a_.mov(dst, wide ? int64_t(v.imm) : int64_t(uint32_t(v.imm)));
    } else {
      a_.movabs(ax::r11, v.imm);
      a_.mov(dst, ax::r11);
    }
    return;
  }
  // Memory to memory, through the scratch register.
  ax::Mem src = v.loc == Loc::Local ? localMem(v.idx, wide ? 8 : 4) : slotMem(v.idx, wide ? 8 : 4);
  if (src == dst) return;
  a_.load(wide, kScratch, src);
  a_.store(wide, dst, kScratch);
}

uint8_t FuncCompiler::regOf(Val& v, RegSet avoid) {
  if (v.loc == Loc::Reg) return v.reg;
  if (v.loc == Loc::Local && locals_[v.idx].reg != kNoReg) return locals_[v.idx].reg;
  return ownedRegOf(v, avoid);
}

uint8_t FuncCompiler::ownedRegOf(Val& v, RegSet avoid) {
  if (v.loc == Loc::Reg) return v.reg;
  uint8_t r = allocReg(isFloat(v.type), avoid);
  loadInto(r, v);
  v = Val::inReg(v.type, r);
  return r;
}

asmjit::Operand FuncCompiler::gpOperand(Val& v, RegSet avoid, bool allowImm) {
  bool wide = wideType(v.type);
  switch (v.loc) {
    case Loc::Reg: return gp(v.reg, wide);
    case Loc::Local:
      if (locals_[v.idx].reg != kNoReg) return gp(locals_[v.idx].reg, wide);
      return localMem(v.idx, wide ? 8 : 4);
    case Loc::Slot: return slotMem(v.idx, wide ? 8 : 4);
    case Loc::Const:
      if (allowImm && (!wide || fitsS32(v.imm))) return asmjit::Imm(wide ? int64_t(v.imm) : int64_t(int32_t(uint32_t(v.imm))));
      return gp(ownedRegOf(v, avoid), wide);
  }
  abort();
}

asmjit::Operand FuncCompiler::xmmOperand(Val& v, RegSet avoid) {
  bool wide = wideType(v.type);
  switch (v.loc) {
    case Loc::Reg: return ax::xmm(v.reg - XMM0);
    case Loc::Local:
      if (locals_[v.idx].reg != kNoReg) return ax::xmm(locals_[v.idx].reg - XMM0);
      return localMem(v.idx, wide ? 8 : 4);
    case Loc::Slot: return slotMem(v.idx, wide ? 8 : 4);
    case Loc::Const: return ax::xmm(ownedRegOf(v, avoid) - XMM0);
  }
  abort();
}

int32_t FuncCompiler::peekFusableSet(ValType t) {
  size_t left = r_.remaining();
  if (left < 2) return -1;
  const uint8_t* p = r_.cursor();
  if (p[0] != 0x21 && p[0] != 0x22) return -1;
  // The local index (LEB128, at most 5 bytes; the validator has accepted it).
  uint32_t x = 0;
  unsigned shift = 0;
  for (size_t i = 1; i < left && i <= 5; i++) {
    x |= uint32_t(p[i] & 0x7F) << shift;
    shift += 7;
    if (!(p[i] & 0x80)) break;
  }
  if (x >= locals_.size()) return -1;
  const LocalInfo& L = locals_[x];
  if (L.reg == kNoReg || L.refs != 0 || L.type != t) return -1;
  return int32_t(x);
}

uint8_t FuncCompiler::resultReg(ValType t, const Val* lhs, RegSet avoid) {
  fusedSet_ = -1;
  int32_t x = peekFusableSet(t);
  if (x >= 0 && !(avoid & bit(locals_[x].reg))) {
    fusedSet_ = x;
    return locals_[x].reg;
  }
  if (lhs && lhs->loc == Loc::Reg && isXmm(lhs->reg) == isFloat(t) && !(avoid & bit(lhs->reg)))
    return lhs->reg;
  return allocReg(isFloat(t), avoid);
}

void FuncCompiler::pushResult(ValType t, uint8_t reg) {
  if (fusedSet_ >= 0) {
    uint32_t x = uint32_t(fusedSet_);
    fusedSet_ = -1;
    uint8_t b = r_.u8();
    (void)r_.u32();
    if (fuel_) pendingFuel_ += 1;
    if (b == 0x22) pushLocalRef(t, x);
    return;
  }
  push(Val::inReg(t, reg));
}

}  // namespace wasm::x64
