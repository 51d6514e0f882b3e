// Spec harness. The spectest host module.
#include "spectest_host.h"

#include <cstdio>
#include <iterator>

namespace spec {
namespace {

using wasm::ValType;

wasm::TrapKind print(wasm::HostCall& call, const wasm::Value* args, wasm::Value*) {
  const auto* env = static_cast<const SpectestHost::PrintEnv*>(call.env);
  if (*env->verbose) {
    std::string line = std::string("spectest.") + env->name + "(";
    for (size_t i = 0; i < env->numParams; i++) {
      if (i) line += ", ";
      line += args[i].toString();
    }
    printf("%s)\n", line.c_str());
  }
  return wasm::TrapKind::None;
}

}  // namespace

bool SpectestHost::create(wasm::Store& store, bool verbose, std::string* error) {
  verbose_ = verbose;
  exports_.clear();
  static const struct {
    const char* name;
    std::vector<ValType> params;
  } kPrints[] = {
      {"print", {}},
      {"print_i32", {ValType::I32}},
      {"print_i64", {ValType::I64}},
      {"print_f32", {ValType::F32}},
      {"print_f64", {ValType::F64}},
      {"print_i32_f32", {ValType::I32, ValType::F32}},
      {"print_f64_f64", {ValType::F64, ValType::F64}},
  };
  envs_.clear();
  envs_.reserve(std::size(kPrints));  // the store keeps pointers into envs_
  for (const auto& p : kPrints) {
    envs_.push_back(PrintEnv{p.name, &verbose_, p.params.size()});
    wasm::FuncType type{p.params, {}};
    exports_.emplace_back(p.name, wasm::Extern::ofFunc(store.newHostFunc(type, print, &envs_.back())));
  }

  auto global = [&](const char* name, ValType t, wasm::Value v) {
    exports_.emplace_back(name, wasm::Extern::ofGlobal(store.newGlobal(wasm::GlobalType{t, false}, v)));
  };
  global("global_i32", ValType::I32, wasm::Value::i32(666));
  global("global_i64", ValType::I64, wasm::Value::i64(666));
  global("global_f32", ValType::F32, wasm::Value::f32(666.6f));
  global("global_f64", ValType::F64, wasm::Value::f64(666.6));

  wasm::TableType tableType;
  tableType.elem = ValType::FuncRef;
  tableType.limits = wasm::Limits{10, 20, true};
  auto table = store.newTable(tableType, wasm::Value::ref(ValType::FuncRef, 0));
  if (!table.ok()) {
    *error = "spectest table: " + table.error().describe();
    return false;
  }
  exports_.emplace_back("table", wasm::Extern::ofTable(table.value()));

  wasm::MemoryType memoryType;
  memoryType.limits = wasm::Limits{1, 2, true};
  auto memory = store.newMemory(memoryType);
  if (!memory.ok()) {
    *error = "spectest memory: " + memory.error().describe();
    return false;
  }
  exports_.emplace_back("memory", wasm::Extern::ofMemory(memory.value()));
  return true;
}

bool SpectestHost::lookup(const std::string& name, wasm::Extern* out) const {
  for (const auto& e : exports_) {
    if (e.first == name) {
      *out = e.second;
      return true;
    }
  }
  return false;
}

}  // namespace spec
