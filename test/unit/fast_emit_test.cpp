// The direct encoder must produce exactly the bytes asmjit produces, for every register,
// index, scale, displacement and immediate class of each form it implements.
#include <gtest/gtest.h>

#include <type_traits>
#include <vector>

#include "compiler/x64/fast_emit.h"

namespace wasm::x64 {
namespace {

namespace ax = asmjit::x86;

using Emit = void (*)(FastAssembler&, ax::Assembler&, int, int, int, int, int32_t, bool);

// Runs `e` once through the fast path and once through asmjit; returns both byte strings.
std::pair<std::vector<uint8_t>, std::vector<uint8_t>> encode(Emit e, int a, int b, int c, int d,
                                                             int32_t imm, bool wide) {
  asmjit::CodeHolder fastCode, refCode;
  fastCode.init(asmjit::Environment::host());
  refCode.init(asmjit::Environment::host());
  FastAssembler fast(&fastCode);
  ax::Assembler ref(&refCode);
  e(fast, ref, a, b, c, d, imm, wide);
  auto bytes = [](asmjit::CodeHolder& h) {
    const asmjit::CodeBuffer& cb = h.textSection()->buffer();
    return std::vector<uint8_t>(cb.data(), cb.data() + cb.size());
  };
  return {bytes(fastCode), bytes(refCode)};
}

ax::Gp gp(int r, bool wide) { return wide ? ax::Gp(ax::gpq(r)) : ax::Gp(ax::gpd(r)); }

const int32_t kImms[] = {0, 1, -1, 127, 128, -128, -129, 0x12345678, INT32_MIN, INT32_MAX};
const int32_t kDisps[] = {0, 8, -8, 127, 128, -128, -129, 0x1234, -0x12345678};

TEST(FastEmit, RegisterForms) {
  for (bool wide : {false, true}) {
    for (int d = 0; d < 16; d++) {
      for (int s = 0; s < 16; s++) {
        auto mov = encode([](FastAssembler& f, ax::Assembler& r, int d, int s, int, int, int32_t, bool w) {
          f.movRR(w, uint8_t(d), uint8_t(s));
          r.mov(gp(d, w), gp(s, w));
        }, d, s, 0, 0, 0, wide);
        ASSERT_EQ(mov.first, mov.second) << "mov " << d << "," << s << " wide=" << wide;
        auto test = encode([](FastAssembler& f, ax::Assembler& r, int d, int s, int, int, int32_t, bool w) {
          f.testRR(w, uint8_t(d), uint8_t(s));
          r.test(gp(d, w), gp(s, w));
        }, d, s, 0, 0, 0, wide);
        ASSERT_EQ(test.first, test.second) << "test " << d << "," << s;
        for (int op : {0, 1, 4, 5, 6, 7}) {
          auto alu = encode([](FastAssembler& f, ax::Assembler& r, int d, int s, int op, int, int32_t, bool w) {
            f.aluRR(Alu(op), w, uint8_t(d), uint8_t(s));
            static const asmjit::InstId ids[8] = {ax::Inst::kIdAdd, ax::Inst::kIdOr, 0, 0, ax::Inst::kIdAnd,
                                                  ax::Inst::kIdSub, ax::Inst::kIdXor, ax::Inst::kIdCmp};
            r.emit(ids[op], gp(d, w), gp(s, w));
          }, d, s, op, 0, 0, wide);
          ASSERT_EQ(alu.first, alu.second) << "alu" << op << " " << d << "," << s;
        }
      }
      for (int op : {0, 1, 4, 5, 6, 7}) {
        for (int32_t imm : kImms) {
          auto alu = encode([](FastAssembler& f, ax::Assembler& r, int d, int, int op, int, int32_t imm, bool w) {
            f.aluRI(Alu(op), w, uint8_t(d), imm);
            static const asmjit::InstId ids[8] = {ax::Inst::kIdAdd, ax::Inst::kIdOr, 0, 0, ax::Inst::kIdAnd,
                                                  ax::Inst::kIdSub, ax::Inst::kIdXor, ax::Inst::kIdCmp};
            r.emit(ids[op], gp(d, w), asmjit::Imm(imm));
          }, d, 0, op, 0, imm, wide);
          ASSERT_EQ(alu.first, alu.second) << "alu" << op << " r" << d << ", " << imm << " wide=" << wide;
        }
      }
    }
  }
}

TEST(FastEmit, MemoryForms) {
  for (bool wide : {false, true}) {
    for (int reg = 0; reg < 16; reg += 5) {
      for (int base = 0; base < 16; base++) {
        for (int index = -1; index < 16; index++) {
          if (index == 4) continue;  // rsp cannot be an index
          for (int shift = 0; shift < 4; shift += (index < 0 ? 4 : 1)) {
            for (int32_t disp : kDisps) {
              auto load = encode([](FastAssembler& f, ax::Assembler& r, int reg, int base, int index, int shift,
                                    int32_t disp, bool w) {
                FastMem m;
                m.base = uint8_t(base);
                m.index = index < 0 ? FastMem::kNoIndex : uint8_t(index);
                m.shift = uint8_t(shift);
                m.disp = disp;
                f.movRM(w, uint8_t(reg), m);
                ax::Mem am = index < 0 ? ax::ptr(ax::gpq(base), disp, w ? 8 : 4)
                                       : ax::ptr(ax::gpq(base), ax::gpq(index), uint32_t(shift), disp, w ? 8 : 4);
                r.mov(gp(reg, w), am);
              }, reg, base, index, shift, disp, wide);
              ASSERT_EQ(load.first, load.second)
                  << "load r" << reg << " [" << base << "+" << index << "<<" << shift << "+" << disp << "]";
              auto storeE = encode([](FastAssembler& f, ax::Assembler& r, int reg, int base, int index, int shift,
                                      int32_t disp, bool w) {
                FastMem m;
                m.base = uint8_t(base);
                m.index = index < 0 ? FastMem::kNoIndex : uint8_t(index);
                m.shift = uint8_t(shift);
                m.disp = disp;
                f.movMR(w, m, uint8_t(reg));
                ax::Mem am = index < 0 ? ax::ptr(ax::gpq(base), disp, w ? 8 : 4)
                                       : ax::ptr(ax::gpq(base), ax::gpq(index), uint32_t(shift), disp, w ? 8 : 4);
                r.mov(am, gp(reg, w));
              }, reg, base, index, shift, disp, wide);
              ASSERT_EQ(storeE.first, storeE.second) << "store";
              auto leaE = encode([](FastAssembler& f, ax::Assembler& r, int reg, int base, int index, int shift,
                                    int32_t disp, bool w) {
                FastMem m;
                m.base = uint8_t(base);
                m.index = index < 0 ? FastMem::kNoIndex : uint8_t(index);
                m.shift = uint8_t(shift);
                m.disp = disp;
                f.lea(w, uint8_t(reg), m);
                ax::Mem am = index < 0 ? ax::ptr(ax::gpq(base), disp)
                                       : ax::ptr(ax::gpq(base), ax::gpq(index), uint32_t(shift), disp);
                r.lea(gp(reg, w), am);
              }, reg, base, index, shift, disp, wide);
              ASSERT_EQ(leaE.first, leaE.second) << "lea";
              auto aluE = encode([](FastAssembler& f, ax::Assembler& r, int reg, int base, int index, int shift,
                                    int32_t disp, bool w) {
                FastMem m;
                m.base = uint8_t(base);
                m.index = index < 0 ? FastMem::kNoIndex : uint8_t(index);
                m.shift = uint8_t(shift);
                m.disp = disp;
                f.aluRM(Alu::Sub, w, uint8_t(reg), m);
                ax::Mem am = index < 0 ? ax::ptr(ax::gpq(base), disp, w ? 8 : 4)
                                       : ax::ptr(ax::gpq(base), ax::gpq(index), uint32_t(shift), disp, w ? 8 : 4);
                r.sub(gp(reg, w), am);
              }, reg, base, index, shift, disp, wide);
              ASSERT_EQ(aluE.first, aluE.second) << "alu mem";
            }
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace wasm::x64

namespace wasm::x64 {
namespace {

// The asmjit-operand entry points take the fast path for plain base+index memory.
TEST(FastEmit, ConvertsAsmjitMemoryOperands) {
  FastMem fm;
  ASSERT_TRUE(FastAssembler::toFast(ax::qword_ptr(ax::rsp, 40), &fm));
  EXPECT_EQ(fm.base, 4);
  EXPECT_EQ(fm.index, FastMem::kNoIndex);
  EXPECT_EQ(fm.disp, 40);
  ASSERT_TRUE(FastAssembler::toFast(ax::dword_ptr(ax::r14, ax::rax, 0, -8), &fm));
  EXPECT_EQ(fm.base, 14);
  EXPECT_EQ(fm.index, 0);
  EXPECT_EQ(fm.disp, -8);
  asmjit::CodeHolder code;
  code.init(asmjit::Environment::host());
  FastAssembler a(&code);
  asmjit::Label l = a.newAsmLabel();
  EXPECT_FALSE(FastAssembler::toFast(ax::ptr(l), &fm));
  EXPECT_FALSE(FastAssembler::toFast(ax::dword_ptr(ax::r14, ax::eax, 0, 0), &fm));
}

}  // namespace
}  // namespace wasm::x64

namespace wasm::x64 {
namespace {

// Encodes with both assemblers through one lambda each and compares the bytes.
template <typename F, typename R>
void expectSame(F fast, R ref, const std::string& what) {
  asmjit::CodeHolder fc, rc;
  fc.init(asmjit::Environment::host());
  rc.init(asmjit::Environment::host());
  FastAssembler f(&fc);
  ax::Assembler r(&rc);
  fast(f);
  ref(r);
  ASSERT_TRUE(f.resolveFixups(true)) << what;
  const asmjit::CodeBuffer& a = fc.textSection()->buffer();
  const asmjit::CodeBuffer& b = rc.textSection()->buffer();
  ASSERT_EQ(std::vector<uint8_t>(a.data(), a.data() + a.size()), std::vector<uint8_t>(b.data(), b.data() + b.size()))
      << what;
}

FastMem fmem(int base, int index, int shift, int32_t disp) {
  FastMem m;
  m.base = uint8_t(base);
  m.index = index < 0 ? FastMem::kNoIndex : uint8_t(index);
  m.shift = uint8_t(shift);
  m.disp = disp;
  return m;
}
ax::Mem amem(int base, int index, int shift, int32_t disp, uint32_t size) {
  return index < 0 ? ax::ptr(ax::gpq(base), disp, size) : ax::ptr(ax::gpq(base), ax::gpq(index), uint32_t(shift), disp, size);
}

TEST(FastEmit, Immediates) {
  const uint64_t imms[] = {0, 1, 0x7F, 0x80, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x100000000ull,
                           0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFF80000000ull, 0x123456789ABCDEFull};
  for (int r = 0; r < 16; r++) {
    for (uint64_t imm : imms) {
      expectSame([&](FastAssembler& f) { f.movRI(false, uint8_t(r), uint32_t(imm)); },
                 [&](ax::Assembler& a) { a.mov(ax::gpd(r), uint32_t(imm)); }, "mov r32, imm");
      expectSame([&](FastAssembler& f) { f.movRI(true, uint8_t(r), imm); },
                 [&](ax::Assembler& a) {
                   if (imm <= 0xFFFFFFFFu) a.mov(ax::gpd(r), uint32_t(imm));
                   else if (int64_t(imm) == int64_t(int32_t(imm))) a.mov(ax::gpq(r), int64_t(imm));
                   else a.movabs(ax::gpq(r), imm);
                 },
                 "mov r64, imm");
    }
  }
  for (int base : {0, 4, 5, 11, 12, 13, 15}) {
    for (int index : {-1, 0, 9, 13}) {
      for (int32_t disp : {0, 8, -200, 0x12345}) {
        for (int32_t imm : {0, 1, -1, 127, 128, -129, 0x12345678}) {
          for (uint32_t size : {1u, 2u, 4u, 8u}) {
            expectSame([&](FastAssembler& f) { f.movMI(size, fmem(base, index, 2, disp), imm); },
                       [&](ax::Assembler& a) {
                         int64_t v = size == 1 ? int8_t(imm) : size == 2 ? int16_t(imm) : imm;
                         a.mov(amem(base, index, 2, disp, size), v);
                       },
                       "mov [m], imm size " + std::to_string(size));
          }
          for (bool wide : {false, true})
            expectSame([&](FastAssembler& f) { f.cmpMI(wide, fmem(base, index, 1, disp), imm); },
                       [&](ax::Assembler& a) { a.cmp(amem(base, index, 1, disp, wide ? 8 : 4), imm); }, "cmp [m], imm");
        }
      }
    }
  }
}

TEST(FastEmit, NarrowStoresAndExtendingLoads) {
  for (int r = 0; r < 16; r++) {
    for (int base : {0, 4, 5, 12, 13, 14}) {
      for (int index : {-1, 0, 7, 12}) {
        for (int32_t disp : {0, -8, 1000}) {
          FastMem fm = fmem(base, index, 0, disp);
          expectSame([&](FastAssembler& f) { f.movMR8(fm, uint8_t(r)); },
                     [&](ax::Assembler& a) { a.mov(amem(base, index, 0, disp, 1), ax::gpb(r)); }, "mov [m], r8");
          expectSame([&](FastAssembler& f) { f.movMR16(fm, uint8_t(r)); },
                     [&](ax::Assembler& a) { a.mov(amem(base, index, 0, disp, 2), ax::gpw(r)); }, "mov [m], r16");
          for (uint32_t size : {1u, 2u}) {
            for (bool wide : {false, true}) {
              expectSame([&](FastAssembler& f) { f.movzx(wide, uint8_t(r), fm, size); },
                         [&](ax::Assembler& a) { a.movzx(wide ? ax::Gp(ax::gpq(r)) : ax::Gp(ax::gpd(r)), amem(base, index, 0, disp, size)); },
                         "movzx");
              expectSame([&](FastAssembler& f) { f.movsx(wide, uint8_t(r), fm, size); },
                         [&](ax::Assembler& a) { a.movsx(wide ? ax::Gp(ax::gpq(r)) : ax::Gp(ax::gpd(r)), amem(base, index, 0, disp, size)); },
                         "movsx");
            }
          }
          expectSame([&](FastAssembler& f) { f.movsxd(uint8_t(r), fm); },
                     [&](ax::Assembler& a) { a.movsxd(ax::gpq(r), amem(base, index, 0, disp, 4)); }, "movsxd");
        }
      }
    }
  }
}

TEST(FastEmit, IndirectCalls) {
  for (int base : {0, 3, 4, 5, 11, 12, 13, 15}) {
    for (int index : {-1, 0, 10, 12}) {
      for (int32_t disp : {0, 8, -8, 1000}) {
        FastMem fm = fmem(base, index, 3, disp);
        expectSame([&](FastAssembler& f) { f.callM(fm); },
                   [&](ax::Assembler& a) { a.call(amem(base, index, 3, disp, 8)); }, "call [m]");
      }
    }
  }
}

// Branches: backward short and long, forward (patched later), calls; every condition.
TEST(FastEmit, BranchesAndCalls) {
  for (int pad : {0, 100, 200}) {
    for (int cc = 0; cc < 16; cc++) {
      auto body = [&](auto& a) {
        auto label = [&] {
          if constexpr (std::is_same_v<std::decay_t<decltype(a)>, FastAssembler>) return a.makeLabel();
          else return a.newLabel();
        };
        auto back = label(), fwd = label(), fn = label();
        a.bind(back);
        for (int i = 0; i < pad; i++) a.nop();
        a.j(ax::CondCode(cc), back);
        a.jmp(back);
        a.j(ax::CondCode(cc), fwd);
        a.jmp(fwd);
        a.call(fn);
        for (int i = 0; i < pad; i++) a.nop();
        a.bind(fwd);
        a.bind(fn);
        a.call(fn);
        a.jmp(fwd);
      };
      expectSame([&](FastAssembler& f) { body(f); }, [&](ax::Assembler& a) { body(a); },
                 "branches cc=" + std::to_string(cc) + " pad=" + std::to_string(pad));
    }
  }
}

}  // namespace
}  // namespace wasm::x64
