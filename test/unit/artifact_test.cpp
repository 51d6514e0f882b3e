// Compiled-code artifacts (Module::serialize, Engine::deserialize): a module loaded from
// an artifact, in another engine, behaves as the one compiled from source; damaged or
// foreign artifacts are refused.
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "test_support.h"

namespace wasm::test {
namespace {

class ArtifactTest : public EngineTest {
 protected:
  // A second engine, as another process would have: its own type ids and code memory.
  std::shared_ptr<const Module> roundTrip(const std::string& name, CompileOptions opts,
                                          std::unique_ptr<Engine>* other) {
    auto m = compile(readModuleFile(name), opts);
    if (!m) return nullptr;
    std::vector<uint8_t> art = m->serialize();
    auto e = Engine::create();
    EXPECT_TRUE(e.ok());
    *other = e.take();
    // Intern some types first, so that the second engine's ids differ from the first's.
    (*other)->internType(FuncType{{ValType::F32, ValType::F32}, {ValType::I64}});
    (*other)->internType(FuncType{{}, {ValType::ExternRef}});
    auto loaded = (*other)->deserialize(art.data(), art.size());
    EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error().describe());
    return loaded.ok() ? loaded.take() : nullptr;
  }
};

// The artifact keeps the name section: a trap in a cached module names its functions as
// one in the freshly compiled module does.
TEST_F(ArtifactTest, LoadedModuleKeepsFunctionNames) {
  std::unique_ptr<Engine> other;
  auto m = roundTrip("backtrace", CompileOptions{false, BoundsChecks::Guard}, &other);
  ASSERT_NE(m, nullptr);
  Store s(*other);
  auto inst = s.instantiate(m, {});
  ASSERT_TRUE(inst.ok()) << inst.error().describe();
  Extern top;
  ASSERT_TRUE(inst.value()->getExport("top", &top));
  Value arg = Value::i32(0), res;
  ASSERT_EQ(s.call(top.func, &arg, &res).trap, TrapKind::IntegerDivideByZero);
  char text[512];
  s.formatTrapFrames(text, sizeof text);
  EXPECT_STREQ(text, "#0 leaf (function 0)\n#1 mid (function 1)\n#2 top (function 2)");
}

TEST_F(ArtifactTest, LoadedModuleRunsLikeTheCompiledOne) {
  for (bool fuel : {false, true}) {
    for (BoundsChecks b : {BoundsChecks::Guard, BoundsChecks::Explicit}) {
      std::unique_ptr<Engine> other;
      auto m = roundTrip("traps", CompileOptions{fuel, b}, &other);
      ASSERT_NE(m, nullptr);
      EXPECT_EQ(m->options().fuel, fuel);
      EXPECT_EQ(m->options().boundsChecks, b);
      Store s(*other);
      if (fuel) s.setFuel(1'000'000);
      auto inst = s.instantiate(m, {});
      ASSERT_TRUE(inst.ok()) << inst.error().describe();
      Extern ok, div0, load, recurse;
      ASSERT_TRUE(inst.value()->getExport("ok", &ok));
      ASSERT_TRUE(inst.value()->getExport("div0", &div0));
      ASSERT_TRUE(inst.value()->getExport("load", &load));
      ASSERT_TRUE(inst.value()->getExport("recurse", &recurse));
      Value r;
      EXPECT_EQ(s.call(ok.func, nullptr, &r).trap, TrapKind::None);
      EXPECT_EQ(r.asU32(), 7u);
      Value zero = Value::i32(0);
      EXPECT_EQ(s.call(div0.func, &zero, &r).trap, TrapKind::IntegerDivideByZero);
      // Memory traps reach the loaded code's trap exit (guard pages: through the signal
      // handler, which must know the loaded code's range).
      Value far = Value::i32(0xFFFFFFF0u);
      EXPECT_EQ(s.call(load.func, &far, &r).trap, TrapKind::MemoryOutOfBounds);
      s.setStackBudgetFromHere(256 * 1024);
      EXPECT_EQ(s.call(recurse.func, &zero, &r).trap, TrapKind::StackExhausted);
      EXPECT_EQ(s.call(ok.func, nullptr, &r).trap, TrapKind::None);
    }
  }
}

TEST_F(ArtifactTest, IndirectCallsUseTheLoadingEnginesTypeIds) {
  std::unique_ptr<Engine> other;
  auto m = roundTrip("typeids", CompileOptions{}, &other);
  ASSERT_NE(m, nullptr);
  Store s(*other);
  auto inst = s.instantiate(m, {});
  ASSERT_TRUE(inst.ok());
  Extern f;
  ASSERT_TRUE(inst.value()->getExport("call_as_source", &f));
  Value a = Value::i32(1), r;
  ASSERT_EQ(s.call(f.func, &a, &r).trap, TrapKind::None);
  EXPECT_EQ(r.asF64(), 2.5);
  a = Value::i32(0);
  EXPECT_EQ(s.call(f.func, &a, &r).trap, TrapKind::IndirectCallTypeMismatch);
}

TEST_F(ArtifactTest, DamagedOrForeignArtifactsAreRefused) {
  auto m = compile(readModuleFile("traps"));
  ASSERT_NE(m, nullptr);
  std::vector<uint8_t> art = m->serialize();
  auto truncated = engine->deserialize(art.data(), art.size() - 1);
  EXPECT_FALSE(truncated.ok());
  auto tiny = engine->deserialize(art.data(), 10);
  EXPECT_FALSE(tiny.ok());
  std::vector<uint8_t> bad = art;
  bad[0] ^= 1;  // magic
  EXPECT_FALSE(engine->deserialize(bad.data(), bad.size()).ok());
  bad = art;
  bad[12] ^= 1;  // build id
  auto foreign = engine->deserialize(bad.data(), bad.size());
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().kind, ErrorKind::Unsupported);
  auto good = engine->deserialize(art.data(), art.size());
  EXPECT_TRUE(good.ok());
}

