// Shared helpers for the engine's unit tests: loading the .wasm files that the build makes
// from test/unit/modules/*.wat, and a small fixture holding an engine and a store.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "wasm/engine.h"

namespace wasm::test {

inline std::vector<uint8_t> readModuleFile(const std::string& name) {
  std::string path = std::string(TEST_MODULE_DIR) + "/" + name + ".wasm";
  std::vector<uint8_t> bytes;
  FILE* f = fopen(path.c_str(), "rb");
  if (!f) {
    ADD_FAILURE() << "cannot open " << path;
    return bytes;
  }
  uint8_t buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) bytes.insert(bytes.end(), buf, buf + n);
  fclose(f);
  return bytes;
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = Engine::create();
    ASSERT_TRUE(e.ok()) << e.error().describe();
    engine = e.take();
    store = std::make_unique<Store>(*engine);
  }

  std::shared_ptr<const Module> compile(const std::vector<uint8_t>& bytes, CompileOptions opts = {}) {
    auto m = engine->compile(bytes.data(), bytes.size(), opts);
    EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().describe());
    return m.ok() ? m.take() : nullptr;
  }

  // Compiles and instantiates test module `name` with the given imports.
  Instance* load(const std::string& name, CompileOptions opts = {}, std::vector<Extern> imports = {}) {
    auto m = compile(readModuleFile(name), opts);
    if (!m) return nullptr;
    auto i = store->instantiate(m, imports);
    EXPECT_TRUE(i.ok()) << (i.ok() ? "" : i.error().describe());
    return i.ok() ? i.value() : nullptr;
  }

  FuncRef* func(Instance* inst, const char* name) {
    Extern e;
    EXPECT_TRUE(inst->getExport(name, &e)) << name;
    EXPECT_EQ(e.kind, ExternKind::Func);
    return e.func;
  }

  // Calls export `name` and returns its trap kind (None on success).
  TrapKind call(Instance* inst, const char* name, std::vector<Value> args = {},
                std::vector<Value>* results = nullptr) {
    FuncRef* f = func(inst, name);
    std::vector<Value> res(Store::funcType(f).results.size());
    CallResult r = store->call(f, args.data(), res.data());
    if (results) *results = res;
    return r.trap;
  }

  std::unique_ptr<Engine> engine;
  std::unique_ptr<Store> store;
};

// The name of a test instantiated per code-generation mode: "FuelGuard", "NoFuelExplicit", ...
inline std::string modeName(const ::testing::TestParamInfo<CompileOptions>& p) {
  return std::string(p.param.fuel ? "Fuel" : "NoFuel") +
         (p.param.boundsChecks == BoundsChecks::Guard ? "Guard" : "Explicit");
}

}  // namespace wasm::test
