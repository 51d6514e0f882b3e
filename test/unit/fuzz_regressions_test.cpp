// Inputs the fuzzers (test/fuzz) found interesting, pinned as unit tests. Modules are
// embedded as bytes; test/fuzz/regressions/ holds the ones the fuzz targets replay.
#include "test_support.h"

namespace wasm::test {
namespace {

// fuzz_diff, translate-to-fuzz with reference types: wabt 1.0.32 accepts a typed select
// whose result type does not match where its value goes, and reported our (correct)
// rejection as a mismatch. fuzz_diff now skips verdicts on modules with a typed select of
// references, so the verdict is checked here instead.
//   (func (result externref) ref.null func ref.null func i32.const 0 select (result funcref))
TEST(FuzzRegressions, TypedSelectResultIsNotSubtypeOfExternref) {
  const std::vector<uint8_t> bytes = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x6f, 0x03, 0x02,
      0x01, 0x00, 0x0a, 0x0d, 0x01, 0x0b, 0x00, 0xd0, 0x70, 0xd0, 0x70, 0x41, 0x00, 0x1c, 0x01, 0x70, 0x0b};
  auto engine = Engine::create();
  ASSERT_TRUE(engine.ok());
  Status s = engine.value()->validate(bytes.data(), bytes.size());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::Invalid) << s.error().describe();
}

// The same with matching types is valid and runs.
//   (func (export "f") (result externref)
//     ref.null extern ref.null extern i32.const 0 select (result externref))
TEST_F(EngineTest, FuzzRegressionsTypedSelectOfExternref) {
  const std::vector<uint8_t> bytes = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01,
      0x6f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, 0x0a, 0x0d,
      0x01, 0x0b, 0x00, 0xd0, 0x6f, 0xd0, 0x6f, 0x41, 0x00, 0x1c, 0x01, 0x6f, 0x0b};
  auto module = compile(bytes);
  ASSERT_NE(module, nullptr);
  auto inst = store->instantiate(module, {});
  ASSERT_TRUE(inst.ok()) << inst.error().describe();
  std::vector<Value> r;
  EXPECT_EQ(call(inst.value(), "f", {}, &r), TrapKind::None);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].isNull());
}

}  // namespace
}  // namespace wasm::test
