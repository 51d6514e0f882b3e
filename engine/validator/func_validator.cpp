// Engine zone. The function-body type checker: the validation algorithm of the
// WebAssembly 2.0 spec appendix (operand stack with an unknown "bottom" type, control
// frames with an unreachable flag), for every instruction in opcodes.def. It runs in one
// pass over the bytes with flat, reused buffers (no allocation per instruction) and fills
// FuncAnalysis on the way.
#include <cstdarg>
#include <cstdio>

#include "decoder/binary_types.h"
#include "decoder/decoder.h"
#include "decoder/expr_scanner.h"
#include "base/job.h"
#include "validator/validator.h"
#include "wasm/opcodes.h"

namespace wasm {

namespace {

constexpr uint8_t kBot = 0;  // the unknown type of values popped in unreachable code
constexpr uint8_t kI32 = uint8_t(ValType::I32);
constexpr uint8_t kI64 = uint8_t(ValType::I64);
constexpr uint8_t kF32 = uint8_t(ValType::F32);
constexpr uint8_t kF64 = uint8_t(ValType::F64);
constexpr uint8_t kFuncRef = uint8_t(ValType::FuncRef);

// Every byte as a ValType, so that a block of one result type can point at its type.
struct TypeTable {
  ValType t[256];
  constexpr TypeTable() : t() {
    for (int i = 0; i < 256; i++) t[i] = ValType(i);
  }
};
constexpr TypeTable kTypeTable;

// Operands and result of the instructions with a simple signature (opcodes.def Sig).
struct SigShape {
  uint8_t result;  // 0: none
  uint8_t a, b;    // operands, a below b; 0: none
};
// clang-format off
constexpr SigShape kSigShapes[] = {
    {0, 0, 0},                                                          // Special
    {kI32, kI32, 0},    {kI32, kI32, kI32}, {kI32, kI64, 0},    {kI32, kI64, kI64},  // i_i i_ii i_l i_ll
    {kI32, kF32, 0},    {kI32, kF32, kF32}, {kI32, kF64, 0},    {kI32, kF64, kF64},  // i_f i_ff i_d i_dd
    {kI64, kI32, 0},    {kI64, kI64, 0},    {kI64, kI64, kI64}, {kI64, kF32, 0},     // l_i l_l l_ll l_f
    {kI64, kF64, 0},                                                                 // l_d
    {kF32, kI32, 0},    {kF32, kI64, 0},    {kF32, kF32, 0},    {kF32, kF32, kF32},  // f_i f_l f_f f_ff
    {kF32, kF64, 0},                                                                 // f_d
    {kF64, kI32, 0},    {kF64, kI64, 0},    {kF64, kF32, 0},    {kF64, kF64, 0},     // d_i d_l d_f d_d
    {kF64, kF64, kF64},                                                              // d_dd
    {0, kI32, kI32},    {0, kI32, kI64},    {0, kI32, kF32},    {0, kI32, kF64},     // v_ii v_il v_if v_id
};
// clang-format on
static_assert(sizeof kSigShapes / sizeof kSigShapes[0] == size_t(Sig::v_id) + 1, "Sig table");

// log2 of the access size of the loads and stores 0x28..0x3E (their natural alignment).
constexpr uint8_t kNaturalAlign[0x3F - 0x28] = {
    2, 3, 2, 3,        // i32/i64/f32/f64.load
    0, 0, 1, 1,        // i32.load8_s/u, i32.load16_s/u
    0, 0, 1, 1, 2, 2,  // i64.load8/16/32_s/u
    2, 3, 2, 3,        // i32/i64/f32/f64.store
    0, 1, 0, 1, 2,     // i32.store8/16, i64.store8/16/32
};

// What the fast loop needs of the one-byte instructions with a simple signature.
struct FastOp {
  bool simple = false;   // a Sig other than Special
  bool memory = false;   // has a memarg
  uint8_t align = 0;     // natural alignment (log2) for memory accesses
  uint8_t result = 0;    // result type, 0 for none
  uint8_t a = 0, b = 0;  // operand types, a below b; b is 0 for one operand
};
struct FastOpTable {
  FastOp ops[256];
  constexpr FastOpTable() : ops() {
    for (FastOp& op : ops) op = FastOp{};
#define OP(name, prefix, code, text, imm, sig, fuel)                                             \
  if (prefix == 0 && Sig::sig != Sig::Special) {                                                 \
    const SigShape& sh = kSigShapes[size_t(Sig::sig)];                                           \
    bool mem = Imm::imm == Imm::MemArg;                                                          \
    ops[code] =                                                                                  \
        FastOp{true, mem, mem ? kNaturalAlign[code - 0x28] : uint8_t(0), sh.result, sh.a, sh.b}; \
  }
#include "wasm/opcodes.def"
#undef OP
  }
};
constexpr FastOpTable kFastOps;

// LEB128 fast paths for the fast loop: up to four bytes, which always fit 32 bits (and
// need no overflow check). Return false, without moving pc, for anything else.
inline bool fastU32(const uint8_t*& pc, const uint8_t* end, uint32_t* out) {
  if (end - pc < 4) {
    if (pc < end && pc[0] < 0x80) {
      *out = *pc++;
      return true;
    }
    return false;
  }
  uint32_t b0 = pc[0];
  if (b0 < 0x80) {
    *out = b0;
    pc += 1;
    return true;
  }
  uint32_t b1 = pc[1];
  if (b1 < 0x80) {
    *out = (b0 & 0x7F) | b1 << 7;
    pc += 2;
    return true;
  }
  uint32_t b2 = pc[2];
  if (b2 < 0x80) {
    *out = (b0 & 0x7F) | (b1 & 0x7F) << 7 | b2 << 14;
    pc += 3;
    return true;
  }
  uint32_t b3 = pc[3];
  if (b3 < 0x80) {
    *out = (b0 & 0x7F) | (b1 & 0x7F) << 7 | (b2 & 0x7F) << 14 | b3 << 21;
    pc += 4;
    return true;
  }
  return false;
}

// Skips a signed LEB128 of up to four bytes (valid for s32 and s64 alike).
inline bool fastSkipLeb(const uint8_t*& pc, const uint8_t* end) {
  if (end - pc < 4) {
    if (pc < end && pc[0] < 0x80) {
      pc++;
      return true;
    }
    return false;
  }
  for (int i = 0; i < 4; i++) {
    if (pc[i] < 0x80) {
      pc += i + 1;
      return true;
    }
  }
  return false;
}

// The fast loop handles instructions that check at most this many values; the others
// take the slow path, which charges their compile work (limits.h).
constexpr uint32_t kFastValues = 8;

// Local access weight per enclosing loop depth (x8 per loop, capped at depth 4).
constexpr uint32_t kLoopWeight[5] = {1, 8, 64, 512, 4096};

enum FrameKind : uint8_t { kFrameFunc, kFrameBlock, kFrameLoop, kFrameIf, kFrameElse };

struct Ctrl {
  const ValType* params;
  const ValType* results;
  uint32_t nParams;
  uint32_t nResults;
  uint32_t height;  // operand stack height at the frame's start (below its params)
  FrameKind kind;
  bool unreachable;
  uint8_t loopDepth;  // loops enclosing the frame's instructions, capped at 4
};

// An operand stack entry: a ValType byte or kBot. A distinct type (not a character type)
// so that stores to the stack do not alias the validator's other state.
enum class Slot : uint8_t {};

// Buffers reused from one function to the next on the same thread. The operand stack and
// the control stack are allocated once at their limits (50 kB and 1.6 MB of address space,
// touched only as deep as functions go), so neither ever moves: the fast loop keeps
// pointers into them.
struct Scratch {
  std::vector<Slot> stack;
  std::vector<Ctrl> ctrls;
  std::vector<ValType> locals;
  std::vector<uint32_t> labels;
  Scratch() {
    stack.resize(limits::kMaxOperandStackHeight);
    ctrls.reserve(limits::kMaxControlDepth);
  }
};
thread_local Scratch tScratch;

inline bool isNumeric(uint8_t t) { return t == kI32 || t == kI64 || t == kF32 || t == kF64; }

const char* typeName(uint8_t t) { return t == kBot ? "unknown" : valTypeName(ValType(t)); }

class FuncValidator {
 public:
  FuncValidator(const ModuleInfo& m, uint32_t definedIndex, FuncAnalysis* analysis, Scratch& s, Job& job)
      : m_(m),
        definedIndex_(definedIndex),
        body_(m.bodies[definedIndex]),
        r_(m.bytes.data(), body_.codeOffset, size_t(body_.offset) + body_.size),
        a_(analysis),
        s_(s),
        job_(job) {}

