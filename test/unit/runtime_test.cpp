// Runtime behaviour of compiled code: every trap kind comes back as a value and leaves the
// instance usable; fuel is exact and deterministic; memory, stack and interrupt limits.
#include <atomic>
#include <cmath>
#include <thread>

#include "module_bytes.h"
#include "test_support.h"

namespace wasm::test {
namespace {

// Every trap test runs with both bounds-check modes.
class TrapTest : public EngineTest, public ::testing::WithParamInterface<BoundsChecks> {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    inst = load("traps", CompileOptions{false, GetParam()});
    ASSERT_NE(inst, nullptr);
  }
  // After every trap the same instance must still answer.
  void expectHealthy() {
    std::vector<Value> r;
    ASSERT_EQ(call(inst, "ok", {}, &r), TrapKind::None);
    EXPECT_EQ(r[0].asU32(), 7u);
  }
  Instance* inst = nullptr;
};

TEST_P(TrapTest, Unreachable) {
  EXPECT_EQ(call(inst, "unreachable"), TrapKind::Unreachable);
  expectHealthy();
}

TEST_P(TrapTest, DivideByZero) {
  EXPECT_EQ(call(inst, "div0", {Value::i32(0)}), TrapKind::IntegerDivideByZero);
  expectHealthy();
  EXPECT_EQ(call(inst, "div0_64", {Value::i64(0)}), TrapKind::IntegerDivideByZero);
  EXPECT_EQ(call(inst, "rem0", {Value::i32(0)}), TrapKind::IntegerDivideByZero);
  std::vector<Value> r;
  EXPECT_EQ(call(inst, "div0", {Value::i32(1)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asI32(), 1);
}

TEST_P(TrapTest, IntegerOverflow) {
  EXPECT_EQ(call(inst, "overflow", {Value::i32(0x80000000u), Value::i32(uint32_t(-1))}),
            TrapKind::IntegerOverflow);
  EXPECT_EQ(call(inst, "overflow_64", {Value::i64(uint64_t(INT64_MIN)), Value::i64(uint64_t(-1))}),
            TrapKind::IntegerOverflow);
  expectHealthy();
  // rem_s of INT_MIN by -1 is defined (0), not a trap.
  std::vector<Value> r;
  EXPECT_EQ(call(inst, "rem_s", {Value::i32(0x80000000u), Value::i32(uint32_t(-1))}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asI32(), 0);
}

TEST_P(TrapTest, InvalidConversion) {
  EXPECT_EQ(call(inst, "trunc", {Value::f64(NAN)}), TrapKind::InvalidConversion);
  EXPECT_EQ(call(inst, "trunc", {Value::f64(3e9)}), TrapKind::IntegerOverflow);
  EXPECT_EQ(call(inst, "trunc_u64", {Value::f32(-1.0f)}), TrapKind::IntegerOverflow);
  EXPECT_EQ(call(inst, "trunc_u64", {Value::f32(NAN)}), TrapKind::InvalidConversion);
  std::vector<Value> r;
  EXPECT_EQ(call(inst, "trunc", {Value::f64(-2147483648.9)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asI32(), INT32_MIN);
  EXPECT_EQ(call(inst, "trunc_u64", {Value::f32(1.8446742e19f)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asU64(), 18446741874686296064ull);
  expectHealthy();
}

TEST_P(TrapTest, MemoryOutOfBounds) {
  EXPECT_EQ(call(inst, "load", {Value::i32(65533)}), TrapKind::MemoryOutOfBounds);
  EXPECT_EQ(call(inst, "load", {Value::i32(0xFFFFFFFFu)}), TrapKind::MemoryOutOfBounds);
  EXPECT_EQ(call(inst, "load_off", {Value::i32(0)}), TrapKind::MemoryOutOfBounds);
  EXPECT_EQ(call(inst, "store", {Value::i32(65536)}), TrapKind::MemoryOutOfBounds);
  EXPECT_EQ(call(inst, "memory_fill", {Value::i32(65000), Value::i32(1000)}), TrapKind::MemoryOutOfBounds);
  // A failed store writes nothing.
  std::vector<Value> r;
  EXPECT_EQ(call(inst, "load", {Value::i32(65532)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asU32(), 0u);
  EXPECT_EQ(call(inst, "store", {Value::i32(65535)}), TrapKind::None);
  expectHealthy();
}

TEST_P(TrapTest, TableTraps) {
  EXPECT_EQ(call(inst, "table_get", {Value::i32(4)}), TrapKind::TableOutOfBounds);
  EXPECT_EQ(call(inst, "call_ind", {Value::i32(9)}), TrapKind::UndefinedElement);
  EXPECT_EQ(call(inst, "call_ind", {Value::i32(3)}), TrapKind::UninitializedElement);
  EXPECT_EQ(call(inst, "call_ind", {Value::i32(1)}), TrapKind::IndirectCallTypeMismatch);
  std::vector<Value> r;
  EXPECT_EQ(call(inst, "call_ind", {Value::i32(0)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asU32(), 42u);
  expectHealthy();
}

TEST_P(TrapTest, StackExhaustedByRecursion) {
  EXPECT_EQ(call(inst, "recurse", {Value::i32(0)}), TrapKind::StackExhausted);
  expectHealthy();
  // Again, to show the trap unwound the stack completely.
  EXPECT_EQ(call(inst, "recurse", {Value::i32(0)}), TrapKind::StackExhausted);
  expectHealthy();
}

TEST_P(TrapTest, InterruptFlagStopsInfiniteLoop) {
  volatile sig_atomic_t flag = 0;
  store->setInterruptFlag(&flag);
  std::thread setter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    flag = 1;
  });
  EXPECT_EQ(call(inst, "spin"), TrapKind::Interrupted);
  setter.join();
  // Polled at function entry too: with the flag still set nothing runs.
  EXPECT_EQ(call(inst, "ok"), TrapKind::Interrupted);
  flag = 0;
  expectHealthy();
}

INSTANTIATE_TEST_SUITE_P(Bounds, TrapTest, ::testing::Values(BoundsChecks::Explicit, BoundsChecks::Guard),
                         [](const ::testing::TestParamInfo<BoundsChecks>& p) {
                           return p.param == BoundsChecks::Guard ? "Guard" : "Explicit";
                         });

// The guard-page handler must not swallow faults that are not Wasm out-of-bounds accesses:
// a null store outside Wasm code reaches the handler that was there before, which is the
// default action, death by SIGSEGV (not an abort, an exit or a trap), or under the
// sanitizers AddressSanitizer's report and exit status 1.
TEST_F(EngineTest, GuardHandlerPassesForeignFaultsOn) {
  ASSERT_NE(load("traps", CompileOptions{false, BoundsChecks::Guard}), nullptr);
#ifdef PGWASM_SANITIZED
  auto expected = ::testing::ExitedWithCode(1);
  const char* message = "AddressSanitizer: SEGV";
#else
  auto expected = ::testing::KilledBySignal(SIGSEGV);
  const char* message = "";
#endif
  EXPECT_EXIT(
      {
        volatile int* p = nullptr;
        *p = 1;
      },
      expected, message);
}

TEST_F(EngineTest, FuelIsExactAndDeterministic) {
  Instance* inst = load("fuel", CompileOptions{true, BoundsChecks::Explicit});
  ASSERT_NE(inst, nullptr);
  std::vector<Value> r;
  store->setFuel(1'000'000);
  ASSERT_EQ(call(inst, "count", {Value::i32(10)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asU32(), 10u);
  uint64_t used10 = store->lastCallFuel();
  EXPECT_EQ(store->fuel(), 1'000'000 - used10);
  store->setFuel(1'000'000);
  ASSERT_EQ(call(inst, "count", {Value::i32(20)}, &r), TrapKind::None);
  uint64_t used20 = store->lastCallFuel();
  // Linear in the iteration count: each iteration costs the same.
  store->setFuel(1'000'000);
  ASSERT_EQ(call(inst, "count", {Value::i32(30)}, &r), TrapKind::None);
  uint64_t used30 = store->lastCallFuel();
  EXPECT_GT(used20, used10);
  EXPECT_EQ(used30 - used20, used20 - used10);
  // Exactly the measured amount suffices; one less does not.
  store->setFuel(used20);
  EXPECT_EQ(call(inst, "count", {Value::i32(20)}, &r), TrapKind::None);
  EXPECT_EQ(store->fuel(), 0u);
  store->setFuel(used20 - 1);
  EXPECT_EQ(call(inst, "count", {Value::i32(20)}), TrapKind::FuelExhausted);
  EXPECT_EQ(store->fuel(), 0u);
  // Recursion is metered through calls.
  store->setFuel(1'000'000);
  ASSERT_EQ(call(inst, "fact", {Value::i64(10)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asU64(), 3628800u);
  uint64_t usedFact = store->lastCallFuel();
  store->setFuel(usedFact - 1);
  EXPECT_EQ(call(inst, "fact", {Value::i64(10)}), TrapKind::FuelExhausted);
  // An infinite loop ends.
  store->setFuel(100000);
  EXPECT_EQ(call(inst, "spin"), TrapKind::FuelExhausted);
  store->setFuel(1'000'000);
  ASSERT_EQ(call(inst, "count", {Value::i32(20)}, &r), TrapKind::None);
  EXPECT_EQ(store->lastCallFuel(), used20);
}

// Bulk memory and table instructions charge for their work: one unit per 16 bytes, or
// per element, on top of the instruction's own; too little fuel traps before anything
// is written.
TEST_F(EngineTest, BulkWorkIsChargedFuel) {
  Instance* inst = load("bulkfuel", CompileOptions{true, BoundsChecks::Guard});
  ASSERT_NE(inst, nullptr);
  auto used = [&](const char* f, uint32_t n) {
    store->setFuel(1'000'000'000);
    std::vector<Value> r;
    EXPECT_EQ(call(inst, f, {Value::i32(n)}, &r), TrapKind::None) << f << " " << n;
    return store->lastCallFuel();
  };
  struct Op {
    const char* name;
    uint32_t n;
    uint64_t extra;
  };
  for (Op op : {Op{"fill", 16000, 1000}, Op{"copy", 16000, 1000}, Op{"init", 32, 2}, Op{"tfill", 16, 16},
                Op{"tgrow", 1000, 1000}, Op{"tinit", 8, 8}}) {
    uint64_t base = used(op.name, 0);
    EXPECT_EQ(used(op.name, op.n), base + op.extra) << op.name;
  }
  // Exactly enough fills the memory; one unit less traps and writes nothing.
  uint64_t need = used("fill", 16000);
  std::vector<Value> r;
  ASSERT_EQ(call(inst, "peek", {Value::i32(0)}, &r), TrapKind::None);  // 7 from the runs above
  store->setFuel(1'000'000);
  ASSERT_EQ(call(inst, "init", {Value::i32(32)}), TrapKind::None);  // '0' again at 0
  store->setFuel(need - 1);
  EXPECT_EQ(call(inst, "fill", {Value::i32(16000)}), TrapKind::FuelExhausted);
  store->setFuel(1'000'000);
  ASSERT_EQ(call(inst, "peek", {Value::i32(0)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asI32(), '0');
  store->setFuel(need);
  EXPECT_EQ(call(inst, "fill", {Value::i32(16000)}), TrapKind::None);
  EXPECT_EQ(store->fuel(), 0u);
  // table.grow out of fuel traps too (it would otherwise just return -1).
  uint64_t grow = used("tgrow", 100);
  store->setFuel(grow - 1);
  EXPECT_EQ(call(inst, "tgrow", {Value::i32(100)}), TrapKind::FuelExhausted);
}

namespace {
struct WorkProbe {
  uint64_t units = 0;
  int calls = 0;
};
TrapKind chargingHost(HostCall& call, const Value*, Value*) {
  auto* p = static_cast<WorkProbe*>(call.env);
  p->calls++;
  return call.store->chargeHostWork(p->units);
}
}  // namespace

// A host function charges fuel for its work through the store; the calling code sees it
// spent, and too little fuel, or an interrupt, ends the call.
TEST_F(EngineTest, HostWorkIsChargedAndInterruptible) {
  WorkProbe probe;
  FuncRef* work = store->newHostFunc(FuncType{}, chargingHost, &probe);
  Instance* inst = load("interrupt", CompileOptions{true, BoundsChecks::Guard}, {Extern::ofFunc(work)});
  ASSERT_NE(inst, nullptr);
  // "mixed" calls the host function every 7th iteration: 143 times for 1000.
  store->setFuel(1'000'000'000);
  ASSERT_EQ(call(inst, "mixed", {Value::i32(1000)}), TrapKind::None);
  uint64_t base = store->lastCallFuel();
  probe.units = 1000;
  store->setFuel(1'000'000'000);
  ASSERT_EQ(call(inst, "mixed", {Value::i32(1000)}), TrapKind::None);
  EXPECT_EQ(store->lastCallFuel(), base + 143 * 1000);
  store->setFuel(base + 143 * 1000 - 1);
  EXPECT_EQ(call(inst, "mixed", {Value::i32(1000)}), TrapKind::FuelExhausted);
  EXPECT_EQ(store->fuel(), 0u);
  volatile sig_atomic_t flag = 1;
  store->setInterruptFlag(&flag);
  probe.calls = 0;
  store->setFuel(1'000'000'000);
  EXPECT_EQ(call(inst, "mixed", {Value::i32(1000)}), TrapKind::Interrupted);
  store->setInterruptFlag(nullptr);
}

// Bulk memory and table operations (table.grow too) poll the interrupt before their first chunk, so that
// straight-line code made of them (no loop header to poll at) still stops at a cancel.
// The handler lets the poll at the function's entry go on and ends the call at the
// next one, which only the helper makes.
struct PollCounter {
  int polls = 0;
};
TrapKind secondPollTraps(void* env) {
  return ++static_cast<PollCounter*>(env)->polls >= 2 ? TrapKind::Interrupted : TrapKind::None;
}
TEST_F(EngineTest, BulkOperationsPollTheInterrupt) {
  Instance* inst = load("bulk_polls", CompileOptions{false, BoundsChecks::Guard});
  ASSERT_NE(inst, nullptr);
  volatile sig_atomic_t flag = 1;
  PollCounter counter;
  store->setInterruptFlag(&flag);
  store->setInterruptHandler(secondPollTraps, &counter);
  for (const char* name : {"fill", "copy", "init", "table_fill", "table_copy", "table_init", "table_grow"}) {
    counter.polls = 0;
    EXPECT_EQ(call(inst, name, {}), TrapKind::Interrupted) << name;
    EXPECT_EQ(counter.polls, 2) << name;
  }
  store->setInterruptHandler(nullptr, nullptr);
  store->setInterruptFlag(nullptr);
  for (const char* name : {"fill", "copy", "init", "table_fill", "table_copy", "table_init", "table_grow"})
    EXPECT_EQ(call(inst, name, {}), TrapKind::None) << name;
}

// A trap records the Wasm functions on the stack, innermost first, with their names:
// for an explicit check (its function found through the call that reached it) and for a
// guard-page fault (through the faulting instruction).
TEST_F(EngineTest, TrapsRecordTheirBacktrace) {
  for (CompileOptions opts : {CompileOptions{false, BoundsChecks::Guard}, CompileOptions{false, BoundsChecks::Explicit},
                              CompileOptions{true, BoundsChecks::Guard}}) {
    Store s(*engine);
    if (opts.fuel) s.setFuel(1'000'000);
    auto m = compile(readModuleFile("backtrace"), opts);
    ASSERT_NE(m, nullptr);
    auto inst = s.instantiate(m, {});
    ASSERT_TRUE(inst.ok());
    Extern top, oob;
    ASSERT_TRUE(inst.value()->getExport("top", &top) && inst.value()->getExport("top_oob", &oob));
    Value arg = Value::i32(0), res;
    ASSERT_EQ(s.call(top.func, &arg, &res).trap, TrapKind::IntegerDivideByZero);
    char text[512];
    s.formatTrapFrames(text, sizeof text);
    EXPECT_STREQ(text, "#0 leaf (function 0)\n#1 mid (function 1)\n#2 top (function 2)");
    ASSERT_EQ(s.call(oob.func, nullptr, &res).trap, TrapKind::MemoryOutOfBounds);
    s.formatTrapFrames(text, sizeof text);
    EXPECT_STREQ(text, "#0 oob (function 3)\n#1 top_oob (function 4)");
    Extern many, ind;
    ASSERT_TRUE(inst.value()->getExport("top_many", &many) && inst.value()->getExport("top_indirect", &ind));
    arg = Value::i32(0);
    ASSERT_EQ(s.call(many.func, &arg, &res).trap, TrapKind::IntegerDivideByZero);
    s.formatTrapFrames(text, sizeof text);
    EXPECT_STREQ(text, "#0 leaf (function 0)\n#1 many (function 5)\n#2 top_many (function 6)");
    ASSERT_EQ(s.call(ind.func, &arg, &res).trap, TrapKind::IntegerDivideByZero);
    s.formatTrapFrames(text, sizeof text);
    EXPECT_STREQ(text, "#0 top_indirect (function 7)");
    // A call that does not trap leaves no frames behind.
    arg = Value::i32(1);
    ASSERT_TRUE(s.call(top.func, &arg, &res).ok());
    const Store::TrapFrame* frames;
    EXPECT_EQ(s.trapFrames(&frames), 0u);
  }
}

TEST_F(EngineTest, FuelModeMustMatchWithinAStore) {
  ASSERT_NE(load("fuel", CompileOptions{true, BoundsChecks::Explicit}), nullptr);
  auto m = compile(readModuleFile("fuel"));
  auto i = store->instantiate(m, {});
  ASSERT_FALSE(i.ok());
  EXPECT_EQ(i.error().kind, ErrorKind::Link);
}

TEST_F(EngineTest, MemoryLimit) {
  store->setMaxMemoryBytes(2 * kPageSize);
  Instance* inst = load("memory");
  ASSERT_NE(inst, nullptr);
  std::vector<Value> r;
  ASSERT_EQ(call(inst, "grow", {Value::i32(1)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asI32(), 1);
  ASSERT_EQ(call(inst, "grow", {Value::i32(1)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asI32(), -1);
  ASSERT_EQ(call(inst, "size", {}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asI32(), 2);
  // The grown page is usable, the one past it is not.
  EXPECT_EQ(call(inst, "poke", {Value::i32(2 * 65536 - 4), Value::i32(5)}), TrapKind::None);
  EXPECT_EQ(call(inst, "peek", {Value::i32(2 * 65536 - 4)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asI32(), 5);
  EXPECT_EQ(call(inst, "peek", {Value::i32(2 * 65536)}), TrapKind::MemoryOutOfBounds);
  // A module whose minimum exceeds the limit does not instantiate.
  auto m = compile(readModuleFile("bigmem"));
  auto i = store->instantiate(m, {});
  ASSERT_FALSE(i.ok());
  EXPECT_EQ(i.error().kind, ErrorKind::Limit);
  EXPECT_NE(i.error().message.find("memory limit"), std::string::npos) << i.error().message;
}

// Tables count against the same limit as memories, 8 bytes an element: a store's memories
// and tables together hold at most setMaxMemoryBytes, and every store of an engine at most
// its ceiling; what an object gives back when it ends can be taken again.
TEST_F(EngineTest, TablesAndMemoriesShareTheMemoryLimit) {
  store->setMaxMemoryBytes(kPageSize + 8 * 1000);  // the memory's page and 1000 elements
  Instance* inst = load("tablegrow");
  ASSERT_NE(inst, nullptr);
  EXPECT_EQ(store->memoryInUse(), kPageSize);
  std::vector<Value> r;
  ASSERT_EQ(call(inst, "grow", {Value::i32(1000)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asI32(), 0);
  ASSERT_EQ(call(inst, "grow", {Value::i32(1)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asI32(), -1);  // one element past the limit
  ASSERT_EQ(call(inst, "mgrow", {Value::i32(1)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asI32(), -1);  // and no page left for the memory either
  EXPECT_EQ(store->memoryInUse(), kPageSize + 8 * 1000);
}

// Each type of a module is an entry of the engine's signature registry while the module
// lives, and counts in its footprint: 1000 distinct types of 0..999 parameters cost at
// least an entry's fixed part each, and per parameter its copy and argument layout (a
// module of 1M distinct signatures reported 72 MB and held 438 MB).
TEST_F(EngineTest, FootprintCountsTheModulesSignatures) {
  auto typesModule = [](uint32_t n) {
    std::vector<Bytes> types;
    for (uint32_t i = 0; i < n; i++) types.push_back(cat({{0x60}, u32(i), Bytes(i, 0x7F), {0x00}}));
    return cat({kHeader, section(1, vec(types))});
  };
  auto one = compile(typesModule(1));
  auto many = compile(typesModule(1001));
  ASSERT_NE(one, nullptr);
  ASSERT_NE(many, nullptr);
  uint64_t params = 1000ull * 1001 / 2;  // of types 1..1000
  EXPECT_GE(many->footprint() - one->footprint(), 1000ull * 200 + 5 * params);
}

TEST_F(EngineTest, EngineCeilingBoundsAllStores) {
  uint64_t empty = engine->memoryInUse();
  auto m = compile(readModuleFile("tablegrow"));
  ASSERT_NE(m, nullptr);
  // A compiled module holds its machine code and decoded form, from the ceiling too.
  EXPECT_GT(m->footprint(), m->codeBytes());
  EXPECT_EQ(engine->memoryInUse(), empty + m->footprint());
  uint64_t before = engine->memoryInUse();
  // An instance takes its page and its own bookkeeping (VMContext, function references,
  // globals) from the ceiling, and gives both back.
  uint64_t one;
  {
    Store s(*engine);
    ASSERT_TRUE(s.instantiate(m, {}).ok());
    one = engine->memoryInUse() - before;
    EXPECT_EQ(s.memoryInUse(), kPageSize);  // the store's limit counts the page only
  }
  EXPECT_GT(one, kPageSize);
  EXPECT_EQ(engine->memoryInUse(), before);
  engine->setMemoryCeiling(before + 3 * one);
  {
    Store a(*engine), b(*engine);
    auto ia = a.instantiate(m, {});
    auto ib = b.instantiate(m, {});
    ASSERT_TRUE(ia.ok() && ib.ok());
    EXPECT_EQ(engine->memoryInUse(), before + 2 * one);
    Store c(*engine);
    auto ic = c.instantiate(m, {});
    ASSERT_TRUE(ic.ok());  // the third instance: at the ceiling
    Store d(*engine);
    auto id = d.instantiate(m, {});
    ASSERT_FALSE(id.ok());
    EXPECT_EQ(id.error().kind, ErrorKind::Limit);
    EXPECT_NE(id.error().message.find("the engine's memory ceiling"), std::string::npos) << id.error().message;
    // Growing a table in any store fails too.
    Extern g;
    ASSERT_TRUE(ia.value()->getExport("grow", &g));
    Value arg = Value::i32(1), res;
    ASSERT_TRUE(a.call(g.func, &arg, &res).ok());
    EXPECT_EQ(res.asI32(), -1);
  }
  // The stores ended and gave everything back.
  EXPECT_EQ(engine->memoryInUse(), before);
  {
    Store e(*engine);
    EXPECT_TRUE(e.instantiate(m, {}).ok());
  }
  // No room for another module: compiling it fails, and says why.
  std::vector<uint8_t> bytes = readModuleFile("tablegrow");
  engine->setMemoryCeiling(engine->memoryInUse() + m->footprint() - 1);
  auto again = engine->compile(bytes.data(), bytes.size());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::Limit);
  EXPECT_NE(again.error().message.find("the engine's memory ceiling"), std::string::npos) << again.error().message;
  engine->setMemoryCeiling(UINT64_MAX);
  m.reset();  // the module goes and gives its footprint back
  EXPECT_EQ(engine->memoryInUse(), empty);
}

// Memories reuse the address space of memories that ended (a pool of reservations): a new
// one must look exactly like a fresh mapping, zero and no larger than its minimum.
TEST_F(EngineTest, ReusedMemoryIsZeroAndGuarded) {
  for (int round = 0; round < 6; round++) {
    Store s(*engine);
    auto m = compile(readModuleFile("memory"));
    ASSERT_NE(m, nullptr);
    auto inst = s.instantiate(m, {});
    ASSERT_TRUE(inst.ok());
    auto run = [&](const char* name, std::vector<Value> args, Value* r = nullptr) {
      Extern f;
      EXPECT_TRUE(inst.value()->getExport(name, &f));
      return s.call(f.func, args.data(), r).trap;
    };
    Value r;
    // What the previous round left must be gone.
    for (uint32_t addr : {0u, 4096u, 65532u}) {
      ASSERT_EQ(run("peek", {Value::i32(addr)}, &r), TrapKind::None);
      EXPECT_EQ(r.asI32(), 0) << "round " << round << ", address " << addr;
    }
    EXPECT_EQ(run("peek", {Value::i32(65536)}), TrapKind::MemoryOutOfBounds) << "round " << round;
    // Dirty it, grown pages included, for the next round.
    ASSERT_EQ(run("grow", {Value::i32(2)}, &r), TrapKind::None);
    EXPECT_EQ(r.asI32(), 1);
    for (uint32_t addr : {0u, 4096u, 65532u, 65536u, 3 * 65536u - 4})
      EXPECT_EQ(run("poke", {Value::i32(addr), Value::i32(0x5A5A5A5A)}), TrapKind::None);
  }
}

TEST_F(EngineTest, GrowByHugeDeltaFails) {
  Instance* inst = load("memory");
  std::vector<Value> r;
  ASSERT_EQ(call(inst, "grow", {Value::i32(0xFFFFFFFFu)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asI32(), -1);
  ASSERT_EQ(call(inst, "grow", {Value::i32(70000)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asI32(), -1);
}

TEST_F(EngineTest, StackLimitWithSmallFrames) {
  Instance* inst = load("stack");
  std::vector<Value> r;
  ASSERT_EQ(call(inst, "small", {Value::i32(1000)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asI32(), 1000);
  store->setStackBudgetFromHere(64 * 1024);
  EXPECT_EQ(call(inst, "small", {Value::i32(1000000)}), TrapKind::StackExhausted);
  ASSERT_EQ(call(inst, "small", {Value::i32(100)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asI32(), 100);
}

// A function whose frame is far larger than a guard page must still be stopped by the
// limit before it touches its frame.
TEST_F(EngineTest, StackLimitWithHugeFrames) {
  // (func (param i32) (result i32) (local 40000 i64)
  //   local.get 0 i32.eqz if (result i32) i32.const 0
  //   else local.get 0 i32.const 1 i32.sub call 0 i32.const 1 i32.add end)
  std::vector<uint8_t> body = {0x01, 0xC0, 0xB8, 0x02, 0x7E,  // 40000 x i64
                               0x20, 0x00, 0x45, 0x04, 0x7F, 0x41, 0x00, 0x05, 0x20, 0x00, 0x41,
                               0x01, 0x6B, 0x10, 0x00, 0x41, 0x01, 0x6A, 0x0B, 0x0B};
  std::vector<uint8_t> mod = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
                              0x01, 0x06, 0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F,  // type
                              0x03, 0x02, 0x01, 0x00,                          // func
                              0x07, 0x07, 0x01, 0x03, 'b', 'i', 'g', 0x00, 0x00};
  mod.push_back(0x0A);
  mod.push_back(uint8_t(body.size() + 2));
  mod.push_back(0x01);
  mod.push_back(uint8_t(body.size()));
  mod.insert(mod.end(), body.begin(), body.end());
  auto m = compile(mod);
  ASSERT_NE(m, nullptr);
  auto i = store->instantiate(m, {});
  ASSERT_TRUE(i.ok());
  std::vector<Value> r;
  ASSERT_EQ(call(i.value(), "big", {Value::i32(3)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asI32(), 3);
  store->setStackBudgetFromHere(1 << 20);  // ~3 frames of 320 KB
  EXPECT_EQ(call(i.value(), "big", {Value::i32(100)}), TrapKind::StackExhausted);
  EXPECT_EQ(call(i.value(), "big", {Value::i32(1)}, &r), TrapKind::None);
}

// --- host functions ---------------------------------------------------------------------

TrapKind add7(HostCall&, const Value* a, Value* r) {
  r[0] = Value::i64(a[0].asU32() + a[1].asU64() + a[2].asU32() + a[3].asU64() + a[4].asU32() +
                    a[5].asU64() + a[6].asU32());
  return TrapKind::None;
}
TrapKind fsum(HostCall&, const Value* a, Value* r) {
  double s = 0;
  for (int i = 0; i < 9; i++) s += a[i].asF64() * (i + 1);
  s += a[9].asF32();
  r[0] = Value::f64(s);
  return TrapKind::None;
}
TrapKind fail(HostCall& c, const Value* a, Value* r) {
  if (a[0].asU32() == 13) {
    c.store->setHostError("unlucky");
    return TrapKind::HostError;
  }
  r[0] = Value::i32(a[0].asU32() + 1);
  return TrapKind::None;
}
TrapKind swap3(HostCall&, const Value* a, Value* r) {
  r[0] = a[2];
  r[1] = a[1];
  r[2] = a[0];
  return TrapKind::None;
}

// 20 parameters, 17 results: result k is a[k] * a[19 - k].
TrapKind wide(HostCall&, const Value* a, Value* r) {
  for (int k = 0; k < 17; k++) r[k] = Value::i64(a[k].asI64() * a[19 - k].asI64());
  return TrapKind::None;
}

TEST_F(EngineTest, HostFunctionsAndMultiValue) {
  using V = ValType;
  std::vector<Extern> imports = {
      Extern::ofFunc(store->newHostFunc({{V::I32, V::I64, V::I32, V::I64, V::I32, V::I64, V::I32}, {V::I64}}, add7, nullptr)),
      Extern::ofFunc(store->newHostFunc({{V::F64, V::F64, V::F64, V::F64, V::F64, V::F64, V::F64, V::F64, V::F64, V::F32}, {V::F64}}, fsum, nullptr)),
      Extern::ofFunc(store->newHostFunc({{V::I32}, {V::I32}}, fail, nullptr)),
      Extern::ofFunc(store->newHostFunc({{V::I32, V::I64, V::F64}, {V::F64, V::I64, V::I32}}, swap3, nullptr)),
      Extern::ofFunc(store->newHostFunc({std::vector<V>(20, V::I64), std::vector<V>(17, V::I64)}, wide, nullptr)),
  };
  Instance* inst = load("host", {}, imports);
  ASSERT_NE(inst, nullptr);
  std::vector<Value> r;
  ASSERT_EQ(call(inst, "call_add7", {}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asU64(), 28u);
  ASSERT_EQ(call(inst, "call_fsum", {}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asF64(), 1 + 4 + 9 + 16 + 25 + 36 + 49 + 64 + 81 + 10.0);
  ASSERT_EQ(call(inst, "call_fail", {Value::i32(1)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asI32(), 2);
  EXPECT_EQ(call(inst, "call_fail", {Value::i32(13)}), TrapKind::HostError);
  EXPECT_STREQ(store->hostError(), "unlucky");
  // A longer text is truncated into the store's fixed buffer (no allocation in a host call).
  std::string longText(Store::kHostErrorCapacity + 50, 'x');
  store->setHostError(longText.c_str());
  EXPECT_EQ(std::string(store->hostError()), longText.substr(0, Store::kHostErrorCapacity - 1));
  ASSERT_EQ(call(inst, "call_fail", {Value::i32(2)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asI32(), 3);
  ASSERT_EQ(call(inst, "call_wide", {}, &r), TrapKind::None);
  int64_t wideSum = 0;
  for (int k = 0; k < 17; k++) wideSum += int64_t(k + 1) * (20 - k);
  EXPECT_EQ(r[0].asI64(), wideSum);
  ASSERT_EQ(call(inst, "call_swap3", {}, &r), TrapKind::None);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].asI32(), -5);
  EXPECT_EQ(r[1].asI64(), 1234567890123);
  EXPECT_EQ(r[2].asF64(), 2.5);
  ASSERT_EQ(call(inst, "call_many", {}, &r), TrapKind::None);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].asI32(), 15);
  EXPECT_EQ(r[1].asI32(), 1);
  EXPECT_EQ(r[2].asF32(), 19.0f);
  EXPECT_EQ(r[3].asF32(), 1.0f);
}

TEST_F(EngineTest, LinkErrors) {
  using V = ValType;
  auto m = compile(readModuleFile("host"));
  ASSERT_NE(m, nullptr);
  auto none = store->instantiate(m, {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().kind, ErrorKind::Link);
  FuncRef* wrong = store->newHostFunc({{V::I32}, {V::I32}}, fail, nullptr);
  auto bad = store->instantiate(m, std::vector<Extern>(5, Extern::ofFunc(wrong)));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::Link);
  EXPECT_NE(bad.error().message.find("incompatible import type"), std::string::npos) << bad.error().message;
}

}  // namespace


// --- interrupt handler: resume or trap ------------------------------------------------------

namespace {
struct InterruptProbe {
  volatile sig_atomic_t flag = 0;
  int raised = 0;
  int handled = 0;
  bool resume = true;
};
TrapKind raiseFlag(HostCall& call, const Value*, Value*) {
  auto* p = static_cast<InterruptProbe*>(call.env);
  p->flag = 1;
  p->raised++;
  return TrapKind::None;
}
TrapKind handleInterrupt(void* env) {
  auto* p = static_cast<InterruptProbe*>(env);
  p->handled++;
  if (!p->resume) return TrapKind::Interrupted;
  p->flag = 0;
  return TrapKind::None;
}
double mixedReference(uint32_t n) {
  uint64_t a = 0;
  uint32_t b = 0;
  double x = 0;
  float y = 0;
  for (uint32_t i = 0; i < n; i++) {
    a += i;
    b ^= i * 31u;
    x += double(i);
    y += 0.5f;
  }
  return double(a) + double(b) + (x + double(y));
}
}  // namespace

class InterruptHandlerTest : public EngineTest, public ::testing::WithParamInterface<bool> {
 protected:
  Instance* setUpProbe() {
    store->setInterruptFlag(&probe.flag);
    store->setInterruptHandler(handleInterrupt, &probe);
    if (GetParam()) store->setFuel(1'000'000'000);
    FuncRef* raise = store->newHostFunc(FuncType{}, raiseFlag, &probe);
    return load("interrupt", CompileOptions{GetParam(), BoundsChecks::Guard}, {Extern::ofFunc(raise)});
  }
  InterruptProbe probe;
};

TEST_P(InterruptHandlerTest, ResumedCodeKeepsEveryRegister) {
  Instance* inst = setUpProbe();
  ASSERT_NE(inst, nullptr);
  std::vector<Value> r;
  ASSERT_EQ(call(inst, "mixed", {Value::i32(1000)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asF64(), mixedReference(1000));
  EXPECT_EQ(probe.raised, 143);  // i = 0, 7, ..., 994
  EXPECT_EQ(probe.handled, probe.raised);
}

TEST_P(InterruptHandlerTest, HandlerMayStopTheCall) {
  Instance* inst = setUpProbe();
  ASSERT_NE(inst, nullptr);
  probe.resume = false;
  EXPECT_EQ(call(inst, "mixed", {Value::i32(1000)}), TrapKind::Interrupted);
  EXPECT_EQ(probe.raised, 1);
  EXPECT_EQ(probe.handled, 1);
  probe.flag = 0;
  probe.resume = true;
  std::vector<Value> r;
  ASSERT_EQ(call(inst, "mixed", {Value::i32(10)}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asF64(), mixedReference(10));
}

TEST_P(InterruptHandlerTest, BulkMemoryConsultsTheHandler) {
  Instance* inst = setUpProbe();
  ASSERT_NE(inst, nullptr);
  std::vector<Value> r;
  ASSERT_EQ(call(inst, "fill", {}, &r), TrapKind::None);
  EXPECT_EQ(r[0].asU32(), 0xABu);
  EXPECT_EQ(probe.handled, 1);
  probe.resume = false;
  EXPECT_EQ(call(inst, "fill"), TrapKind::Interrupted);
}

INSTANTIATE_TEST_SUITE_P(Fuel, InterruptHandlerTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "Metered" : "Unmetered";
                         });

}  // namespace wasm::test

namespace wasm::test {

// Embedders list imports and exports with types without compiling.
TEST_F(EngineTest, InspectListsImportsAndExportsWithTypes) {
  std::vector<uint8_t> bytes = readModuleFile("host");
  auto s = engine->inspect(bytes.data(), bytes.size());
  ASSERT_TRUE(s.ok()) << s.error().describe();
  ASSERT_EQ(s->imports.size(), 5u);
  EXPECT_EQ(s->imports[0].module, "host");
  EXPECT_EQ(s->imports[0].name, "add7");
  EXPECT_EQ(s->imports[0].describe(), "func (i32, i64, i32, i64, i32, i64, i32) -> i64");
  const ExternDesc* e = s->findExport("call_swap3");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->describe(), "func () -> (i32, i64, f64)");
  EXPECT_EQ(s->findExport("nope"), nullptr);
  // Entries of one type share its signature, so a summary holds each type once.
  std::vector<uint8_t> bulk = readModuleFile("bulk_polls");
  auto b = engine->inspect(bulk.data(), bulk.size());
  ASSERT_TRUE(b.ok());
  ASSERT_NE(b->findExport("fill"), nullptr);
  ASSERT_NE(b->findExport("copy"), nullptr);
  EXPECT_EQ(b->findExport("fill")->func.get(), b->findExport("copy")->func.get());
  uint8_t junk[] = {0, 'a', 's', 'm', 2, 0, 0, 0};
  auto bad = engine->inspect(junk, sizeof junk);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::Malformed);
}

}  // namespace wasm::test

namespace wasm::test {

// typeids.wasm: call_indirect as () -> f64 through a table of a (f64) -> () function and
// a () -> f64 one: the second is called, the first traps.
class TypeIdTest : public EngineTest {
 protected:
  void expectTypeIdsWork(Instance* inst) {
    std::vector<Value> r;
    ASSERT_EQ(call(inst, "call_as_source", {Value::i32(1)}, &r), TrapKind::None);
    EXPECT_EQ(r[0].asF64(), 2.5);
    EXPECT_EQ(call(inst, "call_as_source", {Value::i32(0)}), TrapKind::IndirectCallTypeMismatch);
  }
};

TEST_F(TypeIdTest, SignaturesWithF64AreDistinct) {
  FuncType takes{{ValType::F64}, {}}, gives{{}, {ValType::F64}};
  EXPECT_NE(engine->internType(takes), engine->internType(gives));
  EXPECT_EQ(engine->internType(takes), engine->internType(FuncType{{ValType::F64}, {}}));
  Instance* inst = load("typeids");
  ASSERT_NE(inst, nullptr);
  expectTypeIdsWork(inst);
}

// The engine holds the signatures of what is alive: a module's and a host function's go
// when they do, and an id that comes free is reused for another signature without
// confusing call_indirect.
TEST_F(TypeIdTest, SignaturesGoWithTheirModules) {
  size_t before = engine->liveTypes();
  {
    auto m = compile(readModuleFile("typeids"));
    ASSERT_NE(m, nullptr);
    EXPECT_GT(engine->liveTypes(), before);
    Store s(*engine);
    s.newHostFunc(FuncType{{ValType::I32, ValType::F32, ValType::I64}, {ValType::ExternRef}}, nullptr, nullptr);
    auto inst = s.instantiate(m, {});
    ASSERT_TRUE(inst.ok());
  }
  EXPECT_EQ(engine->liveTypes(), before);
  for (int round = 0; round < 2; round++) {
    Instance* inst = load("typeids");
    ASSERT_NE(inst, nullptr);
    expectTypeIdsWork(inst);
    store = std::make_unique<Store>(*engine);  // the instance and its module go
  }
  EXPECT_EQ(engine->liveTypes(), before);
}

}  // namespace wasm::test
