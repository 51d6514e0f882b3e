// Integer division and remainder by a constant (compiler/div_magic.h, intDivRemByConst):
// for every op and width, divisors at every shape the code generator distinguishes (1,
// -1, 0, powers of two and their negations up to INT_MIN, magic numbers with and without
// the add/sub correction, divisors with the top bit set), against C++ on edge and random
// dividends, in every code-generation mode; and the same with the dividend's local as the
// result's destination (a fused local.set).
#include <limits>
#include <random>
#include <type_traits>

#include "module_bytes.h"
#include "test_support.h"

namespace wasm::test {
namespace {

Bytes sleb(int64_t v) {
  Bytes out;
  for (;;) {
    uint8_t b = v & 0x7F;
    v >>= 7;
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    out.push_back(done ? b : (b | 0x80));
    if (done) return out;
  }
}

enum class DivOp { DivS, DivU, RemS, RemU };
constexpr DivOp kOps[4] = {DivOp::DivS, DivOp::DivU, DivOp::RemS, DivOp::RemU};

struct Case {
  bool wide;
  DivOp op;
  uint64_t d;
  bool fused;
};

uint8_t opcode(bool wide, DivOp op) { return uint8_t((wide ? 0x7F : 0x6D) + int(op)); }

std::vector<uint64_t> divisors(bool wide) {
  const unsigned N = wide ? 64 : 32;
  const uint64_t ones = wide ? ~uint64_t(0) : 0xFFFFFFFFull;
  std::vector<uint64_t> ds = {0, 1, ones, ones - 1, 3, 5, 6, 7, 10, 11, 25, 60, 100, 641, 1000, 3600, 86400,
                              1000000, 3600000000ull, 86400000000ull, 0x55555555ull, 0xAAAAAAABull};
  for (unsigned k = 1; k < N; k++) {
    uint64_t p = uint64_t(1) << k;
    for (uint64_t v : {p, p - 1, p + 1, uint64_t(0) - p, uint64_t(0) - p + 1, uint64_t(0) - p - 1}) ds.push_back(v & ones);
  }
  for (int64_t v : {-3, -5, -7, -10, -641, -1000000}) ds.push_back(uint64_t(v) & ones);
  std::mt19937_64 rng(7);
  for (int i = 0; i < 40; i++) ds.push_back((rng() >> (rng() % N)) & ones);
  return ds;
}

std::vector<uint64_t> dividends(bool wide) {
  const unsigned N = wide ? 64 : 32;
  const uint64_t ones = wide ? ~uint64_t(0) : 0xFFFFFFFFull;
  const uint64_t top = uint64_t(1) << (N - 1);
  std::vector<uint64_t> ns = {0, 1, 2, 3, 7, 100, ones, ones - 1, top, top - 1, top + 1, top - 2};
  std::mt19937_64 rng(11);
  for (int i = 0; i < 120; i++) {
    uint64_t r = rng() >> (rng() % N);
    ns.push_back(r & ones);
    ns.push_back((uint64_t(0) - r) & ones);
  }
  return ns;
}

// The reference, or the trap, in U (uint32_t or uint64_t).
template <typename U>
TrapKind referenceIn(DivOp op, U n, U d, uint64_t* out) {
  using S = std::make_signed_t<U>;
  S sn = S(n), sd = S(d);
  if (d == 0) return TrapKind::IntegerDivideByZero;
  switch (op) {
    case DivOp::DivS:
      if (sn == std::numeric_limits<S>::min() && sd == -1) return TrapKind::IntegerOverflow;
      *out = U(sn / sd);
      break;
    case DivOp::RemS: *out = sd == -1 ? 0 : U(sn % sd); break;
    case DivOp::DivU: *out = n / d; break;
    case DivOp::RemU: *out = n % d; break;
  }
  return TrapKind::None;
}
TrapKind reference(bool wide, DivOp op, uint64_t n, uint64_t d, uint64_t* out) {
  return wide ? referenceIn<uint64_t>(op, n, d, out) : referenceIn<uint32_t>(op, uint32_t(n), uint32_t(d), out);
}

// One function per case: (param x) (result): x op d, or x := x op d; x.
Bytes moduleOf(const std::vector<Case>& cases) {
  std::vector<Bytes> types = {Bytes{0x60, 0x01, 0x7F, 0x01, 0x7F}, Bytes{0x60, 0x01, 0x7E, 0x01, 0x7E}};
  std::vector<Bytes> funcs, exports, bodies;
  for (size_t i = 0; i < cases.size(); i++) {
    const Case& c = cases[i];
    funcs.push_back(u32(c.wide ? 1 : 0));
    exports.push_back(cat({str("f" + std::to_string(i)), Bytes{0x00}, u32(i)}));
    Bytes konst = cat({Bytes{uint8_t(c.wide ? 0x42 : 0x41)},
                       sleb(c.wide ? int64_t(c.d) : int64_t(int32_t(uint32_t(c.d))))});
    Bytes code = cat({Bytes{0x00, 0x20, 0x00}, konst, Bytes{opcode(c.wide, c.op)}});
    if (c.fused) code = cat({code, Bytes{0x21, 0x00, 0x20, 0x00}});  // local.set 0; local.get 0
    code.push_back(0x0B);
    bodies.push_back(cat({u32(code.size()), code}));
  }
  return cat({kHeader, section(1, vec(types)), section(3, vec(funcs)), section(7, vec(exports)),
              section(10, vec(bodies))});
}

class DivConstTest : public EngineTest, public ::testing::WithParamInterface<CompileOptions> {};

TEST_P(DivConstTest, MatchesDivisionForEveryDivisorShape) {
  std::vector<Case> cases;
  for (bool wide : {false, true})
    for (uint64_t d : divisors(wide))
      for (DivOp op : kOps)
        for (bool fused : {false, true}) cases.push_back({wide, op, d, fused});
  auto m = compile(moduleOf(cases), GetParam());
  ASSERT_NE(m, nullptr);
  store->setFuel(UINT64_MAX);
  auto inst = store->instantiate(m, {});
  ASSERT_TRUE(inst.ok()) << inst.error().describe();
  const std::vector<uint64_t> ns32 = dividends(false), ns64 = dividends(true);
  size_t checked = 0;
  for (size_t i = 0; i < cases.size(); i++) {
    const Case& c = cases[i];
    FuncRef* f = func(inst.value(), ("f" + std::to_string(i)).c_str());
    for (uint64_t n : c.wide ? ns64 : ns32) {
      uint64_t want = 0;
      TrapKind wantTrap = reference(c.wide, c.op, n, c.d, &want);
      Value arg = c.wide ? Value::i64(n) : Value::i32(uint32_t(n));
      Value res{};
      CallResult r = store->call(f, &arg, &res);
      ASSERT_EQ(r.trap, wantTrap) << (c.wide ? "i64" : "i32") << " op " << int(c.op) << " d=" << c.d << " n=" << n;
      if (wantTrap == TrapKind::None) {
        uint64_t got = c.wide ? res.asI64() : uint64_t(res.asU32());
        ASSERT_EQ(got, want) << (c.wide ? "i64" : "i32") << " op " << int(c.op) << " d=" << c.d << " n=" << n
                             << (c.fused ? " (fused)" : "");
      }
      checked++;
    }
  }
  EXPECT_GT(checked, size_t(500000));
}

INSTANTIATE_TEST_SUITE_P(Modes, DivConstTest,
                         ::testing::Values(CompileOptions{false, BoundsChecks::Guard},
                                           CompileOptions{true, BoundsChecks::Explicit}),
                         modeName);

}  // namespace
}  // namespace wasm::test
