// PG zone. The argument writer and the result reader of guest_layout.h.
#include "guest_layout.h"

#include "guc.h"

namespace pgwasm {

namespace {
// A buffer's offsets and sizes are u32 in the guest; staying well below lets every sum
// of an offset and a small size be computed without wrapping.
constexpr uint64_t kMaxBuffer = uint64_t(UINT32_MAX) - 4096;

// Staging arrays up to this size stay with the call site from call to call; larger ones
// live in the call's memory context (released after the call, or by PostgreSQL when the
// call fails), so that a statement with many call sites does not keep each one's largest
// arguments.
constexpr size_t kKeepBytes = size_t(1) << 20;

// Grows *a (cap elements of T) to at least need; *transient says where it lives.
template <typename T>
T* growArray(MemoryContext keep, T* a, uint32_t* cap, bool* transient, uint32_t used, uint64_t need) {
  if (need <= *cap) return a;
  uint64_t c = *cap ? *cap : 16;
  while (c < need) c *= 2;
  if (c > UINT32_MAX) c = need;
  size_t bytes = size_t(c) * sizeof(T);
  bool big = bytes > kKeepBytes;
  T* n = static_cast<T*>(MemoryContextAllocHuge(big ? CurrentMemoryContext : keep, bytes));
  if (used) memcpy(n, a, size_t(used) * sizeof(T));
  if (a && !*transient) pfree(a);  // a transient one goes with its call's context
  *cap = uint32_t(c);
  *transient = big;
  return n;
}

// Forgets the arrays that lived in the last call's context (its memory is PostgreSQL's).
template <typename T>
void dropTransient(T** a, uint32_t* cap, bool* transient) {
  if (!*transient) return;
  *a = nullptr;
  *cap = 0;
  *transient = false;
}
}  // namespace

void pollInterrupts() { CHECK_FOR_INTERRUPTS(); }

void GuestWriter::init(MemoryContext cxt) { cxt_ = cxt; }

void GuestWriter::reset(uint64_t limit, const char* functionName) {
  ticks_ = 0;
  dropTransient(&buf_, &bufCap_, &bufTransient_);
  dropTransient(&pieces_, &piecesCap_, &piecesTransient_);
  dropTransient(&fixups_, &fixupsCap_, &fixupsTransient_);
  bufLen_ = npieces_ = nfixups_ = 0;
  total_ = 0;
  limit_ = limit < kMaxBuffer ? limit : kMaxBuffer;
  functionName_ = functionName;
}

void GuestWriter::tooBig(uint64_t need) const {
  ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                  errmsg("arguments of wasm function %s need %s%llu bytes, more than wasm.memory_limit allows",
                         functionName_, need > total_ ? "at least " : "", (unsigned long long)need),
                  errhint("Raise wasm.memory_limit (now %llu kB) or pass smaller values.",
                          (unsigned long long)(memoryLimitBytes() / 1024))));
}

void GuestWriter::grow(uint64_t n) {
  buf_ = growArray(cxt_, buf_, &bufCap_, &bufTransient_, bufLen_, uint64_t(bufLen_) + n);
}

void GuestWriter::release() {
  // Transient arrays belong to the call's context: given back now rather than at its end.
  if (bufTransient_) pfree(buf_);
  if (piecesTransient_) pfree(pieces_);
  if (fixupsTransient_) pfree(fixups_);
  dropTransient(&buf_, &bufCap_, &bufTransient_);
  dropTransient(&pieces_, &piecesCap_, &piecesTransient_);
  dropTransient(&fixups_, &fixupsCap_, &fixupsTransient_);
}

void GuestWriter::addPiece(const Piece& p) {
  // Staged bytes right after the last staged piece extend it.
  if (!p.src && npieces_ && !pieces_[npieces_ - 1].src &&
      pieces_[npieces_ - 1].staged + pieces_[npieces_ - 1].len == p.staged &&
      pieces_[npieces_ - 1].at + pieces_[npieces_ - 1].len == p.at) {
    pieces_[npieces_ - 1].len += p.len;
    return;
  }
  pieces_ = growArray(cxt_, pieces_, &piecesCap_, &piecesTransient_, npieces_, uint64_t(npieces_) + 1);
  pieces_[npieces_++] = p;
}

