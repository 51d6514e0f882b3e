// Runs every hostile case (cases.h) in a child process of its own: compiles the module,
// then instantiates it and calls it where the case says, and reports the outcome, the CPU
// time of the compilation and the memory it held at its peak. The parent checks that the
// outcome is the one the case names, that no child died of a signal, and (in builds
// without sanitizers, whose time and memory are not the product's) that compilation
// stayed within the documented bounds: kCompileSecondsBase + kCompileSecondsPerByte per
// byte of module, and kCompileMemoryBase + kCompileMemoryPerByte bytes per byte.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ostream>
#include <string>
#include <thread>

#include "cases.h"
#include "measure.h"
#include "wasm/engine.h"

namespace wasm::hostile {
namespace {

struct Report {
  bool compiled;
  uint8_t errorKind;
  char message[400];
  double compileCpuSeconds;
  double peakBytes;  // memory held above what the process held before compiling
  uint64_t codeBytes;
  bool instantiated;
  char instantiateError[400];
  uint8_t trap;
  uint64_t result;
};

void runChild(const Case& c, const Bytes& bytes, Report* r) {
  memset(r, 0, sizeof *r);
  auto e = Engine::create();
  if (!e.ok()) {
    snprintf(r->message, sizeof r->message, "no engine: %s", e.error().describe().c_str());
    return;
  }
  std::unique_ptr<Engine> engine = e.take();
  CompileOptions opts;
  opts.fuel = c.fuel;
  resetPeakMemory();  // the peak from here on
  double rss0 = statusBytes("VmRSS");
  double t0 = cpuSeconds();
  auto m = engine->compile(bytes.data(), bytes.size(), opts);
  r->compileCpuSeconds = cpuSeconds() - t0;
  r->peakBytes = statusBytes("VmHWM") - rss0;
  if (!m.ok()) {
    r->errorKind = uint8_t(m.error().kind);
    snprintf(r->message, sizeof r->message, "%s", m.error().describe().c_str());
    return;
  }
  r->compiled = true;
  std::shared_ptr<const Module> mod = m.take();
  r->codeBytes = mod->codeBytes();
  if (!c.instantiate && c.invoke.empty()) return;
  Store store(*engine);
  if (c.storeMemory) store.setMaxMemoryBytes(c.storeMemory);
  auto inst = store.instantiate(mod, {});
  if (!inst.ok()) {
    snprintf(r->instantiateError, sizeof r->instantiateError, "%s", inst.error().describe().c_str());
    return;
  }
  r->instantiated = true;
  if (c.invoke.empty()) return;
  Extern ex;
  if (!inst.value()->getExport(c.invoke, &ex) || ex.kind != ExternKind::Func) {
    snprintf(r->instantiateError, sizeof r->instantiateError, "no export %s", c.invoke.c_str());
    return;
  }
  if (c.fuel) store.setFuel(100'000'000);
  std::vector<Value> results(Store::funcType(ex.func).results.size());
  CallResult cr = store.call(ex.func, nullptr, results.data());
  r->trap = uint8_t(cr.trap);
  if (cr.ok() && !results.empty()) r->result = results[0].bits;
}

class Hostile : public ::testing::TestWithParam<const Case*> {};

TEST_P(Hostile, EndsAsDocumented) {
  const Case& c = *GetParam();
  Bytes bytes = c.build();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    static Report r;
    runChild(c, bytes, &r);
    ssize_t w = write(fds[1], &r, sizeof r);
    _exit(w == ssize_t(sizeof r) ? 0 : 3);
  }
  close(fds[1]);
  Report r;
  size_t got = 0;
  while (got < sizeof r) {
    ssize_t n = read(fds[0], reinterpret_cast<char*>(&r) + got, sizeof r - got);
    if (n <= 0) break;
    got += size_t(n);
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_FALSE(WIFSIGNALED(status)) << c.name << ": the child died of signal " << WTERMSIG(status);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0 && got == sizeof r) << c.name << ": no report";

  double mb = 1.0 / (1 << 20);
  printf("%-24s %9zu bytes  %s  cpu %.3f s  peak %.1f MB  code %.1f MB\n", c.name.c_str(), bytes.size(),
         r.compiled ? "compiled" : "refused ", r.compileCpuSeconds, r.peakBytes * mb, double(r.codeBytes) * mb);
  if (c.compiles) {
    ASSERT_TRUE(r.compiled) << c.name << " (" << c.what << "): " << r.message;
  } else {
    ASSERT_FALSE(r.compiled) << c.name << " (" << c.what << ") compiled";
    EXPECT_EQ(errorKindName(ErrorKind(r.errorKind)), std::string(errorKindName(c.errorKind))) << r.message;
    EXPECT_NE(std::string(r.message).find(c.errorText), std::string::npos)
        << c.name << ": \"" << r.message << "\" lacks \"" << c.errorText << "\"";
  }
  if (r.compiled && !c.instantiateError.empty()) {
    EXPECT_FALSE(r.instantiated) << c.name << " instantiated";
    EXPECT_NE(std::string(r.instantiateError).find(c.instantiateError), std::string::npos)
        << c.name << ": \"" << r.instantiateError << "\" lacks \"" << c.instantiateError << "\"";
  } else if (r.compiled && (c.instantiate || !c.invoke.empty())) {
    EXPECT_TRUE(r.instantiated) << c.name << ": " << r.instantiateError;
  }
  if (r.instantiated && !c.invoke.empty()) {
    EXPECT_EQ(trapName(TrapKind(r.trap)), std::string(trapName(c.trap))) << c.name;
    if (c.trap == TrapKind::None) {
      EXPECT_EQ(r.result, c.result) << c.name;
    }
  }
#ifndef PGWASM_SANITIZED
  double size = double(bytes.size());
  EXPECT_LE(r.compileCpuSeconds, kCompileSecondsBase + kCompileSecondsPerByte * size)
      << c.name << ": compiling " << bytes.size() << " bytes took " << r.compileCpuSeconds << " s of CPU";
  EXPECT_LE(r.peakBytes, kCompileMemoryBase + kCompileMemoryPerByte * size)
      << c.name << ": compiling " << bytes.size() << " bytes held " << r.peakBytes * mb << " MB";
#endif
}

std::vector<const Case*> allCases() {
  std::vector<const Case*> v;
  for (const Case& c : cases()) v.push_back(&c);
  return v;
}

INSTANTIATE_TEST_SUITE_P(Cases, Hostile, ::testing::ValuesIn(allCases()),
                         [](const ::testing::TestParamInfo<const Case*>& i) { return i.param->name; });

}  // namespace
}  // namespace wasm::hostile

