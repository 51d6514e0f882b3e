// Engine zone. A direct encoder for the instruction forms that make up most generated code
// (register moves, immediates, loads and stores of every width, ALU with register,
// immediate or memory operands, lea, and branches and calls to labels). asmjit's generic
// Assembler::_emit costs about 200 instructions per emitted instruction; these cost a few
// dozen, which is most of the compiler's speed. Labels are its own (Label): an index into
// a table of offsets, 4 bytes each, where asmjit's cost about 70 bytes, and a reference to
// one not yet bound is a 12-byte fixup, patched by resolveFixups() once every label is
// bound; so the compiler's memory follows the code it makes. Everything else (SSE, the
// rarer forms) goes through asmjit, whose own labels only the constant pool uses.
// test/unit/fast_emit_test.cpp checks every form byte for byte against asmjit.
#pragma once

#include <asmjit/x86.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace wasm::x64 {

// ALU operations with their /digit (immediate forms) and the "reg, r/m" opcode.
enum class Alu : uint8_t { Add = 0, Or = 1, And = 4, Sub = 5, Xor = 6, Cmp = 7 };

// A memory operand [base + index*scale + disp]. index == kNoIndex for none.
struct FastMem {
  static constexpr uint8_t kNoIndex = 0xFF;
  uint8_t base;
  uint8_t index = kNoIndex;
  uint8_t shift = 0;
  int32_t disp = 0;
};

// A label of the FastAssembler.
struct Label {
  static constexpr uint32_t kNone = 0xFFFFFFFFu;
  uint32_t id = kNone;
  bool isValid() const { return id != kNone; }
};

// An Assembler that can append raw instruction bytes.
class FastAssembler : public asmjit::x86::Assembler {
 public:
  explicit FastAssembler(asmjit::CodeHolder* code) : asmjit::x86::Assembler(code) {}
  using asmjit::x86::Assembler::lea;
  using asmjit::x86::Assembler::jmp;
  using asmjit::x86::Assembler::call;
  using asmjit::x86::Assembler::bind;
  using asmjit::x86::Assembler::movzx;
  using asmjit::x86::Assembler::movsx;
  using asmjit::x86::Assembler::movsxd;

  // --- labels ---------------------------------------------------------------------------
  Label makeLabel() {
    labelOffsets_.push_back(kUnbound);
    return Label{uint32_t(labelOffsets_.size() - 1)};
  }
  asmjit::Label newAsmLabel() { return asmjit::x86::Assembler::newLabel(); }
  void bind(Label l) { labelOffsets_[l.id] = uint32_t(offset()); }
  bool isBound(Label l) const { return labelOffsets_[l.id] != kUnbound; }
  // The bound label's offset in the code.
  uint32_t offsetOf(Label l) const { return labelOffsets_[l.id]; }