  Status run();

 private:
  enum Step { kStepOk, kStepFail, kStepDone };
  Step step(uint8_t b);

  // --- errors ---------------------------------------------------------------------------
  bool fail(ErrorKind kind, uint64_t offset, const char* fmt, ...)
      __attribute__((format(printf, 4, 5)));
  bool failMismatch(uint8_t expected, uint8_t actual);
  bool failEmpty(uint8_t expected);
  Status finish();
  const char* currentOpName() const;

  // --- operand stack ----------------------------------------------------------------------
  // At the height limit the push fails the function (step() then reports it).
  void push(uint8_t t) {
    if (sp_ == cap_) {
      failHeight();
      return;
    }
    stk_[sp_++] = Slot(t);
    if (sp_ > maxHeight_) maxHeight_ = sp_;
  }
  bool failHeight();
  // Compile work (limits.h) for an instruction that checks or moves n values. Polls the
  // embedder's interrupt every kPollWork units.
  static constexpr uint64_t kPollWork = 1u << 16;
  bool charge(uint32_t n) {
    if (!job_.charge(n)) return fail(ErrorKind::Limit, instrStart_, "%s", job_.workError(instrStart_).message.c_str());
    sincePoll_ += n;
    if (sincePoll_ >= kPollWork) {
      sincePoll_ = 0;
      if (!job_.poll()) return failInterrupted();
    }
    return true;
  }
  bool failInterrupted() {
    if (failed_) return false;
    failed_ = true;
    err_ = job_.interruptedError();
    return false;
  }
  bool pop(uint8_t expected) {
    if (sp_ == top_->height) return top_->unreachable ? true : failEmpty(expected);
    uint8_t t = uint8_t(stk_[--sp_]);
    if (t == expected || t == kBot) return true;
    return failMismatch(expected, t);
  }
  bool popAny(uint8_t* out) {
    if (sp_ == top_->height) {
      *out = kBot;
      return top_->unreachable ? true : failEmpty(kBot);
    }
    *out = uint8_t(stk_[--sp_]);
    return true;
  }
  bool popTypes(const ValType* types, uint32_t n) {
    if (!charge(n)) return false;
    for (uint32_t i = n; i-- > 0;) {
      if (!pop(uint8_t(types[i]))) return false;
    }
    return true;
  }
  void pushTypes(const ValType* types, uint32_t n) {
    if (!charge(n)) return;
    for (uint32_t i = 0; i < n && !failed_; i++) push(uint8_t(types[i]));
  }
  // Checks that the top of the stack matches `types` without popping (br_table).
  bool peekTypes(const ValType* types, uint32_t n) {
    if (!charge(n)) return false;
    uint32_t avail = sp_ - top_->height;
    for (uint32_t i = 0; i < n; i++) {
      uint8_t want = uint8_t(types[n - 1 - i]);
      if (i >= avail) {
        if (top_->unreachable) return true;
        return failEmpty(want);
      }
      uint8_t have = uint8_t(stk_[sp_ - 1 - i]);
      if (have != want && have != kBot) return failMismatch(want, have);
    }
    return true;
  }

  // --- control frames ---------------------------------------------------------------------
  bool readBlockSig(const ValType** params, uint32_t* nParams, const ValType** results,
                    uint32_t* nResults);
  bool pushCtrl(FrameKind kind, const ValType* params, uint32_t nParams, const ValType* results,
                uint32_t nResults);
  bool checkFrameEnd();
  void setUnreachable() {
    sp_ = top_->height;
    top_->unreachable = true;
  }
  bool label(uint32_t depth, const ValType** types, uint32_t* n);

