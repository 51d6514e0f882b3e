// PG zone. Host functions for guests. They run on the Wasm code's stack, called by the
// engine's host dispatcher: they must return normally, so every PostgreSQL call that can
// ereport sits inside PG_TRY, and a caught ERROR is parked (setPendingError) and returned
// as TrapKind::HostError; the call handler re-throws it after the engine has unwound.
#include "pg.h"

#include <cstring>
#include <ctime>

#include "guc.h"
#include "host_imports.h"
#include "statement.h"

extern "C" {
#include "port.h"
}

namespace pgwasm {

namespace {

using wasm::HostCall;
using wasm::TrapKind;
using wasm::Value;
using wasm::ValType;

// WASI errno values (wasi_snapshot_preview1).
constexpr uint32_t kEsuccess = 0;
constexpr uint32_t kEbadf = 8;
constexpr uint32_t kEinval = 28;
constexpr uint32_t kEnosys = 52;
constexpr uint32_t kEspipe = 70;

CallState* stateOf(HostCall& call) { return static_cast<CallState*>(call.env); }

// Guest memory range check: true if [addr, addr+len) lies inside memory 0.
uint8_t* guestRange(HostCall& call, uint64_t addr, uint64_t len) {
  wasm::Memory* mem = call.caller ? call.caller->memory(0) : nullptr;
  if (!mem || addr + len > mem->size()) return nullptr;
  return mem->data() + addr;
}

// Reports one line as a message; an ERROR on the way is parked, never thrown.
bool reportLine(const CallState* st, int stream, const char* text, size_t len) {
  MemoryContext cxt = CurrentMemoryContext;
  volatile bool ok = true;
  PG_TRY();
  {
    ereport(stream == 0 ? NOTICE : LOG,
            (errcode(ERRCODE_SUCCESSFUL_COMPLETION), errmsg_internal("%.*s", int(len), text),
             errcontext("wasm function %s, %s", st->functionName ? st->functionName : "?",
                        stream == 0 ? "stdout" : "stderr")));
  }
  PG_CATCH();
  {
    MemoryContextSwitchTo(cxt);
    setPendingError(CopyErrorData());
    FlushErrorState();
    ok = false;
  }
  PG_END_TRY();
  return ok;
}

// Emits one line of guest output as a message, within the statement's quota.
bool emitLine(CallState* st, int stream, const char* text, size_t len) {
  int* left = statementOutputLines();
  if (*left < 0) return true;
  if (*left == 0) {
    *left = -1;  // say it once per statement
    static const char kSuppressed[] = "further guest output of this statement is suppressed (wasm.output_lines)";
    return reportLine(st, stream, kSuppressed, sizeof kSuppressed - 1);
  }
  (*left)--;
  return reportLine(st, stream, text, len);
}

bool appendOutput(CallState* st, int stream, const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char c = char(p[i]);
    if (c == '\n' || st->lineLen[stream] == sizeof st->line[stream]) {
      if (!emitLine(st, stream, st->line[stream], st->lineLen[stream])) return false;
      st->lineLen[stream] = 0;
      if (c == '\n') continue;
    }
    st->line[stream][st->lineLen[stream]++] = c;
  }
  return true;
}

// fd_write(fd, iovs, iovs_len, nwritten) -> errno
TrapKind fdWrite(HostCall& call, const Value* a, Value* r) {
  uint32_t fd = a[0].asU32(), iovs = a[1].asU32(), n = a[2].asU32(), outp = a[3].asU32();
  if (fd != 1 && fd != 2) {
    r[0] = Value::i32(kEbadf);
    return TrapKind::None;
  }
  CallState* st = stateOf(call);
  uint64_t total = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint8_t* iov = guestRange(call, uint64_t(iovs) + 8ull * i, 8);
    if (!iov) return TrapKind::MemoryOutOfBounds;
    uint32_t buf, len;
    memcpy(&buf, iov, 4);
    memcpy(&len, iov + 4, 4);
    uint8_t* data = guestRange(call, buf, len);
    if (!data) return TrapKind::MemoryOutOfBounds;
    if (st && !appendOutput(st, int(fd - 1), data, len)) return TrapKind::HostError;
    total += len;
  }
  uint8_t* out = guestRange(call, outp, 4);
  if (!out) return TrapKind::MemoryOutOfBounds;
  uint32_t t = uint32_t(total);
  memcpy(out, &t, 4);
  r[0] = Value::i32(kEsuccess);
  return TrapKind::None;
}

