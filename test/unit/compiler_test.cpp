// Code-generation shapes that stress the single-pass compiler (register pressure, spills,
// parallel moves with cycles, lazy local references, multi-value blocks, br_table with
// values, fused compares) in every code-generation mode, checked against values computed
// here in C++.
#include <cmath>

#include "test_support.h"

namespace wasm::test {
namespace {

class CodegenTest : public EngineTest, public ::testing::WithParamInterface<CompileOptions> {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    store->setFuel(UINT64_MAX);
    inst = load("codegen", GetParam());
    ASSERT_NE(inst, nullptr);
  }
  Value run(const char* name, std::vector<Value> args, size_t result = 0) {
    std::vector<Value> r;
    TrapKind t = call(inst, name, args, &r);
    EXPECT_EQ(t, TrapKind::None) << name << ": " << trapMessage(t);
    return r.size() > result ? r[result] : Value{};
  }
  Instance* inst = nullptr;
};

// Wasm integer arithmetic wraps: compute in uint32_t.
int32_t pressureRef(int32_t a) {
  uint32_t s = 0, u = uint32_t(a);
  for (uint32_t k = 1; k <= 12; k++) s += u + k;
  for (uint32_t k = 13; k <= 16; k++) s += u * k;
  for (uint32_t k = 17; k <= 20; k++) s += u ^ k;
  return int32_t(s);
}

double fpressureRef(double x) {
  double v[18];
  for (int k = 0; k < 18; k++) v[k] = x + (k + 1);
  // The ops apply from the top of the stack down: sub, add, sub, ... (17 of them).
  double acc = v[17];
  for (int k = 16, i = 0; k >= 0; k--, i++) acc = (i % 2 == 0) ? v[k] - acc : v[k] + acc;
  return acc;
}

TEST_P(CodegenTest, RegisterPressureSpills) {
  for (int32_t a : {0, 5, -7, 123456, INT32_MAX}) EXPECT_EQ(run("pressure", {Value::i32(uint32_t(a))}).asI32(), pressureRef(a));
  for (double x : {0.0, 1.5, -1e10}) EXPECT_EQ(run("fpressure", {Value::f64(x)}).asF64(), fpressureRef(x));
}

TEST_P(CodegenTest, ParallelMovesWithCycles) {
  std::vector<Value> args;
  for (uint32_t i = 1; i <= 6; i++) args.push_back(Value::i32(i));
  EXPECT_EQ(run("rotate", args).asI32(), 6 + 10 + 200 + 3000 + 40000 + 500000);
  EXPECT_EQ(run("swap", args).asI32(), 2 + 10 + 400 + 3000 + 60000 + 500000);
}

TEST_P(CodegenTest, LazyLocalReferences) {
  EXPECT_EQ(run("stale", {Value::i32(5)}).asI32(), -100);
  EXPECT_EQ(run("sub_into", {Value::i32(10), Value::i32(3)}).asI32(), 7);
  EXPECT_EQ(run("tee_chain", {Value::i32(4)}).asI32(), 36);
  EXPECT_EQ(run("locals_across_calls", {Value::i64(1)}).asI64(), 2 * 3 + 4 * 5 + 6 * 7 + 8 * 9 + 10 * 11 + 12 * 13);
}

TEST_P(CodegenTest, MultiValueBlocksAndLoops) {
  int32_t a = 0, b = 1;
  for (int n = 0; n <= 20; n++) {
    EXPECT_EQ(run("multi", {Value::i32(uint32_t(n))}, 0).asI32(), a) << n;
    EXPECT_EQ(run("multi", {Value::i32(uint32_t(n))}, 1).asI32(), b) << n;
    EXPECT_EQ(run("fib_pair", {Value::i32(uint32_t(n))}).asI32(), a) << n;
    int32_t t = a + b;
    a = b;
    b = t;
  }
}

TEST_P(CodegenTest, BrTableCarriesValues) {
  EXPECT_EQ(run("table", {Value::i32(0)}).asI32(), 7 + 1000 + 10000);
  EXPECT_EQ(run("table", {Value::i32(1)}).asI32(), 8 + 10000);
  EXPECT_EQ(run("table", {Value::i32(2)}).asI32(), 9);
  EXPECT_EQ(run("table", {Value::i32(3)}).asI32(), 10 + 11000);
  EXPECT_EQ(run("table", {Value::i32(0x7FFFFFF0)}).asI32(), int32_t(7u + 0x7FFFFFF0u + 11000u));
}

TEST_P(CodegenTest, FusedCompares) {
  EXPECT_EQ(run("clamp", {Value::i32(5), Value::i32(0), Value::i32(10)}).asI32(), 5);
  EXPECT_EQ(run("clamp", {Value::i32(uint32_t(-5)), Value::i32(0), Value::i32(10)}).asI32(), 0);
  EXPECT_EQ(run("clamp", {Value::i32(50), Value::i32(0), Value::i32(10)}).asI32(), 10);
  EXPECT_EQ(run("fmax_sel", {Value::f64(1), Value::f64(2)}).asF64(), 2.0);
  EXPECT_EQ(run("fmax_sel", {Value::f64(3), Value::f64(2)}).asF64(), 3.0);
  EXPECT_EQ(run("fmax_sel", {Value::f64(NAN), Value::f64(2)}).asF64(), 2.0);  // NaN > 2 is false
  EXPECT_EQ(run("not_lt", {Value::i64(3), Value::i64(5)}).asI32(), 0);
  EXPECT_EQ(run("not_lt", {Value::i64(5), Value::i64(3)}).asI32(), 1);
  EXPECT_EQ(run("not_lt", {Value::i64(uint64_t(-1)), Value::i64(3)}).asI32(), 1);  // unsigned
  EXPECT_EQ(run("nan_branch", {Value::f32(NAN)}).asI32(), 1);
  EXPECT_EQ(run("nan_branch", {Value::f32(1.0f)}).asI32(), 0);
}

TEST_P(CodegenTest, DivisionAndShiftsWithFixedRegisters) {
  auto ref = [](int64_t a, int64_t b, uint32_t c) {
    uint64_t r = uint64_t(a / b) + (uint64_t(a) % uint64_t(b));
    unsigned k = c & 63;
    uint64_t rot = k ? (uint64_t(a) << k) | (uint64_t(a) >> (64 - k)) : uint64_t(a);
    return int64_t((r ^ rot) + uint64_t(b >> (c & 63)));
  };
  for (int64_t a : {int64_t(1000), int64_t(-12345678901), INT64_MAX})
    for (int64_t b : {int64_t(7), int64_t(-3), int64_t(1) << 40})
      for (uint32_t c : {0u, 3u, 63u, 64u, 100u})
        EXPECT_EQ(run("divmix", {Value::i64(uint64_t(a)), Value::i64(uint64_t(b)), Value::i32(c)}).asI64(), ref(a, b, c))
            << a << " " << b << " " << c;
}

INSTANTIATE_TEST_SUITE_P(Modes, CodegenTest,
                         ::testing::Values(CompileOptions{false, BoundsChecks::Guard},
                                           CompileOptions{false, BoundsChecks::Explicit},
                                           CompileOptions{true, BoundsChecks::Guard},
                                           CompileOptions{true, BoundsChecks::Explicit}),
                         modeName);

}  // namespace
}  // namespace wasm::test
