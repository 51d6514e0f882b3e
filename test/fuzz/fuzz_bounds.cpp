// libFuzzer target: compile time and memory stay proportional to the module. The input is
// a recipe, not a module: each command appends one of the shapes that cost the compiler
// the most per byte (multi-value calls and blocks, tall operand stacks, deep nesting,
// br_tables, lazy local references, conversions, bulk memory calls, many locals, many
// functions) with sizes taken from the input, to functions of a valid module. Every
// compile must then end (compiled, or refused with a Limit error), within CPU time and
// memory bounds proportional to the module's size; anything else aborts, which libFuzzer
// reports with the input. The bounds are the documented ones (README, "Implementation
// limits") times a sanitizer allowance: this target runs under ASan, which slows code
// and adds shadow memory.
#include <sys/resource.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "../hostile/builder.h"
#include "../hostile/measure.h"
#include "wasm/engine.h"
#include "wasm/limits.h"

namespace {

using namespace wasm::hostile;
using namespace wasm::hostile::op;

constexpr double kSanitizerTime = 20, kSanitizerMemory = 4;
constexpr size_t kMaxModule = 2u << 20;  // keeps each run quick

struct Recipe {
  const uint8_t* p;
  const uint8_t* end;
  uint32_t byte() { return p < end ? *p++ : 0; }
  uint32_t count(uint32_t max) {  // 0..max, spread on a log scale
    uint32_t a = byte(), b = byte();
    uint32_t bits = a % 18;
    uint32_t v = (uint32_t(1) << bits) + ((b << 8 | byte()) & ((uint32_t(1) << bits) - 1));
    return v > max ? max : v;
  }
};

Bytes build(Recipe& r, bool* fuel) {
  ModuleBuilder mb;
  *fuel = r.byte() & 1;
  uint32_t arity = 1 + r.count(wasm::limits::kMaxFunctionResults - 1);
  uint32_t tv = mb.type({}, {});
  uint32_t tid = mb.type(Bytes(arity, kI64), Bytes(arity, kI64));
  uint32_t tblock = mb.type({}, Bytes(arity, kI32));
  mb.memory(1);
  Bytes id;
  for (uint32_t i = 0; i < arity; i++) {
    id.push_back(kLocalGet);
    putU(id, i);
  }
  id.push_back(kEnd);
  uint32_t fid = mb.func(tid, {}, id);
  uint32_t locals = r.count(wasm::limits::kMaxFunctionLocals);
  size_t total = 0;
  Bytes code;
  auto finish = [&] {
    code.push_back(kEnd);
    total += code.size();
    mb.func(tv, {{locals, kI32}}, std::move(code));
    code.clear();
  };
  while (r.p < r.end && total + code.size() < kMaxModule) {
    uint32_t op = r.byte() % 11, n = r.count(1 << 16);
    switch (op) {
      case 0:  // multi-value calls
        for (uint32_t i = 0; i < arity; i++) put(code, {kI64Const, 0x01});
        for (uint32_t i = 0; i < n; i++) {
          code.push_back(kCall);
          putU(code, fid);
        }
        code.insert(code.end(), arity, kDrop);
        break;
      case 1:  // multi-value blocks in unreachable code
        for (uint32_t i = 0; i < n && i < 64; i++) {
          code.push_back(kBlock);
          putU(code, tblock);
          put(code, {kUnreachable, kEnd});
          code.insert(code.end(), arity, kDrop);
        }
        break;
      case 2:  // a tall stack
        n = n < wasm::limits::kMaxOperandStackHeight ? n + 1 : wasm::limits::kMaxOperandStackHeight;
        for (uint32_t i = 0; i < n; i++) put(code, {kI32Const, 0x01});
        for (uint32_t i = 1; i < n; i++) code.push_back(kI32Add);
        code.push_back(kDrop);
        break;
      case 3:  // nesting with br_tables
        n %= 4096;
        for (uint32_t i = 0; i < n; i++) put(code, {kBlock, kVoid});
        for (uint32_t i = 0; i < 16; i++) {
          put(code, {kI32Const, 0x00, kBrTable});
          putU(code, n);
          for (uint32_t k = 0; k <= n; k++) putU(code, k);
        }
        code.insert(code.end(), n, kEnd);
        break;
      case 4:  // lazy local references
        if (!locals) break;
        n %= 4096;
        for (uint32_t i = 0; i < n + 1; i++) {
          code.push_back(kLocalGet);
          putU(code, i % locals);
        }
        for (uint32_t i = 0; i < n; i++) {
          put(code, {kI32Const, 0x02, kLocalSet});
          putU(code, i % locals);
          code.push_back(kI32Add);
        }
        code.push_back(kDrop);
        break;
      case 5:  // conversions
        put(code, {kI64Const, 0x05});
        for (uint32_t i = 0; i < n; i++) put(code, {0xBA, 0xB1});
        code.push_back(kDrop);
        break;
      case 6:  // bulk memory calls
        for (uint32_t i = 0; i < n; i++)
          put(code, {kI32Const, 0x00, kI32Const, 0x00, kI32Const, 0x00, 0xFC, 0x0B, 0x00});
        break;
      case 7:  // many small functions
        for (uint32_t i = 0; i < n && total < kMaxModule; i++) {
          mb.func(tv, {}, {kEnd});
          total += 3;
        }
        break;
      case 8:  // loops (interrupt polls)
        for (uint32_t i = 0; i < n; i++) put(code, {kLoop, kVoid, kEnd});
        break;
      case 9:  // if/else diamonds
        for (uint32_t i = 0; i < n; i++) put(code, {kI32Const, 0x01, kIf, kVoid, kNop, kElse, kNop, kEnd});
        break;
      default:  // a new function
        finish();
        break;
    }
    if (code.size() > wasm::limits::kMaxFunctionSize / 2) finish();
  }
  finish();
  (void)fid;
  return mb.build();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<wasm::Engine> engine = [] {
    auto e = wasm::Engine::create();
    if (!e.ok()) abort();
    return e.take();
  }();
  Recipe r{data, data + size};
  bool fuel;
  Bytes bytes = build(r, &fuel);
  wasm::CompileOptions opts;
  opts.fuel = fuel;
  resetPeakMemory();
  double rss0 = statusBytes("VmRSS"), t0 = cpuSeconds();
  auto m = engine->compile(bytes.data(), bytes.size(), opts);
  double seconds = cpuSeconds() - t0, peak = statusBytes("VmHWM") - rss0;
  double n = double(bytes.size());
  if (!m.ok() && m.error().kind != wasm::ErrorKind::Limit) {
    fprintf(stderr, "fuzz_bounds: a generated module was refused: %s\n", m.error().describe().c_str());
    abort();
  }
  if (seconds > kSanitizerTime * (kCompileSecondsBase + kCompileSecondsPerByte * n)) {
    fprintf(stderr, "fuzz_bounds: compiling %zu bytes took %.2f s of CPU\n", bytes.size(), seconds);
    abort();
  }
  if (peak > kSanitizerMemory * (kCompileMemoryBase + kCompileMemoryPerByte * n)) {
    fprintf(stderr, "fuzz_bounds: compiling %zu bytes held %.0f MB\n", bytes.size(), peak / (1 << 20));
    abort();
  }
  return 0;
}
