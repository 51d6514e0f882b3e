// Fuzz harness. wabt side of a run (see wabt_harness.h).
//
// wabt's interpreter has no public step limit: Func::Call runs to the end. A call here is
// therefore made the way DefinedFunc::DoCall makes it (push the arguments, push the call
// frame, run, pop the results), but with Thread::Run(n) in slices of n instructions until
// the budget is spent. PushValues, PushCall and PopValues are private members of
// wabt::interp::Thread; this file alone sees them as public by redefining the access
// keyword around interp.h. Access does not change class layout or symbol names, so the
// library's code and this file agree. (A trace stream that throws to stop the run does
// not work: libwabt is built without exceptions, so unwinding skips its destructors and
// leaves a dangling Thread registered in the Store.)
#include "wabt_harness.h"

// Every standard header that wabt's headers include, first, so that the access redefinition
// below reaches only wabt's own declarations.
#include <alloca.h>

#include <algorithm>
#include <cassert>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#define private public
#include "wabt/interp/interp.h"
#undef private

#include "wabt/binary-reader.h"
#include "wabt/error.h"
#include "wabt/feature.h"
#include "wabt/interp/binary-reader-interp.h"

namespace fuzz {

namespace {

namespace wi = wabt::interp;
using wasm::TrapKind;
using wasm::ValType;

ValType valType(wabt::Type t) {
  switch (wabt::Type::Enum(t)) {
    case wabt::Type::I32: return ValType::I32;
    case wabt::Type::I64: return ValType::I64;
    case wabt::Type::F32: return ValType::F32;
    case wabt::Type::F64: return ValType::F64;
    case wabt::Type::FuncRef: return ValType::FuncRef;
    case wabt::Type::ExternRef: return ValType::ExternRef;
    default: return ValType::V128;  // not enabled, so never seen
  }
}

wasm::Value toValue(wabt::Type t, const wi::Value& v) {
  ValType vt = valType(t);
  switch (vt) {
    case ValType::I32: return wasm::Value::i32(v.Get<uint32_t>());
    case ValType::I64: return wasm::Value::i64(v.Get<uint64_t>());
    case ValType::F32: return wasm::Value::f32(v.Get<float>());
    case ValType::F64: return wasm::Value::f64(v.Get<double>());
    case ValType::FuncRef:
    case ValType::ExternRef: return wasm::Value::ref(vt, v.Get<wi::Ref>() == wi::Ref::Null ? 0 : 1);
    case ValType::V128: break;
  }
  return wasm::Value{};
}

wi::Value fromValue(const wasm::Value& v) {
  switch (v.type) {
    case ValType::I64: return wi::Value::Make(v.asU64());
    case ValType::F32: return wi::Value::Make(v.asF32());
    case ValType::F64: return wi::Value::Make(v.asF64());
    case ValType::FuncRef:
    case ValType::ExternRef: return wi::Value::Make(wi::Ref::Null);
    default: return wi::Value::Make(v.asU32());
  }
}

wi::Value zeroValue(wabt::Type t) {
  switch (wabt::Type::Enum(t)) {
    case wabt::Type::I64: return wi::Value::Make(uint64_t(0));
    case wabt::Type::F32: return wi::Value::Make(0.0f);
    case wabt::Type::F64: return wi::Value::Make(0.0);
    case wabt::Type::FuncRef:
    case wabt::Type::ExternRef: return wi::Value::Make(wi::Ref::Null);
    default: return wi::Value::Make(uint32_t(0));
  }
}

// wabt's trap texts, by prefix, as pg-wasm's trap kinds.
TrapKind trapKind(const std::string& text) {
  static const struct { const char* prefix; TrapKind kind; } kTexts[] = {
      {"unreachable", TrapKind::Unreachable},
      {"integer divide by zero", TrapKind::IntegerDivideByZero},
      {"integer overflow", TrapKind::IntegerOverflow},
      {"invalid conversion to integer", TrapKind::InvalidConversion},
      {"out of bounds memory access", TrapKind::MemoryOutOfBounds},
      {"out of bounds table access", TrapKind::TableOutOfBounds},
      {"undefined table index", TrapKind::UndefinedElement},
      {"uninitialized table element", TrapKind::UninitializedElement},
      {"indirect call signature mismatch", TrapKind::IndirectCallTypeMismatch},
      {"call stack exhausted", TrapKind::StackExhausted},
      {"value stack exhausted", TrapKind::StackExhausted},
  };
  for (const auto& t : kTexts)
    if (text.compare(0, strlen(t.prefix), t.prefix) == 0) return t.kind;
  return TrapKind::None;
}

void setTrap(CallOutcome* c, const std::string& text) {
  c->trap = trapKind(text);
  c->trapText = text;
  c->status = c->trap == TrapKind::StackExhausted ? CallStatus::Exhausted : CallStatus::Trapped;
}

bool limitsBounded(const wabt::Limits& l, uint64_t maxUnits) { return l.has_max && l.max <= maxUnits; }

// The bytes of table.grow (0xFC 15) anywhere in the module; false positives only make a
// module be skipped.
bool mayGrowTables(const uint8_t* data, size_t size) {
  for (size_t i = 0; i + 1 < size; i++)
    if (data[i] == 0xFC && data[i + 1] == 15) return true;
  return false;
}

// True if every memory and table (defined or imported) has a maximum within the limits
// (for tables: or the module cannot grow them), so that growing behaves as on pg-wasm
// with the same limits.
bool withinLimits(const wi::ModuleDesc& desc, const WabtRunOptions& options, bool tableGrow, std::string* why) {
  uint64_t maxPages = options.maxMemoryBytes / wasm::kPageSize;
  auto memoryOk = [&](const wi::MemoryType& t) { return limitsBounded(t.limits, maxPages); };
  auto tableOk = [&](const wi::TableType& t) {
    return t.limits.initial <= options.maxTableElements &&
           (!tableGrow || limitsBounded(t.limits, options.maxTableElements));
  };
  for (const wi::ImportDesc& imp : desc.imports) {
    const wi::ExternType* t = imp.type.type.get();
    if ((t->kind == wabt::ExternalKind::Memory && !memoryOk(*wabt::cast<wi::MemoryType>(t))) ||
        (t->kind == wabt::ExternalKind::Table && !tableOk(*wabt::cast<wi::TableType>(t)))) {
      *why = "imported memory or table without a maximum within the limits";
      return false;
    }
  }
  for (const wi::MemoryDesc& m : desc.memories) {
    if (!memoryOk(m.type)) {
      *why = "memory without a maximum within the limit";
      return false;
    }
  }
  for (const wi::TableDesc& t : desc.tables) {
    if (!tableOk(t.type)) {
      *why = "table without a maximum within the limit";
      return false;
    }
  }
  return true;
}

struct Run {
  wi::Store& store;
  const WabtRunOptions& options;
  std::vector<HostCallRecord>* current = nullptr;  // where host calls are recorded

