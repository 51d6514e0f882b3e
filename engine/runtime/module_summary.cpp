// Engine zone. ModuleSummary: a module's imports and exports with their types, as the
// embedder sees them (Engine::inspect, Module::summary).
#include <cstdio>

#include "base/job.h"
#include "decoder/decoder.h"
#include "runtime/internal.h"
#include "validator/validator.h"

namespace wasm {

namespace {
std::string limitsText(const Limits& l, const char* unit) {
  char buf[96];
  if (l.hasMax)
    snprintf(buf, sizeof buf, "%llu..%llu%s", (unsigned long long)l.min, (unsigned long long)l.max, unit);
  else
    snprintf(buf, sizeof buf, "%llu..%s", (unsigned long long)l.min, unit);
  return buf;
}

// The module's types as shared signatures, made on first use.
struct SharedTypes {
  const ModuleInfo& m;
  std::vector<std::shared_ptr<const FuncType>> made;
  explicit SharedTypes(const ModuleInfo& module) : m(module), made(module.types.size()) {}
  const std::shared_ptr<const FuncType>& of(uint32_t typeIndex) {
    if (!made[typeIndex]) made[typeIndex] = std::make_shared<const FuncType>(m.types[typeIndex]);
    return made[typeIndex];
  }
};

void describeEntity(const ModuleInfo& m, SharedTypes& types, ExternKind kind, uint32_t index, ExternDesc* d) {
  d->kind = kind;
  switch (kind) {
    case ExternKind::Func: d->func = types.of(m.funcs[index]); break;
    case ExternKind::Table: d->table = m.tables[index]; break;
    case ExternKind::Memory: d->memory = m.memories[index]; break;
    case ExternKind::Global: d->global = m.globals[index].type; break;
  }
}

ModuleSummary summarize(const ModuleInfo& m) {
  ModuleSummary s;
  SharedTypes types(m);
  s.imports.reserve(m.imports.size());
  for (const Import& im : m.imports) {
    ExternDesc d;
    d.module = im.module;
    d.name = im.name;
    d.kind = im.kind;
    switch (im.kind) {
      case ExternKind::Func: d.func = types.of(im.funcType); break;
      case ExternKind::Table: d.table = im.table; break;
      case ExternKind::Memory: d.memory = im.memory; break;
      case ExternKind::Global: d.global = im.global; break;
    }
    s.imports.push_back(std::move(d));
  }
  s.exports.reserve(m.exports.size());
  for (const Export& ex : m.exports) {
    ExternDesc d;
    d.name = ex.name;
    describeEntity(m, types, ex.kind, ex.index, &d);
    s.exports.push_back(std::move(d));
  }
  return s;
}
}  // namespace

std::string ExternDesc::describe() const {
  switch (kind) {
    case ExternKind::Func: return "func " + (func ? func->toString() : std::string("?"));
    case ExternKind::Table:
      return "table " + limitsText(table.limits, "") + " " + valTypeName(table.elem);
    case ExternKind::Memory: return "memory " + limitsText(memory.limits, " pages");
    case ExternKind::Global:
      return std::string("global ") + (global.mut ? "mut " : "") + valTypeName(global.type);
  }
  return "";
}

const ExternDesc* ModuleSummary::findExport(std::string_view name) const {
  for (const ExternDesc& e : exports)
    if (e.name == name) return &e;
  return nullptr;
}

Result<ModuleSummary> Engine::inspect(const uint8_t* bytes, size_t size) {
  if (size > config_.maxModuleBytes)
    return makeError(ErrorKind::Limit, kNoOffset, "module of %zu bytes exceeds the limit of %llu bytes",
                     size, (unsigned long long)config_.maxModuleBytes);
  Job job(config_, size);
  WASM_ASSIGN(std::unique_ptr<ModuleInfo> info, decodeModule(bytes, size, DecodeMode::Full, &job));
  WASM_TRY(validateAll(*info, &job));
  return summarize(*info);
}

ModuleSummary Module::summary() const { return summarize(*info_); }

}  // namespace wasm