  // --- branches and calls to labels (rel8 back to a near bound label, else rel32) --------
  asmjit::Error j(asmjit::x86::CondCode cc, Label l) {
    uint8_t c = uint8_t(cc) & 0xF;
    if (nearBound(l, 2)) {
      Buf b;
      b.put(uint8_t(0x70 | c));
      b.put(uint8_t(int8_t(int64_t(offsetOf(l)) - int64_t(offset() + 2))));
      flush(b);
      return asmjit::kErrorOk;
    }
    Buf b;
    b.put(0x0F);
    b.put(uint8_t(0x80 | c));
    rel32(b, l);
    return asmjit::kErrorOk;
  }
  asmjit::Error jmp(Label l) {
    if (nearBound(l, 2)) {
      Buf b;
      b.put(0xEB);
      b.put(uint8_t(int8_t(int64_t(offsetOf(l)) - int64_t(offset() + 2))));
      flush(b);
      return asmjit::kErrorOk;
    }
    Buf b;
    b.put(0xE9);
    rel32(b, l);
    return asmjit::kErrorOk;
  }
  asmjit::Error call(Label l) {
    Buf b;
    b.put(0xE8);
    rel32(b, l);
    return asmjit::kErrorOk;
  }
  // lea dst, [rip + l]
  void leaRip(uint8_t dst, Label l) {
    Buf b;
    b.put(uint8_t(0x48 | ((dst & 8) ? 4 : 0)));
    b.put(0x8D);
    b.put(modrm(0, dst, 5));
    rel32(b, l);
  }
#define PGWASM_JCC(name, cc) \
  asmjit::Error name(Label l) { return j(asmjit::x86::CondCode::cc, l); }
  PGWASM_JCC(ja, kA) PGWASM_JCC(jae, kAE) PGWASM_JCC(jb, kB) PGWASM_JCC(jbe, kBE)
  PGWASM_JCC(je, kE) PGWASM_JCC(jne, kNE) PGWASM_JCC(jz, kZ) PGWASM_JCC(jnz, kNZ)
  PGWASM_JCC(jl, kL) PGWASM_JCC(jle, kLE) PGWASM_JCC(jg, kG) PGWASM_JCC(jge, kGE)
  PGWASM_JCC(jo, kO) PGWASM_JCC(jp, kP) PGWASM_JCC(jnp, kNP) PGWASM_JCC(js, kS)
  PGWASM_JCC(jns, kNS) PGWASM_JCC(jnc, kNC)
#undef PGWASM_JCC

  // A jump table entry: the 32-bit distance from the bound label `base` to `l`, patched
  // by resolveFixups() if l is not bound yet.
  void embedDelta32(Label l, Label base) {
    Buf b;
    uint32_t at = uint32_t(offset());
    uint64_t from = offsetOf(base);
    if (isBound(l)) {
      b.put32(uint32_t(disp32(int64_t(offsetOf(l)) - int64_t(from))));
    } else {
      b.put32(0);
      fixups_.push_back({at, l.id, uint32_t(from)});
    }
    flush(b);
  }

  // Patches every displacement recorded since the last call against a label that is now
  // bound, and sets the others (calls to functions compiled later) aside for the final
  // call, so that each fixup is looked at twice at most, however many functions there
  // are. With final, every label must be bound. False if one is not (a compiler bug) or if
  // any displacement, now or earlier, did not fit 32 bits (limits::kMaxCodeBytes rules
  // that out; this is the check that the rule holds).
  bool resolveFixups(bool final) {
    uint8_t* data = _section->buffer().data();
    for (const Fixup& f : fixups_) {
      if (!isBound(Label{f.labelId})) {
        if (final) return false;
        laterFixups_.push_back(f);
        continue;
      }
      patch(data, f);
    }
    fixups_.clear();
    if (final) {
      for (const Fixup& f : laterFixups_) {
        if (!isBound(Label{f.labelId})) return false;
        patch(data, f);
      }
      laterFixups_.clear();
    }
    return !dispOverflow_;
  }

  // --- immediates ---------------------------------------------------------------------
  // mov reg, imm: zero-extending 32-bit form, sign-extended imm32, or movabs.
  void movRI(bool wide, uint8_t dst, uint64_t imm) {
    Buf b;
    if (!wide || imm <= 0xFFFFFFFFu) {
      rex(b, false, 0, 0, dst);
      b.put(uint8_t(0xB8 + (dst & 7)));
      b.put32(uint32_t(imm));
    } else if (int64_t(imm) == int64_t(int32_t(imm))) {
      rex(b, true, 0, 0, dst);
      b.put(0xC7);
      b.put(modrm(3, 0, dst));
      b.put32(uint32_t(imm));
    } else {
      rex(b, true, 0, 0, dst);
      b.put(uint8_t(0xB8 + (dst & 7)));
      b.put32(uint32_t(imm));
      b.put32(uint32_t(imm >> 32));
    }
    flush(b);
  }
  // mov size ptr [m], imm (size 1, 2, 4 or 8; for 8 the imm32 is sign-extended).
  void movMI(uint32_t size, const FastMem& m, int32_t imm) {
    Buf b;
    if (size == 2) b.put(0x66);
    mem(b, size == 8, size == 1 ? 0xC6 : 0xC7, 0, m, size == 1 ? 1 : size == 2 ? 2 : 4);
    if (size == 1) b.put(uint8_t(imm));
    else if (size == 2) {
      b.put(uint8_t(imm));
      b.put(uint8_t(imm >> 8));
    } else {
      b.put32(uint32_t(imm));
    }
    flush(b);
  }
  // cmp size ptr [m], imm (size 4 or 8).
  void cmpMI(bool wide, const FastMem& m, int32_t imm) {
    Buf b;
    bool small = imm >= -128 && imm <= 127;
    mem(b, wide, small ? 0x83 : 0x81, 7, m, small ? 1 : 4);
    if (small) b.put(uint8_t(imm));
    else b.put32(uint32_t(imm));
    flush(b);
  }

