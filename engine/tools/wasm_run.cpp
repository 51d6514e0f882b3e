// wasm-run: compile, instantiate and call a module from the command line.
//
//   wasm-run FILE.wasm [--invoke EXPORT] [ARGS...] [--fuel N] [--max-memory BYTES]
//            [--bench] [--bounds explicit|guard]
//
// Without --invoke it instantiates the module and lists its exports. With --invoke it
// calls EXPORT with ARGS (parsed by the export's parameter types) and prints each result
// as TYPE:VALUE. --bench prints only "RESULT RUN_SECONDS COMPILE_SECONDS" (the format of
// shared/bench/peers.sh). Imports from wasi_snapshot_preview1 get minimal stubs: fd_write
// to stdout/stderr, proc_exit, and ENOSYS for the rest; any other import is an error.
#include <sys/resource.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "wasm/module.h"  // ModuleInfo: the import and export lists
#include "wasm/engine.h"

namespace {

using wasm::ValType;
using wasm::Value;

constexpr int32_t kWasiEbadf = 8;
constexpr int32_t kWasiEfault = 21;
constexpr int32_t kWasiEnosys = 52;

int gExitCode = -1;  // set by proc_exit

double now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

int usage() {
  fprintf(stderr,
          "usage: wasm-run FILE.wasm [--invoke EXPORT] [ARGS...] [--fuel N] [--max-memory BYTES]\n"
          "                [--bench] [--bounds explicit|guard]\n");
  return 2;
}

bool readFile(const char* path, std::vector<uint8_t>* out) {
  FILE* f = fopen(path, "rb");
  if (!f) return false;
  uint8_t buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out->insert(out->end(), buf, buf + n);
  bool ok = !ferror(f);
  fclose(f);
  return ok;
}

bool parseU64(const char* s, uint64_t* out) {
  if (*s < '0' || *s > '9') return false;
  errno = 0;
  char* end;
  *out = strtoull(s, &end, 10);
  return errno == 0 && *end == 0;
}

// An argument of type t: integers signed or unsigned decimal, floats as strtod reads them.
bool parseArg(const char* s, ValType t, Value* out) {
  errno = 0;
  char* end = nullptr;
  out->type = t;
  switch (t) {
    case ValType::I32:
    case ValType::I64: {
      bool neg = s[0] == '-';
      if (!neg && (s[0] < '0' || s[0] > '9')) return false;
      if (neg) {
        long long v = strtoll(s, &end, 10);
        if (t == ValType::I32 && v < INT32_MIN) return false;
        out->bits = t == ValType::I32 ? uint64_t(uint32_t(int32_t(v))) : uint64_t(v);
      } else {
        unsigned long long v = strtoull(s, &end, 10);
        if (t == ValType::I32 && v > UINT32_MAX) return false;
        out->bits = v;
      }
      break;
    }
    case ValType::F32: *out = Value::f32(strtof(s, &end)); break;
    case ValType::F64: *out = Value::f64(strtod(s, &end)); break;
    case ValType::FuncRef:
    case ValType::ExternRef:
      out->bits = 0;
      return strcmp(s, "null") == 0;
    case ValType::V128: return false;
  }
  return errno == 0 && end && end != s && *end == 0;
}

// --- WASI stubs ----------------------------------------------------------------------------

wasm::TrapKind wasiEnosys(wasm::HostCall& call, const Value*, Value* results) {
  const auto* type = static_cast<const wasm::FuncType*>(call.env);
  for (size_t i = 0; i < type->results.size(); i++) results[i] = Value{type->results[i], 0};
  if (!type->results.empty() && type->results[0] == ValType::I32) results[0].bits = kWasiEnosys;
  return wasm::TrapKind::None;
}

// fd_write(fd, iovs, iovs_len, nwritten) -> errno, for fd 1 and 2.
wasm::TrapKind wasiFdWrite(wasm::HostCall& call, const Value* args, Value* results) {
  results[0] = Value::i32(0);
  wasm::Memory* mem =
      call.caller && !call.caller->module().info().memories.empty() ? call.caller->memory(0) : nullptr;
  FILE* out = args[0].asU32() == 1 ? stdout : args[0].asU32() == 2 ? stderr : nullptr;
  if (!out) {
    results[0].bits = kWasiEbadf;
    return wasm::TrapKind::None;
  }
  uint64_t iovs = args[1].asU32(), count = args[2].asU32(), nwritten = args[3].asU32();
  if (!mem || iovs + count * 8 > mem->size() || nwritten + 4 > mem->size()) {
    results[0].bits = kWasiEfault;
    return wasm::TrapKind::None;
  }
  uint8_t* base = mem->data();
  uint32_t total = 0;
  for (uint64_t i = 0; i < count; i++) {
    uint32_t ptr, len;
    memcpy(&ptr, base + iovs + i * 8, 4);
    memcpy(&len, base + iovs + i * 8 + 4, 4);
    if (uint64_t(ptr) + len > mem->size()) {
      results[0].bits = kWasiEfault;
      return wasm::TrapKind::None;
    }
    // As the extension's fd_write: one unit per iovec and per 16 bytes, and a poll.
    wasm::TrapKind t = call.store->chargeHostWork(1 + len / 16);
    if (t != wasm::TrapKind::None) return t;
    fwrite(base + ptr, 1, len, out);
    total += len;
  }
  memcpy(base + nwritten, &total, 4);
  return wasm::TrapKind::None;
}

wasm::TrapKind wasiProcExit(wasm::HostCall& call, const Value* args, Value*) {
  gExitCode = int(args[0].asU32() & 0xff);
  char msg[32];
  snprintf(msg, sizeof msg, "proc_exit(%u)", args[0].asU32());
  call.store->setHostError(msg);
  return wasm::TrapKind::HostError;
}

// Host functions for the module's imports, in order; false (with a message) if an import
// is not a WASI function.
bool linkImports(wasm::Store& store, const wasm::ModuleInfo& info, std::vector<wasm::Extern>* out) {
  const wasm::FuncType fdWrite{{ValType::I32, ValType::I32, ValType::I32, ValType::I32}, {ValType::I32}};
  const wasm::FuncType procExit{{ValType::I32}, {}};
  for (const wasm::Import& imp : info.imports) {
    if (imp.module != "wasi_snapshot_preview1" || imp.kind != wasm::ExternKind::Func) {
      fprintf(stderr, "link error: unresolved import \"%s\" \"%s\" (%s); wasm-run provides only "
              "wasi_snapshot_preview1 functions\n",
              imp.module.c_str(), imp.name.c_str(), wasm::externKindName(imp.kind));
      return false;
    }
    const wasm::FuncType& type = info.types[imp.funcType];
    wasm::HostFn fn = wasiEnosys;
    if (imp.name == "fd_write" && type == fdWrite) fn = wasiFdWrite;
    if (imp.name == "proc_exit" && type == procExit) fn = wasiProcExit;
    out->push_back(wasm::Extern::ofFunc(store.newHostFunc(type, fn, const_cast<wasm::FuncType*>(&type))));
  }
  return true;
}

// --- stack ---------------------------------------------------------------------------------

// Most of the main thread's stack: RLIMIT_STACK minus what is in use above this frame
// (measured from the top of the [stack] mapping) minus 256 KiB of headroom.
size_t stackBudget() {
  constexpr size_t kHeadroom = 256u << 10;
  size_t limit = 8u << 20;
  rlimit rl;
  if (getrlimit(RLIMIT_STACK, &rl) == 0) limit = rl.rlim_cur == RLIM_INFINITY ? 64u << 20 : rl.rlim_cur;
  uintptr_t here = uintptr_t(__builtin_frame_address(0)), top = 0;
  if (FILE* maps = fopen("/proc/self/maps", "r")) {
    char line[512];
    while (fgets(line, sizeof line, maps)) {
      unsigned long lo, hi;
      if (strstr(line, "[stack]") && sscanf(line, "%lx-%lx", &lo, &hi) == 2) top = hi;
    }
    fclose(maps);
  }
  size_t used = top > here ? top - here : 128u << 10;
  if (limit < used + kHeadroom + (64u << 10)) return 64u << 10;
  return limit - used - kHeadroom;
}

// --- output --------------------------------------------------------------------------------

std::string limitsText(const wasm::Limits& l) {
  std::string s = "min " + std::to_string(l.min);
  if (l.hasMax) s += " max " + std::to_string(l.max);
  return s;
}

void listExports(const wasm::Module& module) {
  const wasm::ModuleInfo& info = module.info();
  for (const wasm::Export& e : info.exports) {
    std::string desc;
    switch (e.kind) {
      case wasm::ExternKind::Func: desc = module.funcType(e.index).toString(); break;
      case wasm::ExternKind::Table:
        desc = std::string(wasm::valTypeName(info.tables[e.index].elem)) + " " +
               limitsText(info.tables[e.index].limits);
        break;
      case wasm::ExternKind::Memory: desc = "pages " + limitsText(info.memories[e.index].limits); break;
      case wasm::ExternKind::Global:
        desc = std::string(info.globals[e.index].type.mut ? "mut " : "") +
               wasm::valTypeName(info.globals[e.index].type.type);
        break;
    }
    printf("%s %s: %s\n", wasm::externKindName(e.kind), e.name.c_str(), desc.c_str());
  }
}

uint64_t unsignedBits(const Value& v) {
  return v.type == ValType::I32 || v.type == ValType::F32 ? uint64_t(uint32_t(v.bits)) : v.bits;
}

}  // namespace