  wi::Ref hostFunc(uint32_t import, const wi::FuncType& type) {
    auto fn = wi::HostFunc::New(
        store, type,
        [this, import, type](wi::Thread&, const wi::Values& params, wi::Values& results,
                             wi::Trap::Ptr*) -> wabt::Result {
          if (current) {
            HostCallRecord rec;
            rec.import = import;
            for (size_t i = 0; i < params.size(); i++) rec.args.push_back(toValue(type.params[i], params[i]));
            current->push_back(std::move(rec));
          }
          results.resize(type.results.size());
          for (size_t i = 0; i < type.results.size(); i++) results[i] = zeroValue(type.results[i]);
          return wabt::Result::Ok;
        });
    return fn.ref();
  }

  wi::RefVec imports(const wi::ModuleDesc& desc) {
    wi::RefVec refs;
    for (uint32_t i = 0; i < desc.imports.size(); i++) {
      const wi::ExternType* t = desc.imports[i].type.type.get();
      switch (t->kind) {
        case wabt::ExternalKind::Func: refs.push_back(hostFunc(i, *wabt::cast<wi::FuncType>(t))); break;
        case wabt::ExternalKind::Table:
          refs.push_back(wi::Table::New(store, *wabt::cast<wi::TableType>(t)).ref());
          break;
        case wabt::ExternalKind::Memory:
          refs.push_back(wi::Memory::New(store, *wabt::cast<wi::MemoryType>(t)).ref());
          break;
        case wabt::ExternalKind::Global: {
          const auto* g = wabt::cast<wi::GlobalType>(t);
          refs.push_back(wi::Global::New(store, *g, zeroValue(g->type)).ref());
          break;
        }
        default: refs.push_back(wi::Ref::Null); break;  // tags: not enabled
      }
    }
    return refs;
  }

