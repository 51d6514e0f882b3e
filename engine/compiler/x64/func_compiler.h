// Engine zone. The single-pass x86-64 function compiler (Liftoff-like).
//
// Model: the Wasm operand stack is mirrored at compile time by a vector of Val, each
// saying where the value is now: in a register, in its canonical spill slot (one 8-byte
// frame slot per stack height), a constant not yet materialized, or a lazy reference to
// a local. Locals have fixed homes for the whole function: the most used ones (weighted
// by loop depth, measured by the validator) live in registers, the rest in frame slots.
//
// Invariants:
//  - An i32 in a 64-bit register is always zero-extended.
//  - At every label (block end, loop header, else arm) all operand values are in their
//    canonical slots or are constants, and every temporary register is free. Branches
//    establish that state; block entry spills the operand stack to get it.
//  - Nothing between a flag-setting compare and its consumer changes the flags (no xor
//    zeroing, no fuel subtraction): see emitCondBranch and friends.
//  - Trusts its input: the validator has already accepted the body.
//  - Every operation on the operand stack costs O(1) amortized, or O(n) for an
//    instruction that moves n values (which the validator charges as compile work): the
//    entries that are not in their slots are listed (dirty_), and at most kMaxLazyLocals
//    of them are lazy local references, so nothing scans the whole stack.
#pragma once

#include <asmjit/x86.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <vector>

#include "base/job.h"
#include "compiler/x64/abi.h"
#include "compiler/x64/call_layout.h"
#include "compiler/x64/fast_emit.h"
#include "decoder/reader.h"
#include "runtime/vmcontext.h"
#include "validator/validator.h"
#include "wasm/module.h"
#include "wasm/opcodes.h"

namespace wasm::x64 {

namespace ax = asmjit::x86;

struct CpuFlags {
  bool sse41 = false, popcnt = false, lzcnt = false, bmi1 = false, bmi2 = false;
  static CpuFlags host();
};

// 16-byte constants emitted once per module, after the code.
enum class ConstId : uint8_t {
  F32Sign, F32Abs, F64Sign, F64Abs,
  Count
};

enum class Loc : uint8_t { Reg, Slot, Const, Local };

struct Val {
  ValType type = ValType::I32;
  Loc loc = Loc::Const;
  uint8_t reg = kNoReg;  // Loc::Reg
  uint32_t idx = 0;      // Loc::Local: the local's index; Loc::Slot: the stack height
  uint64_t imm = 0;      // Loc::Const: the bits

  static Val inReg(ValType t, uint8_t r) { Val v; v.type = t; v.loc = Loc::Reg; v.reg = r; return v; }
  static Val slot(ValType t) { Val v; v.type = t; v.loc = Loc::Slot; return v; }
  static Val konst(ValType t, uint64_t bits) { Val v; v.type = t; v.loc = Loc::Const; v.imm = bits; return v; }
  static Val local(ValType t, uint32_t i) { Val v; v.type = t; v.loc = Loc::Local; v.idx = i; return v; }
};

struct LocalInfo {
  ValType type = ValType::I32;
  uint8_t reg = kNoReg;  // home register, or kNoReg for a frame home
  int32_t frameOff = 0;  // frame slot: the home when reg == kNoReg; otherwise a save slot
  uint32_t refs = 0;     // Loc::Local entries naming it on the operand stack
};

// A condition produced by a comparison and consumed by br_if / if / select, or
// materialized into 0/1.
struct Cond {
  enum Kind : uint8_t { Int, FloatEq, FloatNe, FloatCC };
  Kind kind = Int;
  ax::CondCode cc = ax::CondCode::kNE;  // Int and FloatCC
  Cond negated() const;
};

// A compare prepared (operands in place) but not yet emitted, so that the caller can
// emit flag-clobbering work (fuel, spills) first.
struct PreparedCmp {
  enum Kind : uint8_t { IntCmp, IntTest, FloatCmp } kind = IntCmp;
  bool wide = false;       // 64-bit integer / f64
  asmjit::Operand lhs;     // IntCmp: register or memory; IntTest, FloatCmp: register
  asmjit::Operand rhs;     // register, memory or immediate (not memory with memory lhs)
  RegSet regs = 0;         // registers the compare reads (to keep them alive)
  Cond cond;
};

// A register destination and the value to put there (calls, prologue).
struct ArgMove {
  uint8_t dst;
  Val src;
};
struct RegMove {
  uint8_t dst, src;
  ValType type;
  bool done;
};

struct Control {
  Op kind = Op::Block;  // Block, Loop, If, or End for the function body
  uint32_t height = 0;  // operand stack height below the block's params
  uint32_t numParams = 0, numResults = 0;
  const ValType* paramTypes = nullptr;
  const ValType* resultTypes = nullptr;
  ValType single = ValType::I32;  // storage for a single-value block type
  bool singleResult = false;
  Label label;      // branch target: block end, or loop header
  Label elseLabel;  // If: the false arm
  bool hasElse = false;
  bool unreachable = false;  // the rest of this block's code cannot run
  bool labelUsed = false;    // a branch targets `label` (for non-loops)

