// Engine zone. The "name" custom section: the module name (subsection 0) and function
// names (subsection 1). Other subsections are skipped. Custom sections may not make a
// module fail, so a malformed name section is simply ignored.
#include <algorithm>

#include "decoder/binary_types.h"
#include "decoder/module_decoder.h"
#include "wasm/limits.h"

namespace wasm {

namespace {
constexpr uint32_t kPollEvery = 4096;

// Sorts by index, stably (a later duplicate loses to an earlier one), in time linear in
// the count: four passes of a byte-wide radix sort, polling as it goes. Producers sort
// their names already, so the common case is a single check.
bool sortByIndex(std::vector<NameEntry>* names, Job* job) {
  std::vector<NameEntry>& v = *names;
  bool sorted = true;
  for (size_t i = 1; i < v.size() && sorted; i++) sorted = v[i - 1].index <= v[i].index;
  if (sorted) return true;
  std::vector<NameEntry> tmp(v.size());
  for (int shift = 0; shift < 32; shift += 8) {
    size_t count[257] = {};
    for (const NameEntry& e : v) count[((e.index >> shift) & 0xFF) + 1]++;
    for (int b = 0; b < 256; b++) count[b + 1] += count[b];
    for (size_t i = 0; i < v.size(); i++) {
      if (i % kPollEvery == kPollEvery - 1 && job && !job->poll()) return false;
      tmp[count[(v[i].index >> shift) & 0xFF]++] = v[i];
    }
    v.swap(tmp);
  }
  return true;
}

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
      for (uint32_t i = 0; i < n; i++) {
        if (i % kPollEvery == kPollEvery - 1 && job && !job->poll()) return false;
        NameEntry& e = funcNames->emplace_back();
        const uint8_t* data;
        e.index = sub.u32();
        if (!sub.ok() || !readNameBytes(sub, &data, &e.size)) return false;
        e.offset = uint32_t(data - base);
      }
    } else {
      continue;  // local names and the rest: not needed
    }
    if (!sub.ok() || !sub.atEnd()) return false;
  }
  // Keep the lookup in ModuleInfo::funcName valid even if the producer did not sort.
  if (!sortByIndex(funcNames, job)) return false;
  funcNames->erase(
      std::unique(funcNames->begin(), funcNames->end(),
                  [](const NameEntry& a, const NameEntry& b) { return a.index == b.index; }),
      funcNames->end());
  funcNames->shrink_to_fit();  // duplicates dropped: keep no more than the names kept
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