void GuestWriter::pad(uint32_t align) {
  uint32_t gap = uint32_t((align - total_ % align) % align);
  if (gap) reserve(gap, 1);
}

Spot GuestWriter::reserve(uint64_t n, uint32_t align) {
  if (align > 1) pad(align);
  if (total_ + n > limit_) tooBig(total_ + n);
  grow(n);
  Spot s{uint32_t(total_), bufLen_};
  memset(buf_ + bufLen_, 0, n);
  if (n) addPiece(Piece{nullptr, bufLen_, uint32_t(total_), uint32_t(n)});
  bufLen_ += n;
  total_ += n;
  return s;
}

uint32_t GuestWriter::external(const void* src, uint64_t n, uint32_t align) {
  if (align > 1) pad(align);
  // Checked as each value is added, so that what the conversions before it made (text of
  // numerics, detoasted fields) stays within the limit plus one value.
  if (total_ + n > limit_) tooBig(total_ + n);
  uint32_t at = uint32_t(total_);
  if (n) addPiece(Piece{src, 0, at, uint32_t(n)});
  total_ += n;
  return at;
}

void GuestWriter::pointer(Spot field, uint32_t offsetValue) {
  storeU32(buf_ + field.staged, offsetValue);
  fixups_ = growArray(cxt_, fixups_, &fixupsCap_, &fixupsTransient_, nfixups_, uint64_t(nfixups_) + 1);
  fixups_[nfixups_++] = field.at;
}

void GuestWriter::write(uint8_t* mem, uint32_t base) const {
  uint8_t* to = mem + base;
  for (uint32_t i = 0; i < npieces_; i++) {
    const Piece& p = pieces_[i];
    memcpy(to + p.at, p.src ? p.src : buf_ + p.staged, p.len);
  }
  for (uint32_t i = 0; i < nfixups_; i++) {
    uint8_t* f = to + fixups_[i];
    storeU32(f, loadU32(f) + base);
  }
}

const uint8_t* GuestReader::range(uint64_t ptr, uint64_t len, const char* what) const {
  if (ptr > size || len > size - ptr)
    ereport(ERROR, (errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
                    errmsg("wasm function %s returned %s outside its memory", functionName, what),
                    errdetail("%llu bytes at address %llu; the instance has %llu bytes of memory.",
                              (unsigned long long)len, (unsigned long long)ptr, (unsigned long long)size),
                    errhint("Results must point into the module's linear memory (udf-sdk/ABI.md).")));
  return mem ? mem + ptr : reinterpret_cast<const uint8_t*>("");  // no memory: only (0, 0) is in range
}

void GuestReader::init(const uint8_t* memory, uint64_t memorySize, const char* fname, uint64_t callFuelLeft,
                       bool callByCallLimit) {
  mem = memory;
  size = memorySize;
  budget = budgetAtStart = kResultBudgetFactor * memoryLimitBytes();
  functionName = fname;
  ticks = 0;
  fuelLeft = callFuelLeft;
  byCallLimit = callByCallLimit;
  charged = 0;
}

void GuestReader::finish() {
  // A unit per value and per 16 bytes of values made (what the budget was charged).
  uint64_t work = ticks + (budgetAtStart - budget) / 16;
  if (work > charged) fuelChargeAfterCall(&fuelLeft, byCallLimit, work - charged, functionName);
  charged = work;
}

void GuestReader::poll() {
  pollInterrupts();
  finish();
}

void GuestReader::charge(uint64_t bytes) {
  if (bytes <= budget) {
    budget -= bytes;
    return;
  }
  ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                  errmsg("the result of wasm function %s is larger than wasm.memory_limit allows", functionName),
                  errdetail("The values made from one result may take %llu times wasm.memory_limit, counting "
                            "each level of nesting.",
                            (unsigned long long)kResultBudgetFactor),
                  errhint("Raise wasm.memory_limit (now %llu kB) or return a smaller value.",
                          (unsigned long long)(memoryLimitBytes() / 1024))));
}

}  // namespace pgwasm
