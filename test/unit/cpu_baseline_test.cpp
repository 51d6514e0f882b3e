// Code for CPUs without LZCNT, BMI1 and BMI2: PGWASM_CPU_BASELINE=1 makes the compiler use
// its fallbacks (bsr/bsf, shifts by cl) on any machine. Both kinds of code must compute
// what the spec says, for edge values and counts of every size.
#include <cstdlib>

#include "test_support.h"

namespace wasm::test {
namespace {

const uint64_t kValues[] = {0,          1,          2,          3,          31,         32,
                            33,         63,         64,         65,         0x7FFFFFFF, 0x80000000,
                            0xFFFFFFFF, 0x12345678, 0x100000000ull, 0x8000000000000000ull,
                            0xFFFFFFFFFFFFFFFFull, 0x0123456789ABCDEFull};

uint32_t clz32(uint32_t x) { return x ? __builtin_clz(x) : 32; }
uint32_t ctz32(uint32_t x) { return x ? __builtin_ctz(x) : 32; }
uint64_t clz64(uint64_t x) { return x ? __builtin_clzll(x) : 64; }
uint64_t ctz64(uint64_t x) { return x ? __builtin_ctzll(x) : 64; }
uint32_t rotl32(uint32_t x, uint32_t k) { k &= 31; return k ? (x << k) | (x >> (32 - k)) : x; }
uint32_t rotr32(uint32_t x, uint32_t k) { k &= 31; return k ? (x >> k) | (x << (32 - k)) : x; }
uint64_t rotl64(uint64_t x, uint64_t k) { k &= 63; return k ? (x << k) | (x >> (64 - k)) : x; }
uint64_t rotr64(uint64_t x, uint64_t k) { k &= 63; return k ? (x >> k) | (x << (64 - k)) : x; }

class CpuBaselineTest : public EngineTest, public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    setenv("PGWASM_CPU_BASELINE", GetParam() ? "1" : "0", 1);
    inst = load("bitops");
    unsetenv("PGWASM_CPU_BASELINE");
    ASSERT_NE(inst, nullptr);
  }
  uint64_t run(const char* name, std::vector<Value> args) {
    std::vector<Value> r;
    EXPECT_EQ(call(inst, name, args, &r), TrapKind::None) << name;
    return r.empty() ? 0 : r[0].bits;
  }
  Instance* inst = nullptr;
};

TEST_P(CpuBaselineTest, BitCounts) {
  for (uint64_t v : kValues) {
    uint32_t v32 = uint32_t(v);
    EXPECT_EQ(run("clz32", {Value::i32(v32)}), clz32(v32)) << v;
    EXPECT_EQ(run("ctz32", {Value::i32(v32)}), ctz32(v32)) << v;
    EXPECT_EQ(run("clz64", {Value::i64(v)}), clz64(v)) << v;
    EXPECT_EQ(run("ctz64", {Value::i64(v)}), ctz64(v)) << v;
  }
}

TEST_P(CpuBaselineTest, ShiftsAndRotates) {
  for (uint64_t x : kValues) {
    uint32_t x32 = uint32_t(x);
    for (uint64_t k : kValues) {
      uint32_t k32 = uint32_t(k);
      Value a = Value::i32(x32), b = Value::i32(k32), a64 = Value::i64(x), b64 = Value::i64(k);
      EXPECT_EQ(run("shl32", {a, b}), uint32_t(x32 << (k32 & 31))) << x << " " << k;
      EXPECT_EQ(run("shr_s32", {a, b}), uint32_t(int32_t(x32) >> (k32 & 31))) << x << " " << k;
      EXPECT_EQ(run("shr_u32", {a, b}), x32 >> (k32 & 31)) << x << " " << k;
      EXPECT_EQ(run("rotl32", {a, b}), rotl32(x32, k32)) << x << " " << k;
      EXPECT_EQ(run("rotr32", {a, b}), rotr32(x32, k32)) << x << " " << k;
      EXPECT_EQ(run("shl64", {a64, b64}), x << (k & 63)) << x << " " << k;
      EXPECT_EQ(run("shr_s64", {a64, b64}), uint64_t(int64_t(x) >> (k & 63))) << x << " " << k;
      EXPECT_EQ(run("shr_u64", {a64, b64}), x >> (k & 63)) << x << " " << k;
      EXPECT_EQ(run("rotl64", {a64, b64}), rotl64(x, k)) << x << " " << k;
      EXPECT_EQ(run("rotr64", {a64, b64}), rotr64(x, k)) << x << " " << k;
      EXPECT_EQ(run("shl32_swapped", {b, a}), uint32_t(x32 << (k32 & 31))) << x << " " << k;
      EXPECT_EQ(run("rotr64_swapped", {b64, a64}), rotr64(x, k)) << x << " " << k;
      uint32_t m = k32;  // third operand of mix
      uint32_t want = (x32 << (k32 & 31)) + rotr32(m, x32) + (k32 >> (m & 31)) + clz32(m);
      EXPECT_EQ(run("mix", {a, b, Value::i32(m)}), want) << x << " " << k;
    }
    EXPECT_EQ(run("shl32_self", {Value::i32(x32)}), uint32_t(x32 << (x32 & 31))) << x;
    EXPECT_EQ(run("rotl64_self", {Value::i64(x)}), rotl64(x, x)) << x;
    EXPECT_EQ(run("rotl32_5", {Value::i32(x32)}), rotl32(x32, 5)) << x;
    EXPECT_EQ(run("shr_s64_63", {Value::i64(x)}), uint64_t(int64_t(x) >> 63)) << x;
  }
}

INSTANTIATE_TEST_SUITE_P(Cpu, CpuBaselineTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Baseline" : "Host"; });

}  // namespace
}  // namespace wasm::test
