// Fuzz harness. pg-wasm side of a run (see engine_harness.h).
#include "engine_harness.h"

#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include "wasm/module.h"

namespace fuzz {

namespace {

using wasm::ExternKind;
using wasm::TrapKind;
using wasm::Value;

volatile sig_atomic_t gNeverInterrupted = 0;

// Where host calls go: the record of the call in progress.
struct Recorder {
  std::vector<HostCallRecord>* current = nullptr;
};

struct ImportEnv {
  Recorder* recorder;
  uint32_t import;
  size_t numParams;
};

// Every imported function: records its arguments; the results stay zero.
TrapKind recordingHostFn(wasm::HostCall& call, const Value* args, Value*) {
  auto* env = static_cast<ImportEnv*>(call.env);
  if (env->recorder->current) {
    HostCallRecord rec;
    rec.import = env->import;
    rec.args.assign(args, args + env->numParams);
    env->recorder->current->push_back(std::move(rec));
  }
  return TrapKind::None;
}

bool exhausts(TrapKind k) {
  return k == TrapKind::FuelExhausted || k == TrapKind::StackExhausted || k == TrapKind::OutOfMemory;
}

void setTrap(CallOutcome* c, TrapKind k) {
  c->status = exhausts(k) ? CallStatus::Exhausted : CallStatus::Trapped;
  c->trap = k;
  c->trapText = wasm::trapMessage(k);
}

// Stand-in imports, in the module's import order. False if the store refuses one (a
// memory or table larger than the limits).
bool makeImports(wasm::Store& store, const wasm::ModuleInfo& info, Recorder* recorder,
                 std::vector<std::unique_ptr<ImportEnv>>* envs, std::vector<wasm::Extern>* out,
                 std::string* error) {
  for (uint32_t i = 0; i < info.imports.size(); i++) {
    const wasm::Import& imp = info.imports[i];
    switch (imp.kind) {
      case ExternKind::Func: {
        const wasm::FuncType& type = info.types[imp.funcType];
        envs->push_back(std::make_unique<ImportEnv>(ImportEnv{recorder, i, type.params.size()}));
        out->push_back(wasm::Extern::ofFunc(store.newHostFunc(type, recordingHostFn, envs->back().get())));
        break;
      }
      case ExternKind::Table: {
        auto t = store.newTable(imp.table, Value::ref(imp.table.elem, 0));
        if (!t.ok()) {
          *error = t.error().describe();
          return false;
        }
        out->push_back(wasm::Extern::ofTable(t.value()));
        break;
      }
      case ExternKind::Memory: {
        auto m = store.newMemory(imp.memory);
        if (!m.ok()) {
          *error = m.error().describe();
          return false;
        }
        out->push_back(wasm::Extern::ofMemory(m.value()));
        break;
      }
      case ExternKind::Global:
        out->push_back(wasm::Extern::ofGlobal(store.newGlobal(imp.global, Value{imp.global.type, 0})));
        break;
    }
  }
  return true;
}

void call(wasm::Store& store, wasm::FuncRef* f, uint64_t fuel, uint32_t pass, CallOutcome* out) {
  const wasm::FuncType& type = wasm::Store::funcType(f);
  std::vector<Value> args;
  for (size_t i = 0; i < type.params.size(); i++) args.push_back(argument(type.params[i], pass, i));
  std::vector<Value> results(type.results.size());
  store.setFuel(fuel);
  wasm::CallResult r = store.call(f, args.data(), results.data());
  if (r.ok()) {
    out->status = CallStatus::Returned;
    out->results = std::move(results);
  } else {
    setTrap(out, r.trap);
  }
}

}  // namespace

Outcome runOnEngine(wasm::Engine& engine, const uint8_t* data, size_t size, const EngineRunOptions& options) {
  Outcome out;
  auto compiled = engine.compile(data, size, options.compile);
  if (!compiled.ok()) {
    out.stage = Outcome::Stage::Rejected;
    out.error = compiled.error().describe();
    return out;
  }
  std::shared_ptr<const wasm::Module> module = compiled.take();
  const wasm::ModuleInfo& info = module->info();

  Recorder recorder;
  std::vector<std::unique_ptr<ImportEnv>> envs;  // outlive the store's host functions
  wasm::Store store(engine);
  store.setMaxMemoryBytes(options.maxMemoryBytes);
  store.setMaxTableElements(options.maxTableElements);
  store.setStackBudgetFromHere(options.stackBudget);
  store.setInterruptFlag(&gNeverInterrupted);

  std::vector<wasm::Extern> imports;
  if (!makeImports(store, info, &recorder, &envs, &imports, &out.error)) {
    out.stage = Outcome::Stage::Unlinkable;
    return out;
  }
  recorder.current = &out.start.hostCalls;
  store.setFuel(options.fuel);
  auto instance = store.instantiate(module, imports);
  recorder.current = nullptr;
  if (!instance.ok()) {
    const wasm::Error& e = instance.error();
    out.error = e.describe();
    if (e.kind != wasm::ErrorKind::Trap) {
      out.stage = Outcome::Stage::Unlinkable;
      return out;
    }
    out.stage = Outcome::Stage::StartTrapped;
    setTrap(&out.start, TrapKind(e.trap));
    return out;
  }
  out.stage = Outcome::Stage::Instantiated;
  wasm::Instance* inst = instance.value();

  wasm::FuncRef* resetHangLimit = nullptr;
  wasm::Extern ext;
  if (options.resetHangLimit && inst->getExport(kHangLimitInitializer, &ext) && ext.kind == ExternKind::Func &&
      wasm::Store::funcType(ext.func).params.empty())
    resetHangLimit = ext.func;

  for (uint32_t pass = 0; pass < options.passes; pass++) {
    for (const wasm::Export& e : info.exports) {
      if (e.kind != ExternKind::Func) continue;
      if (resetHangLimit) {
        CallOutcome ignored;
        call(store, resetHangLimit, options.fuel, 0, &ignored);
      }
      CallOutcome c;
      c.name = pass ? e.name + "#" + std::to_string(pass) : e.name;
      recorder.current = &c.hostCalls;
      call(store, inst->func(e.index), options.fuel, pass, &c);
      recorder.current = nullptr;
      out.calls.push_back(std::move(c));
    }
  }

  if (options.captureState) {
    for (const wasm::Export& e : info.exports) {
      if (e.kind == ExternKind::Memory) {
        wasm::Memory* m = inst->memory(e.index);
        out.memoryNames.push_back(e.name);
        out.memories.emplace_back(m->data(), m->data() + m->size());
      } else if (e.kind == ExternKind::Global) {
        out.globalNames.push_back(e.name);
        out.globals.push_back(inst->global(e.index)->get());
      }
    }
  }
  return out;
}

}  // namespace fuzz