  // --- instruction groups -------------------------------------------------------------------
  bool brTable();
  bool memArg(uint8_t opcode);
  bool needMemory();
  uint32_t numDataSegments() const {
    return m_.hasDataCount ? m_.dataCount : uint32_t(m_.datas.size());
  }
  bool zeroByte();
  bool tableIndex(uint32_t* index);
  bool prefixFC();
  void useLocal(uint32_t index) {
    if (weights_) {
      uint32_t w = weights_[index] + curWeight_;
      weights_[index] = w < curWeight_ ? UINT32_MAX : w;
    }
  }

  const ModuleInfo& m_;
  uint32_t definedIndex_;
  const FuncBody& body_;
  Reader r_;
  FuncAnalysis* a_;
  Scratch& s_;
  Job& job_;
  uint64_t sincePoll_ = 0;

  Slot* stk_ = nullptr;
  uint32_t sp_ = 0;
  uint32_t cap_ = 0;
  Ctrl* top_ = nullptr;
  const ValType* locals_ = nullptr;
  uint32_t numLocals_ = 0;
  uint32_t* weights_ = nullptr;
  uint32_t curWeight_ = 1;
  size_t instrStart_ = 0;

  uint32_t maxHeight_ = 0;
  uint32_t maxDepth_ = 0;
  bool hasCalls_ = false;
  bool hasRuntimeCalls_ = false;
  uint32_t callWeight_ = 0;
  void noteCall(uint32_t w) {
    uint32_t c = callWeight_ + w;
    callWeight_ = c < w ? UINT32_MAX : c;
  }

