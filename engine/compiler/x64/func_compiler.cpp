// Engine zone. Function compilation driver: local homes and frame layout, prologue and
// epilogue, the decode loop and opcode dispatch, trap stubs.
#include "compiler/x64/func_compiler.h"

#include <algorithm>
#include <cstdlib>

namespace wasm::x64 {

namespace {
inline bool wideType(ValType t) { return t != ValType::I32 && t != ValType::F32; }

// Home candidates in order of preference. A leaf function prefers registers that need no
// saving at all (caller-saved); others prefer callee-saved ones (saved once, in the
// prologue) over caller-saved ones (saved around every call). rax, rcx, rdx, r10 and
// xmm0..3 always stay temporaries: division, shifts, calls and results need them.
constexpr uint8_t kLeafGpHomes[] = {RSI, RDI, R8, R9, RBX, RBP, R12, R13};
constexpr uint8_t kGpHomes[] = {RBX, RBP, R12, R13, RSI, RDI, R8, R9};
constexpr uint8_t kLeafXmmHomes[] = {XMM7, XMM6, XMM5, XMM4, XMM8, XMM9, XMM10, XMM11, XMM12, XMM13, XMM14};
constexpr uint8_t kXmmHomes[] = {XMM8, XMM9, XMM10, XMM11, XMM12, XMM13, XMM14, XMM7, XMM6, XMM5, XMM4};
}  // namespace

CpuFlags CpuFlags::host() {
  const asmjit::CpuInfo& ci = asmjit::CpuInfo::host();
  CpuFlags f;
  f.sse41 = ci.hasFeature(asmjit::CpuFeatures::X86::kSSE4_1);
  f.popcnt = ci.hasFeature(asmjit::CpuFeatures::X86::kPOPCNT);
  f.lzcnt = ci.hasFeature(asmjit::CpuFeatures::X86::kLZCNT);
  f.bmi1 = ci.hasFeature(asmjit::CpuFeatures::X86::kBMI);
  f.bmi2 = ci.hasFeature(asmjit::CpuFeatures::X86::kBMI2);
  // PGWASM_CPU_BASELINE=1 compiles as for a CPU without the optional LZCNT, BMI1 and BMI2,
  // so that tests and fuzzers exercise the fallback code on any machine.
  if (const char* b = getenv("PGWASM_CPU_BASELINE"); b && *b == '1') f.lzcnt = f.bmi1 = f.bmi2 = false;
  return f;
}

FuncCompiler::FuncCompiler(ModuleCodegen& mc, uint32_t definedIndex, const FuncAnalysis& analysis)
    : mc_(mc),
      a_(mc.a),
      m_(mc.m),
      funcIndex_(mc.m.numImportedFuncs + definedIndex),
      type_(mc.m.funcType(funcIndex_)),
      body_(mc.m.bodies[definedIndex]),
      an_(analysis),
      r_(mc.m.bytes.data(), mc.m.bodies[definedIndex].codeOffset,
         mc.m.bodies[definedIndex].offset + mc.m.bodies[definedIndex].size),
      fuel_(mc.opts.fuel),
      leaf_(!analysis.hasCalls && !analysis.hasRuntimeCalls),
      stack_(mc.stack),
      dirty_(mc.dirty),
      locals_(mc.locals),
      controls_(mc.controls) {}

void FuncCompiler::setupLocals() {
  uint32_t nParams = uint32_t(type_.params.size());
  stack_.clear();
  dirty_.clear();
  controls_.clear();
  locals_.assign(nParams + body_.numLocals, LocalInfo());
  for (uint32_t i = 0; i < nParams; i++) locals_[i].type = type_.params[i];
  uint32_t k = nParams;
  for (const LocalRun& run : body_.locals)
    for (uint32_t j = 0; j < run.count; j++) locals_[k++].type = run.type;

  // Rank used locals by weight; the heaviest get registers.
  std::vector<uint32_t>& order = mc_.order;
  order.clear();
  for (uint32_t i = 0; i < locals_.size(); i++)
    if (i < an_.localWeights.size() && an_.localWeights[i] > 0) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    return an_.localWeights[x] > an_.localWeights[y];
  });

  const CallLayout& pl = mc_.layoutOf(m_.funcs[funcIndex_]);
  const uint8_t* gpCand = leaf_ ? kLeafGpHomes : kGpHomes;
  size_t nGp = leaf_ ? sizeof kLeafGpHomes : sizeof kGpHomes;
  const uint8_t* xmmCand = leaf_ ? kLeafXmmHomes : kXmmHomes;
  size_t nXmm = leaf_ ? sizeof kLeafXmmHomes : sizeof kXmmHomes;
  RegSet candidates = 0;
  for (size_t i = 0; i < nGp; i++)
    if (!(fuel_ && gpCand[i] == kFuel)) candidates |= bit(gpCand[i]);
  for (size_t i = 0; i < nXmm; i++) candidates |= bit(xmmCand[i]);

  // In a function with calls, a caller-saved home costs a save and a reload at every call;
  // it is worth it only for locals used clearly more often than calls happen.
  const RegSet callerSaved = kCallerSavedGp | kCallerSavedXmm;
  uint64_t callCost = leaf_ ? 0 : 2 * uint64_t(an_.callWeight);
  RegSet used = 0;
  for (uint32_t i : order) {
    bool fl = isFloat(locals_[i].type);
    bool cheapCallerSaved = leaf_ || an_.localWeights[i] > callCost;
    uint8_t pick = kNoReg;
    if (i < nParams && pl.params[i].reg != kNoReg) {
      uint8_t own = pl.params[i].reg;
      if ((candidates & bit(own)) && !(used & bit(own)) && (cheapCallerSaved || !(callerSaved & bit(own))))
        pick = own;
    }
    if (pick == kNoReg) {
      const uint8_t* cand = fl ? xmmCand : gpCand;
      size_t n = fl ? nXmm : nGp;
      for (size_t c = 0; c < n; c++) {
        if (!cheapCallerSaved && (callerSaved & bit(cand[c]))) continue;
        if ((candidates & bit(cand[c])) && !(used & bit(cand[c]))) {
          pick = cand[c];
          break;
        }
      }
    }
    if (pick != kNoReg) {
      locals_[i].reg = pick;
      used |= bit(pick);
    }
  }
  homeRegs_ = used;
  tempRegs_ = (kCallerSavedGp | kCallerSavedXmm) & ~homeRegs_;
  callerSavedHomes_ = homeRegs_ & (kCallerSavedGp | kCallerSavedXmm);
  freeRegs_ = tempRegs_;

  // Frame: [operand slots][declared locals living in the frame][slots of the other
  // locals (params; save slots of register homes)][saved callee-saved homes][saved
  // vmctx][pad]. The second group is contiguous so the prologue can zero it in one go.
  // Every term is bounded by limits.h (stack height, locals, params, registers), which
  // keeps the frame far inside an int32 displacement.
  static_assert((uint64_t(limits::kMaxOperandStackHeight) + 1 + limits::kMaxFunctionLocals +
                 limits::kMaxFunctionParams + 32 + 2) * 8 < uint64_t(INT32_MAX) / 2);
  int32_t off = 0;
  spillOff_ = 0;
  off += int32_t(an_.maxStackHeight + 1) * 8;
  zeroBegin_ = off;
  for (uint32_t i = nParams; i < locals_.size(); i++) {
    if (locals_[i].reg != kNoReg) continue;
    locals_[i].frameOff = off;
    off += 8;
  }
  zeroEnd_ = off;
  for (uint32_t i = 0; i < locals_.size(); i++) {
    if (i >= nParams && locals_[i].reg == kNoReg) continue;
    locals_[i].frameOff = off;
    off += 8;
  }
  for (const LocalInfo& l : locals_)
    if (l.reg != kNoReg) homeSlots_.push_back({l.reg, l.frameOff});
  RegSet calleeSaved = kCalleeSavedGp | kCalleeSavedXmm;
  for (uint32_t r = 0; r < 32; r++) {
    if ((homeRegs_ & calleeSaved) & bit(uint8_t(r))) {
      savedRegs_.push_back({uint8_t(r), off});
      off += 8;
    }
  }
  if (!leaf_) {
    vmctxSaveOff_ = off;
    off += 8;
  }
  if (off % 16 != 8) off += 8;
  frameSize_ = off;
  stack_.reserve(an_.maxStackHeight + 8);
  controls_.reserve(an_.maxControlDepth + 2);
}

