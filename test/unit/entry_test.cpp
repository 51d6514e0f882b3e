// Calls from the embedder (Store::callRaw): through a signature's typed entry, or the
// generic entry past kMaxTypedParams / kMaxTypedResults or kMaxTypedEntries. Parameters of
// every class reach their registers and stack slots, results of every class come back
// (i32 and f32 zero-extended), and a trap below an entry with stack slots has its
// backtrace, on both paths.
#include "module_bytes.h"
#include "test_support.h"

namespace wasm::test {
namespace {

constexpr uint8_t kI32 = 0x7F, kI64 = 0x7E, kF32 = 0x7D, kF64 = 0x7C;

struct Sig {
  std::vector<uint8_t> params;
  size_t results;  // the first `results` params, returned in order
};

// Each function returns its first n params; function i is exported as "f<i>". With
// trapAt, function 0 also divides by its last i32 param first (a trap when it is 0).
Bytes moduleOf(const std::vector<Sig>& sigs, bool trapOnZero = false) {
  std::vector<Bytes> types, funcs, exports, bodies;
  for (size_t i = 0; i < sigs.size(); i++) {
    const Sig& s = sigs[i];
    Bytes t = {0x60};
    t = cat({t, u32(s.params.size()), Bytes(s.params.begin(), s.params.end()), u32(s.results),
             Bytes(s.params.begin(), s.params.begin() + long(s.results))});
    types.push_back(t);
    funcs.push_back(u32(i));
    exports.push_back(cat({str("f" + std::to_string(i)), Bytes{0x00}, u32(i)}));
    Bytes code = {0x00};
    if (trapOnZero && i == 0) {
      uint32_t last = uint32_t(s.params.size() - 1);  // an i32
      code = cat({code, Bytes{0x41, 0x01, 0x20}, u32(last), Bytes{0x6D, 0x1A}});  // 1 / p; drop
    }
    for (size_t k = 0; k < s.results; k++) code = cat({code, Bytes{0x20}, u32(k)});
    code.push_back(0x0B);
    bodies.push_back(cat({u32(code.size()), code}));
  }
  return cat({kHeader, section(1, vec(types)), section(3, vec(funcs)), section(7, vec(exports)),
              section(10, vec(bodies))});
}

Value valueOf(uint8_t t, uint64_t seed) {
  switch (t) {
    case kI32: return Value::i32(uint32_t(0x80000000u | seed * 2654435761u));
    case kI64: return Value::i64(0x8000000000000000ull | seed * 0x9E3779B97F4A7C15ull);
    case kF32: return Value::f32(-1.5f - float(seed));
    default: return Value::f64(1e300 / double(seed + 1));
  }
}

// Calls every function with distinct values and checks every result, bit for bit.
void checkAll(Store& store, Instance* inst, const std::vector<Sig>& sigs) {
  for (size_t i = 0; i < sigs.size(); i++) {
    Extern e;
    ASSERT_TRUE(inst->getExport(("f" + std::to_string(i)).c_str(), &e));
    const Sig& s = sigs[i];
    std::vector<Value> args, res(s.results);
    for (size_t k = 0; k < s.params.size(); k++) args.push_back(valueOf(s.params[k], i * 1000 + k));
    ASSERT_TRUE(store.call(e.func, args.data(), res.data()).ok()) << "f" << i;
    for (size_t k = 0; k < s.results; k++) {
      EXPECT_EQ(res[k].bits, args[k].bits) << "f" << i << " result " << k;
    }
    // The raw path (what the extension uses): upper bits of narrow results are zero.
    std::vector<uint64_t> raw(s.params.size()), rr(s.results, ~uint64_t(0));
    for (size_t k = 0; k < s.params.size(); k++) raw[k] = args[k].bits;
    ASSERT_TRUE(store.callRaw(e.func, raw.data(), rr.data()).ok());
    for (size_t k = 0; k < s.results; k++) EXPECT_EQ(rr[k], args[k].bits) << "f" << i << " raw result " << k;
  }
}

std::vector<uint8_t> mixed(size_t n) {
  static constexpr uint8_t kCycle[4] = {kI32, kF64, kI64, kF32};
  std::vector<uint8_t> p;
  for (size_t k = 0; k < n; k++) p.push_back(kCycle[k % 4]);
  return p;
}

TEST_F(EngineTest, EntriesPassEveryParameterAndResult) {
  // Register-only, stack params, exactly kMaxTypedParams and one past it; multi-value up
  // to kMaxTypedResults and past it; all-int and all-float overflowing their registers.
  std::vector<Sig> sigs = {{mixed(1), 1},  {mixed(4), 4},   {mixed(14), 3},  {mixed(20), 8},
                           {mixed(32), 16}, {mixed(33), 17}, {mixed(40), 40}, {{}, 0},
                           {std::vector<uint8_t>(9, kI64), 9}, {std::vector<uint8_t>(11, kF32), 11},
                           {std::vector<uint8_t>(7, kI32), 1}};
  store->setFuel(UINT64_MAX);
  for (CompileOptions opts : {CompileOptions{false, BoundsChecks::Guard}, CompileOptions{true, BoundsChecks::Explicit}}) {
    auto m = compile(moduleOf(sigs), opts);
    ASSERT_NE(m, nullptr);
    Store s(*engine);
    if (opts.fuel) s.setFuel(1'000'000);
    auto inst = s.instantiate(m, {});
    ASSERT_TRUE(inst.ok());
    checkAll(s, inst.value(), sigs);
    checkAll(s, inst.value(), sigs);  // the second time, through the entries made the first
  }
}

TEST_F(EngineTest, SignaturesPastTheTypedEntryLimitUseTheGenericEntry) {
  // 300 distinct signatures of 9 i32/i64 params: 256 get typed entries, the rest not.
  std::vector<Sig> sigs;
  for (uint32_t i = 0; i < 300; i++) {
    Sig s{{}, 3};
    for (int b = 0; b < 9; b++) s.params.push_back((i >> b) & 1 ? kI64 : kI32);
    sigs.push_back(s);
  }
  auto m = compile(moduleOf(sigs));
  ASSERT_NE(m, nullptr);
  auto inst = store->instantiate(m, {});
  ASSERT_TRUE(inst.ok());
  checkAll(*store, inst.value(), sigs);
  checkAll(*store, inst.value(), sigs);
}

TEST_F(EngineTest, TrapBelowAnEntryWithStackSlotsHasItsBacktrace) {
  // 9 i32 params (3 on the stack) on the typed path; 40 (34 on the stack) on the generic.
  for (size_t n : {size_t(9), size_t(40)}) {
    std::vector<Sig> sigs = {{std::vector<uint8_t>(n, kI32), 2}};
    auto m = compile(moduleOf(sigs, true));
    ASSERT_NE(m, nullptr);
    Store s(*engine);
    auto inst = s.instantiate(m, {});
    ASSERT_TRUE(inst.ok());
    Extern e;
    ASSERT_TRUE(inst.value()->getExport("f0", &e));
    std::vector<uint64_t> args(n, 5), res(2);
    args[n - 1] = 0;
    ASSERT_EQ(s.callRaw(e.func, args.data(), res.data()).trap, TrapKind::IntegerDivideByZero) << n;
    const Store::TrapFrame* frames;
    ASSERT_EQ(s.trapFrames(&frames), 1u) << n;
    EXPECT_EQ(frames[0].funcIndex, 0u);
    args[n - 1] = 1;  // and the entry is usable after the trap
    ASSERT_TRUE(s.callRaw(e.func, args.data(), res.data()).ok()) << n;
    EXPECT_EQ(res[0], 5u);
    EXPECT_EQ(res[1], 5u);
  }
}

}  // namespace
}  // namespace wasm::test
