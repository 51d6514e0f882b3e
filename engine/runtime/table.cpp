// Engine zone. Tables of references (funcref: FuncRef*, externref: host word; 0 = null).
#include <cstdlib>

#include "runtime/internal.h"

namespace wasm {

static_assert(TableAccess::elemsOffset() == size_t(vmoff::kTableElems));
static_assert(TableAccess::sizeOffset() == size_t(vmoff::kTableSize));

std::unique_ptr<Table> TableAccess::create(const TableType& type, uint64_t init, uint32_t limit,
                                          MemoryAccount* account) {
  std::unique_ptr<Table> t(new Table());
  t->type_ = type;
  uint64_t max = type.limits.hasMax ? type.limits.max : 0xFFFFFFFFu;
  t->limitElems_ = uint32_t(max < limit ? max : limit);
  size_t n = size_t(type.limits.min);
  // Null elements need no writing: calloc's pages stay untouched until used.
  t->elems_ = static_cast<uint64_t*>(init == 0 ? calloc(n ? n : 1, sizeof(uint64_t))
                                               : malloc((n ? n : 1) * sizeof(uint64_t)));
  if (!t->elems_) return nullptr;
  if (init != 0)
    for (size_t i = 0; i < n; i++) t->elems_[i] = init;
  t->size_ = uint32_t(n);
  t->account_ = account;
  return t;
}

Table::~Table() {
  free(elems_);
  if (account_) account_->give(uint64_t(size_) * sizeof(uint64_t));
}

bool Table::get(uint32_t index, Value* out) const {
  if (index >= size_) return false;
  *out = Value{type_.elem, elems_[index]};
  return true;
}

bool Table::set(uint32_t index, const Value& v) {
  if (index >= size_) return false;
  elems_[index] = v.bits;
  return true;
}

int64_t Table::grow(uint32_t delta, const Value& init) {
  uint32_t old = size_;
  if (delta == 0) return old;
  if (uint64_t(old) + delta > limitElems_) return -1;
  if (account_ && !account_->take(uint64_t(delta) * sizeof(uint64_t))) return -1;
  size_t n = size_t(old) + delta;
  uint64_t* grown = static_cast<uint64_t*>(realloc(elems_, n * sizeof(uint64_t)));
  if (!grown) {
    if (account_) account_->give(uint64_t(delta) * sizeof(uint64_t));
    return -1;
  }
  for (size_t i = old; i < n; i++) grown[i] = init.bits;
  elems_ = grown;
  size_ = uint32_t(n);
  return old;
}

}  // namespace wasm