void FuncCompiler::emitPrologue() {
  // Guard the stack before the frame is touched, whatever its size.
  a_.lea(true, R11, FastMem{RSP, FastMem::kNoIndex, 0, -frameSize_});
  a_.aluRM(Alu::Cmp, true, R11, FastMem{R15, FastMem::kNoIndex, 0, vmoff::kStackLimit});
  a_.jb(trapLabel(TrapKind::StackExhausted));
  emitInterruptPoll();
  a_.aluRI(Alu::Sub, true, RSP, frameSize_);

  uint32_t nParams = uint32_t(type_.params.size());
  if (zeroEnd_ > zeroBegin_) {
    // Zero the declared locals that live in the frame. Rounding the range outwards to 16
    // bytes only touches operand slots and slots not yet in use, both dead here.
    int32_t begin = zeroBegin_ & ~15;
    int32_t end = (zeroEnd_ + 15) & ~15;
    if (end > frameSize_) end = frameSize_;  // never past the return address
    int32_t bytes = end - begin;
    a_.xorps(ax::xmm15, ax::xmm15);
    if (bytes <= 16 * 8) {
      for (int32_t o = begin; o + 16 <= end; o += 16) a_.movups(ax::ptr(ax::rsp, o), ax::xmm15);
      if (bytes % 16) a_.movsd(ax::ptr(ax::rsp, end - 8), ax::xmm15);
    } else {
      int32_t whole = bytes & ~15;
      a_.mov(ax::r11, -int64_t(whole));
      Label loop = a_.makeLabel();
      a_.bind(loop);
      a_.movups(ax::ptr(ax::rsp, ax::r11, 0, begin + whole), ax::xmm15);
      a_.add(ax::r11, 16);
      a_.jnz(loop);
      if (bytes % 16) a_.movsd(ax::ptr(ax::rsp, end - 8), ax::xmm15);
    }
  }
  for (auto& [reg, off] : savedRegs_) {
    if (isXmm(reg)) a_.movsd(ax::qword_ptr(ax::rsp, off), ax::xmm(reg - XMM0));
    else a_.mov(ax::qword_ptr(ax::rsp, off), ax::gpq(reg));
  }

  // Parameters into their homes.
  const CallLayout& pl = mc_.layoutOf(m_.funcs[funcIndex_]);
  std::vector<ArgMove>& moves = mc_.moves;
  moves.clear();
  for (uint32_t i = 0; i < nParams; i++) {
    const LocalInfo& l = locals_[i];
    const ArgLoc& src = pl.params[i];
    bool wide = wideType(l.type);
    if (src.reg != kNoReg) {
      if (l.reg != kNoReg) {
        if (l.reg != src.reg) moves.push_back({l.reg, Val::inReg(l.type, src.reg)});
      } else {
        storeTo(localMem(i, wide ? 8 : 4), Val::inReg(l.type, src.reg));
      }
    } else if (l.reg == kNoReg) {
      a_.mov(ax::r11, ax::qword_ptr(ax::rsp, frameSize_ + 8 + int32_t(src.slot) * 8));
      a_.mov(localMem(i, 8), ax::r11);
    }
  }
  parallelMove(moves);
  for (uint32_t i = 0; i < nParams; i++) {
    const LocalInfo& l = locals_[i];
    const ArgLoc& src = pl.params[i];
    if (src.reg == kNoReg && l.reg != kNoReg) {
      ax::Mem m = ax::ptr(ax::rsp, frameSize_ + 8 + int32_t(src.slot) * 8, wideType(l.type) ? 8 : 4);
      if (l.type == ValType::F32) a_.movss(ax::xmm(l.reg - XMM0), m);
      else if (l.type == ValType::F64) a_.movsd(ax::xmm(l.reg - XMM0), m);
      else if (wideType(l.type)) a_.mov(ax::gpq(l.reg), m);
      else a_.mov(ax::gpd(l.reg), m);
    }
  }
  for (uint32_t i = nParams; i < locals_.size(); i++) {
    uint8_t r = locals_[i].reg;
    if (r == kNoReg) continue;
    if (isXmm(r)) a_.xorps(ax::xmm(r - XMM0), ax::xmm(r - XMM0));
    else a_.xor_(ax::gpd(r), ax::gpd(r));
  }
}