// An artifact written to a memfd and mapped read-only, shared, as the extension's code cache
// does. Returns the mapping (size bytes) or nullptr.
uint8_t* mapArtifact(const std::vector<uint8_t>& art, unsigned memfdFlags = 0) {
  int fd = int(syscall(SYS_memfd_create, "artifact", memfdFlags));
  if (fd < 0) return nullptr;
  bool ok = write(fd, art.data(), art.size()) == ssize_t(art.size());
  void* p = ok ? mmap(nullptr, art.size(), PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
  close(fd);
  return p == MAP_FAILED ? nullptr : static_cast<uint8_t*>(p);
}

// The permissions of the mapping at addr in /proc/self/maps ("r-xs", ...), or "".
std::string permissionsAt(const void* addr) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    unsigned long lo, hi;
    char perms[5] = {};
    if (sscanf(line.c_str(), "%lx-%lx %4s", &lo, &hi, perms) == 3 && uintptr_t(addr) >= lo && uintptr_t(addr) < hi)
      return perms;
  }
  return "";
}

void countRelease(void* arg) { ++*static_cast<int*>(arg); }

// Runs the traps module's "ok" and "div0" (and a guard-page trap) from m.
::testing::AssertionResult runsLikeSource(Engine& e, std::shared_ptr<const Module> m) {
  Store s(e);
  auto inst = s.instantiate(m, {});
  if (!inst.ok()) return ::testing::AssertionFailure() << inst.error().describe();
  Extern ok, div0, load;
  if (!inst.value()->getExport("ok", &ok) || !inst.value()->getExport("div0", &div0) ||
      !inst.value()->getExport("load", &load))
    return ::testing::AssertionFailure() << "exports missing";
  Value r, zero = Value::i32(0), far = Value::i32(0xFFFFFFF0u);
  if (s.call(ok.func, nullptr, &r).trap != TrapKind::None || r.asU32() != 7u)
    return ::testing::AssertionFailure() << "ok() did not return 7";
  if (s.call(div0.func, &zero, &r).trap != TrapKind::IntegerDivideByZero)
    return ::testing::AssertionFailure() << "div0(0) did not trap";
  if (s.call(load.func, &far, &r).trap != TrapKind::MemoryOutOfBounds)
    return ::testing::AssertionFailure() << "an out-of-bounds load did not trap";
  return ::testing::AssertionSuccess();
}

