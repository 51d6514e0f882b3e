// Engine zone. What a decoded module holds in memory: every vector's capacity and every
// string that does not fit inline, so that Module::footprint (this plus the machine code)
// charges the engine's memory ceiling with what a cached module really keeps.
#include "runtime/internal.h"

namespace wasm {

namespace {
template <typename T>
uint64_t vec(const std::vector<T>& v) {
  return uint64_t(v.capacity()) * sizeof(T);
}
uint64_t str(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }  // past the inline buffer
}  // namespace

uint64_t moduleInfoFootprint(const ModuleInfo& m) {
  uint64_t n = sizeof(ModuleInfo) + vec(m.bytes) + vec(m.types) + vec(m.imports) + vec(m.funcs) + vec(m.tables) +
               vec(m.memories) + vec(m.globals) + vec(m.exports) + vec(m.elems) + vec(m.datas) + vec(m.bodies) +
               vec(m.customs) + vec(m.funcNames) + str(m.moduleName) + m.declaredFuncRefs.capacity() / 8 +
               vec(m.funcOffsets) + vec(m.tableOffsets) + vec(m.memoryOffsets);
  // Each type is also an entry of the engine's signature registry (type_registry.h) for
  // as long as the module lives: its copy of the type, its entry layout (a word or two
  // per value), its key and hash node. Counted for every type, even one another module
  // shares, so that the estimate errs on the side of the ceiling.
  constexpr uint64_t kRegistryEntry = 320, kRegistryPerValue = 16;
  for (const FuncType& t : m.types)
    n += vec(t.params) + vec(t.results) + kRegistryEntry + kRegistryPerValue * (t.params.size() + t.results.size());
  for (const Import& i : m.imports) n += str(i.module) + str(i.name);
  for (const Export& e : m.exports) n += str(e.name);
  for (const ElemSegment& s : m.elems) n += vec(s.items);
  for (const FuncBody& b : m.bodies) n += vec(b.locals);
  for (const CustomSection& c : m.customs) n += str(c.name);
  return n;
}

}  // namespace wasm
