// Spec harness. Runs one script: modules, registrations, actions and assertions.
#include "script_runner.h"

#include <cctype>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "spec_value.h"
#include "spectest_host.h"
#include "trap_text.h"
#include "wasm/module.h"

namespace spec {
namespace {

using wasm::ErrorKind;
using wasm::Extern;
using wasm::ExternKind;
using wasm::TrapKind;
using CmdType = Command::Type;

const char* const kSimd = "simd not supported";

struct Outcome {
  Verdict verdict = Verdict::Pass;
  std::string reason;
  std::string detail;
};
Outcome pass() { return Outcome{}; }
Outcome fail(std::string reason, std::string detail = {}) {
  return Outcome{Verdict::Fail, std::move(reason), std::move(detail)};
}
Outcome skipSimd() { return Outcome{Verdict::Skip, kSimd, {}}; }

bool isSimdError(const wasm::Error& e) {
  if (e.kind != ErrorKind::Unsupported) return false;
  std::string m = e.message;
  for (char& c : m) c = char(tolower(static_cast<unsigned char>(c)));
  return m.find("simd") != std::string::npos;
}

bool readBinary(const std::string& path, std::vector<uint8_t>* out) {
  FILE* f = fopen(path.c_str(), "rb");
  if (!f) return false;
  uint8_t buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out->insert(out->end(), buf, buf + n);
  bool ok = !ferror(f);
  fclose(f);
  return ok;
}

// A module command's result, for the commands that refer to it later.
struct Slot {
  enum class State { Ok, Simd, Failed };
  State state = State::Failed;
  wasm::Instance* instance = nullptr;
  int line = 0;
};

struct Compiled {
  std::shared_ptr<const wasm::Module> module;
  Outcome problem;  // when module is null: a skip (simd) or a failure
  wasm::Error error;
};

enum class Link { Ok, Unresolved, Simd, DependsOnFailed };

class Runner {
 public:
  Runner(wasm::Engine& engine, const wasm::CompileOptions& options, bool verbose, Report* report)
      : engine_(engine), options_(options), verbose_(verbose), report_(report), store_(engine) {}

  void run(const Script& script, size_t stackBudget) {
    store_.setStackBudgetFromHere(stackBudget);
    if (options_.fuel) store_.setFuel(UINT64_MAX);
    std::string error;
    if (!host_.create(store_, verbose_, &error)) {
      report_->record(0, "spectest", Verdict::Fail, "spectest module could not be created", error);
      return;
    }
    for (const Command& c : script.commands) {
      Outcome o = command(c);
      report_->record(c.line, commandTypeName(c.type), o.verdict, o.reason, o.detail);
    }
  }

 private:
  Outcome command(const Command& c) {
    switch (c.type) {
      case CmdType::Module: return module(c);
      case CmdType::Register: return registerAs(c);
      case CmdType::Action: return action(c);
      case CmdType::AssertReturn: return assertReturn(c);
      case CmdType::AssertTrap:
      case CmdType::AssertExhaustion: return assertTrap(c);
      case CmdType::AssertMalformed:
      case CmdType::AssertInvalid: return assertRejected(c);
      case CmdType::AssertUnlinkable: return assertUnlinkable(c);
      case CmdType::AssertUninstantiable: return assertUninstantiable(c);
    }
    return fail("unknown command");
  }

  Compiled compile(const Command& c) {
    Compiled out;
    std::vector<uint8_t> bytes;
    if (!readBinary(c.filename, &bytes)) {
      out.problem = fail("module file unreadable", c.filename);
      return out;
    }
    auto r = engine_.compile(bytes.data(), bytes.size(), options_);
    if (r.ok()) {
      out.module = r.take();
      return out;
    }
    out.error = r.error();
    out.problem = isSimdError(out.error) ? skipSimd() : fail("module failed to compile", out.error.describe());
    return out;
  }

  // Finds each import among the registered instances and spectest, in the module's order.
  Link resolve(const wasm::Module& m, std::vector<Extern>* out, std::string* why) {
    for (const wasm::Import& imp : m.info().imports) {
      std::string name = "\"" + imp.module + "\" \"" + imp.name + "\"";
      Extern e;
      if (imp.module == "spectest") {
        if (!host_.lookup(imp.name, &e)) {
          *why = "unknown import " + name;
          return Link::Unresolved;
        }
      } else {
        auto it = registered_.find(imp.module);
        if (it == registered_.end()) {
          *why = "unknown import " + name + " (no module registered as \"" + imp.module + "\")";
          return Link::Unresolved;
        }
        const Slot& s = *it->second;
        if (s.state == Slot::State::Simd) return Link::Simd;
        if (s.state == Slot::State::Failed) {
          *why = "import " + name + " is from the module at line " + std::to_string(s.line) +
                 ", which failed";
          return Link::DependsOnFailed;
        }
        if (!s.instance->getExport(imp.name, &e)) {
          *why = "unknown import " + name;
          return Link::Unresolved;
        }
      }
      if (e.kind != imp.kind) {
        *why = "incompatible import type: " + name + " is a " + wasm::externKindName(e.kind) +
               ", the module imports a " + wasm::externKindName(imp.kind);
        return Link::Unresolved;
      }
      out->push_back(e);
    }
    return Link::Ok;
  }

