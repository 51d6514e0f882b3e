// Engine zone. Trap backtraces. Every trap path calls pgwasm_trap_trace while the
// trapping activation is still on the stack. JIT frames have no frame pointers, but each
// is exactly its function's frame size (which the first instruction of every prologue
// encodes: lea r11, [rsp - size]) with the return address above it, and the entry
// trampoline's frame (at Hot::trapSp) says which code it entered and how many stack
// argument slots it pushed. So the walk goes from the entry inwards: the entered
// function's frame ends at the entry's return address; inside it, the active call's
// return address lies just below the frame (below any stack arguments, tried in 16-byte
// steps) and must point into the same function, right after a call instruction; a direct
// call names the callee, whose frame comes next. The walk ends at the function that
// trapped, or at an indirect call, whose callee it cannot name. It reads only words
// between the trap's stack pointer and the entry frame and the code of the store's
// modules, and writes a fixed array: no allocation, nothing that can fail.
#include <cstdio>
#include <cstring>

#include "runtime/internal.h"
#include "runtime/vmcontext.h"

namespace wasm {

namespace {
constexpr uintptr_t kMaxArgBytes = 16 * 1024;  // stack arguments of one call, at most

struct CodeRange {
  const Module* module;
  uintptr_t base, end;
};

size_t codeRanges(const std::vector<std::unique_ptr<Instance>>& instances, CodeRange* out, size_t cap) {
  size_t n = 0;
  for (const auto& inst : instances) {
    const Module* m = &inst->module();
    bool seen = false;
    for (size_t i = 0; i < n && !seen; i++) seen = out[i].module == m;
    if (seen || n == cap) continue;
    const Module::Compiled& c = m->compiled();
    out[n++] = CodeRange{m, uintptr_t(c.code.base()), uintptr_t(c.code.base()) + c.code.size()};
  }
  return n;
}

// A defined function's place in its module's code.
struct Fn {
  const CodeRange* range = nullptr;
  size_t index = 0;  // defined-function index
  uintptr_t start = 0, end = 0;
  uint32_t frameSize = 0;
};

int read8(const CodeRange& r, uintptr_t a) { return a >= r.base && a < r.end ? *reinterpret_cast<const uint8_t*>(a) : -1; }

// The function whose code holds address a (or starts at it, with entry).
bool functionAt(const CodeRange* ranges, size_t n, uintptr_t a, bool entry, Fn* out) {
  for (size_t k = 0; k < n; k++) {
    const CodeRange& r = ranges[k];
    if (a < r.base || a >= r.end) continue;
    const std::vector<uint32_t>& f = r.module->compiled().funcOffsets;
    uint32_t off = uint32_t(a - r.base);
    size_t lo = 0, hi = f.size();
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (f[mid] <= off) lo = mid + 1;
      else hi = mid;
    }
    if (lo == 0 || (entry && f[lo - 1] != off)) return false;
    out->range = &r;
    out->index = lo - 1;
    out->start = r.base + f[lo - 1];
    out->end = lo < f.size() ? r.base + f[lo] : r.end;
    // lea r11, [rsp + disp] (4C 8D 5C 24 d8, or 4C 8D 9C 24 d32): disp = -frame size.
    uintptr_t p = out->start;
    if (read8(r, p) != 0x4C || read8(r, p + 1) != 0x8D || read8(r, p + 3) != 0x24) return false;
    int32_t disp;
    if (read8(r, p + 2) == 0x5C) disp = int8_t(read8(r, p + 4));
    else if (read8(r, p + 2) == 0x9C && p + 8 <= r.end) memcpy(&disp, reinterpret_cast<const void*>(p + 4), 4);
    else return false;
    if (disp > 0) return false;
    out->frameSize = uint32_t(-int64_t(disp));
    return true;
  }
  return false;
}

// Does a call instruction end at ra? Direct (E8 rel32; *target gets its destination) or
// FF /2 through a register or memory (2 to 7 bytes with any REX prefix).
bool callEndsAt(const CodeRange& r, uintptr_t ra, uintptr_t* target) {
  *target = 0;
  if (read8(r, ra - 5) == 0xE8) {
    int32_t rel;
    memcpy(&rel, reinterpret_cast<const void*>(ra - 4), 4);
    *target = uintptr_t(int64_t(ra) + rel);
    return true;
  }
  for (uintptr_t k = 2; k <= 7; k++) {
    int modrm = read8(r, ra - k + 1);
    if (read8(r, ra - k) == 0xFF && modrm >= 0 && ((modrm >> 3) & 7) == 2) return true;
  }
  return false;
}

uint64_t word(uintptr_t a) {
  uint64_t w;
  memcpy(&w, reinterpret_cast<const void*>(a), 8);
  return w;
}
}  // namespace

