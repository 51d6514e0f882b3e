// Engine zone. Calls: direct, through imports and tables (call_indirect), and into
// runtime helpers (SysV). Argument setup is a parallel move that breaks cycles through
// the scratch registers.
#include "compiler/x64/func_compiler.h"

namespace wasm::x64 {

namespace {
inline bool wideType(ValType t) { return t != ValType::I32 && t != ValType::F32; }
}  // namespace

void FuncCompiler::parallelMove(std::vector<ArgMove>& moves) {
  std::vector<RegMove>& rm = mc_.regMoves;
  rm.clear();
  for (const ArgMove& m : moves) {
    uint8_t src = kNoReg;
    if (m.src.loc == Loc::Reg) src = m.src.reg;
    else if (m.src.loc == Loc::Local && locals_[m.src.idx].reg != kNoReg) src = locals_[m.src.idx].reg;
    if (src != kNoReg && src != m.dst) rm.push_back({m.dst, src, m.src.type, false});
  }
  size_t pending = rm.size();
  while (pending) {
    bool progress = false;
    for (RegMove& m : rm) {
      if (m.done) continue;
      bool blocked = false;
      for (const RegMove& o : rm)
        if (!o.done && &o != &m && o.src == m.dst) blocked = true;
      if (blocked) continue;
      moveReg(m.dst, m.src, m.type);
      m.done = true;
      pending--;
      progress = true;
    }
    if (!progress) {
      // A cycle: park one destination's current value in scratch and redirect its readers.
      for (RegMove& m : rm) {
        if (m.done) continue;
        uint8_t scratch = isXmm(m.dst) ? kScratchXmm : kScratch;
        moveReg(scratch, m.dst, isXmm(m.dst) ? ValType::F64 : ValType::I64);
        for (RegMove& o : rm)
          if (!o.done && o.src == m.dst) o.src = scratch;
        break;
      }
    }
  }
  // Sources that are not registers cannot be clobbered by the moves above.
  for (const ArgMove& m : moves) {
    bool inReg = m.src.loc == Loc::Reg || (m.src.loc == Loc::Local && locals_[m.src.idx].reg != kNoReg);
    if (!inReg) loadInto(m.dst, m.src);
  }
}

void FuncCompiler::setupCallArgs(const FuncType& type, const CallLayout& cl) {
  uint32_t n = uint32_t(type.params.size());
  uint32_t base = uint32_t(stack_.size()) - n;
  for (uint32_t i = 0; i < n; i++) {
    const ArgLoc& loc = cl.params[i];
    if (loc.reg != kNoReg) continue;
    const Val& v = stack_[base + i];
    storeTo(ax::ptr(ax::rsp, int32_t(loc.slot) * 8, wideType(v.type) ? 8 : 4), v);
  }
}

void FuncCompiler::saveHomes(RegSet clobbered) {
  if (!(homeRegs_ & clobbered)) return;
  for (const auto& [reg, off] : homeSlots_) {
    if (!(clobbered & bit(reg))) continue;
    if (isXmm(reg)) a_.movsd(frameMem(off, 8), ax::xmm(reg - XMM0));
    else a_.movMR(true, FastMem{RSP, FastMem::kNoIndex, 0, off + rspAdjust_}, reg);
  }
}

void FuncCompiler::restoreHomes(RegSet clobbered) {
  if (!(homeRegs_ & clobbered)) return;
  for (const auto& [reg, off] : homeSlots_) {
    if (!(clobbered & bit(reg))) continue;
    if (isXmm(reg)) a_.movsd(ax::xmm(reg - XMM0), frameMem(off, 8));
    else a_.movRM(true, reg, FastMem{RSP, FastMem::kNoIndex, 0, off + rspAdjust_});
  }
}

void FuncCompiler::finishCall(const FuncType& type, const CallLayout& cl, bool viaFuncRef) {
  uint32_t h = uint32_t(stack_.size());
  for (size_t i = 1; i < type.results.size(); i++) {
    bool wide = wideType(type.results[i]);
    a_.mov(wide ? ax::Gp(ax::r11) : ax::Gp(ax::r11d),
           ax::ptr(ax::rsp, int32_t(cl.results[i].slot) * 8, wide ? 8 : 4));
    a_.mov(slotMem(h + uint32_t(i), wide ? 8 : 4), wide ? ax::Gp(ax::r11) : ax::Gp(ax::r11d));
  }
  if (rspAdjust_) {
    a_.add(ax::rsp, rspAdjust_);
    rspAdjust_ = 0;
  }
  if (viaFuncRef) {
    a_.mov(ax::r15, ax::qword_ptr(ax::rsp, vmctxSaveOff_));  // rsp is back to the frame
    if (mc_.hasMemory) a_.mov(ax::r14, ax::qword_ptr(ax::r15, vmoff::kMemBase));
  }
  restoreHomes(kCallerSavedGp | kCallerSavedXmm);
  for (size_t i = 0; i < type.results.size(); i++) {
    if (i == 0) push(Val::inReg(type.results[0], cl.results[0].reg));
    else push(Val::slot(type.results[i]));
  }
}

void FuncCompiler::prepareCall(const FuncType& ft, const CallLayout& cl, const ArgMove* extra) {
  uint32_t n = uint32_t(ft.params.size());
  spillRegs(n);
  saveHomes(kCallerSavedGp | kCallerSavedXmm);
  int32_t adj = int32_t((cl.stackSlots * 8 + 15) & ~15u);
  if (adj) {
    a_.sub(ax::rsp, adj);
    rspAdjust_ = adj;
  }
  setupCallArgs(ft, cl);
  std::vector<ArgMove>& moves = mc_.moves;
  moves.clear();
  uint32_t base = uint32_t(stack_.size()) - n;
  for (uint32_t i = 0; i < n; i++)
    if (cl.params[i].reg != kNoReg) moves.push_back({cl.params[i].reg, stack_[base + i]});
  if (extra) moves.push_back(*extra);
  parallelMove(moves);
  dropTo(base);
}

void FuncCompiler::callDirect(uint32_t f) {
  const FuncType& ft = m_.funcType(f);
  const CallLayout& cl = mc_.layoutOf(m_.funcs[f]);
  flushFuel();
  prepareCall(ft, cl, nullptr);
  bool imported = f < m_.numImportedFuncs;
  if (imported) {
    a_.movMR(true, FastMem{RSP, FastMem::kNoIndex, 0, vmctxSaveOff_ + rspAdjust_}, R15);
    a_.movRM(true, kScratch, FastMem{kVmctx, FastMem::kNoIndex, 0, vmoff::kFuncRefs});
    a_.movRM(true, kScratch, FastMem{kScratch, FastMem::kNoIndex, 0, int32_t(f) * 8});
    a_.movRR(true, RAX, R15);
    a_.movRM(true, R15, FastMem{R11, FastMem::kNoIndex, 0, vmoff::kFuncRefVmctx});
    a_.callM(FastMem{R11, FastMem::kNoIndex, 0, vmoff::kFuncRefCode});
  } else {
    a_.call(mc_.funcLabels[f - m_.numImportedFuncs]);
  }
  finishCall(ft, cl, imported);
}

void FuncCompiler::callIndirect(uint32_t typeIndex, uint32_t table) {
  const FuncType& ft = m_.types[typeIndex];
  const CallLayout& cl = mc_.layoutOf(typeIndex);
  flushFuel();
  Val idx = pop();
  ArgMove index{R10, idx};  // r10: not an argument register
  prepareCall(ft, cl, &index);
  constexpr uint8_t kNo = FastMem::kNoIndex;
  a_.movRM(true, R11, FastMem{R15, kNo, 0, vmoff::kTables});
  a_.movRM(true, R11, FastMem{R11, kNo, 0, int32_t(table) * 8});
  a_.aluRM(Alu::Cmp, false, R10, FastMem{R11, kNo, 0, vmoff::kTableSize});
  a_.jae(trapLabel(TrapKind::UndefinedElement));
  a_.movRM(true, R11, FastMem{R11, kNo, 0, vmoff::kTableElems});
  a_.movRM(true, R11, FastMem{R11, R10, 3, 0});
  a_.testRR(true, R11, R11);
  a_.jz(trapLabel(TrapKind::UninitializedElement));
  a_.movRM(true, R10, FastMem{R15, kNo, 0, vmoff::kTypeIds});
  a_.movRM(false, R10, FastMem{R10, kNo, 0, int32_t(typeIndex) * 4});
  a_.aluRM(Alu::Cmp, false, R10, FastMem{R11, kNo, 0, vmoff::kFuncRefTypeId});
  a_.jne(trapLabel(TrapKind::IndirectCallTypeMismatch));
  a_.movMR(true, FastMem{RSP, kNo, 0, vmctxSaveOff_ + rspAdjust_}, R15);
  a_.movRR(true, RAX, R15);
  a_.movRM(true, R15, FastMem{R11, kNo, 0, vmoff::kFuncRefVmctx});
  a_.callM(FastMem{R11, kNo, 0, vmoff::kFuncRefCode});
  finishCall(ft, cl, true);
}

void FuncCompiler::callHelper(Helper h, std::initializer_list<Val> args) {
  static constexpr uint8_t kSysvArgs[] = {RSI, RDX, RCX, R8, R9};
  // Helpers whose work grows with an operand charge fuel for it (helpers.cpp): they see
  // the fuel in the store, and a helper that finds too little leaves it negative.
  bool metered = fuel_ && helperChargesFuel(h);
  if (metered) flushFuel();
  // Everything in a temporary dies in a C call; xmm homes do too (SysV saves no xmm).
  spillRegs(0);
  saveHomes(kSysvClobbered);
  std::vector<ArgMove>& moves = mc_.moves;
  moves.clear();
  size_t i = 0;
  for (const Val& v : args) moves.push_back({kSysvArgs[i++], v});
  parallelMove(moves);
  a_.mov(ax::rdi, ax::r15);
  if (metered) {
    a_.movRM(true, kScratch, FastMem{kVmctx, FastMem::kNoIndex, 0, vmoff::kHot});
    a_.movMR(true, FastMem{kScratch, FastMem::kNoIndex, 0, vmoff::kHotFuel}, kFuel);
  }
  a_.call(ax::qword_ptr(ax::r15, vmoff::helper(h)));
  if (metered) {
    a_.movRM(true, kScratch, FastMem{kVmctx, FastMem::kNoIndex, 0, vmoff::kHot});
    a_.movRM(true, kFuel, FastMem{kScratch, FastMem::kNoIndex, 0, vmoff::kHotFuel});
    a_.testRR(true, kFuel, kFuel);
    a_.js(trapLabel(TrapKind::FuelExhausted));
  }
  restoreHomes(kSysvClobbered);
}

void FuncCompiler::checkHelperTrap() {
  a_.test(ax::eax, ax::eax);
  a_.jnz(mc_.helperTrapExit);
}

}  // namespace wasm::x64