  // --- narrow stores and extending loads -------------------------------------------------
  void movMR8(const FastMem& m, uint8_t src) {
    Buf b;
    bool hasIndex = m.index != FastMem::kNoIndex;
    uint8_t r = uint8_t(0x40 | ((src & 8) ? 4 : 0) | ((hasIndex && (m.index & 8)) ? 2 : 0) | ((m.base & 8) ? 1 : 0));
    // spl/bpl/sil/dil need a REX prefix even when no bit of it is set.
    if (r != 0x40 || (src >= 4 && src < 8)) b.put(r);
    b.put(0x88);
    addressing(b, src, m);
    flush(b);
  }
  void movMR16(const FastMem& m, uint8_t src) {
    Buf b;
    b.put(0x66);
    mem(b, false, 0x89, src, m, 0);
    flush(b);
  }
  // movzx/movsx from 8 or 16 bits, movsxd from 32 bits.
  void movzx(bool wide, uint8_t dst, const FastMem& m, uint32_t size) { ext(wide, size == 1 ? 0xB6 : 0xB7, dst, m); }
  void movsx(bool wide, uint8_t dst, const FastMem& m, uint32_t size) { ext(wide, size == 1 ? 0xBE : 0xBF, dst, m); }
  void movsxd(uint8_t dst, const FastMem& m) { rm(true, 0x63, dst, m); }

  // Register-register forms use the "r/m, reg" opcodes, as asmjit does.
  void movRR(bool wide, uint8_t dst, uint8_t src) { rr(wide, 0x89, src, dst); }
  void aluRR(Alu op, bool wide, uint8_t dst, uint8_t src) { rr(wide, uint8_t(uint8_t(op) * 8 + 1), src, dst); }
  void testRR(bool wide, uint8_t a, uint8_t b) { rr(wide, 0x85, b, a); }
  void aluRI(Alu op, bool wide, uint8_t dst, int32_t imm) {
    Buf b;
    rex(b, wide, 0, 0, dst);
    if (imm >= -128 && imm <= 127) {
      b.put(0x83);
      b.put(modrm(3, uint8_t(op), dst));
      b.put(uint8_t(imm));
    } else if (dst == 0) {
      b.put(uint8_t(uint8_t(op) * 8 + 5));  // short accumulator form
      b.put32(uint32_t(imm));
    } else {
      b.put(0x81);
      b.put(modrm(3, uint8_t(op), dst));
      b.put32(uint32_t(imm));
    }
    flush(b);
  }
  void movRM(bool wide, uint8_t dst, const FastMem& m) { rm(wide, 0x8B, dst, m); }
  void callM(const FastMem& m) { rm(false, 0xFF, 2, m); }  // call qword [m]
  void movMR(bool wide, const FastMem& m, uint8_t src) { rm(wide, 0x89, src, m); }
  void aluRM(Alu op, bool wide, uint8_t dst, const FastMem& m) { rm(wide, uint8_t(uint8_t(op) * 8 + 3), dst, m); }
  void lea(bool wide, uint8_t dst, const FastMem& m) { rm(wide, 0x8D, dst, m); }