  const ValType* results() const { return singleResult ? &single : resultTypes; }
  const ValType* params() const { return paramTypes; }
  uint32_t arity() const { return kind == Op::Loop ? numParams : numResults; }
  const ValType* branchTypes() const { return kind == Op::Loop ? params() : results(); }
};

// Module-wide code generation state, shared by every FuncCompiler of one module.
struct ModuleCodegen {
  const ModuleInfo& m;
  CompileOptions opts;
  CpuFlags cpu;
  FastAssembler& a;
  VMContextLayout layout;
  std::vector<Label> funcLabels;  // per defined function
  Label trapExit;                 // eax = TrapKind, rdx = faulting pc or 0
  Label helperTrapExit;           // eax = TrapKind from a runtime helper
  // One stub per trap kind (eax = kind; jump to trapExit), at the start of the module's
  // code: every branch to a trap is a backward one, resolved as it is emitted.
  static constexpr size_t kTrapKinds = 16;
  Label trapStubs[kTrapKinds];
  asmjit::Label consts[size_t(ConstId::Count)];  // bound first, so references never wait
  bool hasMemory = false;

  Job& job;  // compile work, code size and interrupts (base/job.h)

  // Scratch reused by every function, so compiling a function allocates (almost) nothing.
  FuncAnalysis analysis;
  std::vector<Val> stack;
  std::vector<uint32_t> dirty;
  std::vector<ValType> blockResults;
  struct BrTarget {
    uint32_t depth;
    Label label;
    bool stub;
  };
  std::vector<uint32_t> brDepths;
  std::vector<int32_t> brSlotOf;  // per depth: index into brTargets, or -1
  std::vector<BrTarget> brTargets;
  std::vector<LocalInfo> locals;
  std::vector<Control> controls;
  std::vector<uint32_t> order;
  std::vector<ArgMove> moves;
  std::vector<RegMove> regMoves;
  std::vector<std::unique_ptr<CallLayout>> layouts;  // per type index, made on first use

  const CallLayout& layoutOf(uint32_t typeIndex) {
    if (layouts.empty()) layouts.resize(m.types.size());
    auto& l = layouts[typeIndex];
    if (!l) l = std::make_unique<CallLayout>(CallLayout::of(m.types[typeIndex]));
    return *l;
  }

  ModuleCodegen(const ModuleInfo& mod, const CompileOptions& o, FastAssembler& as, Job& j)
      : m(mod), opts(o), a(as), job(j) {}
  ax::Mem constMem(ConstId id) {
    return ax::ptr(consts[size_t(id)]);
  }
};

class FuncCompiler {
 public:
  FuncCompiler(ModuleCodegen& mc, uint32_t definedIndex, const FuncAnalysis& analysis);
  Status compile();

 private:
  // ---- setup (func_compiler.cpp)
  void setupLocals();
  void emitPrologue();
  void emitEpilogue();
  // Slow paths (deferred code and interrupt calls) are emitted after the function, or
  // where the code cannot fall through (after a branch or a return) once kFlushSlowPaths
  // are pending. Deferred code holds a closure while pending: past kMaxDeferred it is
  // emitted between two instructions behind a jump, so that what it holds stays bounded
  // (an interrupt site holds 8 bytes).
  static constexpr size_t kFlushSlowPaths = 64;
  static constexpr size_t kMaxDeferred = 1024;
  void emitSlowPaths();
  void flushSlowPaths();
  void dispatch(Op op);

