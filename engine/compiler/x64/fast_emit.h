// Engine zone. A direct encoder for the handful of x86-64 instruction forms that make up
// most generated code (register moves, frame loads and stores, ALU with register,
// immediate or memory operands, lea). asmjit's generic Assembler::_emit costs about 200
// instructions per emitted instruction; these cost a few dozen, which is most of the
// compiler's speed. Everything else (labels, branches, SSE) still goes through asmjit.
// test/unit/fast_emit_test.cpp checks every form byte for byte against asmjit.
#pragma once

#include <asmjit/x86.h>

#include <cstdint>
#include <cstring>

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

// An Assembler that can append raw instruction bytes.
class FastAssembler : public asmjit::x86::Assembler {
 public:
  explicit FastAssembler(asmjit::CodeHolder* code) : asmjit::x86::Assembler(code) {}
  using asmjit::x86::Assembler::lea;

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
    bool hasIndex = m.index != FastMem::kNoIndex;
    rex(b, wide, reg, hasIndex ? m.index : 0, m.base);
    b.put(opcode);
    // rbp/r13 as base always need a displacement; rsp/r12 as base always need a SIB.
    uint8_t mod = (m.disp == 0 && (m.base & 7) != 5) ? 0 : (m.disp >= -128 && m.disp <= 127) ? 1 : 2;
    if (hasIndex || (m.base & 7) == 4) {
      b.put(modrm(mod, reg, 4));
      b.put(uint8_t((m.shift << 6) | ((hasIndex ? m.index : 4) & 7) << 3 | (m.base & 7)));
    } else {
      b.put(modrm(mod, reg, m.base));
    }
    if (mod == 1) b.put(uint8_t(m.disp));
    else if (mod == 2) b.put32(uint32_t(m.disp));
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
