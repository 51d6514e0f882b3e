// Engine zone. The signature registry (type_registry.h).
#include "runtime/type_registry.h"

namespace wasm {

namespace {
std::string typeKey(const FuncType& t) {
  std::string k;
  k.reserve(t.params.size() + t.results.size() + 1);
  for (ValType v : t.params) k.push_back(char(v));
  k.push_back('\0');  // not a type byte (0x7C, f64, is '|')
  for (ValType v : t.results) k.push_back(char(v));
  return k;
}

Engine::EntryLayout layoutOf(const FuncType& type) {
  Engine::EntryLayout layout;
  uint32_t ni = 0, nf = 0, stackParams = 0;
  for (ValType t : type.params) {
    if (isFloat(t) && nf < 8) layout.argIndex.push_back(6 + nf++);
    else if (!isFloat(t) && ni < 6) layout.argIndex.push_back(ni++);
    else layout.argIndex.push_back(uint32_t(kArgvRegs + 1 + stackParams++));
  }
  uint32_t stackResults = type.results.empty() ? 0 : uint32_t(type.results.size()) - 1;
  layout.slots = stackParams > stackResults ? stackParams : stackResults;
  for (size_t i = 0; i < type.results.size(); i++) {
    ValType t = type.results[i];
    layout.resultIndex.push_back(i == 0 ? (isFloat(t) ? 1 : 0) : uint32_t(2 + i - 1));
    layout.resultMask.push_back(t == ValType::I32 || t == ValType::F32 ? 0xFFFFFFFFull : ~0ull);
  }
  layout.numParams = uint32_t(type.params.size());
  layout.numResults = uint32_t(type.results.size());
  return layout;
}
}  // namespace

uint32_t TypeRegistry::intern(const FuncType& type) {
  std::string key = typeKey(type);
  auto it = ids_.find(key);
  if (it != ids_.end()) {
    entries_[it->second].refs++;
    return it->second;
  }
  uint32_t id;
  if (!freeIds_.empty()) {
    id = freeIds_.back();
    freeIds_.pop_back();
  } else {
    id = uint32_t(entries_.size());
    entries_.emplace_back();
  }
  Entry& e = entries_[id];
  e.type = type;
  e.layout = layoutOf(type);
  e.refs = 1;
  ids_.emplace(std::move(key), id);
  return id;
}

void TypeRegistry::release(uint32_t id) {
  Entry& e = entries_[id];
  if (--e.refs != 0) return;
  ids_.erase(typeKey(e.type));
  if (e.layout.typed) typedEntries_--;
  e = Entry{};  // frees the vectors
  freeIds_.push_back(id);
  if (ids_.empty()) {
    // None referenced: give back the entries and buckets a module of a million
    // signatures left behind (no FuncRef points at a layout now).
    entries_ = std::deque<Entry>();
    freeIds_ = std::vector<uint32_t>();
    ids_ = std::unordered_map<std::string, uint32_t>();
  }
}

Engine::Stubs::EntryFn TypeRegistry::typedEntry(uint32_t id, const void* landing) {
  Engine::EntryLayout& layout = entries_[id].layout;
  if (layout.typedTried) return layout.typed;
  layout.typedTried = true;
  if (layout.numParams > kMaxTypedParams || layout.numResults > kMaxTypedResults ||
      typedEntries_ >= kMaxTypedEntries)
    return nullptr;
  Result<CodeMemory> code = generateTypedEntry(layout, landing);
  if (!code.ok()) return nullptr;
  entries_[id].typedCode = std::move(code.value());
  layout.typed = reinterpret_cast<Engine::Stubs::EntryFn>(const_cast<uint8_t*>(entries_[id].typedCode.base()));
  typedEntries_++;
  return layout.typed;
}

}  // namespace wasm