// fd_fdstat_get(fd, buf) -> errno: stdout and stderr are character devices.
TrapKind fdFdstatGet(HostCall& call, const Value* a, Value* r) {
  uint32_t fd = a[0].asU32();
  if (fd != 1 && fd != 2) {
    r[0] = Value::i32(kEbadf);
    return TrapKind::None;
  }
  uint8_t* p = guestRange(call, a[1].asU32(), 24);
  if (!p) return TrapKind::MemoryOutOfBounds;
  memset(p, 0, 24);
  p[0] = 2;                      // filetype: character_device
  uint64_t rights = 1ull << 6;   // fd_write
  memcpy(p + 8, &rights, 8);
  r[0] = Value::i32(kEsuccess);
  return TrapKind::None;
}

TrapKind fdSeek(HostCall&, const Value* a, Value* r) {
  uint32_t fd = a[0].asU32();
  r[0] = Value::i32(fd == 1 || fd == 2 ? kEspipe : kEbadf);
  return TrapKind::None;
}

TrapKind badFd(HostCall&, const Value*, Value* r) {
  r[0] = Value::i32(kEbadf);
  return TrapKind::None;
}

// environ_sizes_get / args_sizes_get(count*, size*): nothing.
TrapKind zeroSizes(HostCall& call, const Value* a, Value* r) {
  uint8_t* c = guestRange(call, a[0].asU32(), 4);
  uint8_t* s = guestRange(call, a[1].asU32(), 4);
  if (!c || !s) return TrapKind::MemoryOutOfBounds;
  memset(c, 0, 4);
  memset(s, 0, 4);
  r[0] = Value::i32(kEsuccess);
  return TrapKind::None;
}

TrapKind succeed(HostCall&, const Value*, Value* r) {
  r[0] = Value::i32(kEsuccess);
  return TrapKind::None;
}

TrapKind notSupported(HostCall&, const Value*, Value* r) {
  r[0] = Value::i32(kEnosys);
  return TrapKind::None;
}

// clock_time_get(id, precision, time*) -> errno: realtime (0) and monotonic (1).
TrapKind clockTimeGet(HostCall& call, const Value* a, Value* r) {
  uint32_t id = a[0].asU32();
  if (id > 1) {
    r[0] = Value::i32(kEinval);
    return TrapKind::None;
  }
  uint8_t* p = guestRange(call, a[2].asU32(), 8);
  if (!p) return TrapKind::MemoryOutOfBounds;
  struct timespec ts;
  clock_gettime(id == 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts);
  uint64_t ns = uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
  memcpy(p, &ns, 8);
  r[0] = Value::i32(kEsuccess);
  return TrapKind::None;
}

// clock_res_get(id, res*) -> errno
TrapKind clockResGet(HostCall& call, const Value* a, Value* r) {
  if (a[0].asU32() > 1) {
    r[0] = Value::i32(kEinval);
    return TrapKind::None;
  }
  uint8_t* p = guestRange(call, a[1].asU32(), 8);
  if (!p) return TrapKind::MemoryOutOfBounds;
  uint64_t ns = 1;
  memcpy(p, &ns, 8);
  r[0] = Value::i32(kEsuccess);
  return TrapKind::None;
}

// random_get(buf, len) -> errno: the server's strong random source.
TrapKind randomGet(HostCall& call, const Value* a, Value* r) {
  uint8_t* p = guestRange(call, a[0].asU32(), a[1].asU32());
  if (!p) return TrapKind::MemoryOutOfBounds;
  r[0] = Value::i32(pg_strong_random(p, a[1].asU32()) ? kEsuccess : kEnosys);
  return TrapKind::None;
}

// proc_exit(code): ends the call with an error.
TrapKind procExit(HostCall& call, const Value* a, Value*) {
  char msg[64];
  snprintf(msg, sizeof msg, "guest called proc_exit(%d)", a[0].asI32());
  call.store->setHostError(msg);
  return TrapKind::HostError;
}

