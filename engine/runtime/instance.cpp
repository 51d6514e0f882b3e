// Engine zone. Instantiation: import matching (link errors), the VMContext, function
// references, tables, memories and globals, then active segments and the start function
// in spec order. A trap there is an Error of kind Trap; what was already written stays.
#include <cstdlib>
#include <cstring>

#include "runtime/internal.h"

namespace wasm {

namespace {
inline uint64_t narrow(ValType t, uint64_t bits) {
  return (t == ValType::I32 || t == ValType::F32) ? (bits & 0xFFFFFFFFu) : bits;
}

Error linkError(const Import& imp, const char* fmt, const std::string& detail) {
  Error e = makeError(ErrorKind::Link, kNoOffset, "import %s.%s: ", imp.module.c_str(), imp.name.c_str());
  char buf[256];
  snprintf(buf, sizeof buf, fmt, detail.c_str());
  e.message += buf;
  return e;
}

bool limitsMatch(uint64_t actualMin, bool actualHasMax, uint64_t actualMax, const Limits& want) {
  if (actualMin < want.min) return false;
  if (want.hasMax) {
    if (!actualHasMax || actualMax > want.max) return false;
  }
  return true;
}

Error trapError(TrapKind k, const char* during) {
  Error e = makeError(ErrorKind::Trap, kNoOffset, "%s during %s", trapMessage(k), during);
  e.trap = uint8_t(k);
  return e;
}
}  // namespace

uint64_t evalConstExpr(const ConstExpr& e, const std::vector<Global*>& globals,
                       const std::vector<FuncRef*>& funcs) {
  switch (e.kind) {
    case ConstExpr::Kind::I32:
    case ConstExpr::Kind::I64:
    case ConstExpr::Kind::F32:
    case ConstExpr::Kind::F64: return e.bits;
    case ConstExpr::Kind::RefNull: return 0;
    case ConstExpr::Kind::RefFunc: return uint64_t(uintptr_t(funcs[e.index]));
    case ConstExpr::Kind::GlobalGet: return globals[e.index]->get().bits;
  }
  return 0;
}

Instance::Instance(Store& s) : store_(&s) {}
Instance::~Instance() {
  free(vmctx_);
  if (accounted_) store_->account_->giveOverhead(accounted_);
}

namespace {
// What an instance of m holds of its own, beyond its memories and tables (which are
// charged as they are made): the VMContext, a FuncRef per defined function, a cell per
// defined global, and the index vectors. Grows with the module's counts, which a
// module chooses: 1M functions and 1M globals are 100 MB an instance. Charged to the
// engine's ceiling (MemoryAccount::takeOverhead).
uint64_t instanceBytes(const ModuleInfo& m, const VMContextLayout& layout) {
  uint64_t definedGlobals = m.globals.size() - m.numImportedGlobals;
  return uint64_t(layout.size) + uint64_t(m.numDefinedFuncs()) * sizeof(FuncRef) +
         uint64_t(m.funcs.size()) * sizeof(FuncRef*) + definedGlobals * (sizeof(Global) + 2 * sizeof(void*)) +
         uint64_t(m.globals.size() + m.tables.size() + m.memories.size()) * sizeof(void*) +
         (uint64_t(m.elems.size()) + m.datas.size()) / 8 + sizeof(Instance);
}
}  // namespace

bool Instance::getExport(std::string_view name, Extern* out) const {
  for (const Export& e : module_->info().exports) {
    if (e.name != name) continue;
    out->kind = e.kind;
    switch (e.kind) {
      case ExternKind::Func: out->func = funcs_[e.index]; break;
      case ExternKind::Table: out->table = tables_[e.index]; break;
      case ExternKind::Memory: out->memory = memories_[e.index]; break;
      case ExternKind::Global: out->global = globals_[e.index]; break;
    }
    return true;
  }
  return false;
}

Memory* Instance::memory(uint32_t i) const { return i < memories_.size() ? memories_[i] : nullptr; }
Table* Instance::table(uint32_t i) const { return i < tables_.size() ? tables_[i] : nullptr; }
Global* Instance::global(uint32_t i) const { return i < globals_.size() ? globals_[i] : nullptr; }
FuncRef* Instance::func(uint32_t i) const { return i < funcs_.size() ? funcs_[i] : nullptr; }

uint32_t InstanceAccess::tableInit(Instance* inst, uint32_t table, uint32_t seg, uint32_t d,
                                   uint32_t s, uint32_t n, VMContext* vm) {
  const ElemSegment& es = inst->module_->info().elems[seg];
  uint64_t segSize = inst->droppedElems_[seg] ? 0 : es.items.size();
  Table* t = inst->tables_[table];
  if (uint64_t(s) + n > segSize || uint64_t(d) + n > t->size()) return uint32_t(TrapKind::TableOutOfBounds);
  uint64_t* elems = TableAccess::elems(t) + d;
  const ConstExpr* items = es.items.data() + s;
  auto work = [&](uint64_t off, uint64_t c) {
    for (uint64_t k = off; k < off + c; k++) elems[k] = evalConstExpr(items[k], inst->globals_, inst->funcs_);
  };
  if (!vm) {
    work(0, n);  // instantiation: bounded by the module's size
    return 0;
  }
  if (!chargeHelperFuel(vm, n)) return 0;
  return chunkedWork(vm, n, kBulkChunkElems, false, work);
}

Result<Instance*> Store::instantiate(const std::shared_ptr<const Module>& module,
                                     const std::vector<Extern>& imports) {
  const ModuleInfo& m = module->info();
  if (&module->engine() != engine_)
    return makeError(ErrorKind::Link, kNoOffset, "module was compiled by a different engine");
  if (imports.size() != m.imports.size())
    return makeError(ErrorKind::Link, kNoOffset, "module needs %zu imports, %zu given", m.imports.size(),
                     imports.size());
  if (hot_->fuelModeFixed && bool(hot_->fuelEnabled) != module->options().fuel)
    return makeError(ErrorKind::Link, kNoOffset,
                     "module compiled with fuel metering %s cannot join a store whose modules have it %s",
                     module->options().fuel ? "on" : "off", hot_->fuelEnabled ? "on" : "off");

  // Check every import before creating anything.
  for (size_t i = 0; i < m.imports.size(); i++) {
    const Import& imp = m.imports[i];
    const Extern& ext = imports[i];
    if (ext.kind != imp.kind || ext.ptr == nullptr)
      return linkError(imp, "expected a %s", externKindName(imp.kind));
    switch (imp.kind) {
      case ExternKind::Func: {
        const FuncType& want = m.types[imp.funcType];
        if (*ext.func->type != want)
          return linkError(imp, "incompatible import type: expected %s", want.toString() + ", got " +
                                                                          ext.func->type->toString());
        break;
      }
      case ExternKind::Table: {
        const TableType& tt = ext.table->type();
        if (tt.elem != imp.table.elem ||
            !limitsMatch(ext.table->size(), tt.limits.hasMax, tt.limits.max, imp.table.limits))
          return linkError(imp, "incompatible import type%s", "");
        break;
      }
      case ExternKind::Memory: {
        const MemoryType& mt = ext.memory->type();
        if (!limitsMatch(ext.memory->pages(), mt.limits.hasMax, mt.limits.max, imp.memory.limits))
          return linkError(imp, "incompatible import type%s", "");
        break;
      }
      case ExternKind::Global: {
        const GlobalType& gt = ext.global->type();
        if (gt.type != imp.global.type || gt.mut != imp.global.mut)
          return linkError(imp, "incompatible import type%s", "");
        break;
      }
    }
  }

  std::unique_ptr<Instance> inst(new Instance(*this));
  inst->module_ = module;
  const Module::Compiled& cc = module->compiled();
  const VMContextLayout& layout = cc.layout;
  uint64_t own = instanceBytes(m, layout);
  if (!account_->takeOverhead(own))
    return makeError(ErrorKind::Limit, kNoOffset,
                     "an instance of this module needs %llu bytes for its functions and globals, which "
                     "exceeds the engine's memory ceiling",
                     (unsigned long long)own);
  inst->accounted_ = own;
  VMContext* vm = static_cast<VMContext*>(calloc(1, layout.size));
  if (!vm) return makeError(ErrorKind::Resource, kNoOffset, "out of memory for an instance");
  inst->vmctx_ = vm;
  vm->hot = hot_.get();
  vm->stackLimit = hot_->stackLimit;
  vm->interrupt = hot_->interrupt;
  vm->interruptStub = engine_->stubs().interruptStub;
  vm->instance = inst.get();
  vm->typeIds = cc.typeIds.data();
  for (uint32_t h = 0; h < kNumHelpers; h++) vm->helpers[h] = kHelperTable[h];

  // Functions.
  uint32_t nDefined = m.numDefinedFuncs();
  inst->ownFuncRefs_.reset(new FuncRef[nDefined ? nDefined : 1]);
  inst->funcs_.reserve(m.funcs.size());
  uint32_t importIdx = 0;
  for (size_t i = 0; i < m.imports.size(); i++)
    if (m.imports[i].kind == ExternKind::Func) inst->funcs_.push_back(imports[i].func);
  (void)importIdx;
  for (uint32_t i = 0; i < nDefined; i++) {
    FuncRef& r = inst->ownFuncRefs_[i];
    uint32_t fi = m.numImportedFuncs + i;
    r.code = cc.code.base() + cc.funcOffsets[i];
    r.vmctx = vm;
    r.typeId = cc.typeIds[m.funcs[fi]];
    r.layout = &engine_->entryLayout(r.typeId);
    r.funcIndex = fi;
    r.instance = inst.get();
    r.type = &m.types[m.funcs[fi]];
    inst->funcs_.push_back(&r);
  }
  vm->funcRefs = inst->funcs_.data();

  // Globals: imported cells by pointer, defined cells inline in the VMContext.
  for (size_t i = 0; i < m.imports.size(); i++)
    if (m.imports[i].kind == ExternKind::Global) inst->globals_.push_back(imports[i].global);
  for (uint32_t i = 0; i < m.numImportedGlobals; i++) {
    auto* slot = reinterpret_cast<uint64_t**>(reinterpret_cast<uint8_t*>(vm) + layout.globalOffset(m, i));
    *slot = inst->globals_[i]->cell_;
  }
  for (uint32_t i = m.numImportedGlobals; i < m.globals.size(); i++) {
    std::unique_ptr<Global> g(new Global());
    g->type_ = m.globals[i].type;
    g->cell_ = reinterpret_cast<uint64_t*>(reinterpret_cast<uint8_t*>(vm) + layout.globalOffset(m, i));
    *g->cell_ = narrow(g->type_.type, evalConstExpr(m.globals[i].init, inst->globals_, inst->funcs_));
    inst->globals_.push_back(g.get());
    globals_.push_back(std::move(g));
  }

  // Tables.
  for (size_t i = 0; i < m.imports.size(); i++)
    if (m.imports[i].kind == ExternKind::Table) inst->tables_.push_back(imports[i].table);
  for (uint32_t i = m.numImportedTables; i < m.tables.size(); i++) {
    WASM_ASSIGN(Table * t, newTable(m.tables[i], Value{m.tables[i].elem, 0}));
    inst->tables_.push_back(t);
  }
  vm->tables = inst->tables_.data();

  // Memories.
  for (size_t i = 0; i < m.imports.size(); i++)
    if (m.imports[i].kind == ExternKind::Memory) inst->memories_.push_back(imports[i].memory);
  for (uint32_t i = m.numImportedMemories; i < m.memories.size(); i++) {
    WASM_ASSIGN(Memory * mem, newMemory(m.memories[i]));
    inst->memories_.push_back(mem);
  }
  if (!inst->memories_.empty()) {
    Memory* mem = inst->memories_[0];
    vm->memBase = mem->base_;
    vm->memSize = mem->size_;
    mem->users_.push_back(vm);
  }
  inst->droppedElems_.assign(m.elems.size(), false);
  inst->droppedDatas_.assign(m.datas.size(), false);

  hot_->fuelEnabled = module->options().fuel;
  hot_->fuelModeFixed = 1;
  Instance* result = inst.get();
  instances_.push_back(std::move(inst));

  // Active element segments, then data segments, then start (spec order).
  for (uint32_t i = 0; i < m.elems.size(); i++) {
    const ElemSegment& es = m.elems[i];
    if (es.mode == SegmentMode::Active) {
      uint32_t off = uint32_t(evalConstExpr(es.offset, result->globals_, result->funcs_));
      uint32_t trap = InstanceAccess::tableInit(result, es.table, i, off, 0, uint32_t(es.items.size()));
      if (trap) return trapError(TrapKind(trap), "element segment initialization");
    }
    if (es.mode != SegmentMode::Passive) result->droppedElems_[i] = true;
  }
  for (uint32_t i = 0; i < m.datas.size(); i++) {
    const DataSegment& ds = m.datas[i];
    if (ds.mode != SegmentMode::Active) continue;
    uint32_t off = uint32_t(evalConstExpr(ds.offset, result->globals_, result->funcs_));
    Memory* mem = result->memories_[ds.memory];
    if (uint64_t(off) + ds.size > mem->size()) return trapError(TrapKind::MemoryOutOfBounds, "data segment initialization");
    if (ds.size) memcpy(mem->data() + off, m.bytes.data() + ds.dataOffset, ds.size);
    result->droppedDatas_[i] = true;
  }
  if (m.hasStart) {
    CallResult r = call(result->funcs_[m.start], nullptr, nullptr);
    if (!r.ok()) return trapError(r.trap, "the start function");
  }
  return result;
}

}  // namespace wasm
