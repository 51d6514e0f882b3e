// Engine zone. The engine's canonical function signatures: equal signatures get one id,
// which call_indirect compares across modules and host functions, with the layout the
// entry trampoline uses for it. An id is a counted reference: a compiled module holds one
// per type of its type section and a host function one for its signature, and an id
// whose last holder lets go is forgotten and reused, so a long-lived engine (a backend's)
// holds the signatures of the modules alive, not of every module it ever compiled.
// Modules share the registry (shared_ptr), so one that outlives its engine (static
// destruction at process exit, in no set order) can still let go. Not thread-safe, as
// the engine is not.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/internal.h"

namespace wasm {

class TypeRegistry {
 public:
  // The id of `type`, with one more reference to it.
  uint32_t intern(const FuncType& type);
  // Gives back one reference of intern's.
  void release(uint32_t id);
  const FuncType& type(uint32_t id) const { return entries_[id].type; }
  // Stable for as long as the id is referenced (FuncRefs point at it).
  const Engine::EntryLayout& layout(uint32_t id) const { return entries_[id].layout; }
  // Ids referenced now.
  size_t live() const { return ids_.size(); }
  // The typed entry of a referenced id (generateTypedEntry), made once, ending in
  // `landing`; nullptr where none is made (a signature past kMaxTypedParams or
  // kMaxTypedResults, more than kMaxTypedEntries made, or no code memory), and the
  // generic entry is used. Freed with the id's last reference.
  Engine::Stubs::EntryFn typedEntry(uint32_t id, const void* landing);
  static constexpr size_t kMaxTypedEntries = 256;  // a page of code each

 private:
  struct Entry {
    FuncType type;
    Engine::EntryLayout layout;
    uint32_t refs = 0;
    CodeMemory typedCode;  // of layout.typed
  };
  std::unordered_map<std::string, uint32_t> ids_;
  std::deque<Entry> entries_;  // by id; a deque, so that layouts never move
  std::vector<uint32_t> freeIds_;
  size_t typedEntries_ = 0;  // made and not yet freed
};

}  // namespace wasm