// The traps module's artifact (its first byte flipped if damaged), mapped from a memfd.
class MappedArtifactTest : public ArtifactTest {
 protected:
  void SetUp() override {
    ArtifactTest::SetUp();
    auto compiled = compile(readModuleFile("traps"));
    ASSERT_NE(compiled, nullptr);
    art = compiled->serialize();
    codeBytes = compiled->codeBytes();
  }
  void map(bool damaged = false) {
    if (damaged) art[0] ^= 1;
    mapping = mapArtifact(art);
    ASSERT_NE(mapping, nullptr);
  }
  std::vector<uint8_t> art;
  size_t codeBytes = 0;
  uint8_t* mapping = nullptr;
};

TEST_F(MappedArtifactTest, RunsWhereItLies) {
  map();
  auto other = Engine::create();
  ASSERT_TRUE(other.ok());
  int released = 0;
  {
    auto m = other.value()->deserializeMapped(mapping, art.size(), countRelease, &released);
    ASSERT_TRUE(m.ok()) << m.error().describe();
    // The code's pages are the file's, shared and executable, never writable; the pages
    // before them (header, binary, offsets) are gone.
    bool sharedCode = false;
    for (size_t off = 4096; off < art.size(); off += 4096) sharedCode |= permissionsAt(mapping + off) == "r-xs";
    EXPECT_TRUE(sharedCode);
    EXPECT_EQ(permissionsAt(mapping), "");
    std::shared_ptr<const Module> module = m.take();
    EXPECT_TRUE(runsLikeSource(*other.value(), module));
    EXPECT_EQ(released, 0);
  }
  // The module and its instances are gone: so is the mapping, and the caller hears of it.
  EXPECT_EQ(released, 1);
  EXPECT_EQ(permissionsAt(mapping + art.size() - 1), "");
}

TEST_F(MappedArtifactTest, DamagedIsRefusedAndReleased) {
  map(true);
  int released = 0;
  auto m = engine->deserializeMapped(mapping, art.size(), countRelease, &released);
  EXPECT_FALSE(m.ok());
  EXPECT_EQ(released, 1);
  EXPECT_EQ(permissionsAt(mapping), "");
}

// Where the system refuses executable pages in the mapping (a noexec mount, a security
// policy), the module runs from a private copy and the mapping is released at once. A
// child process forbids exactly that mprotect with a seccomp filter.
TEST_F(MappedArtifactTest, FallsBackToACopy) {
  map();
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    uint64_t code = 0;  // the page-aligned start of the code: the first page after the header's
    for (size_t off = 4096; off < art.size() && !code; off += 4096)
      if (off >= art.size() - codeBytes) code = uintptr_t(mapping + off);
    sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mprotect, 0, 5),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, uint32_t(code), 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0]) + 4),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, uint32_t(code >> 32), 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog prog = {sizeof filter / sizeof filter[0], filter};
    if (!code || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
      _exit(10);
    int released = 0;
    auto m = engine->deserializeMapped(mapping, art.size(), countRelease, &released);
    if (!m.ok()) _exit(11);
    if (released != 1 || permissionsAt(reinterpret_cast<void*>(code)) != "") _exit(12);  // copied, let go
    _exit(runsLikeSource(*engine, m.take()) ? 0 : 13);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "the child died of signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: no seccomp; 11: refused; 12: mapping kept; 13: runs wrong";
  munmap(mapping, art.size());
}

TEST_F(ArtifactTest, CodeTagsNameTheOptions) {
  std::string plain = engine->codeTag(CompileOptions{false, BoundsChecks::Guard});
  EXPECT_NE(plain, engine->codeTag(CompileOptions{true, BoundsChecks::Guard}));
  EXPECT_NE(plain, engine->codeTag(CompileOptions{false, BoundsChecks::Explicit}));
  EXPECT_EQ(plain, engine->codeTag(CompileOptions{false, BoundsChecks::Guard}));
}

}  // namespace
}  // namespace wasm::test
