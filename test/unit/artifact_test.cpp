// Compiled-code artifacts (Module::serialize, Engine::deserialize): a module loaded from
// an artifact, in another engine, behaves as the one compiled from source; damaged or
// foreign artifacts are refused.
#include <cstring>

#include "test_support.h"

namespace wasm::test {
namespace {

class ArtifactTest : public EngineTest {
 protected:
  // A second engine, as another process would have: its own type ids and code memory.
  std::shared_ptr<const Module> roundTrip(const std::string& name, CompileOptions opts,
                                          std::unique_ptr<Engine>* other) {
    auto m = compile(readModuleFile(name), opts);
    if (!m) return nullptr;
    std::vector<uint8_t> art = m->serialize();
    auto e = Engine::create();
    EXPECT_TRUE(e.ok());
    *other = e.take();
    // Intern some types first, so that the second engine's ids differ from the first's.
    (*other)->internType(FuncType{{ValType::F32, ValType::F32}, {ValType::I64}});
    (*other)->internType(FuncType{{}, {ValType::ExternRef}});
    auto loaded = (*other)->deserialize(art.data(), art.size());
    EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error().describe());
    return loaded.ok() ? loaded.take() : nullptr;
  }
};

TEST_F(ArtifactTest, LoadedModuleRunsLikeTheCompiledOne) {
  for (bool fuel : {false, true}) {
    for (BoundsChecks b : {BoundsChecks::Guard, BoundsChecks::Explicit}) {
      std::unique_ptr<Engine> other;
      auto m = roundTrip("traps", CompileOptions{fuel, b}, &other);
      ASSERT_NE(m, nullptr);
      EXPECT_EQ(m->options().fuel, fuel);
      EXPECT_EQ(m->options().boundsChecks, b);
      Store s(*other);
      if (fuel) s.setFuel(1'000'000);
      auto inst = s.instantiate(m, {});
      ASSERT_TRUE(inst.ok()) << inst.error().describe();
      Extern ok, div0, load, recurse;
      ASSERT_TRUE(inst.value()->getExport("ok", &ok));
      ASSERT_TRUE(inst.value()->getExport("div0", &div0));
      ASSERT_TRUE(inst.value()->getExport("load", &load));
      ASSERT_TRUE(inst.value()->getExport("recurse", &recurse));
      Value r;
      EXPECT_EQ(s.call(ok.func, nullptr, &r).trap, TrapKind::None);
      EXPECT_EQ(r.asU32(), 7u);
      Value zero = Value::i32(0);
      EXPECT_EQ(s.call(div0.func, &zero, &r).trap, TrapKind::IntegerDivideByZero);
      // Memory traps reach the loaded code's trap exit (guard pages: through the signal
      // handler, which must know the loaded code's range).
      Value far = Value::i32(0xFFFFFFF0u);
      EXPECT_EQ(s.call(load.func, &far, &r).trap, TrapKind::MemoryOutOfBounds);
      s.setStackBudgetFromHere(256 * 1024);
      EXPECT_EQ(s.call(recurse.func, &zero, &r).trap, TrapKind::StackExhausted);
      EXPECT_EQ(s.call(ok.func, nullptr, &r).trap, TrapKind::None);
    }
  }
}

TEST_F(ArtifactTest, IndirectCallsUseTheLoadingEnginesTypeIds) {
  std::unique_ptr<Engine> other;
  auto m = roundTrip("typeids", CompileOptions{}, &other);
  ASSERT_NE(m, nullptr);
  Store s(*other);
  auto inst = s.instantiate(m, {});
  ASSERT_TRUE(inst.ok());
  Extern f;
  ASSERT_TRUE(inst.value()->getExport("call_as_source", &f));
  Value a = Value::i32(1), r;
  ASSERT_EQ(s.call(f.func, &a, &r).trap, TrapKind::None);
  EXPECT_EQ(r.asF64(), 2.5);
  a = Value::i32(0);
  EXPECT_EQ(s.call(f.func, &a, &r).trap, TrapKind::IndirectCallTypeMismatch);
}

TEST_F(ArtifactTest, DamagedOrForeignArtifactsAreRefused) {
  auto m = compile(readModuleFile("traps"));
  ASSERT_NE(m, nullptr);
  std::vector<uint8_t> art = m->serialize();
  auto truncated = engine->deserialize(art.data(), art.size() - 1);
  EXPECT_FALSE(truncated.ok());
  auto tiny = engine->deserialize(art.data(), 10);
  EXPECT_FALSE(tiny.ok());
  std::vector<uint8_t> bad = art;
  bad[0] ^= 1;  // magic
  EXPECT_FALSE(engine->deserialize(bad.data(), bad.size()).ok());
  bad = art;
  bad[12] ^= 1;  // build id
  auto foreign = engine->deserialize(bad.data(), bad.size());
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().kind, ErrorKind::Unsupported);
  auto good = engine->deserialize(art.data(), art.size());
  EXPECT_TRUE(good.ok());
}

TEST_F(ArtifactTest, CodeTagsNameTheOptions) {
  std::string plain = engine->codeTag(CompileOptions{false, BoundsChecks::Guard});
  EXPECT_NE(plain, engine->codeTag(CompileOptions{true, BoundsChecks::Guard}));
  EXPECT_NE(plain, engine->codeTag(CompileOptions{false, BoundsChecks::Explicit}));
  EXPECT_EQ(plain, engine->codeTag(CompileOptions{false, BoundsChecks::Guard}));
}

}  // namespace
}  // namespace wasm::test