  void call(wi::Func& f, uint32_t pass, CallOutcome* out) {
    const wi::FuncType& type = f.type();
    wi::Values params, results;
    for (size_t i = 0; i < type.params.size(); i++) params.push_back(fromValue(argument(valType(type.params[i]), pass, i)));
    wi::Trap::Ptr trap;
    wi::RunResult r;
    if (auto* defined = wabt::dyn_cast<wi::DefinedFunc>(&f)) {
      constexpr int kSlice = 1000;
      wi::Thread thread(store);
      thread.PushValues(type.params, params);
      r = thread.PushCall(*defined, &trap);
      for (uint64_t steps = 0; r == wi::RunResult::Ok; steps += kSlice) {
        if (steps >= options.steps) {
          out->status = CallStatus::Exhausted;
          out->trapText = "step budget";
          return;
        }
        r = thread.Run(kSlice, &trap);
      }
      if (r == wi::RunResult::Return) thread.PopValues(type.results, &results);
    } else {
      r = wabt::Succeeded(f.Call(store, params, results, &trap)) ? wi::RunResult::Return : wi::RunResult::Trap;
    }
    if (r == wi::RunResult::Return) {
      out->status = CallStatus::Returned;
      for (size_t i = 0; i < results.size(); i++) out->results.push_back(toValue(type.results[i], results[i]));
    } else {
      setTrap(out, trap ? trap->message() : std::string("(no trap object)"));
    }
  }
};

}  // namespace

Outcome runOnWabt(const uint8_t* data, size_t size, const WabtRunOptions& options) {
  Outcome out;
  wabt::Features features;
  features.disable_simd();
  wi::Store store(features);

  wi::ModuleDesc desc;
  wabt::Errors errors;
  wabt::ReadBinaryOptions readOptions(features, nullptr, /*read_debug_names=*/false,
                                      /*stop_on_first_error=*/true,
                                      /*fail_on_custom_section_error=*/false);
  if (!wabt::Succeeded(wi::ReadBinaryInterp("fuzz.wasm", data, size, readOptions, &errors, &desc))) {
    out.stage = Outcome::Stage::Rejected;
    out.error = errors.empty() ? "invalid" : errors.front().message;
    return out;
  }
  if (options.validateOnly) {
    out.stage = Outcome::Stage::Unlinkable;
    out.error = "not run (validation only)";
    return out;
  }
  if (!withinLimits(desc, options, mayGrowTables(data, size), &out.error)) {
    out.stage = Outcome::Stage::Unlinkable;
    return out;
  }

  Run run{store, options};
  wi::Module::Ptr module = wi::Module::New(store, std::move(desc));
  wi::RefVec imports = run.imports(module->desc());
  wi::Trap::Ptr trap;
  run.current = &out.start.hostCalls;
  wi::Instance::Ptr inst = wi::Instance::Instantiate(store, module.ref(), imports, &trap);
  run.current = nullptr;
  if (!inst) {
    std::string text = trap ? trap->message() : "instantiation failed";
    out.error = text;
    if (trapKind(text) == TrapKind::None) {
      out.stage = Outcome::Stage::Unlinkable;
      return out;
    }
    out.stage = Outcome::Stage::StartTrapped;
    setTrap(&out.start, text);
    return out;
  }
  out.stage = Outcome::Stage::Instantiated;

  const std::vector<wi::ExportDesc>& exports = module->desc().exports;
  wi::Func::Ptr resetHangLimit;
  for (size_t i = 0; i < exports.size(); i++) {
    if (options.resetHangLimit && exports[i].type.name == kHangLimitInitializer &&
        exports[i].type.type->kind == wabt::ExternalKind::Func) {
      wi::Func::Ptr f = store.UnsafeGet<wi::Func>(inst->exports()[i]);
      if (f->type().params.empty()) resetHangLimit = f;
    }
  }
  for (uint32_t pass = 0; pass < options.passes; pass++) {
    for (size_t i = 0; i < exports.size(); i++) {
      if (exports[i].type.type->kind != wabt::ExternalKind::Func) continue;
      if (resetHangLimit) {
        CallOutcome ignored;
        run.call(*resetHangLimit, 0, &ignored);
      }
      CallOutcome c;
      c.name = pass ? exports[i].type.name + "#" + std::to_string(pass) : exports[i].type.name;
      run.current = &c.hostCalls;
      run.call(*store.UnsafeGet<wi::Func>(inst->exports()[i]), pass, &c);
      run.current = nullptr;
      out.calls.push_back(std::move(c));
    }
  }

  if (options.captureState) {
    for (size_t i = 0; i < exports.size(); i++) {
      if (exports[i].type.type->kind == wabt::ExternalKind::Memory) {
        wi::Memory::Ptr m = store.UnsafeGet<wi::Memory>(inst->exports()[i]);
        out.memoryNames.push_back(exports[i].type.name);
        out.memories.emplace_back(m->UnsafeData(), m->UnsafeData() + m->ByteSize());
      } else if (exports[i].type.type->kind == wabt::ExternalKind::Global) {
        wi::Global::Ptr g = store.UnsafeGet<wi::Global>(inst->exports()[i]);
        out.globalNames.push_back(exports[i].type.name);
        out.globals.push_back(toValue(g->type().type, g->Get()));
      }
    }
  }
  return out;
}

}  // namespace fuzz
