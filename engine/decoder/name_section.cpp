// Engine zone. The "name" custom section: the module name (subsection 0) and function
// names (subsection 1). Other subsections are skipped. Custom sections may not make a
// module fail, so a malformed name section is simply ignored.
#include <algorithm>

#include "decoder/binary_types.h"
#include "decoder/module_decoder.h"
#include "wasm/limits.h"

namespace wasm {

namespace {
bool parseNames(const uint8_t* base, size_t begin, size_t end, Job* job, std::string* moduleName,
                std::vector<NameEntry>* funcNames) {
  Reader r(base, begin, end);
  bool sawModule = false, sawFuncs = false;
  while (!r.atEnd()) {
    uint8_t id = r.u8();
    uint32_t size = r.u32();
    if (!r.ok() || size > r.remaining()) return false;
    Reader sub(base, r.offset(), r.offset() + size);
    r.skip(size);
    if (id == 0) {
      if (sawModule || !readName(sub, moduleName)) return false;
      sawModule = true;
    } else if (id == 1) {
      if (sawFuncs) return false;
      sawFuncs = true;
      uint32_t n;
      // More names than a module may have functions name nothing: not a name section.
      if (!readCount(sub, limits::kMaxFunctions, "function name", &n, 2)) return false;
      funcNames->resize(n);
      for (uint32_t i = 0; i < n; i++) {
        if ((i & 4095) == 4095 && job && !job->poll()) return false;
        (*funcNames)[i].index = sub.u32();
        if (!sub.ok() || !readName(sub, &(*funcNames)[i].name)) return false;
      }
    } else {
      continue;  // local names and the rest: not needed
    }
    if (!sub.ok() || !sub.atEnd()) return false;
  }
  // Keep the lookup in ModuleInfo::funcName valid even if the producer did not sort.
  std::stable_sort(funcNames->begin(), funcNames->end(),
                   [](const NameEntry& a, const NameEntry& b) { return a.index < b.index; });
  funcNames->erase(
      std::unique(funcNames->begin(), funcNames->end(),
                  [](const NameEntry& a, const NameEntry& b) { return a.index == b.index; }),
      funcNames->end());
  return r.ok();
}
}  // namespace

void decodeNameSection(ModuleInfo& m, size_t begin, size_t end, Job* job) {
  if (!m.moduleName.empty() || !m.funcNames.empty()) return;  // the first name section wins
  std::string moduleName;
  std::vector<NameEntry> funcNames;
  if (!parseNames(m.bytes.data(), begin, end, job, &moduleName, &funcNames)) return;
  m.moduleName = std::move(moduleName);
  m.funcNames = std::move(funcNames);
}

}  // namespace wasm
