// Engine zone. Structured control flow: blocks, loops, if/else, branches, br_table,
// return; the merge convention at labels (values in canonical slots, temporaries free);
// fuel accounting at every branch and label; interrupt polling at loop headers.
#include "compiler/x64/func_compiler.h"

namespace wasm::x64 {

namespace {
inline bool wideType(ValType t) { return t != ValType::I32 && t != ValType::F32; }
}  // namespace

Cond Cond::negated() const {
  Cond c = *this;
  switch (kind) {
    case Int:
    case FloatCC: c.cc = ax::negateCond(cc); break;
    case FloatEq: c.kind = FloatNe; break;
    case FloatNe: c.kind = FloatEq; break;
  }
  return c;
}

void FuncCompiler::flushFuel() {
  if (!fuel_ || pendingFuel_ == 0) return;
  a_.sub(ax::gpq(kFuel), pendingFuel_);
  a_.jl(trapLabel(TrapKind::FuelExhausted));
  pendingFuel_ = 0;
}

void FuncCompiler::emitInterruptPoll() {
  // The out-of-line path calls the interrupt stub, which preserves every register, so
  // the handler may let the code resume here.
  Label slow = a_.makeLabel(), back = a_.makeLabel();
  a_.movRM(true, kScratch, FastMem{kVmctx, FastMem::kNoIndex, 0, vmoff::kInterrupt});
  a_.cmpMI(false, FastMem{kScratch, FastMem::kNoIndex, 0, 0}, 0);
  a_.jne(slow);
  a_.bind(back);
  interruptSites_.push_back({slow, back});  // emitted by emitSlowPaths
}

void FuncCompiler::decodeBlockType(int64_t bt, Control& c) {
  if (bt == -64) return;  // 0x40: no params, no results
  if (bt < 0) {
    c.singleResult = true;
    c.single = ValType(uint8_t(bt & 0x7F));
    c.numResults = 1;
    return;
  }
  const FuncType& ft = m_.types[size_t(bt)];
  c.numParams = uint32_t(ft.params.size());
  c.numResults = uint32_t(ft.results.size());
  c.paramTypes = ft.params.data();
  c.resultTypes = ft.results.data();
}

void FuncCompiler::emitCmp(const PreparedCmp& c) {
  switch (c.kind) {
    case PreparedCmp::IntCmp:
      if (c.lhs.isReg()) a_.alu(Alu::Cmp, c.wide, uint8_t(c.lhs.id()), c.rhs);
      else a_.emit(ax::Inst::kIdCmp, c.lhs, c.rhs);
      break;
    case PreparedCmp::IntTest: a_.testRR(c.wide, uint8_t(c.lhs.id()), uint8_t(c.lhs.id())); break;
    case PreparedCmp::FloatCmp:
      a_.emit(c.wide ? ax::Inst::kIdUcomisd : ax::Inst::kIdUcomiss, c.lhs, c.rhs);
      break;
  }
}

void FuncCompiler::jumpIf(const Cond& c, Label target) {
  switch (c.kind) {
    case Cond::Int:
    case Cond::FloatCC: a_.j(c.cc, target); break;
    case Cond::FloatEq: {
      Label skip = a_.makeLabel();
      a_.jp(skip);
      a_.je(target);
      a_.bind(skip);
      break;
    }
    case Cond::FloatNe:
      a_.jp(target);
      a_.jne(target);
      break;
  }
}

PreparedCmp FuncCompiler::prepareTruthTest() {
  Val v = pop();
  PreparedCmp pc;
  pc.wide = wideType(v.type);
  pc.cond.kind = Cond::Int;
  pc.cond.cc = ax::CondCode::kNE;
  bool wide = pc.wide;
  if (v.loc == Loc::Slot || (v.loc == Loc::Local && locals_[v.idx].reg == kNoReg)) {
    pc.kind = PreparedCmp::IntCmp;
    pc.lhs = gpOperand(v, 0);
    pc.rhs = asmjit::Imm(0);
    return pc;
  }
  uint8_t r = regOf(v, 0);
  pc.kind = PreparedCmp::IntTest;
  pc.lhs = wide ? ax::Gp(ax::gpq(r)) : ax::Gp(ax::gpd(r));
  pc.regs = bit(r);
  return pc;
}

// Moves the top `count` values into the canonical slots of heights [base, base+count).
// Ascending order is safe: every source height is >= its destination height.
void FuncCompiler::moveToSlots(uint32_t base, uint32_t count) {
  uint32_t top = uint32_t(stack_.size()) - count;
  for (uint32_t i = 0; i < count; i++) {
    const Val& v = stack_[top + i];
    if (v.loc == Loc::Slot && v.idx == base + i) continue;
    storeTo(slotMem(base + i, wideType(v.type) ? 8 : 4), v);
  }
}

bool FuncCompiler::branchValuesInPlace(const Control& t) const {
  uint32_t n = t.arity();
  uint32_t top = uint32_t(stack_.size()) - n;
  for (uint32_t i = 0; i < n; i++) {
    const Val& v = stack_[top + i];
    if (v.loc != Loc::Slot || v.idx != t.height + i) return false;
  }
  return true;
}

void FuncCompiler::moveBranchValues(const Control& t) { moveToSlots(t.height, t.arity()); }

void FuncCompiler::markUnreachable() {
  Control& c = controls_.back();
  dropTo(c.height);
  c.unreachable = true;
  deadDepth_ = 0;
  pendingFuel_ = 0;
}

void FuncCompiler::beginBlock(Op kind, int64_t bt, const PreparedCmp* ifCond) {
  Control c;
  c.kind = kind;
  decodeBlockType(bt, c);
  uint32_t np = c.numParams;
  // Label state: every value in its slot (block params included, even constants).
  spillForLabel(uint32_t(stack_.size()) - np);
  c.height = uint32_t(stack_.size()) - np;
  c.label = a_.makeLabel();
  if (kind == Op::Loop) {
    flushFuel();
    a_.bind(c.label);
    emitInterruptPoll();
  } else if (kind == Op::If) {
    c.elseLabel = a_.makeLabel();
    flushFuel();
    emitCmp(*ifCond);
    jumpIfNot(ifCond->cond, c.elseLabel);
  }
  controls_.push_back(c);
}

void FuncCompiler::elseArm() {
  Control& c = controls_.back();
  if (!c.unreachable) {
    moveToSlots(c.height, c.numResults);
    flushFuel();
    a_.jmp(c.label);
    c.labelUsed = true;
  }
  dropTo(c.height);
  a_.bind(c.elseLabel);
  c.hasElse = true;
  c.unreachable = false;
  deadDepth_ = 0;
  pendingFuel_ = 0;
  const ValType* p = c.params();
  for (uint32_t i = 0; i < c.numParams; i++) push(Val::slot(p[i]));
}

void FuncCompiler::endBlock() {
  Control& c = controls_.back();
  if (c.kind == Op::End) {
    if (!c.unreachable) {
      emitReturnMoves();
      flushFuel();
    }
    dropTo(0);
    emitEpilogue();
    controls_.pop_back();
    return;
  }
  bool reachable = !c.unreachable;
  if (reachable) {
    moveToSlots(c.height, c.numResults);
    flushFuel();
  }
  dropTo(c.height);
  if (c.kind == Op::If && !c.hasElse) {
    // The false path skips the arm with the params, which are then the results.
    a_.bind(c.elseLabel);
    reachable = true;
  }
  if (c.kind != Op::Loop && c.labelUsed) {
    a_.bind(c.label);
    reachable = true;
  }
  pendingFuel_ = 0;
  deadDepth_ = 0;
  uint32_t n = c.numResults;
  // The result types outlive the frame (a single one lives in it).
  std::vector<ValType>& rtv = mc_.blockResults;
  rtv.assign(c.results(), c.results() + n);
  const ValType* rt = rtv.data();
  controls_.pop_back();
  for (uint32_t i = 0; i < n; i++) push(Val::slot(rt[i]));
  if (!reachable) markUnreachable();
}

void FuncCompiler::branchTo(uint32_t depth) {
  Control& t = controls_[controls_.size() - 1 - depth];
  if (t.kind == Op::End) {
    doReturn();
    return;
  }
  moveBranchValues(t);
  flushFuel();
  a_.jmp(t.label);
  t.labelUsed = true;
  markUnreachable();
}

void FuncCompiler::brIf(uint32_t depth, PreparedCmp* fused) {
  PreparedCmp pc = fused ? *fused : prepareTruthTest();
  Control& t = controls_[controls_.size() - 1 - depth];
  flushFuel();
  emitCmp(pc);
  if (t.kind == Op::End) {
    Label skip = a_.makeLabel();
    jumpIfNot(pc.cond, skip);
    emitReturnMoves();
    a_.jmp(epilogue_);
    a_.bind(skip);
    return;
  }
  t.labelUsed = true;
  if (t.arity() == 0 || branchValuesInPlace(t)) {
    jumpIf(pc.cond, t.label);
    return;
  }
  Label skip = a_.makeLabel();
  jumpIfNot(pc.cond, skip);
  moveBranchValues(t);
  a_.jmp(t.label);
  a_.bind(skip);
}

void FuncCompiler::brTable() {
  uint32_t n = r_.u32();
  std::vector<uint32_t>& depths = mc_.brDepths;
  depths.resize(size_t(n) + 1);
  for (uint32_t i = 0; i <= n; i++) depths[i] = r_.u32();
  Val idx = pop();
  if (idx.loc == Loc::Const) {
    uint32_t k = uint32_t(idx.imm);
    branchTo(depths[k < n ? k : n]);
    return;
  }
  flushFuel();
  // Each distinct target once, with a stub when its values must move first. The scratch
  // index per depth is reset below for the targets used, so this costs O(n) whatever the
  // nesting depth.
  std::vector<int32_t>& slotOf = mc_.brSlotOf;
  std::vector<ModuleCodegen::BrTarget>& targets = mc_.brTargets;
  if (slotOf.size() < controls_.size()) slotOf.resize(controls_.size(), -1);
  targets.clear();
  auto labelFor = [&](uint32_t d) {
    if (slotOf[d] < 0) {
      slotOf[d] = int32_t(targets.size());
      Control& t = controls_[controls_.size() - 1 - d];
      if (t.kind == Op::End || (t.arity() != 0 && !branchValuesInPlace(t))) {
        targets.push_back({d, a_.makeLabel(), true});
      } else {
        targets.push_back({d, t.label, false});
        t.labelUsed = true;
      }
    }
    return targets[size_t(slotOf[d])].label;
  };
  uint8_t ir = ownedRegOf(idx, 0);
  if (n < 4) {
    for (uint32_t i = 0; i < n; i++) {
      a_.cmp(ax::gpd(ir), i);
      a_.je(labelFor(depths[i]));
    }
    a_.jmp(labelFor(depths[n]));
  } else {
    Label table = a_.makeLabel();
    a_.cmp(ax::gpd(ir), n);
    a_.jae(labelFor(depths[n]));
    a_.leaRip(R11, table);
    a_.movsxd(ax::gpq(ir), ax::dword_ptr(ax::r11, ax::gpq(ir), 2));
    a_.add(ax::r11, ax::gpq(ir));
    a_.jmp(ax::r11);
    a_.align(asmjit::AlignMode::kData, 4);
    a_.bind(table);
    for (uint32_t i = 0; i < n; i++) a_.embedDelta32(labelFor(depths[i]), table);
  }
  for (const ModuleCodegen::BrTarget& bt : targets) {
    slotOf[bt.depth] = -1;
    if (!bt.stub) continue;
    Control& t = controls_[controls_.size() - 1 - bt.depth];
    a_.bind(bt.label);
    if (t.kind == Op::End) {
      emitReturnMoves();
      a_.jmp(epilogue_);
    } else {
      moveBranchValues(t);
      a_.jmp(t.label);
      t.labelUsed = true;
    }
  }
  markUnreachable();
}

void FuncCompiler::emitReturnMoves() {
  uint32_t n = uint32_t(type_.results.size());
  if (n == 0) return;
  uint32_t base = uint32_t(stack_.size()) - n;
  // Stack results first: they may read registers, result 0 then overwrites rax/xmm0.
  for (uint32_t i = 1; i < n; i++) {
    const Val& v = stack_[base + i];
    int32_t off = frameSize_ + 8 + int32_t(i - 1) * 8;
    storeTo(frameMem(off, wideType(v.type) ? 8 : 4), v);
  }
  const Val& v0 = stack_[base];
  loadInto(isFloat(v0.type) ? kFloatResultReg : kIntResultReg, v0);
}

void FuncCompiler::doReturn() {
  emitReturnMoves();
  flushFuel();
  a_.jmp(epilogue_);
  markUnreachable();
}

}  // namespace wasm::x64