  // The same, from asmjit operands, falling back to asmjit for what the fast forms do not
  // cover (label-relative memory, immediates beyond 32 bits).
  static bool toFast(const asmjit::x86::Mem& m, FastMem* out) {
    if (m.baseType() != asmjit::RegType::kX86_Gpq || m.hasSegment()) return false;  // 32-bit disp
    out->base = uint8_t(m.baseId());
    out->index = FastMem::kNoIndex;
    out->shift = 0;
    if (m.hasIndex()) {
      if (m.indexType() != asmjit::RegType::kX86_Gpq) return false;
      out->index = uint8_t(m.indexId());
      out->shift = uint8_t(m.shift());
    }
    out->disp = m.offsetLo32();
    return true;
  }
  void alu(Alu op, bool wide, uint8_t dst, const asmjit::Operand& src) {
    FastMem fm;
    if (src.isReg()) {
      aluRR(op, wide, dst, uint8_t(src.id()));
    } else if (src.isImm() && src.as<asmjit::Imm>().isInt32()) {
      aluRI(op, wide, dst, src.as<asmjit::Imm>().valueAs<int32_t>());
    } else if (src.isMem() && toFast(src.as<asmjit::x86::Mem>(), &fm)) {
      aluRM(op, wide, dst, fm);
    } else {
      static constexpr asmjit::InstId kIds[8] = {asmjit::x86::Inst::kIdAdd, asmjit::x86::Inst::kIdOr, 0, 0,
                                                 asmjit::x86::Inst::kIdAnd, asmjit::x86::Inst::kIdSub,
                                                 asmjit::x86::Inst::kIdXor, asmjit::x86::Inst::kIdCmp};
      emit(kIds[uint8_t(op)], wide ? asmjit::x86::Gp(asmjit::x86::gpq(dst)) : asmjit::x86::Gp(asmjit::x86::gpd(dst)), src);
    }
  }
  void load(bool wide, uint8_t dst, const asmjit::x86::Mem& m) {
    FastMem fm;
    if (toFast(m, &fm)) movRM(wide, dst, fm);
    else mov(wide ? asmjit::x86::Gp(asmjit::x86::gpq(dst)) : asmjit::x86::Gp(asmjit::x86::gpd(dst)), m);
  }
  void store(bool wide, const asmjit::x86::Mem& m, uint8_t src) {
    FastMem fm;
    if (toFast(m, &fm)) movMR(wide, fm, src);
    else mov(m, wide ? asmjit::x86::Gp(asmjit::x86::gpq(src)) : asmjit::x86::Gp(asmjit::x86::gpd(src)));
  }
  void leaOf(bool wide, uint8_t dst, const asmjit::x86::Mem& m) {
    FastMem fm;
    if (toFast(m, &fm)) lea(wide, dst, fm);
    else asmjit::x86::Assembler::lea(wide ? asmjit::x86::Gp(asmjit::x86::gpq(dst)) : asmjit::x86::Gp(asmjit::x86::gpd(dst)), m);
  }