void recordTrapFrames(Store* s, uintptr_t rsp, uintptr_t pc) {
  s->trapFrameCount_ = 0;
  CodeRange ranges[8];
  size_t nr = codeRanges(s->instances_, ranges, 8);
  uintptr_t entry = s->hot()->trapSp;
  if (!entry || rsp >= entry) return;
  // Outermost first, reversed at the end.
  Store::TrapFrame frames[Store::kMaxTrapFrames];
  size_t n = 0;
  bool truncated = false;
  auto add = [&](const Fn& f, uintptr_t at) {
    if (n == Store::kMaxTrapFrames) {
      // Keep the innermost ones: drop the oldest.
      memmove(frames, frames + 1, sizeof frames[0] * (n - 1));
      n--;
      truncated = true;
    }
    frames[n++] = Store::TrapFrame{f.range->module, f.range->module->info().numImportedFuncs + uint32_t(f.index),
                                   uint32_t(at - f.start)};
  };
  uintptr_t code = uintptr_t(word(entry + kEntryFrameCode));
  uint64_t slots = uint64_t(word(entry + kEntryFrameSlots));
  uintptr_t ret = entry - ((slots * 8 + 15) & ~uint64_t(15)) - 8;  // the entry's return address
  Fn f;
  if (slots > (1u << 16) || !functionAt(ranges, nr, code, true, &f)) return;
  bool pcFound = false;
  for (;;) {
    uintptr_t base = ret - f.frameSize;  // f's frame: [base, ret)
    if (base < rsp || base >= ret) break;
    // The call f is making: its return address just below the frame (and its stack args).
    uintptr_t at = 0, target = 0;
    for (uintptr_t adj = 0; adj <= kMaxArgBytes && base - 8 - adj >= rsp; adj += 16) {
      uintptr_t ra = uintptr_t(word(base - 8 - adj));
      if (ra > f.start && ra <= f.end && callEndsAt(*f.range, ra, &target)) {
        at = base - 8 - adj;
        break;
      }
    }
    if (!at) {
      pcFound = pc >= f.start && pc < f.end;
      add(f, pcFound ? pc : f.start);  // f trapped
      break;
    }
    uintptr_t ra = uintptr_t(word(at));
    add(f, ra - 1);
    Fn callee;
    if (!target || !functionAt(ranges, nr, target, true, &callee)) break;  // indirect: unknown callee
    f = callee;
    ret = at;
  }
  // A guard-page fault in a function the walk could not reach (called indirectly).
  Fn faulting;
  if (pc && !pcFound && functionAt(ranges, nr, pc, false, &faulting)) add(faulting, pc);
  (void)truncated;
  for (size_t i = 0; i < n; i++) s->trapFrames_[i] = frames[n - 1 - i];
  s->trapFrameCount_ = n;
}

extern "C" void pgwasm_trap_trace(Store::Hot* hot, uintptr_t rsp, uintptr_t pc) {
  recordTrapFrames(hot->store, rsp, pc);
}

void Store::formatTrapFrames(char* buf, size_t cap) const {
  size_t n = 0;
  if (cap) buf[0] = '\0';
  for (size_t i = 0; i < trapFrameCount_ && n < cap; i++) {
    const TrapFrame& f = trapFrames_[i];
    // Its name from the name section, else the name it is exported under.
    const ModuleInfo& info = f.module->info();
    std::string_view name = info.funcName(f.funcIndex);
    for (size_t e = 0; !name.data() && e < info.exports.size(); e++)
      if (info.exports[e].kind == ExternKind::Func && info.exports[e].index == f.funcIndex)
        name = info.exports[e].name;
    int w = name.data() ? snprintf(buf + n, cap - n, "%s#%zu %.*s (function %u)", i ? "\n" : "", i,
                                   int(name.size()), name.data(), f.funcIndex)
                        : snprintf(buf + n, cap - n, "%s#%zu function %u", i ? "\n" : "", i, f.funcIndex);
    if (w < 0) break;
    n += size_t(w);
  }
}

}  // namespace wasm