  // ---- operand stack and registers (value_stack.cpp)
  static bool dirtyLoc(Loc l) { return l == Loc::Reg || l == Loc::Local; }
  void push(const Val& v) {
    uint32_t h = uint32_t(stack_.size());
    if (v.loc == Loc::Reg) {
      freeRegs_ &= ~bit(v.reg);
    } else if (v.loc == Loc::Local) {
      locals_[v.idx].refs++;
      lazyLocals_++;
    }
    if (dirtyLoc(v.loc)) {
      if (staleDirty_ > kMinStaleDirty && staleDirty_ * 2 > dirty_.size()) compactDirty();
      dirty_.push_back(h);
    }
    stack_.push_back(v);
    if (v.loc == Loc::Slot) stack_.back().idx = h;
  }
  Val pop() {
    Val v = stack_.back();
    stack_.pop_back();
    if (v.loc == Loc::Reg) freeRegs_ |= bit(v.reg);
    else if (v.loc == Loc::Local) {
      locals_[v.idx].refs--;
      lazyLocals_--;
    }
    uint32_t h = uint32_t(stack_.size());
    if (!dirty_.empty() && dirty_.back() == h) {
      if (!dirtyLoc(v.loc)) staleDirty_--;
      dirty_.pop_back();
    }
    return v;
  }
  Val& top(uint32_t depth = 0) { return stack_[stack_.size() - 1 - depth]; }
  void dropTo(uint32_t height);
  uint8_t allocReg(bool xmm, RegSet avoid = 0);
  void spillReg(uint8_t r);
  void spillEntry(uint32_t height);
  // The label state: every value in its slot, constants too from height constsFrom on.
  void spillForLabel(uint32_t constsFrom);
  void spillRegs(uint32_t keepTop);  // only values in (caller-saved) temporaries
  void evict(uint8_t r, RegSet avoid);
  void materializeLocalRefs(uint32_t local);
  // A lazy reference to local i, after making room under kMaxLazyLocals.
  void pushLocalRef(ValType t, uint32_t i);
  void materializeEntry(uint32_t height);
  void compactDirty();
  static constexpr uint32_t kMaxLazyLocals = 16;
  static constexpr uint32_t kMinStaleDirty = 32;
  // Register holding v's value (may be a local's home: read only).
  uint8_t regOf(Val& v, RegSet avoid);
  // A temporary register that holds v's value and may be clobbered.
  uint8_t ownedRegOf(Val& v, RegSet avoid);
  void loadInto(uint8_t dst, const Val& v);
  void storeTo(const ax::Mem& dst, const Val& v);
  void moveReg(uint8_t dst, uint8_t src, ValType t);
  asmjit::Operand gpOperand(Val& v, RegSet avoid, bool allowImm = true);
  asmjit::Operand xmmOperand(Val& v, RegSet avoid);
  RegSet regsOf(const Val& v) const {
    if (v.loc == Loc::Reg) return bit(v.reg);
    if (v.loc == Loc::Local && locals_[v.idx].reg != kNoReg) return bit(locals_[v.idx].reg);
    return 0;
  }
  bool isTemp(uint8_t r) const { return (tempRegs_ & bit(r)) != 0; }
  // Destination register for a result, fusing a following local.set/tee when possible.
  uint8_t resultReg(ValType t, const Val* lhs, RegSet avoid);
  void pushResult(ValType t, uint8_t reg);
  int32_t peekFusableSet(ValType t);

  ax::Mem frameMem(int32_t off, uint32_t size = 8) const { return ax::ptr(ax::rsp, off + rspAdjust_, size); }
  ax::Mem slotMem(uint32_t height, uint32_t size = 8) const {
    return frameMem(spillOff_ + int32_t(height) * 8, size);
  }
  ax::Mem localMem(uint32_t local, uint32_t size = 8) const { return frameMem(locals_[local].frameOff, size); }

  // ---- control (control.cpp)
  void beginBlock(Op kind, int64_t blockType, const PreparedCmp* ifCond);
  void elseArm();
  void endBlock();
  void branchTo(uint32_t depth);
  void brIf(uint32_t depth, PreparedCmp* fused);
  void brTable();
  void doReturn();
  void moveBranchValues(const Control& target);
  void moveToSlots(uint32_t base, uint32_t count);
  bool branchValuesInPlace(const Control& target) const;
  void emitReturnMoves();
  void markUnreachable();
  void skipDead(Op op);
  void flushFuel();
  void emitInterruptPoll();  // at function entry and loop headers
  struct InterruptSite {
    Label slow, back;
  };
  std::vector<InterruptSite> interruptSites_;
  void decodeBlockType(int64_t bt, Control& c);
  void emitCmp(const PreparedCmp& c);
  void jumpIf(const Cond& c, Label target);
  void jumpIfNot(const Cond& c, Label target) { jumpIf(c.negated(), target); }
  PreparedCmp prepareTruthTest();