namespace wasm::hostile {
namespace {

// An interrupt during a long job stops it within 100 ms, whatever the job is doing:
// decoding (a segment of 10M elements), compiling (1M functions; 15 MB of conversions), or
// validating alone (Engine::inspect of 1.7M br_tables of 1000 values).
struct InterruptProbe {
  volatile sig_atomic_t flag = 0;
  int benign = 0;  // calls to answer "go on" before answering "stop"
  int calls = 0;
  std::chrono::steady_clock::time_point stoppedAt;  // when the handler first said "stop"
};
bool probeHandler(void* env) {
  auto* p = static_cast<InterruptProbe*>(env);
  bool stop = ++p->calls > p->benign;
  if (stop && p->stoppedAt == std::chrono::steady_clock::time_point()) p->stoppedAt = std::chrono::steady_clock::now();
  return stop;
}
std::unique_ptr<Engine> probedEngine(InterruptProbe* probe) {
  EngineConfig config;
  config.interruptFlag = &probe->flag;
  config.interruptHandler = probeHandler;
  config.interruptEnv = probe;
  auto e = Engine::create(config);
  return e.ok() ? e.take() : nullptr;
}

// A job on a case's module: Engine::inspect (decode and validate) or Engine::compile.
struct JobCase {
  const char* name;
  bool inspect;
};

void PrintTo(const JobCase& c, std::ostream* os) { *os << (c.inspect ? "inspect " : "compile ") << c.name; }

class InterruptedJob : public ::testing::TestWithParam<JobCase> {};

TEST_P(InterruptedJob, StopsWithin100ms) {
  const JobCase& job = GetParam();
  const Case* c = findCase(job.name);
  ASSERT_NE(c, nullptr);
  Bytes bytes = c->build();
  InterruptProbe probe;
  std::unique_ptr<Engine> engine = probedEngine(&probe);
  ASSERT_TRUE(engine);
  // The flag is set 20 ms into the job; the job must end within 100 ms of that.
  std::chrono::steady_clock::time_point setAt;
  std::thread setter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    setAt = std::chrono::steady_clock::now();
    probe.flag = 1;
  });
  ErrorKind kind = ErrorKind::Invalid;
  bool ok;
  if (job.inspect) {
    auto r = engine->inspect(bytes.data(), bytes.size());
    ok = r.ok();
    if (!ok) kind = r.error().kind;
  } else {
    auto r = engine->compile(bytes.data(), bytes.size());
    ok = r.ok();
    if (!ok) kind = r.error().kind;
  }
  auto end = std::chrono::steady_clock::now();
  setter.join();
  ASSERT_FALSE(ok) << job.name << " finished before the interrupt: make the case bigger";
  EXPECT_EQ(errorKindName(kind), std::string(errorKindName(ErrorKind::Interrupted)));
  double late = std::chrono::duration<double>(end - setAt).count();
  double polled = std::chrono::duration<double>(probe.stoppedAt - setAt).count();
  EXPECT_LT(late, 0.1) << job.name << " went on for " << late << " s after the interrupt (polled after " << polled
                       << " s, then unwound)";
  EXPECT_GE(probe.calls, 1);
}

INSTANTIATE_TEST_SUITE_P(Jobs, InterruptedJob,
                         ::testing::Values(JobCase{"elem_segment_size_at", false}, JobCase{"functions_at", false},
                                           JobCase{"types_at", false}, JobCase{"names_at", false},
                                           JobCase{"scan_after_error", true}, JobCase{"f5_convert_bomb", false},
                                           JobCase{"f5_convert_bomb", true},
                                           JobCase{"f5_br_table_arity", true}),
                         [](const ::testing::TestParamInfo<JobCase>& i) {
                           return std::string(i.param.inspect ? "inspect_" : "compile_") + i.param.name;
                         });

// A handler that answers "go on" (PostgreSQL's benign interrupts) lets the job finish,
// and is asked again while the flag stays set.
TEST(InterruptedJob, BenignInterruptsLetTheJobFinish) {
  Bytes bytes = findCase("functions_at")->build();
  InterruptProbe probe;
  probe.flag = 1;
  probe.benign = 1 << 30;
  std::unique_ptr<Engine> engine = probedEngine(&probe);
  ASSERT_TRUE(engine);
  auto m = engine->compile(bytes.data(), bytes.size());
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_GT(probe.calls, 100);
}

}  // namespace
}  // namespace wasm::hostile