void FuncCompiler::emitEpilogue() {
  a_.bind(epilogue_);
  for (auto& [reg, off] : savedRegs_) {
    if (isXmm(reg)) a_.movsd(ax::xmm(reg - XMM0), ax::qword_ptr(ax::rsp, off));
    else a_.movRM(true, reg, FastMem{RSP, FastMem::kNoIndex, 0, off});
  }
  a_.aluRI(Alu::Add, true, RSP, frameSize_);
  a_.ret();
}

Label FuncCompiler::trapLabel(TrapKind k) { return mc_.trapStubs[size_t(k)]; }

void FuncCompiler::defer(Label entry, std::function<void()> body) {
  deferred_.emplace_back(entry, std::move(body));
}

void FuncCompiler::emitSlowPaths() {
  for (auto& [label, body] : deferred_) {
    a_.bind(label);
    body();
  }
  deferred_.clear();
  for (const InterruptSite& site : interruptSites_) {
    a_.bind(site.slow);
    a_.call(ax::qword_ptr(ax::gpq(kVmctx), vmoff::kInterruptStub));
    a_.jmp(site.back);
  }
  interruptSites_.clear();
}

void FuncCompiler::flushSlowPaths() {
  if (deferred_.size() + interruptSites_.size() >= kFlushSlowPaths && controls_.back().unreachable) {
    emitSlowPaths();
    return;
  }
  if (deferred_.size() < kMaxDeferred) return;
  Label over = a_.makeLabel();
  a_.jmp(over);
  emitSlowPaths();
  a_.bind(over);
}