int main(int argc, char** argv) {
  const char* file = nullptr;
  const char* invoke = nullptr;
  std::vector<const char*> args;
  bool fuel = false, bench = false;
  uint64_t fuelAmount = 0, maxMemory = 0;
  wasm::CompileOptions options;
  for (int i = 1; i < argc; i++) {
    const char* a = argv[i];
    bool hasNext = i + 1 < argc;
    if (strcmp(a, "--invoke") == 0 && hasNext) {
      invoke = argv[++i];
    } else if (strcmp(a, "--fuel") == 0 && hasNext) {
      if (!parseU64(argv[++i], &fuelAmount)) return usage();
      fuel = true;
    } else if (strcmp(a, "--max-memory") == 0 && hasNext) {
      if (!parseU64(argv[++i], &maxMemory)) return usage();
    } else if (strcmp(a, "--bench") == 0) {
      bench = true;
    } else if (strcmp(a, "--bounds") == 0 && hasNext) {
      const char* b = argv[++i];
      if (strcmp(b, "explicit") == 0) options.boundsChecks = wasm::BoundsChecks::Explicit;
      else if (strcmp(b, "guard") == 0) options.boundsChecks = wasm::BoundsChecks::Guard;
      else return usage();
    } else if (a[0] == '-' && a[1] == '-') {
      return usage();
    } else if (!file) {
      file = a;
    } else {
      args.push_back(a);
    }
  }
  if (!file || (bench && !invoke) || (!invoke && !args.empty())) return usage();
  options.fuel = fuel;

  std::vector<uint8_t> bytes;
  if (!readFile(file, &bytes)) {
    fprintf(stderr, "wasm-run: cannot read %s: %s\n", file, strerror(errno));
    return 1;
  }
  auto engine = wasm::Engine::create();
  if (!engine.ok()) {
    fprintf(stderr, "%s\n", engine.error().describe().c_str());
    return 1;
  }
  double t0 = now();
  auto compiled = engine.value()->compile(bytes.data(), bytes.size(), options);
  double compileSeconds = now() - t0;
  if (!compiled.ok()) {
    fprintf(stderr, "%s\n", compiled.error().describe().c_str());
    return 1;
  }
  std::shared_ptr<const wasm::Module> module = compiled.take();

  wasm::Store store(*engine.value());
  store.setStackBudgetFromHere(stackBudget());
  if (maxMemory) store.setMaxMemoryBytes(maxMemory);
  if (fuel) store.setFuel(fuelAmount);
  std::vector<wasm::Extern> imports;
  if (!linkImports(store, module->info(), &imports)) return 1;
  auto instance = store.instantiate(module, imports);
  if (!instance.ok()) {
    if (gExitCode >= 0) return gExitCode;  // proc_exit in the start function
    fprintf(stderr, "%s\n", instance.error().describe().c_str());
    return 1;
  }
  if (!invoke) {
    listExports(*module);
    return 0;
  }

  wasm::Extern ext;
  if (!instance.value()->getExport(invoke, &ext) || ext.kind != wasm::ExternKind::Func) {
    fprintf(stderr, "wasm-run: no exported function \"%s\"\n", invoke);
    return 1;
  }
  const wasm::FuncType& type = wasm::Store::funcType(ext.func);
  if (args.size() != type.params.size()) {
    fprintf(stderr, "wasm-run: %s has type %s: expected %zu arguments, got %zu\n", invoke,
            type.toString().c_str(), type.params.size(), args.size());
    return 1;
  }
  std::vector<Value> params(args.size()), results(type.results.size());
  for (size_t i = 0; i < args.size(); i++) {
    if (!parseArg(args[i], type.params[i], &params[i])) {
      fprintf(stderr, "wasm-run: argument %zu: \"%s\" is not a %s\n", i + 1, args[i],
              wasm::valTypeName(type.params[i]));
      return 1;
    }
  }
  for (size_t i = 0; i < results.size(); i++) results[i].type = type.results[i];

  if (fuel) store.setFuel(fuelAmount);
  double t1 = now();
  wasm::CallResult r = store.call(ext.func, params.data(), results.data());
  double runSeconds = now() - t1;
  if (fuel) fprintf(stderr, "fuel used: %" PRIu64 "\n", store.lastCallFuel());
  if (!r.ok()) {
    fflush(stdout);  // what the program wrote through fd_write comes first
    if (r.trap == wasm::TrapKind::HostError && gExitCode >= 0) return gExitCode;
    std::string msg = wasm::trapMessage(r.trap);
    if (r.trap == wasm::TrapKind::HostError && *store.hostError()) msg += std::string(": ") + store.hostError();
    fprintf(stderr, "trap: %s\n", msg.c_str());
    return 1;
  }
  if (bench) {
    printf("%" PRIu64 " %.6f %.6f\n", results.empty() ? 0 : unsignedBits(results[0]), runSeconds,
           compileSeconds);
    return 0;
  }
  for (const Value& v : results) printf("%s\n", v.toString().c_str());
  return 0;
}