  bool failed_ = false;
  Error err_;
};

bool FuncValidator::fail(ErrorKind kind, uint64_t offset, const char* fmt, ...) {
  if (failed_) return false;
  failed_ = true;
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  err_.kind = kind;
  err_.offset = offset;
  err_.message = buf;
  return false;
}

const char* FuncValidator::currentOpName() const {
  const uint8_t* base = m_.bytes.data();
  uint8_t b = base[instrStart_];
  if (b == 0xFC) {
    Reader r(base, instrStart_ + 1, r_.end());
    uint32_t sub = r.u32();
    return r.ok() && sub < kNumFcOps ? opInfo(kFcOps[sub]).name : "?";
  }
  Op op = kOneByteOps[b];
  return op == Op::Invalid ? "?" : opInfo(op).name;
}

bool FuncValidator::failMismatch(uint8_t expected, uint8_t actual) {
  if (expected == kBot) {
    return fail(ErrorKind::Invalid, instrStart_, "type mismatch in %s: unexpected %s",
                currentOpName(), typeName(actual));
  }
  return fail(ErrorKind::Invalid, instrStart_, "type mismatch in %s: expected %s, found %s",
              currentOpName(), typeName(expected), typeName(actual));
}

bool FuncValidator::failEmpty(uint8_t expected) {
  if (expected == kBot) {
    return fail(ErrorKind::Invalid, instrStart_,
                "type mismatch in %s: expected a value, found none", currentOpName());
  }
  return fail(ErrorKind::Invalid, instrStart_, "type mismatch in %s: expected %s, found nothing",
              currentOpName(), typeName(expected));
}

Status FuncValidator::finish() {
  if (!r_.ok()) {
    // A decoding error takes priority (the value we validated may be garbage).
    Error e = r_.takeError();
    refineUnexpectedEnd(&e);
    return e;
  }
  if (!failed_) return okStatus();
  if (err_.kind == ErrorKind::Invalid) {
    // Malformed bytes later in this body or in a later one win over a validation error, as
    // in the spec, where the whole module is decoded before it is validated.
    WASM_TRY(scanFunctionBodies(m_, definedIndex_, &job_));
  }
  return std::move(err_);
}

bool FuncValidator::readBlockSig(const ValType** params, uint32_t* nParams, const ValType** results,
                                 uint32_t* nResults) {
  size_t off = r_.offset();
  BlockType bt;
  if (!readBlockType(r_, &bt)) return false;
  switch (bt.kind) {
    case BlockType::Kind::Empty:
      *params = *results = nullptr;
      *nParams = *nResults = 0;
      return true;
    case BlockType::Kind::Value:
      *params = nullptr;
      *nParams = 0;
      *results = &kTypeTable.t[uint8_t(bt.type)];
      *nResults = 1;
      return true;
    case BlockType::Kind::Index: break;
  }
  if (bt.index >= m_.types.size())
    return fail(ErrorKind::Invalid, off, "unknown type %u", bt.index);
  const FuncType& t = m_.types[bt.index];
  *params = t.params.data();
  *nParams = uint32_t(t.params.size());
  *results = t.results.data();
  *nResults = uint32_t(t.results.size());
  return true;
}

bool FuncValidator::failHeight() {
  return fail(ErrorKind::Limit, instrStart_,
              "the operand stack of function %u exceeds the limit of %u values",
              m_.numImportedFuncs + definedIndex_, limits::kMaxOperandStackHeight);
}

bool FuncValidator::pushCtrl(FrameKind kind, const ValType* params, uint32_t nParams,
                             const ValType* results, uint32_t nResults) {
  if (s_.ctrls.size() >= limits::kMaxControlDepth) {
    return fail(ErrorKind::Limit, instrStart_,
                "blocks of function %u nest deeper than the limit of %u",
                m_.numImportedFuncs + definedIndex_, limits::kMaxControlDepth);
  }
  if (!popTypes(params, nParams)) return false;
  uint8_t loopDepth = top_ ? top_->loopDepth : 0;
  if (kind == kFrameLoop && loopDepth < 4) loopDepth++;
  s_.ctrls.push_back(Ctrl{params, results, nParams, nResults, sp_, kind, false, loopDepth});
  top_ = &s_.ctrls.back();
  curWeight_ = kLoopWeight[loopDepth];
  if (s_.ctrls.size() > maxDepth_) maxDepth_ = uint32_t(s_.ctrls.size());
  pushTypes(params, nParams);
  return true;
}

// At `else` or `end`: the frame's results must be exactly what is on its stack.
bool FuncValidator::checkFrameEnd() {
  if (!popTypes(top_->results, top_->nResults)) return false;
  if (sp_ != top_->height) {
    return fail(ErrorKind::Invalid, instrStart_,
                "type mismatch: %u value(s) left on the stack at the end of the block",
                sp_ - top_->height);
  }
  return true;
}

bool FuncValidator::label(uint32_t depth, const ValType** types, uint32_t* n) {
  if (depth >= s_.ctrls.size())
    return fail(ErrorKind::Invalid, instrStart_, "unknown label %u", depth);
  const Ctrl& c = s_.ctrls[s_.ctrls.size() - 1 - depth];
  if (c.kind == kFrameLoop) {
    *types = c.params;
    *n = c.nParams;
  } else {
    *types = c.results;
    *n = c.nResults;
  }
  return true;
}

bool FuncValidator::brTable() {
  size_t countOff = r_.offset();
  uint32_t n = r_.u32();
  if (!r_.ok()) return false;
  if (n >= r_.remaining()) {
    r_.fail(ErrorKind::Malformed, countOff, "unexpected end (br_table of %u labels)", n);
    return false;
  }
  if (n > limits::kMaxBrTableSize) {
    return fail(ErrorKind::Limit, countOff, "br_table of %u labels exceeds the limit of %u", n,
                limits::kMaxBrTableSize);
  }
  if (!charge(n + 1)) return false;
  if (s_.labels.size() < size_t(n) + 1) s_.labels.resize(size_t(n) + 1);
  uint32_t* labels = s_.labels.data();
  for (uint32_t i = 0; i <= n; i++) labels[i] = r_.u32();
  if (!r_.ok()) return false;
  if (!pop(kI32)) return false;
  const ValType* defTypes;
  uint32_t arity;
  if (!label(labels[n], &defTypes, &arity)) return false;
  for (uint32_t i = 0; i < n; i++) {
    // A target like the previous one, or like the default, needs no second check.
    if ((i > 0 && labels[i] == labels[i - 1]) || labels[i] == labels[n]) {
      if (labels[i] >= s_.ctrls.size()) return fail(ErrorKind::Invalid, instrStart_, "unknown label %u", labels[i]);
      continue;
    }
    const ValType* types;
    uint32_t count;
    if (!label(labels[i], &types, &count)) return false;
    if (count != arity) {
      return fail(ErrorKind::Invalid, instrStart_,
                  "type mismatch: br_table targets have %u and %u values", count, arity);
    }
    if (!peekTypes(types, count)) return false;
  }
  if (!popTypes(defTypes, arity)) return false;
  setUnreachable();
  return true;
}

bool FuncValidator::needMemory() {
  if (m_.memories.empty()) return fail(ErrorKind::Invalid, instrStart_, "unknown memory 0");
  return true;
}

bool FuncValidator::zeroByte() {
  size_t off = r_.offset();
  uint8_t b = r_.u8();
  if (!r_.ok()) return false;
  if (b != 0) {
    r_.fail(ErrorKind::Malformed, off, "zero byte expected");
    return false;
  }
  return true;
}

bool FuncValidator::memArg(uint8_t opcode) {
  size_t alignOff = r_.offset();
  uint32_t align = r_.u32();
  r_.u32();  // offset
  if (!r_.ok()) return false;
  if (!needMemory()) return false;
  uint32_t natural = kNaturalAlign[opcode - 0x28];
  if (align > natural) {
    return fail(ErrorKind::Invalid, alignOff,
                "alignment must not be larger than natural (2^%u > %u bytes for %s)", align,
                1u << natural, currentOpName());
  }
  return true;
}

bool FuncValidator::tableIndex(uint32_t* index) {
  size_t off = r_.offset();
  *index = r_.u32();
  if (!r_.ok()) return false;
  if (*index >= m_.tables.size()) return fail(ErrorKind::Invalid, off, "unknown table %u", *index);
  return true;
}

bool FuncValidator::prefixFC() {
  uint32_t sub = r_.u32();
  if (!r_.ok()) return false;
  if (sub >= kNumFcOps) {
    failFcOpcode(r_, instrStart_, sub);
    return false;
  }
  Op op = kFcOps[sub];
  const OpInfo& info = opInfo(op);
  if (info.sig != Sig::Special) {
    const SigShape& sh = kSigShapes[size_t(info.sig)];
    if (!pop(sh.a)) return false;
    push(sh.result);
    return true;
  }
  if (op != Op::TableSize) {  // table.size is inline; the rest call into the runtime
    hasRuntimeCalls_ = true;
    noteCall(curWeight_);
  }
  switch (op) {
    case Op::MemoryInit: {
      size_t idxOff = r_.offset();
      uint32_t seg = r_.u32();
      if (!zeroByte()) return false;
      if (!dataCountKnown(m_)) {
        r_.fail(ErrorKind::Malformed, instrStart_, "data count section required");
        return false;
      }
      if (!needMemory()) return false;
      if (seg >= numDataSegments())
        return fail(ErrorKind::Invalid, idxOff, "unknown data segment %u", seg);
      return pop(kI32) && pop(kI32) && pop(kI32);
    }
    case Op::DataDrop: {
      size_t idxOff = r_.offset();
      uint32_t seg = r_.u32();
      if (!r_.ok()) return false;
      if (!dataCountKnown(m_)) {
        r_.fail(ErrorKind::Malformed, instrStart_, "data count section required");
        return false;
      }
      if (seg >= numDataSegments())
        return fail(ErrorKind::Invalid, idxOff, "unknown data segment %u", seg);
      return true;
    }
    case Op::MemoryCopy:
      if (!zeroByte() || !zeroByte() || !needMemory()) return false;
      return pop(kI32) && pop(kI32) && pop(kI32);
    case Op::MemoryFill:
      if (!zeroByte() || !needMemory()) return false;
      return pop(kI32) && pop(kI32) && pop(kI32);
    case Op::TableInit: {
      size_t segOff = r_.offset();
      uint32_t seg = r_.u32();
      uint32_t table;
      if (!r_.ok() || !tableIndex(&table)) return false;
      if (seg >= m_.elems.size())
        return fail(ErrorKind::Invalid, segOff, "unknown elem segment %u", seg);
      if (m_.elems[seg].type != m_.tables[table].elem) {
        return fail(ErrorKind::Invalid, instrStart_,
                    "type mismatch: table.init of %s into a %s table",
                    valTypeName(m_.elems[seg].type), valTypeName(m_.tables[table].elem));
      }
      return pop(kI32) && pop(kI32) && pop(kI32);
    }
    case Op::ElemDrop: {
      size_t segOff = r_.offset();
      uint32_t seg = r_.u32();
      if (!r_.ok()) return false;
      if (seg >= m_.elems.size())
        return fail(ErrorKind::Invalid, segOff, "unknown elem segment %u", seg);
      return true;
    }
    case Op::TableCopy: {
      uint32_t dst, src;
      if (!tableIndex(&dst) || !tableIndex(&src)) return false;
      if (m_.tables[dst].elem != m_.tables[src].elem) {
        return fail(ErrorKind::Invalid, instrStart_,
                    "type mismatch: table.copy from %s to %s table",
                    valTypeName(m_.tables[src].elem), valTypeName(m_.tables[dst].elem));
      }
      return pop(kI32) && pop(kI32) && pop(kI32);
    }
    case Op::TableGrow: {
      uint32_t t;
      if (!tableIndex(&t)) return false;
      if (!pop(kI32) || !pop(uint8_t(m_.tables[t].elem))) return false;
      push(kI32);
      return true;
    }
    case Op::TableSize: {
      uint32_t t;
      if (!tableIndex(&t)) return false;
      push(kI32);
      return true;
    }
    case Op::TableFill: {
      uint32_t t;
      if (!tableIndex(&t)) return false;
      return pop(kI32) && pop(uint8_t(m_.tables[t].elem)) && pop(kI32);
    }
    default: break;
  }
  failFcOpcode(r_, instrStart_, sub);
  return false;
}

Status FuncValidator::run() {
  const ModuleInfo& m = m_;
  const FuncType& ft = m.funcType(m.numImportedFuncs + definedIndex_);

  // Locals: parameters, then the declared runs.
  uint32_t numParams = uint32_t(ft.params.size());
  numLocals_ = numParams + body_.numLocals;
  s_.locals.resize(numLocals_);
  ValType* localTypes = s_.locals.data();
  for (uint32_t i = 0; i < numParams; i++) localTypes[i] = ft.params[i];
  uint32_t n = numParams;
  for (const LocalRun& run : body_.locals) {
    for (uint32_t i = 0; i < run.count; i++) localTypes[n++] = run.type;
  }
  locals_ = localTypes;
  if (!job_.poll()) {
    failInterrupted();
    return finish();
  }
  instrStart_ = body_.offset;
  if (!charge(numLocals_)) return finish();
  if (a_) {
    a_->localWeights.assign(numLocals_, 0);
    weights_ = a_->localWeights.data();
  }

  s_.ctrls.clear();
  stk_ = s_.stack.data();
  cap_ = uint32_t(s_.stack.size());
  sp_ = 0;
  top_ = nullptr;
  pushCtrl(kFrameFunc, nullptr, 0, ft.results.data(), uint32_t(ft.results.size()));

  // The fast loop keeps the reader position, the stack pointer and the top frame in
  // locals and handles the common instructions in their common (valid) form inline. Any
  // other instruction, and any irregularity (long LEB128, bad index, unexpected operand
  // type, full stack), goes to step() on the member state, which redoes the instruction
  // with every check and the exact error.
  const uint8_t* const mbase = m.bytes.data();
  const uint8_t* const end = mbase + r_.end();
  const uint8_t* pc = mbase + r_.offset();
  const ValType* const locals = locals_;
  const uint32_t numLocals = numLocals_;
  const uint32_t numGlobals = uint32_t(m.globals.size());
  const bool hasMemory = !m.memories.empty();
  Slot* stk;
  Slot* sp;
  Slot* capEnd;
  Slot* frameBase;
  Ctrl* top;
  uint32_t* const weights = weights_;
  uint32_t weight;
  uint32_t maxHeight = maxHeight_;

#define LOAD_STATE()                      \
  do {                                    \
    pc = mbase + r_.offset();             \
    stk = stk_;                           \
    sp = stk + sp_;                       \
    capEnd = stk + cap_;                  \
    top = top_;                           \
    frameBase = stk + top->height;        \
    weight = kLoopWeight[top->loopDepth]; \
    maxHeight = maxHeight_;               \
  } while (0)
#define SAVE_STATE()          \
  do {                        \
    sp_ = uint32_t(sp - stk); \
    maxHeight_ = maxHeight;   \
    top_ = top;               \
    curWeight_ = weight;      \
  } while (0)
#define NOTE_HEIGHT()                                                   \
  do {                                                                  \
    if (uint32_t(sp - stk) > maxHeight) maxHeight = uint32_t(sp - stk); \
  } while (0)
#define USE_LOCAL(i)                              \
  do {                                            \
    if (weights) {                                \
      uint32_t w_ = weights[i] + weight;          \
      weights[i] = w_ < weight ? UINT32_MAX : w_; \
    }                                             \
  } while (0)

  // The loop stops at `stop`: the end of the body, or the next interrupt poll
  // (limits::kPollIntervalBytes on), so that the one comparison serves both.
  auto nextStop = [end](const uint8_t* from) {
    return size_t(end - from) > limits::kPollIntervalBytes ? from + limits::kPollIntervalBytes : end;
  };
  const uint8_t* stop = nextStop(pc);
  LOAD_STATE();
  for (;;) {
    if (pc >= stop) {
      if (pc == end) {
        r_.seek(size_t(pc - mbase));
        SAVE_STATE();
        failMissingEnd(r_, m);
        return finish();
      }
      if (!job_.poll()) {
        r_.seek(size_t(pc - mbase));
        SAVE_STATE();
        failInterrupted();
        return finish();
      }
      stop = nextStop(pc);
    }
    const uint8_t* ip = pc;
    uint8_t b = *pc++;
    switch (b) {
      case 0x20: {  // local.get
        uint32_t i;
        if (!fastU32(pc, end, &i) || i >= numLocals || sp == capEnd) goto slow;
        *sp++ = Slot(locals[i]);
        NOTE_HEIGHT();
        USE_LOCAL(i);
        continue;
      }
      case 0x21: {  // local.set
        uint32_t i;
        if (!fastU32(pc, end, &i) || i >= numLocals || sp == frameBase ||
            sp[-1] != Slot(locals[i])) {
          goto slow;
        }
        sp--;
        USE_LOCAL(i);
        continue;
      }
      case 0x22: {  // local.tee
        uint32_t i;
        if (!fastU32(pc, end, &i) || i >= numLocals || sp == frameBase ||
            sp[-1] != Slot(locals[i])) {
          goto slow;
        }
        USE_LOCAL(i);
        continue;
      }
      case 0x23: {  // global.get
        uint32_t i;
        if (!fastU32(pc, end, &i) || i >= numGlobals || sp == capEnd) goto slow;
        *sp++ = Slot(m.globals[i].type.type);
        NOTE_HEIGHT();
        continue;
      }
      case 0x41:  // i32.const
        if (!fastSkipLeb(pc, end) || sp == capEnd) goto slow;
        *sp++ = Slot(kI32);
        NOTE_HEIGHT();
        continue;
      case 0x42:  // i64.const
        if (!fastSkipLeb(pc, end) || sp == capEnd) goto slow;
        *sp++ = Slot(kI64);
        NOTE_HEIGHT();
        continue;
      case 0x43:  // f32.const
        if (end - pc < 4 || sp == capEnd) goto slow;
        pc += 4;
        *sp++ = Slot(kF32);
        NOTE_HEIGHT();
        continue;
      case 0x44:  // f64.const
        if (end - pc < 8 || sp == capEnd) goto slow;
        pc += 8;
        *sp++ = Slot(kF64);
        NOTE_HEIGHT();
        continue;
      case 0x1A:  // drop
        if (sp == frameBase) goto slow;
        sp--;
        continue;
      case 0x02:    // block
      case 0x03:    // loop
      case 0x04: {  // if
        // Only block types without parameters: empty or one value type.
        if (pc == end) goto slow;
        uint8_t bt = *pc;
        const ValType* results;
        uint32_t nResults;
        if (bt == 0x40) {
          results = nullptr;
          nResults = 0;
        } else if (isNumOrRef(bt)) {
          results = &kTypeTable.t[bt];
          nResults = 1;
        } else {
          goto slow;
        }
        std::vector<Ctrl>& ctrls = s_.ctrls;
        if (ctrls.size() >= limits::kMaxControlDepth) goto slow;
        if (b == 0x04) {
          if (sp == frameBase || sp[-1] != Slot(kI32)) goto slow;
          sp--;
        }
        pc++;
        FrameKind kind = b == 0x02 ? kFrameBlock : b == 0x03 ? kFrameLoop : kFrameIf;
        uint8_t loopDepth = top->loopDepth;
        if (kind == kFrameLoop && loopDepth < 4) loopDepth++;
        ctrls.push_back(
            Ctrl{nullptr, results, 0, nResults, uint32_t(sp - stk), kind, false, loopDepth});
        top = &ctrls.back();
        frameBase = sp;
        weight = kLoopWeight[loopDepth];
        if (ctrls.size() > maxDepth_) maxDepth_ = uint32_t(ctrls.size());
        continue;
      }
      case 0x05:    // else
      case 0x0B: {  // end
        // The common case: a reachable frame whose stack holds exactly its results.
        std::vector<Ctrl>& ctrls = s_.ctrls;
        uint32_t nr = top->nResults;
        if (top->unreachable || uint32_t(sp - frameBase) != nr || ctrls.size() < 2 || nr > kFastValues) goto slow;
        for (uint32_t i = 0; i < nr; i++) {
          if (frameBase[i] != Slot(top->results[i])) goto slow;
        }
        if (b == 0x05) {
          if (top->kind != kFrameIf || top->nParams != 0) goto slow;
          top->kind = kFrameElse;
          sp = frameBase;
          continue;
        }
        if (top->kind == kFrameIf && (nr != 0 || top->nParams != 0)) goto slow;  // if without else
        // The results are already where the enclosing frame expects them.
        ctrls.pop_back();
        top = &ctrls.back();
        frameBase = stk + top->height;
        weight = kLoopWeight[top->loopDepth];
        continue;
      }
      case 0x0D: {  // br_if
        uint32_t depth;
        if (!fastU32(pc, end, &depth) || depth >= s_.ctrls.size() || sp == frameBase ||
            sp[-1] != Slot(kI32)) {
          goto slow;
        }
        const Ctrl& target = s_.ctrls[s_.ctrls.size() - 1 - depth];
        const ValType* types = target.kind == kFrameLoop ? target.params : target.results;
        uint32_t nt = target.kind == kFrameLoop ? target.nParams : target.nResults;
        if (uint32_t(sp - 1 - frameBase) < nt || nt > kFastValues) goto slow;
        for (uint32_t i = 0; i < nt; i++) {
          if (sp[-2 - int(i)] != Slot(types[nt - 1 - i])) goto slow;
        }
        sp--;
        continue;
      }
      case 0x10: {  // call
        uint32_t f;
        if (!fastU32(pc, end, &f) || f >= m.funcs.size()) goto slow;
        const FuncType& t = m.funcType(f);
        uint32_t np = uint32_t(t.params.size()), nr = uint32_t(t.results.size());
        if (uint32_t(sp - frameBase) < np || uint32_t(capEnd - sp) + np < nr || np + nr > kFastValues) goto slow;
        for (uint32_t i = 0; i < np; i++) {
          if (sp[int(i) - int(np)] != Slot(t.params[i])) goto slow;
        }
        sp -= np;
        for (uint32_t i = 0; i < nr; i++) *sp++ = Slot(t.results[i]);
        NOTE_HEIGHT();
        hasCalls_ = true;
        noteCall(weight);
        continue;
      }
      default: {
        const FastOp& f = kFastOps.ops[b];
        if (!f.simple) goto slow;
        if (f.memory) {
          uint32_t align, offset;
          if (!hasMemory || !fastU32(pc, end, &align) || align > f.align ||
              !fastU32(pc, end, &offset)) {
            goto slow;
          }
        }
        if (f.b) {
          if (sp - frameBase < 2 || sp[-1] != Slot(f.b) || sp[-2] != Slot(f.a)) goto slow;
          sp -= 2;
        } else {
          if (sp == frameBase || sp[-1] != Slot(f.a)) goto slow;
          sp -= 1;
        }
        if (f.result) *sp++ = Slot(f.result);  // never above the height before the operands
        continue;
      }
    }
  slow:
    instrStart_ = size_t(ip - mbase);
    r_.seek(instrStart_ + 1);
    SAVE_STATE();
    switch (step(b)) {
      case kStepOk: break;
      case kStepFail: return finish();
      case kStepDone:
        if (a_) {
          a_->maxStackHeight = maxHeight_;
          a_->maxControlDepth = maxDepth_;
          a_->hasCalls = hasCalls_;
          a_->hasRuntimeCalls = hasRuntimeCalls_;
          a_->callWeight = callWeight_;
        }
        return okStatus();
    }
    LOAD_STATE();
  }
#undef LOAD_STATE
#undef SAVE_STATE
#undef NOTE_HEIGHT
#undef USE_LOCAL
}

// One instruction whose opcode byte `b` (at instrStart_) has been read, on the member
// state: every instruction the fast loop in run() leaves out, and every irregular case.
FuncValidator::Step FuncValidator::step(uint8_t b) {
  const ModuleInfo& m = m_;
  Reader& r = r_;
#define CHECK(x)                \
  do {                          \
    if (!(x)) return kStepFail; \
  } while (0)

  switch (b) {
    case 0x00:  // unreachable
      setUnreachable();
      break;
    case 0x01:  // nop
      break;
    case 0x02:    // block
    case 0x03:    // loop
    case 0x04: {  // if
      const ValType *params, *results;
      uint32_t np, nr;
      CHECK(readBlockSig(&params, &np, &results, &nr));
      if (b == 0x04) CHECK(pop(kI32));
      CHECK(pushCtrl(b == 0x02   ? kFrameBlock
                     : b == 0x03 ? kFrameLoop
                                 : kFrameIf,
                     params, np, results, nr));
      break;
    }
    case 0x05:  // else
      if (top_->kind != kFrameIf) {
        r.fail(ErrorKind::Malformed, instrStart_, "END opcode expected (else without if)");
        return kStepFail;
      }
      CHECK(checkFrameEnd());
      top_->kind = kFrameElse;
      top_->unreachable = false;
      pushTypes(top_->params, top_->nParams);
      break;
    case 0x0B: {  // end
      CHECK(checkFrameEnd());
      if (top_->kind == kFrameIf) {
        // No else: the implicit empty else must turn the params into the results.
        bool same = top_->nParams == top_->nResults;
        for (uint32_t i = 0; same && i < top_->nParams; i++) {
          same = top_->params[i] == top_->results[i];
        }
        if (!same) {
          fail(ErrorKind::Invalid, instrStart_,
               "type mismatch: if without else must leave its "
               "parameters as its results");
          return kStepFail;
        }
      }
      const ValType* results = top_->results;
      uint32_t nr = top_->nResults;
      s_.ctrls.pop_back();
      if (s_.ctrls.empty()) {
        if (!r.atEnd()) {
          r.fail(ErrorKind::Malformed, r.offset(),
                 "section size mismatch (bytes after the function's final end)");
          return kStepFail;
        }
        return kStepDone;
      }
      top_ = &s_.ctrls.back();
      curWeight_ = kLoopWeight[top_->loopDepth];
      pushTypes(results, nr);
      break;
    }
    case 0x0C:    // br
    case 0x0D: {  // br_if
      uint32_t depth = r.u32();
      CHECK(r.ok());
      const ValType* types;
      uint32_t cnt;
      CHECK(label(depth, &types, &cnt));
      if (b == 0x0C) {
        CHECK(popTypes(types, cnt));
        setUnreachable();
      } else {
        CHECK(pop(kI32));
        CHECK(popTypes(types, cnt));
        pushTypes(types, cnt);
      }
      break;
    }
    case 0x0E:  // br_table
      CHECK(brTable());
      break;
    case 0x0F:  // return
      CHECK(popTypes(s_.ctrls[0].results, s_.ctrls[0].nResults));
      setUnreachable();
      break;
    case 0x10: {  // call
      size_t off = r.offset();
      uint32_t f = r.u32();
      CHECK(r.ok());
      if (f >= m.funcs.size()) {
        fail(ErrorKind::Invalid, off, "unknown function %u", f);
        return kStepFail;
      }
      hasCalls_ = true;
      noteCall(curWeight_);
      const FuncType& t = m.funcType(f);
      CHECK(popTypes(t.params.data(), uint32_t(t.params.size())));
      pushTypes(t.results.data(), uint32_t(t.results.size()));
      break;
    }
    case 0x11: {  // call_indirect
      size_t typeOff = r.offset();
      uint32_t typeIndex = r.u32();
      uint32_t table;
      CHECK(r.ok() && tableIndex(&table));
      if (typeIndex >= m.types.size()) {
        fail(ErrorKind::Invalid, typeOff, "unknown type %u", typeIndex);
        return kStepFail;
      }
      if (m.tables[table].elem != ValType::FuncRef) {
        fail(ErrorKind::Invalid, instrStart_, "type mismatch: call_indirect through a %s table",
             valTypeName(m.tables[table].elem));
        return kStepFail;
      }
      hasCalls_ = true;
      noteCall(curWeight_);
      const FuncType& t = m.types[typeIndex];
      CHECK(pop(kI32));
      CHECK(popTypes(t.params.data(), uint32_t(t.params.size())));
      pushTypes(t.results.data(), uint32_t(t.results.size()));
      break;
    }
    case 0x1A: {  // drop
      uint8_t t;
      CHECK(popAny(&t));
      break;
    }
    case 0x1B: {  // select
      uint8_t t1, t2;
      CHECK(pop(kI32));
      CHECK(popAny(&t1));
      CHECK(popAny(&t2));
      if (!((isNumeric(t1) || t1 == kBot) && (isNumeric(t2) || t2 == kBot))) {
        fail(ErrorKind::Invalid, instrStart_,
             "type mismatch: select without a type needs numeric operands, found %s and %s",
             typeName(t2), typeName(t1));
        return kStepFail;
      }
      if (t1 != t2 && t1 != kBot && t2 != kBot) CHECK(failMismatch(t2, t1));
      push(t1 == kBot ? t2 : t1);
      break;
    }
    case 0x1C: {  // select t*
      size_t countOff = r.offset();
      uint32_t cnt = r.u32();
      CHECK(r.ok());
      if (cnt > r.remaining()) {
        r.fail(ErrorKind::Malformed, countOff, "unexpected end (select of %u types)", cnt);
        return kStepFail;
      }
      ValType t = ValType::I32;
      for (uint32_t i = 0; i < cnt; i++) {
        ValType ti;
        CHECK(readValType(r, &ti));
        if (i == 0) t = ti;
      }
      if (cnt != 1) {
        fail(ErrorKind::Invalid, countOff, "invalid result arity: select takes 1 type, not %u",
             cnt);
        return kStepFail;
      }
      CHECK(pop(kI32) && pop(uint8_t(t)) && pop(uint8_t(t)));
      push(uint8_t(t));
      break;
    }
    case 0x20:    // local.get
    case 0x21:    // local.set
    case 0x22: {  // local.tee
      size_t off = r.offset();
      uint32_t i = r.u32();
      CHECK(r.ok());
      if (i >= numLocals_) {
        fail(ErrorKind::Invalid, off, "unknown local %u", i);
        return kStepFail;
      }
      uint8_t t = uint8_t(locals_[i]);
      useLocal(i);
      if (b == 0x20) {
        push(t);
      } else {
        CHECK(pop(t));
        if (b == 0x22) push(t);
      }
      break;
    }
    case 0x23:    // global.get
    case 0x24: {  // global.set
      size_t off = r.offset();
      uint32_t g = r.u32();
      CHECK(r.ok());
      if (g >= m.globals.size()) {
        fail(ErrorKind::Invalid, off, "unknown global %u", g);
        return kStepFail;
      }
      const GlobalType& gt = m.globals[g].type;
      if (b == 0x23) {
        push(uint8_t(gt.type));
      } else {
        if (!gt.mut) {
          fail(ErrorKind::Invalid, off, "global is immutable: global.set of global %u", g);
          return kStepFail;
        }
        CHECK(pop(uint8_t(gt.type)));
      }
      break;
    }
    case 0x25:    // table.get
    case 0x26: {  // table.set
      uint32_t t;
      CHECK(tableIndex(&t));
      uint8_t elem = uint8_t(m.tables[t].elem);
      if (b == 0x25) {
        CHECK(pop(kI32));
        push(elem);
      } else {
        CHECK(pop(elem) && pop(kI32));
      }
      break;
    }
    case 0x3F:  // memory.size
      CHECK(zeroByte() && needMemory());
      push(kI32);
      break;
    case 0x40:  // memory.grow
      CHECK(zeroByte() && needMemory());
      hasRuntimeCalls_ = true;
      noteCall(curWeight_);
      CHECK(pop(kI32));
      push(kI32);
      break;
    case 0x41:  // i32.const
      r.s32();
      push(kI32);
      break;
    case 0x42:  // i64.const
      r.s64();
      push(kI64);
      break;
    case 0x43:  // f32.const
      r.fixed32();
      push(kF32);
      break;
    case 0x44:  // f64.const
      r.fixed64();
      push(kF64);
      break;
    case 0xD0: {  // ref.null
      ValType t;
      CHECK(readRefType(r, &t));
      push(uint8_t(t));
      break;
    }
    case 0xD1: {  // ref.is_null
      uint8_t t;
      CHECK(popAny(&t));
      if (t != kBot && !isRef(ValType(t))) {
        fail(ErrorKind::Invalid, instrStart_,
             "type mismatch in ref.is_null: expected a reference, found %s", typeName(t));
        return kStepFail;
      }
      push(kI32);
      break;
    }
    case 0xD2: {  // ref.func
      size_t off = r.offset();
      uint32_t f = r.u32();
      CHECK(r.ok());
      if (f >= m.funcs.size()) {
        fail(ErrorKind::Invalid, off, "unknown function %u", f);
        return kStepFail;
      }
      if (f >= m.declaredFuncRefs.size() || !m.declaredFuncRefs[f]) {
        fail(ErrorKind::Invalid, off, "undeclared function reference %u", f);
        return kStepFail;
      }
      push(kFuncRef);
      break;
    }
    case 0xFC: CHECK(prefixFC()); break;
    default: {
      Op op = kOneByteOps[b];
      if (op == Op::Invalid) {
        failOpcode(r, instrStart_, b);
        return kStepFail;
      }
      const OpInfo& info = opInfo(op);
      if (info.sig == Sig::Special) {  // every special instruction has its own case
        failOpcode(r, instrStart_, b);
        return kStepFail;
      }
      if (info.imm == Imm::MemArg) CHECK(memArg(b));
      const SigShape& sh = kSigShapes[size_t(info.sig)];
      if (sh.b) CHECK(pop(sh.b));
      CHECK(pop(sh.a));
      if (sh.result) push(sh.result);
      break;
    }
  }
  return failed_ ? kStepFail : kStepOk;  // a push past the height limit
#undef CHECK
}

}  // namespace

Status validateFunction(const ModuleInfo& m, uint32_t definedIndex, FuncAnalysis* analysis, Job* job) {
  if (definedIndex >= m.bodies.size() ||
      m.numImportedFuncs + uint64_t(definedIndex) >= m.funcs.size()) {
    return makeError(ErrorKind::Invalid, kNoOffset, "unknown function body %u", definedIndex);
  }
  uint32_t typeIndex = m.funcs[m.numImportedFuncs + definedIndex];
  if (typeIndex >= m.types.size()) {
    return makeError(ErrorKind::Invalid, kNoOffset, "unknown type %u", typeIndex);
  }
  if (!job) {
    Job own(m.bytes.size());
    FuncValidator v(m, definedIndex, analysis, tScratch, own);
    return v.run();
  }
  FuncValidator v(m, definedIndex, analysis, tScratch, *job);
  return v.run();
}

}  // namespace wasm
