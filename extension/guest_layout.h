// PG zone. How values are laid out in a guest's linear memory (udf-sdk/ABI.md): the
// writer that stages a call's arguments before the guest allocator is called, and the
// reader that takes a result apart under a hostile guest's pointers and lengths.
#pragma once

#include <cstdint>

#include "fuel.h"
#include "pg.h"

namespace pgwasm {

// Every this many values (elements, fields, rows) encoded or decoded, the codec polls for
// cancel and statement_timeout, however the values nest.
constexpr uint32_t kPollEvery = 1u << 14;
void pollInterrupts();

// Where a staged block lives: its offset in the guest buffer (from the address
// pgwasm_alloc returns) and in the writer's staging bytes.
struct Spot {
  uint32_t at;
  uint32_t staged;
};

// A call's argument buffer, built before its size is known. The layout is a sequence of
// pieces: bytes staged here (headers, element tables, row fields) and bytes copied
// straight from PostgreSQL memory (text, bytea, arrays' data: copied once, into the
// guest). Pointers inside the buffer are staged relative to its start and rebased when
// it is written. One writer per call site, reused by every call (its arrays keep their
// capacity); the memory it points to must live until write().
class GuestWriter {
 public:
  void init(MemoryContext cxt);
  void reset(uint64_t limit, const char* functionName);
  // Every piece is checked against the limit given to reset as it is added (54000).
  // n staged bytes (zeroed) at alignment align.
  Spot reserve(uint64_t n, uint32_t align);
  // n bytes of src, copied by write(); returns their offset.
  uint32_t external(const void* src, uint64_t n, uint32_t align);
  // The staged bytes at s (valid until the next reserve).
  uint8_t* staged(uint32_t s) { return buf_ + s; }
  // The u32 at staged offset s, buffer offset at, holds a buffer offset to rebase.
  void pointer(Spot field, uint32_t offsetValue);
  uint64_t size() const { return total_; }
  // The host's work of this layout, in fuel units (fuel.h, fuelChargeWork).
  uint64_t work() const { return ticks_ + total_ / 16; }
  // ERRORs (54000) unless n more bytes fit: checked before a value is detoasted.
  void require(uint64_t n) const {
    if (total_ + n > limit_) tooBig(total_ + n);
  }
  // One value written: polls every kPollEvery.
  void tick() {
    if (++ticks_ % kPollEvery == 0) pollInterrupts();
  }
  // Copies the layout to mem + base and rebases its pointers.
  void write(uint8_t* mem, uint32_t base) const;
  // After write: gives back staging arrays too large to keep for the next call.
  void release();

 private:
  struct Piece {
    const void* src;  // nullptr: staged bytes from staged
    uint32_t staged;
    uint32_t at;
    uint32_t len;
  };
  void pad(uint32_t align);
  void grow(uint64_t n);
  void addPiece(const Piece& p);
  [[noreturn]] void tooBig(uint64_t need) const;
  MemoryContext cxt_ = nullptr;
  uint8_t* buf_ = nullptr;
  uint32_t bufLen_ = 0, bufCap_ = 0;
  Piece* pieces_ = nullptr;
  uint32_t npieces_ = 0, piecesCap_ = 0;
  uint32_t* fixups_ = nullptr;  // buffer offsets of u32 pointers
  uint32_t nfixups_ = 0, fixupsCap_ = 0;
  bool bufTransient_ = false, piecesTransient_ = false, fixupsTransient_ = false;
  uint32_t ticks_ = 0;
  uint64_t total_ = 0, limit_ = 0;
  const char* functionName_ = "";
};

// A guest's memory as a result is read: every range is checked before it is touched,
// and every PostgreSQL value built from it (each element, each array, each row: every
// level of nesting counts again, as each copies what it holds) is charged against a
// budget, so a thousand elements naming the same megabyte, or arrays of arrays naming
// the same array twice, cannot make a gigabyte. The budget is kResultBudgetFactor times
// wasm.memory_limit: enough for a row of an array of text that fills the guest's memory.
constexpr uint64_t kResultBudgetFactor = 4;
// What each array or row built from a result costs beyond its bytes (its palloc'd parts).
constexpr uint64_t kValueOverhead = 64;
struct GuestReader {
  const uint8_t* mem;
  uint64_t size;
  uint64_t budget;  // bytes of PostgreSQL values the result may still make
  uint64_t budgetAtStart;
  const char* functionName;

  uint32_t ticks;
  uint64_t fuelLeft;   // what the call had left, which reading the result may use
  bool byCallLimit;    // the call's fuel was cut to wasm.call_fuel_limit
  uint64_t charged;    // work already charged

  void init(const uint8_t* memory, uint64_t memorySize, const char* fname, uint64_t callFuelLeft,
            bool callByCallLimit);
  // One value read: polls, and charges the work so far, every kPollEvery.
  void tick() {
    if (++ticks % kPollEvery == 0) poll();
  }
  void poll();
  // Charges what is left of the work, after the result is read.
  void finish();

  // [ptr, ptr + len) of memory, or an ERROR naming what was read.
  const uint8_t* range(uint64_t ptr, uint64_t len, const char* what) const;
  void charge(uint64_t bytes);
};

inline uint32_t loadU32(const uint8_t* p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
inline void storeU32(uint8_t* p, uint32_t v) { memcpy(p, &v, 4); }
inline uint64_t loadU64(const uint8_t* p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}
inline void storeU64(uint8_t* p, uint64_t v) { memcpy(p, &v, 8); }

}  // namespace pgwasm