 private:
  struct Buf {
    uint8_t bytes[16];
    uint32_t n = 0;
    void put(uint8_t v) { bytes[n++] = v; }
    void put32(uint32_t v) {
      std::memcpy(bytes + n, &v, 4);
      n += 4;
    }
  };
  static uint8_t modrm(uint8_t mod, uint8_t reg, uint8_t rm) {
    return uint8_t((mod << 6) | ((reg & 7) << 3) | (rm & 7));
  }
  // REX is emitted only when needed (W, or an extended register).
  static void rex(Buf& b, bool wide, uint8_t reg, uint8_t index, uint8_t base) {
    uint8_t r = uint8_t(0x40 | (wide ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((index & 8) ? 2 : 0) | ((base & 8) ? 1 : 0));
    if (r != 0x40) b.put(r);
  }
  void rr(bool wide, uint8_t opcode, uint8_t reg, uint8_t rmReg) {
    Buf b;
    rex(b, wide, reg, 0, rmReg);
    b.put(opcode);
    b.put(modrm(3, reg, rmReg));
    flush(b);
  }
  void rm(bool wide, uint8_t opcode, uint8_t reg, const FastMem& m) {
    Buf b;
    mem(b, wide, opcode, reg, m, 0);
    flush(b);
  }
  // REX (when needed), opcode, ModRM/SIB/displacement for [m] with `reg` in ModRM.reg.
  // immBytes only documents what follows (nothing depends on it).
  static void mem(Buf& b, bool wide, uint8_t opcode, uint8_t reg, const FastMem& m, uint32_t immBytes) {
    (void)immBytes;
    bool hasIndex = m.index != FastMem::kNoIndex;
    rex(b, wide, reg, hasIndex ? m.index : 0, m.base);
    b.put(opcode);
    addressing(b, reg, m);
  }
  static void addressing(Buf& b, uint8_t reg, const FastMem& m) {
    bool hasIndex = m.index != FastMem::kNoIndex;
    // rbp/r13 as base always need a displacement; rsp/r12 as base always need a SIB.
    uint8_t mod = (m.disp == 0 && (m.base & 7) != 5) ? 0 : (m.disp >= -128 && m.disp <= 127) ? 1 : 2;
    if (hasIndex || (m.base & 7) == 4) {
      b.put(modrm(mod, reg, 4));
      b.put(uint8_t(((hasIndex ? m.shift : 0) << 6) | ((hasIndex ? m.index : 4) & 7) << 3 | (m.base & 7)));
    } else {
      b.put(modrm(mod, reg, m.base));
    }
    if (mod == 1) b.put(uint8_t(m.disp));
    else if (mod == 2) b.put32(uint32_t(m.disp));
  }
  void ext(bool wide, uint8_t opcode2, uint8_t dst, const FastMem& m) {
    Buf b;
    bool hasIndex = m.index != FastMem::kNoIndex;
    rex(b, wide, dst, hasIndex ? m.index : 0, m.base);
    b.put(0x0F);
    b.put(opcode2);
    addressing(b, dst, m);
    flush(b);
  }
  struct Fixup {
    uint32_t at;  // offset of the 32-bit field
    uint32_t labelId;
    uint32_t base;  // the displacement is label - base
  };
  std::vector<Fixup> fixups_;       // since the last resolveFixups()
  std::vector<Fixup> laterFixups_;  // to labels bound after it (functions not yet compiled)
  bool dispOverflow_ = false;
  void patch(uint8_t* data, const Fixup& f) {
    int32_t d32 = disp32(int64_t(offsetOf(Label{f.labelId})) - int64_t(f.base));
    std::memcpy(data + f.at, &d32, 4);
  }
  int32_t disp32(int64_t d) {
    if (d != int64_t(int32_t(d))) dispOverflow_ = true;
    return int32_t(d);
  }
  static constexpr uint32_t kUnbound = 0xFFFFFFFFu;
  std::vector<uint32_t> labelOffsets_;
  bool nearBound(Label l, uint32_t len) const {
    if (!isBound(l)) return false;
    int64_t d = int64_t(offsetOf(l)) - int64_t(offset() + len);
    return d >= -128 && d <= 127;
  }
  // Appends a rel32 to `l`: resolved now if bound, else recorded for resolveFixups().
  void rel32(Buf& b, Label l) {
    uint32_t at = uint32_t(offset()) + b.n;
    if (isBound(l)) {
      b.put32(uint32_t(disp32(int64_t(offsetOf(l)) - int64_t(at + 4))));
    } else {
      b.put32(0);
      fixups_.push_back({at, l.id, at + 4});
    }
    flush(b);
  }
  void flush(const Buf& b) {
    if (size_t(_bufferEnd - _bufferPtr) >= sizeof b.bytes) {
      std::memcpy(_bufferPtr, b.bytes, sizeof b.bytes);  // fixed size: two stores, no call
      _bufferPtr += b.n;
      asmjit::CodeBuffer& cb = _section->buffer();
      size_t size = size_t(_bufferPtr - _bufferData);
      if (size > cb.size()) cb._size = size;
    } else {
      embed(b.bytes, b.n);  // grows the buffer
    }
  }
};

}  // namespace wasm::x64