Status FuncCompiler::compile() {
  setupLocals();
  epilogue_ = a_.makeLabel();
  a_.align(asmjit::AlignMode::kCode, 16);
  a_.bind(mc_.funcLabels[funcIndex_ - m_.numImportedFuncs]);
  emitPrologue();

  Control fn;
  fn.kind = Op::End;
  fn.height = 0;
  fn.numResults = uint32_t(type_.results.size());
  fn.resultTypes = type_.results.data();
  fn.label = epilogue_;
  controls_.push_back(fn);

  nextPoll_ = r_.offset() + limits::kPollIntervalBytes;
  const uint64_t codeBudget = mc_.job.codeBudget();
  while (!controls_.empty()) {
    opOffset_ = r_.offset();
    if (opOffset_ >= nextPoll_) {
      nextPoll_ = opOffset_ + limits::kPollIntervalBytes;
      if (!mc_.job.poll()) return mc_.job.interruptedError();
    }
    if (a_.offset() > codeBudget) return codeLimitError(mc_.job, opOffset_);
    uint8_t b = r_.u8();
    Op op = b == 0xFC ? kFcOps[r_.u32()] : kOneByteOps[b];
    if (!r_.ok()) return r_.takeError();
    if (controls_.back().unreachable) {
      skipDead(op);
      continue;
    }
    if (fuel_) pendingFuel_ += opInfo(op).fuel;
    dispatch(op);
    if (!controls_.empty()) flushSlowPaths();
  }
  emitSlowPaths();
  if (!r_.ok()) return r_.takeError();
  if (a_.offset() > codeBudget) return codeLimitError(mc_.job, opOffset_);
  return okStatus();
}

Error codeLimitError(const Job& job, uint64_t offset) {
  return makeError(ErrorKind::Limit, offset,
                   "the module's machine code would exceed %llu bytes (%llu per byte of module plus "
                   "%llu, at most %llu)",
                   (unsigned long long)job.codeBudget(), (unsigned long long)limits::kCodeBytesPerByte,
                   (unsigned long long)limits::kCodeBytesBase, (unsigned long long)limits::kMaxCodeBytes);
}

