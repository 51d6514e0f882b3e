// Engine zone. *** Signal handler for guard-page traps (see trap_handler.h). ***
// The handler reads an immutable, sorted table of code ranges published through an atomic
// pointer. Writers (register/unregister, under a mutex) publish a new table and free the
// old one only when no handler is running (counted), so a handler never reads freed memory.
#include "runtime/trap_handler.h"

#include <signal.h>
#include <ucontext.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <vector>

#include "runtime/vmcontext.h"

namespace wasm {

namespace {
constexpr uint64_t kGuardReservation = (uint64_t(8) << 30) + kPageSize;

struct Range {
  uintptr_t start, end, trapExit;
};
struct RangeTable {
  std::vector<Range> ranges;  // sorted by start
};

std::atomic<const RangeTable*> gTable{nullptr};
std::atomic<int> gActiveHandlers{0};
std::mutex gWriteMutex;
std::vector<const RangeTable*> gRetired;
struct sigaction gPrevSegv, gPrevBus;
std::once_flag gInstallOnce;

const Range* findRange(const RangeTable* t, uintptr_t pc) {
  if (!t) return nullptr;
  auto it = std::upper_bound(t->ranges.begin(), t->ranges.end(), pc,
                             [](uintptr_t v, const Range& r) { return v < r.start; });
  if (it == t->ranges.begin()) return nullptr;
  --it;
  return pc < it->end ? &*it : nullptr;
}

void forward(int sig, siginfo_t* info, void* uctx) {
  struct sigaction* prev = sig == SIGBUS ? &gPrevBus : &gPrevSegv;
  if (prev->sa_flags & SA_SIGINFO) {
    prev->sa_sigaction(sig, info, uctx);
    return;
  }
  if (prev->sa_handler == SIG_DFL || prev->sa_handler == SIG_IGN) {
    // Re-raise with the default action: returning re-executes the faulting instruction.
    signal(sig, SIG_DFL);
    return;
  }
  prev->sa_handler(sig);
}

void handler(int sig, siginfo_t* info, void* uctx) {
  auto* uc = static_cast<ucontext_t*>(uctx);
  gActiveHandlers.fetch_add(1, std::memory_order_seq_cst);
  const RangeTable* table = gTable.load(std::memory_order_seq_cst);
  uintptr_t pc = uintptr_t(uc->uc_mcontext.gregs[REG_RIP]);
  const Range* r = findRange(table, pc);
  bool handled = false;
  if (r) {
    auto* vm = reinterpret_cast<const VMContext*>(uc->uc_mcontext.gregs[REG_R15]);
    uintptr_t fault = uintptr_t(info->si_addr);
    uintptr_t base = vm ? uintptr_t(vm->memBase) : 0;
    if (base && fault >= base && fault - base < kGuardReservation) {
      uc->uc_mcontext.gregs[REG_RAX] = greg_t(TrapKind::MemoryOutOfBounds);
      uc->uc_mcontext.gregs[REG_RDX] = greg_t(pc);  // for the trap's backtrace
      uc->uc_mcontext.gregs[REG_RIP] = greg_t(r->trapExit);
      handled = true;
    }
  }
  gActiveHandlers.fetch_sub(1, std::memory_order_seq_cst);
  if (!handled) forward(sig, info, uctx);
}

void publish(RangeTable* next) {
  const RangeTable* old = gTable.exchange(next, std::memory_order_seq_cst);
  if (old) gRetired.push_back(old);
  if (gActiveHandlers.load(std::memory_order_seq_cst) == 0) {
    for (const RangeTable* t : gRetired) delete t;
    gRetired.clear();
  }
}
}  // namespace

void installTrapHandler() {
  std::call_once(gInstallOnce, [] {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &gPrevSegv);
    sigaction(SIGBUS, &sa, &gPrevBus);
  });
}

void registerCodeRange(uintptr_t start, uintptr_t end, uintptr_t trapExit) {
  std::lock_guard<std::mutex> lock(gWriteMutex);
  auto* next = new RangeTable();
  if (const RangeTable* cur = gTable.load()) next->ranges = cur->ranges;
  Range r{start, end, trapExit};
  next->ranges.insert(std::upper_bound(next->ranges.begin(), next->ranges.end(), r,
                                       [](const Range& a, const Range& b) { return a.start < b.start; }),
                      r);
  publish(next);
}

void unregisterCodeRange(uintptr_t start) {
  std::lock_guard<std::mutex> lock(gWriteMutex);
  const RangeTable* cur = gTable.load();
  if (!cur) return;
  auto* next = new RangeTable();
  for (const Range& r : cur->ranges)
    if (r.start != start) next->ranges.push_back(r);
  publish(next);
}

}  // namespace wasm
