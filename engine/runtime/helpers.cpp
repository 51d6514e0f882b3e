// Engine zone. SAFETY-CRITICAL. Runtime helpers called from JIT code (SysV ABI) through
// VMContext::helpers: memory.grow, bulk memory, table operations, segment drops.
// Helpers that can trap return a TrapKind (0 = none). Work that grows with an operand is
// charged fuel first (vmcontext.h: helperChargesFuel) and done by chunkedWork
// (internal.h), which polls the interrupt flag before every chunk.
#include <cmath>
#include <cstring>

#include "runtime/internal.h"

namespace wasm {

namespace {
inline uint64_t byteFuel(uint64_t n) { return n / kFuelBytes; }


int32_t memoryGrow(VMContext* vm, uint32_t delta) {
  return int32_t(vm->instance->memory(0)->grow(delta));
}

uint32_t memoryFill(VMContext* vm, uint32_t dst, uint32_t val, uint32_t n) {
  if (uint64_t(dst) + n > vm->memSize) return uint32_t(TrapKind::MemoryOutOfBounds);
  if (!chargeHelperFuel(vm, byteFuel(n))) return 0;
  uint8_t* p = vm->memBase + dst;
  return chunkedWork(vm, n, kBulkChunkBytes, false, [&](uint64_t off, uint64_t c) { memset(p + off, int(val & 0xFF), c); });
}

uint32_t memoryCopy(VMContext* vm, uint32_t dst, uint32_t src, uint32_t n) {
  if (uint64_t(dst) + n > vm->memSize || uint64_t(src) + n > vm->memSize)
    return uint32_t(TrapKind::MemoryOutOfBounds);
  if (!chargeHelperFuel(vm, byteFuel(n))) return 0;
  uint8_t* base = vm->memBase;
  // Chunked in the direction that never reads bytes already overwritten.
  return chunkedWork(vm, n, kBulkChunkBytes, dst > src,
                     [&](uint64_t off, uint64_t c) { memmove(base + dst + off, base + src + off, c); });
}

uint32_t memoryInit(VMContext* vm, uint32_t seg, uint32_t dst, uint32_t src, uint32_t n) {
  Instance* inst = vm->instance;
  const ModuleInfo& m = inst->module().info();
  const DataSegment& d = m.datas[seg];
  uint64_t segSize = InstanceAccess::dataDropped(inst, seg) ? 0 : d.size;
  if (uint64_t(src) + n > segSize || uint64_t(dst) + n > vm->memSize)
    return uint32_t(TrapKind::MemoryOutOfBounds);
  if (!chargeHelperFuel(vm, byteFuel(n))) return 0;
  const uint8_t* from = m.bytes.data() + d.dataOffset + src;
  return chunkedWork(vm, n, kBulkChunkBytes, false,
                     [&](uint64_t off, uint64_t c) { memcpy(vm->memBase + dst + off, from + off, c); });
}

void dataDrop(VMContext* vm, uint32_t seg) { InstanceAccess::dropData(vm->instance, seg); }

uint32_t tableGet(VMContext* vm, uint32_t t, uint32_t i, uint64_t* out) {
  Table* tab = vm->tables[t];
  Value v;
  if (!tab->get(i, &v)) return uint32_t(TrapKind::TableOutOfBounds);
  *out = v.bits;
  return 0;
}

uint32_t tableSet(VMContext* vm, uint32_t t, uint32_t i, uint64_t val) {
  Table* tab = vm->tables[t];
  if (!tab->set(i, Value{tab->elemType(), val})) return uint32_t(TrapKind::TableOutOfBounds);
  return 0;
}

// The result in the low half, a trap in the high half: a grow reallocates and writes up
// to the memory limit's worth of elements, so straight-line code of grows must see the
// interrupt between them (the grow itself is one realloc and one fill).
uint64_t tableGrow(VMContext* vm, uint32_t t, uint64_t init, uint32_t delta) {
  Table* tab = vm->tables[t];
  uint32_t trap;
  if (delta && pollInterrupt(vm, &trap)) return uint64_t(trap) << 32;
  if (!chargeHelperFuel(vm, delta)) return uint32_t(-1);
  return uint32_t(int32_t(tab->grow(delta, Value{tab->elemType(), init})));
}

uint32_t tableFill(VMContext* vm, uint32_t t, uint32_t i, uint64_t val, uint32_t n) {
  Table* tab = vm->tables[t];
  if (uint64_t(i) + n > tab->size()) return uint32_t(TrapKind::TableOutOfBounds);
  if (!chargeHelperFuel(vm, n)) return 0;
  uint64_t* e = TableAccess::elems(tab) + i;
  return chunkedWork(vm, n, kBulkChunkElems, false, [&](uint64_t off, uint64_t c) {
    for (uint64_t k = off; k < off + c; k++) e[k] = val;
  });
}

uint32_t tableCopy(VMContext* vm, uint32_t dt, uint32_t st, uint32_t d, uint32_t s, uint32_t n) {
  Table* dst = vm->tables[dt];
  Table* src = vm->tables[st];
  if (uint64_t(d) + n > dst->size() || uint64_t(s) + n > src->size())
    return uint32_t(TrapKind::TableOutOfBounds);
  if (!chargeHelperFuel(vm, n)) return 0;
  uint64_t* de = TableAccess::elems(dst) + d;
  const uint64_t* se = TableAccess::elems(src) + s;
  return chunkedWork(vm, n, kBulkChunkElems, de > se, [&](uint64_t off, uint64_t c) { memmove(de + off, se + off, c * 8); });
}

uint32_t tableInit(VMContext* vm, uint32_t t, uint32_t seg, uint32_t d, uint32_t s, uint32_t n) {
  return InstanceAccess::tableInit(vm->instance, t, seg, d, s, n, vm);
}

void elemDrop(VMContext* vm, uint32_t seg) { InstanceAccess::dropElem(vm->instance, seg); }

float f32Nearest(float x) { return std::nearbyint(x); }
double f64Nearest(double x) { return std::nearbyint(x); }
float f32Ceil(float x) { return std::ceil(x); }
float f32Floor(float x) { return std::floor(x); }
float f32Trunc(float x) { return std::trunc(x); }
double f64Ceil(double x) { return std::ceil(x); }
double f64Floor(double x) { return std::floor(x); }
double f64Trunc(double x) { return std::trunc(x); }
}  // namespace

const void* const kHelperTable[kNumHelpers] = {
    reinterpret_cast<const void*>(&memoryGrow), reinterpret_cast<const void*>(&memoryFill),
    reinterpret_cast<const void*>(&memoryCopy), reinterpret_cast<const void*>(&memoryInit),
    reinterpret_cast<const void*>(&dataDrop),   reinterpret_cast<const void*>(&tableGet),
    reinterpret_cast<const void*>(&tableSet),   reinterpret_cast<const void*>(&tableGrow),
    reinterpret_cast<const void*>(&tableFill),  reinterpret_cast<const void*>(&tableCopy),
    reinterpret_cast<const void*>(&tableInit),  reinterpret_cast<const void*>(&elemDrop),
    reinterpret_cast<const void*>(&f32Nearest), reinterpret_cast<const void*>(&f64Nearest),
    reinterpret_cast<const void*>(&f32Ceil),    reinterpret_cast<const void*>(&f32Floor),
    reinterpret_cast<const void*>(&f32Trunc),   reinterpret_cast<const void*>(&f64Ceil),
    reinterpret_cast<const void*>(&f64Floor),   reinterpret_cast<const void*>(&f64Trunc),
};

}  // namespace wasm
