// Engine zone. Tables of references (funcref: FuncRef*, externref: host word; 0 = null).
#include "runtime/internal.h"

namespace wasm {

static_assert(TableAccess::elemsOffset() == size_t(vmoff::kTableElems));
static_assert(TableAccess::sizeOffset() == size_t(vmoff::kTableSize));

std::unique_ptr<Table> TableAccess::create(const TableType& type, uint64_t init, uint32_t limit) {
  std::unique_ptr<Table> t(new Table());
  t->type_ = type;
  uint64_t max = type.limits.hasMax ? type.limits.max : 0xFFFFFFFFu;
  t->limitElems_ = uint32_t(max < limit ? max : limit);
  t->storage_.assign(size_t(type.limits.min), init);
  t->size_ = uint32_t(type.limits.min);
  t->elems_ = t->storage_.data();
  return t;
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
  storage_.resize(size_t(old) + delta, init.bits);
  elems_ = storage_.data();
  size_ = old + delta;
  return old;
}

}  // namespace wasm