void FuncCompiler::skipDead(Op op) {
  switch (op) {
    case Op::Block:
    case Op::Loop:
    case Op::If:
      (void)r_.s33();
      deadDepth_++;
      return;
    case Op::Else:
      if (deadDepth_ == 0) elseArm();
      return;
    case Op::End:
      if (deadDepth_ == 0) endBlock();
      else deadDepth_--;
      return;
    default:
      break;
  }
  switch (opInfo(op).imm) {
    case Imm::None: break;
    case Imm::BlockType: (void)r_.s33(); break;
    case Imm::Label: case Imm::Func: case Imm::Local: case Imm::Global: case Imm::Table:
    case Imm::Data: case Imm::Elem:
      (void)r_.u32();
      break;
    case Imm::LabelTable: {
      uint32_t n = r_.u32();
      for (uint32_t i = 0; i <= n && r_.ok(); i++) (void)r_.u32();
      break;
    }
    case Imm::CallIndirect: case Imm::TableInit: case Imm::TableCopy:
      (void)r_.u32();
      (void)r_.u32();
      break;
    case Imm::SelectT: {
      uint32_t n = r_.u32();
      for (uint32_t i = 0; i < n && r_.ok(); i++) (void)r_.u8();
      break;
    }
    case Imm::MemArg:
      (void)r_.u32();
      (void)r_.u32();
      break;
    case Imm::MemIndex: case Imm::HeapType: (void)r_.u8(); break;
    case Imm::I32: (void)r_.s32(); break;
    case Imm::I64: (void)r_.s64(); break;
    case Imm::F32: (void)r_.fixed32(); break;
    case Imm::F64: (void)r_.fixed64(); break;
    case Imm::MemoryInit: (void)r_.u32(); (void)r_.u8(); break;
    case Imm::MemoryCopy: (void)r_.u8(); (void)r_.u8(); break;
  }
}