// pgwasm.arg_is_null(i32 index) -> i32
TrapKind argIsNull(HostCall& call, const Value* a, Value* r) {
  CallState* st = stateOf(call);
  uint32_t i = a[0].asU32();
  r[0] = Value::i32(st && st->argNulls && i < uint32_t(st->nargs) && st->argNulls[i] ? 1 : 0);
  return TrapKind::None;
}

// pgwasm.return_null()
TrapKind returnNull(HostCall& call, const Value*, Value*) {
  if (CallState* st = stateOf(call)) st->returnNull = true;
  return TrapKind::None;
}

struct HostEntry {
  const char* module;
  const char* name;
  const char* type;  // params "->" results, one letter per type: i I f F
  wasm::HostFn fn;
};

constexpr const char* kWasi = "wasi_snapshot_preview1";
const HostEntry kHost[] = {
    {kWasi, "fd_write", "iiii->i", fdWrite},
    {kWasi, "fd_fdstat_get", "ii->i", fdFdstatGet},
    {kWasi, "fd_seek", "iIii->i", fdSeek},
    {kWasi, "fd_close", "i->i", badFd},
    {kWasi, "fd_prestat_get", "ii->i", badFd},
    {kWasi, "fd_prestat_dir_name", "iii->i", badFd},
    {kWasi, "environ_sizes_get", "ii->i", zeroSizes},
    {kWasi, "environ_get", "ii->i", succeed},
    {kWasi, "args_sizes_get", "ii->i", zeroSizes},
    {kWasi, "args_get", "ii->i", succeed},
    {kWasi, "clock_time_get", "iIi->i", clockTimeGet},
    {kWasi, "clock_res_get", "ii->i", clockResGet},
    {kWasi, "random_get", "ii->i", randomGet},
    {kWasi, "sched_yield", "->i", succeed},
    {kWasi, "proc_exit", "i->", procExit},
    {"pgwasm", "arg_is_null", "i->i", argIsNull},
    {"pgwasm", "return_null", "->", returnNull},
};

wasm::FuncType parseType(const char* s) {
  wasm::FuncType t;
  bool results = false;
  for (; *s; s++) {
    ValType v;
    switch (*s) {
      case '-': results = true; s++; continue;
      case 'i': v = ValType::I32; break;
      case 'I': v = ValType::I64; break;
      case 'f': v = ValType::F32; break;
      default: v = ValType::F64; break;
    }
    (results ? t.results : t.params).push_back(v);
  }
  return t;
}

}  // namespace

bool resolveImport(const wasm::ExternDesc& im, wasm::HostFn* fn, void** env, void* resolverEnv,
                   char* why, size_t whyCap) {
  std::string desc = im.describe();
  if (im.kind != wasm::ExternKind::Func) {
    snprintf(why, whyCap, "module imports %s.%s (%s); pg-wasm provides functions only",
             im.module.c_str(), im.name.c_str(), desc.c_str());
    return false;
  }
  for (const HostEntry& h : kHost) {
    if (im.module != h.module || im.name != h.name) continue;
    wasm::FuncType want = parseType(h.type);
    if (want != im.func) {
      snprintf(why, whyCap, "module imports %s.%s as %s, but pg-wasm provides it as %s",
               h.module, h.name, im.func.toString().c_str(), want.toString().c_str());
      return false;
    }
    *fn = h.fn;
    *env = resolverEnv;
    return true;
  }
  // The rest of WASI preview 1 (files, sockets, polling): present, but "not supported".
  if (im.module == kWasi && im.func.results.size() == 1 && im.func.results[0] == ValType::I32) {
    *fn = notSupported;
    *env = resolverEnv;
    return true;
  }
  snprintf(why, whyCap, "module imports %s.%s (%s), which pg-wasm does not provide",
           im.module.c_str(), im.name.c_str(), desc.c_str());
  return false;
}

void flushGuestOutput(CallState* st) {
  for (int s = 0; s < 2; s++) {
    if (st->lineLen[s] == 0) continue;
    size_t n = st->lineLen[s];
    st->lineLen[s] = 0;
    if (!emitLine(st, s, st->line[s], n)) {
      if (void* e = takePendingError()) ReThrowError(static_cast<ErrorData*>(e));
    }
  }
}

}  // namespace pgwasm