  Outcome module(const Command& c) {
    slots_.emplace_back();
    Slot* slot = &slots_.back();
    slot->line = c.line;
    current_ = slot;
    if (!c.name.empty()) named_[c.name] = slot;

    Compiled m = compile(c);
    if (!m.module) {
      if (m.problem.verdict == Verdict::Skip) slot->state = Slot::State::Simd;
      return m.problem;
    }
    std::vector<Extern> imports;
    std::string why;
    switch (resolve(*m.module, &imports, &why)) {
      case Link::Ok: break;
      case Link::Simd: slot->state = Slot::State::Simd; return skipSimd();
      case Link::Unresolved: return fail("module failed to link", why);
      case Link::DependsOnFailed: return fail("module depends on a failed module", why);
    }
    auto inst = store_.instantiate(m.module, imports);
    if (!inst.ok()) return fail("module failed to instantiate", inst.error().describe());
    slot->instance = inst.value();
    slot->state = Slot::State::Ok;
    return pass();
  }

  Outcome registerAs(const Command& c) {
    Slot* s = c.name.empty() ? current_ : find(c.name);
    if (s) registered_[c.as] = s;
    else fprintf(stderr, "warning: line %d: register of unknown module %s\n", c.line, c.name.c_str());
    return Outcome{Verdict::NotCounted, {}, {}};
  }

  Slot* find(const std::string& name) {
    auto it = named_.find(name);
    return it == named_.end() ? nullptr : it->second;
  }

  // Runs an action. On false, *problem says why it could not run (skip or failure).
  bool perform(const Command& c, TrapKind* trap, std::vector<wasm::Value>* results, Outcome* problem) {
    const Action& a = c.action;
    Slot* s = a.module.empty() ? current_ : find(a.module);
    if (!s) {
      *problem = fail("no such module", a.module.empty() ? "no module defined yet" : a.module);
      return false;
    }
    if (s->state == Slot::State::Simd || c.usesV128()) {
      *problem = skipSimd();
      return false;
    }
    if (s->state == Slot::State::Failed) {
      *problem = fail("module not available", "the module at line " + std::to_string(s->line) + " failed");
      return false;
    }
    Extern e;
    bool found = s->instance->getExport(a.field, &e);
    if (a.type == Action::Type::Get) {
      if (!found || e.kind != ExternKind::Global) {
        *problem = fail("export not found", "no global \"" + a.field + "\"");
        return false;
      }
      *trap = TrapKind::None;
      results->assign(1, e.global->get());
      return true;
    }
    if (!found || e.kind != ExternKind::Func) {
      *problem = fail("export not found", "no function \"" + a.field + "\"");
      return false;
    }
    const wasm::FuncType& type = wasm::Store::funcType(e.func);
    bool argsOk = type.params.size() == a.args.size();
    std::vector<wasm::Value> args;
    for (size_t i = 0; argsOk && i < a.args.size(); i++) {
      argsOk = a.args[i].type == type.params[i] && a.args[i].kind == SpecValue::Kind::Bits;
      args.push_back(toEngineValue(a.args[i]));
    }
    if (!argsOk) {
      *problem = fail("arguments do not fit", "\"" + a.field + "\" has type " + type.toString());
      return false;
    }
    results->assign(type.results.size(), wasm::Value{});
    for (size_t i = 0; i < type.results.size(); i++) (*results)[i].type = type.results[i];
    *trap = store_.call(e.func, args.data(), results->data()).trap;
    return true;
  }

  std::string trapText(TrapKind k) {
    std::string s = wasm::trapMessage(k);
    if (k == TrapKind::HostError && *store_.hostError()) s += std::string(": ") + store_.hostError();
    return s;
  }

  Outcome action(const Command& c) {
    TrapKind trap;
    std::vector<wasm::Value> results;
    Outcome problem;
    if (!perform(c, &trap, &results, &problem)) return problem;
    if (trap != TrapKind::None) return fail("unexpected trap", trapText(trap));
    return pass();
  }