void FuncCompiler::dispatch(Op op) {
  switch (op) {
    case Op::Unreachable:
      a_.jmp(trapLabel(TrapKind::Unreachable));
      markUnreachable();
      break;
    case Op::Nop: break;
    case Op::Block:
    case Op::Loop: beginBlock(op, r_.s33(), nullptr); break;
    case Op::If: {
      int64_t bt = r_.s33();
      PreparedCmp c = prepareTruthTest();
      beginBlock(op, bt, &c);
      break;
    }
    case Op::Else: elseArm(); break;
    case Op::End: endBlock(); break;
    case Op::Br: branchTo(r_.u32()); break;
    case Op::BrIf: brIf(r_.u32(), nullptr); break;
    case Op::BrTable: brTable(); break;
    case Op::Return: doReturn(); break;
    case Op::Call: callDirect(r_.u32()); break;
    case Op::CallIndirect: {
      uint32_t t = r_.u32();
      uint32_t table = r_.u32();
      callIndirect(t, table);
      break;
    }
    case Op::Drop: (void)pop(); break;
    case Op::Select: select(false); break;
    case Op::SelectT: {
      uint32_t n = r_.u32();
      for (uint32_t i = 0; i < n; i++) (void)r_.u8();
      select(true);
      break;
    }
    case Op::LocalGet: localGet(r_.u32()); break;
    case Op::LocalSet: localSet(r_.u32(), false); break;
    case Op::LocalTee: localSet(r_.u32(), true); break;
    case Op::GlobalGet: globalGet(r_.u32()); break;
    case Op::GlobalSet: globalSet(r_.u32()); break;
    case Op::TableGet: case Op::TableSet: case Op::TableGrow: case Op::TableSize:
    case Op::TableFill: case Op::TableCopy: case Op::TableInit: case Op::ElemDrop:
      tableOp(op);
      break;
    case Op::I32Load: case Op::I64Load: case Op::F32Load: case Op::F64Load:
    case Op::I32Load8S: case Op::I32Load8U: case Op::I32Load16S: case Op::I32Load16U:
    case Op::I64Load8S: case Op::I64Load8U: case Op::I64Load16S: case Op::I64Load16U:
    case Op::I64Load32S: case Op::I64Load32U:
      load(op);
      break;
    case Op::I32Store: case Op::I64Store: case Op::F32Store: case Op::F64Store:
    case Op::I32Store8: case Op::I32Store16: case Op::I64Store8: case Op::I64Store16:
    case Op::I64Store32:
      store(op);
      break;
    case Op::MemorySize: (void)r_.u8(); memorySize(); break;
    case Op::MemoryGrow: (void)r_.u8(); memoryGrow(); break;
    case Op::MemoryInit: case Op::DataDrop: case Op::MemoryCopy: case Op::MemoryFill:
      bulkMemory(op);
      break;
    case Op::I32Const: push(Val::konst(ValType::I32, uint32_t(r_.s32()))); break;
    case Op::I64Const: push(Val::konst(ValType::I64, uint64_t(r_.s64()))); break;
    case Op::F32Const: push(Val::konst(ValType::F32, r_.fixed32())); break;
    case Op::F64Const: push(Val::konst(ValType::F64, r_.fixed64())); break;
    case Op::I32Eqz: case Op::I64Eqz: eqz(op); break;
    case Op::I32Eq: case Op::I32Ne: case Op::I32LtS: case Op::I32LtU: case Op::I32GtS:
    case Op::I32GtU: case Op::I32LeS: case Op::I32LeU: case Op::I32GeS: case Op::I32GeU:
    case Op::I64Eq: case Op::I64Ne: case Op::I64LtS: case Op::I64LtU: case Op::I64GtS:
    case Op::I64GtU: case Op::I64LeS: case Op::I64LeU: case Op::I64GeS: case Op::I64GeU:
    case Op::F32Eq: case Op::F32Ne: case Op::F32Lt: case Op::F32Gt: case Op::F32Le:
    case Op::F32Ge: case Op::F64Eq: case Op::F64Ne: case Op::F64Lt: case Op::F64Gt:
    case Op::F64Le: case Op::F64Ge:
      compare(op);
      break;
    case Op::I32Add: case Op::I32Sub: case Op::I32Mul: case Op::I32And: case Op::I32Or:
    case Op::I32Xor: case Op::I64Add: case Op::I64Sub: case Op::I64Mul: case Op::I64And:
    case Op::I64Or: case Op::I64Xor:
      intBinary(op);
      break;
    case Op::I32Shl: case Op::I32ShrS: case Op::I32ShrU: case Op::I32Rotl: case Op::I32Rotr:
    case Op::I64Shl: case Op::I64ShrS: case Op::I64ShrU: case Op::I64Rotl: case Op::I64Rotr:
      intShift(op);
      break;
    case Op::I32DivS: case Op::I32DivU: case Op::I32RemS: case Op::I32RemU:
    case Op::I64DivS: case Op::I64DivU: case Op::I64RemS: case Op::I64RemU:
      intDivRem(op);
      break;
    case Op::I32Clz: case Op::I32Ctz: case Op::I32Popcnt: case Op::I64Clz: case Op::I64Ctz:
    case Op::I64Popcnt: case Op::I32Extend8S: case Op::I32Extend16S: case Op::I64Extend8S:
    case Op::I64Extend16S: case Op::I64Extend32S:
      intUnary(op);
      break;
    case Op::F32Add: case Op::F32Sub: case Op::F32Mul: case Op::F32Div: case Op::F32Copysign:
    case Op::F64Add: case Op::F64Sub: case Op::F64Mul: case Op::F64Div: case Op::F64Copysign:
      floatBinary(op);
      break;
    case Op::F32Min: case Op::F32Max: case Op::F64Min: case Op::F64Max: floatMinMax(op); break;
    case Op::F32Abs: case Op::F32Neg: case Op::F32Ceil: case Op::F32Floor: case Op::F32Trunc:
    case Op::F32Nearest: case Op::F32Sqrt: case Op::F64Abs: case Op::F64Neg: case Op::F64Ceil:
    case Op::F64Floor: case Op::F64Trunc: case Op::F64Nearest: case Op::F64Sqrt:
      floatUnary(op);
      break;
    case Op::RefNull: refNull(ValType(r_.u8())); break;
    case Op::RefIsNull: refIsNull(); break;
    case Op::RefFunc: refFunc(r_.u32()); break;
    default:
      conversion(op);
      break;
  }
}

Status compileFunction(ModuleCodegen& mc, uint32_t definedIndex) {
  WASM_TRY(validateFunction(mc.m, definedIndex, &mc.analysis, &mc.job));
  FuncCompiler fc(mc, definedIndex, mc.analysis);
  return fc.compile();
}

}  // namespace wasm::x64
