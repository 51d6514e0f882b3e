// PG zone. The argument writer and the result reader of guest_layout.h.
#include "guest_layout.h"

#include "guc.h"

namespace pgwasm {

namespace {
// A buffer's offsets and sizes are u32 in the guest; staying well below lets every sum
// of an offset and a small size be computed without wrapping.
constexpr uint64_t kMaxBuffer = uint64_t(UINT32_MAX) - 4096;

template <typename T>
T* growArray(MemoryContext cxt, T* a, uint32_t* cap, uint32_t need) {
  if (need <= *cap) return a;
  uint32_t c = *cap ? *cap : 16;
  while (c < need) c = c > UINT32_MAX / 2 ? need : c * 2;
  size_t bytes = size_t(c) * sizeof(T);
  T* n = static_cast<T*>(a ? repalloc_huge(a, bytes) : MemoryContextAllocHuge(cxt, bytes));
  *cap = c;
  return n;
}
}  // namespace

void GuestWriter::init(MemoryContext cxt) { cxt_ = cxt; }

void GuestWriter::reset(uint64_t limit, const char* functionName) {
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
  uint64_t need = uint64_t(bufLen_) + n;
  if (need > bufCap_) {
    uint64_t c = bufCap_ ? bufCap_ : 256;
    while (c < need) c *= 2;
    if (c > kMaxBuffer) c = need;
    buf_ = static_cast<uint8_t*>(buf_ ? repalloc_huge(buf_, c) : MemoryContextAllocHuge(cxt_, c));
    bufCap_ = uint32_t(c);
  }
}

void GuestWriter::addPiece(const Piece& p) {
  // Staged bytes right after the last staged piece extend it.
  if (!p.src && npieces_ && !pieces_[npieces_ - 1].src &&
      pieces_[npieces_ - 1].staged + pieces_[npieces_ - 1].len == p.staged &&
      pieces_[npieces_ - 1].at + pieces_[npieces_ - 1].len == p.at) {
    pieces_[npieces_ - 1].len += p.len;
    return;
  }
  pieces_ = growArray(cxt_, pieces_, &piecesCap_, npieces_ + 1);
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
  // Not checked here: nothing is allocated for it, and finish() checks the sum (each
  // piece is one PostgreSQL value, below 1 GB, and each has a staged entry or is an
  // argument, so the sum cannot wrap).
  uint32_t at = uint32_t(total_);
  if (n) addPiece(Piece{src, 0, at, uint32_t(n)});
  total_ += n;
  return at;
}

void GuestWriter::finish() const {
  if (total_ > limit_) tooBig(total_);
}

void GuestWriter::pointer(Spot field, uint32_t offsetValue) {
  storeU32(buf_ + field.staged, offsetValue);
  fixups_ = growArray(cxt_, fixups_, &fixupsCap_, nfixups_ + 1);
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

void GuestReader::charge(uint64_t bytes) {
  if (bytes <= budget) {
    budget -= bytes;
    return;
  }
  ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                  errmsg("the result of wasm function %s is larger than wasm.memory_limit allows", functionName),
                  errhint("Raise wasm.memory_limit (now %llu kB) or return a smaller value.",
                          (unsigned long long)(memoryLimitBytes() / 1024))));
}

}  // namespace pgwasm