  // ---- calls (calls.cpp)
  void callDirect(uint32_t funcIndex);
  void callIndirect(uint32_t typeIndex, uint32_t table);
  void parallelMove(std::vector<ArgMove>& moves);
  // Stores the stack-slot arguments of a call into the outgoing area.
  void setupCallArgs(const FuncType& type, const CallLayout& layout);
  // Everything before the call instruction: spills, saves homes, lays out the arguments
  // (plus `extra`, a further register move) and pops them.
  void prepareCall(const FuncType& type, const CallLayout& layout, const ArgMove* extra);
  void finishCall(const FuncType& type, const CallLayout& layout, bool viaFuncRef);
  // Runtime helper call (SysV). Args: values in order after the implicit vmctx.
  void callHelper(Helper h, std::initializer_list<Val> args);
  void checkHelperTrap();
  // Around calls: homes in registers the callee may clobber go to their frame slots.
  void saveHomes(RegSet clobbered);
  void restoreHomes(RegSet clobbered);

  // ---- memory (memory.cpp)
  void load(Op op);
  void store(Op op);
  ax::Mem memOperand(Val& addr, uint64_t offset, uint32_t size, RegSet avoid);
  void memorySize();
  void memoryGrow();
  void bulkMemory(Op op);

  // ---- numeric (numeric_int.cpp, numeric_float.cpp, conversions.cpp, compare.cpp)
  void intBinary(Op op);
  void intShift(Op op);
  void intDivRem(Op op);
  void intDivRemByConst(bool wide, bool isSigned, bool isRem, Val lhs, uint64_t d);
  void intUnary(Op op);
  void floatBinary(Op op);
  void floatMinMax(Op op);
  void floatUnary(Op op);
  void conversion(Op op);
  void truncToInt(Op op, bool saturating);
  void convertToFloat(Op op);
  void compare(Op op);
  void eqz(Op op);
  PreparedCmp prepareCompare(Op op);
  void consumeCompare(PreparedCmp& pc);
  void select(bool typed);
  void selectValues(PreparedCmp& pc);

  // ---- variables, tables, references (variables.cpp)
  void localGet(uint32_t i);
  void localSet(uint32_t i, bool tee);
  void globalGet(uint32_t i);
  void globalSet(uint32_t i);
  void tableOp(Op op);
  void refNull(ValType t);
  void refIsNull();
  void refFunc(uint32_t f);

  Label trapLabel(TrapKind k);
  // Code emitted after the function body (slow paths); it must end in a jump.
  void defer(Label entry, std::function<void()> body);

  ModuleCodegen& mc_;
  FastAssembler& a_;
  const ModuleInfo& m_;
  uint32_t funcIndex_;
  const FuncType& type_;
  const FuncBody& body_;
  const FuncAnalysis& an_;
  Reader r_;
  bool fuel_;
  bool leaf_;

  std::vector<Val>& stack_;
  std::vector<uint32_t>& dirty_;  // heights of entries that may be Reg or Local, ascending
  uint32_t staleDirty_ = 0;       // of those, entries spilled since (compacted away lazily)
  uint32_t lazyLocals_ = 0;       // Loc::Local entries on the stack
  std::vector<LocalInfo>& locals_;
  std::vector<Control>& controls_;
  uint32_t deadDepth_ = 0;

  RegSet tempRegs_ = 0;   // registers usable as temporaries in this function
  RegSet freeRegs_ = 0;   // temporaries not holding a stack value
  RegSet homeRegs_ = 0;   // registers that are local homes
  RegSet callerSavedHomes_ = 0;  // homes a call clobbers: saved before, reloaded after

  int32_t frameSize_ = 0;    // bytes subtracted from rsp in the prologue
  int32_t spillOff_ = 0;     // operand slot i at spillOff_ + 8i
  int32_t vmctxSaveOff_ = -1;  // r15 is stored here around calls through a FuncRef
  int32_t zeroBegin_ = 0, zeroEnd_ = 0;  // frame range of the declared frame locals
  int32_t rspAdjust_ = 0;    // extra bytes below the frame during call sequences
  std::vector<std::pair<uint8_t, int32_t>> savedRegs_;  // callee-saved homes, save slots
  std::vector<std::pair<uint8_t, int32_t>> homeSlots_;  // every register home, its local's slot
  uint32_t pendingFuel_ = 0;
  int32_t fusedSet_ = -1;  // local whose local.set/tee the current result absorbs
  size_t opOffset_ = 0;
  size_t nextPoll_ = 0;  // body offset of the next interrupt poll
  Label epilogue_;
  std::vector<std::pair<Label, std::function<void()>>> deferred_;
};

// Compiles one defined function into the module's assembler (validating it first).
Status compileFunction(ModuleCodegen& mc, uint32_t definedIndex);
// The module's machine code is past the job's code budget.
Error codeLimitError(const Job& job, uint64_t offset);

}  // namespace wasm::x64