  Outcome assertReturn(const Command& c) {
    TrapKind trap;
    std::vector<wasm::Value> results;
    Outcome problem;
    if (!perform(c, &trap, &results, &problem)) return problem;
    if (trap != TrapKind::None) return fail("unexpected trap", trapText(trap));
    if (results.size() != c.expected.size())
      return fail("wrong result count", "expected " + std::to_string(c.expected.size()) + ", got " +
                                            std::to_string(results.size()));
    std::string detail;
    for (size_t i = 0; i < results.size(); i++) {
      if (matches(c.expected[i], results[i])) continue;
      if (!detail.empty()) detail += "; ";
      detail += "result " + std::to_string(i) + ": expected " + describe(c.expected[i]) + ", got " +
                describe(results[i]);
    }
    if (!detail.empty()) return fail("wrong result", c.action.field + ": " + detail);
    return pass();
  }

  Outcome assertTrap(const Command& c) {
    TrapKind want = c.type == CmdType::AssertExhaustion ? TrapKind::StackExhausted : trapKindForText(c.text);
    if (want == TrapKind::None) return fail("unknown trap text", "\"" + c.text + "\"");
    TrapKind trap;
    std::vector<wasm::Value> results;
    Outcome problem;
    if (!perform(c, &trap, &results, &problem)) return problem;
    if (trap == TrapKind::None) {
      std::string got;
      for (const wasm::Value& v : results) got += (got.empty() ? "" : ", ") + describe(v);
      return fail("missing trap", "expected \"" + c.text + "\", returned (" + got + ")");
    }
    if (trap != want)
      return fail("wrong trap", "expected \"" + c.text + "\", got \"" + trapText(trap) + "\"");
    return pass();
  }

  Outcome assertRejected(const Command& c) {
    if (c.textFormat) return Outcome{Verdict::NotApplicable, {}, {}};
    std::vector<uint8_t> bytes;
    if (!readBinary(c.filename, &bytes)) return fail("module file unreadable", c.filename);
    auto r = engine_.compile(bytes.data(), bytes.size(), options_);
    if (r.ok()) return fail("bad module accepted", "expected \"" + c.text + "\"");
    const wasm::Error& e = r.error();
    if (isSimdError(e)) return skipSimd();
    switch (e.kind) {
      case ErrorKind::Malformed:
      case ErrorKind::Invalid:
      case ErrorKind::Limit: return pass();
      default:
        return fail("bad module rejected for the wrong reason",
                    "expected \"" + c.text + "\", got " + e.describe());
    }
  }

  Outcome assertUnlinkable(const Command& c) {
    Compiled m = compile(c);
    if (!m.module) return m.problem;
    std::vector<Extern> imports;
    std::string why;
    switch (resolve(*m.module, &imports, &why)) {
      case Link::Ok: break;
      case Link::Unresolved: return pass();
      case Link::Simd: return skipSimd();
      case Link::DependsOnFailed: return fail("module depends on a failed module", why);
    }
    auto inst = store_.instantiate(m.module, imports);
    if (inst.ok()) return fail("unlinkable module linked", "expected \"" + c.text + "\"");
    if (inst.error().kind != ErrorKind::Link)
      return fail("unlinkable module failed for the wrong reason",
                  "expected \"" + c.text + "\", got " + inst.error().describe());
    return pass();
  }

  Outcome assertUninstantiable(const Command& c) {
    TrapKind want = trapKindForText(c.text);
    if (want == TrapKind::None) return fail("unknown trap text", "\"" + c.text + "\"");
    Compiled m = compile(c);
    if (!m.module) return m.problem;
    std::vector<Extern> imports;
    std::string why;
    switch (resolve(*m.module, &imports, &why)) {
      case Link::Ok: break;
      case Link::Unresolved: return fail("module failed to link", why);
      case Link::Simd: return skipSimd();
      case Link::DependsOnFailed: return fail("module depends on a failed module", why);
    }
    auto inst = store_.instantiate(m.module, imports);
    if (inst.ok()) return fail("missing trap", "instantiation succeeded, expected \"" + c.text + "\"");
    const wasm::Error& e = inst.error();
    if (e.kind != ErrorKind::Trap)
      return fail("uninstantiable module failed for the wrong reason",
                  "expected \"" + c.text + "\", got " + e.describe());
    if (TrapKind(e.trap) != want)
      return fail("wrong trap", "expected \"" + c.text + "\", got \"" + trapText(TrapKind(e.trap)) + "\"");
    return pass();
  }

  wasm::Engine& engine_;
  const wasm::CompileOptions options_;
  bool verbose_;
  Report* report_;
  SpectestHost host_;  // before store_: the store's host functions point into it
  wasm::Store store_;
  std::deque<Slot> slots_;  // stable addresses
  Slot* current_ = nullptr;
  std::map<std::string, Slot*> named_;
  std::map<std::string, Slot*> registered_;
};

}  // namespace

void runScript(wasm::Engine& engine, const Script& script, const wasm::CompileOptions& options,
               bool verbose, size_t stackBudget, Report* report) {
  Runner runner(engine, options, verbose, report);
  runner.run(script, stackBudget);
}

}  // namespace spec
