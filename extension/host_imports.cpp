// PG zone. SAFETY-CRITICAL. Host functions for guests. They run on the Wasm code's stack,
// called by the engine's host dispatcher: they must return normally, so every PostgreSQL
// call that can ereport runs guarded (pg_guard.h), and a caught ERROR is returned as
// TrapKind::HostError; the call handler re-throws it after the engine has unwound. Work
// that grows with what the guest asks for (bytes written, random bytes) is done in
// pieces, each charged fuel in proportion to its cost (fd_write one unit per iovec and
// per 16 bytes; random_get, whose source is much slower than memory, one per byte) and
// each after an interrupt poll (Store::chargeHostWork), so a cancel or a timeout stops it.
#include "pg.h"

#include <cstring>
#include <ctime>

#include "guc.h"
#include "host_imports.h"
#include "window_imports.h"
#include "pg_guard.h"
#include "server_text.h"
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


// Host work is done and charged in pieces of this many bytes.
constexpr uint32_t kPiece = 64 * 1024;
constexpr uint64_t kFuelBytes = 16;


// Reports one line as a message (in the database encoding, whatever bytes the guest
// wrote); an ERROR on the way is parked, never thrown.
bool reportLine(const CallState* st, int stream, const char* text, size_t len) {
  return guarded([&] {
    ereport(stream == 0 ? NOTICE : LOG,
            (errcode(ERRCODE_SUCCESSFUL_COMPLETION), errmsg_internal("%s", guestText(text, len)),
             errcontext("wasm function %s, %s", st->functionName ? st->functionName : "?",
                        stream == 0 ? "stdout" : "stderr")));
  });
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

// Keeps the last kTail bytes written to stderr.
void keepTail(CallState* st, const uint8_t* p, size_t n) {
  size_t from = n > CallState::kTail ? n - CallState::kTail : 0;
  for (size_t i = from; i < n; i++) st->stderrTail[(st->stderrTailEnd + i - from) % CallState::kTail] = char(p[i]);
  st->stderrTailEnd += n - from;
}

// Appends guest output to the stream's line; stops looking at bytes once the statement's
// quota is spent (they are written nowhere).
bool appendOutput(CallState* st, int stream, const uint8_t* p, size_t n) {
  if (stream == 1) keepTail(st, p, n);
  for (size_t i = 0; i < n && *statementOutputLines() >= 0; i++) {
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
    if (TrapKind k = call.store->chargeHostWork(1); k != TrapKind::None) return k;
    uint8_t* iov = guestRange(call, uint64_t(iovs) + 8ull * i, 8);
    if (!iov) return TrapKind::MemoryOutOfBounds;
    uint32_t buf, len;
    memcpy(&buf, iov, 4);
    memcpy(&len, iov + 4, 4);
    uint8_t* data = guestRange(call, buf, len);
    if (!data) return TrapKind::MemoryOutOfBounds;
    for (uint32_t off = 0; off < len; off += kPiece) {
      uint32_t piece = len - off < kPiece ? len - off : kPiece;
      if (TrapKind k = call.store->chargeHostWork(piece / kFuelBytes); k != TrapKind::None) return k;
      if (st && !appendOutput(st, int(fd - 1), data + off, piece)) return TrapKind::HostError;
    }
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
  uint32_t len = a[1].asU32();
  uint8_t* p = guestRange(call, a[0].asU32(), len);
  if (!p) return TrapKind::MemoryOutOfBounds;
  for (uint32_t off = 0; off < len; off += kPiece) {
    uint32_t piece = len - off < kPiece ? len - off : kPiece;
    if (TrapKind k = call.store->chargeHostWork(1 + uint64_t(piece)); k != TrapKind::None) return k;
    if (!pg_strong_random(p + off, piece)) {
      r[0] = Value::i32(kEnosys);
      return TrapKind::None;
    }
  }
  r[0] = Value::i32(kEsuccess);
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
  r[0] = Value::i32(st && st->args && i < uint32_t(st->nargs) && st->args[i].isnull ? 1 : 0);
  return TrapKind::None;
}

// pgwasm.return_null()
TrapKind returnNull(HostCall& call, const Value*, Value*) {
  if (CallState* st = stateOf(call)) st->returnNull = true;
  return TrapKind::None;
}

wasm::ValType typeOfLetter(char c) {
  switch (c) {
    case 'i': return ValType::I32;
    case 'I': return ValType::I64;
    case 'f': return ValType::F32;
    default: return ValType::F64;
  }
}

// Does the import's function type equal the entry's?
bool sameType(const ExternEntry& im, const char* spec) {
  const char* arrow = strstr(spec, "->");
  uint32_t np = uint32_t(arrow - spec), nr = uint32_t(strlen(arrow + 2));
  if (im.nparams != np || im.nresults != nr) return false;
  for (uint32_t i = 0; i < np; i++)
    if (im.params[i] != typeOfLetter(spec[i])) return false;
  for (uint32_t i = 0; i < nr; i++)
    if (im.results[i] != typeOfLetter(arrow[2 + i])) return false;
  return true;
}

// "(i32, i32) -> i32" for an entry's type.
void typeText(const char* spec, char* buf, size_t cap) {
  ValType params[8], results[2];
  const char* arrow = strstr(spec, "->");
  uint32_t np = uint32_t(arrow - spec), nr = uint32_t(strlen(arrow + 2));
  for (uint32_t i = 0; i < np; i++) params[i] = typeOfLetter(spec[i]);
  for (uint32_t i = 0; i < nr; i++) results[i] = typeOfLetter(arrow[2 + i]);
  bridgeSignatureText(params, np, results, nr, buf, cap);
}

constexpr const char* kWasi = "wasi_snapshot_preview1";
const HostImport kHost[] = {
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

}  // namespace

bool resolveImport(const ExternEntry& im, wasm::HostFn* fn, void** env, void* resolverEnv, char* why,
                   size_t whyCap) {
  if (im.kind != wasm::ExternKind::Func) {
    snprintf(why, whyCap, "module imports %s.%s (%s); pg-wasm provides functions only", im.module, im.name,
             im.type);
    return false;
  }
  const HostImport* h = nullptr;
  for (const HostImport& e : kHost)
    if (strcmp(im.module, e.module) == 0 && strcmp(im.name, e.name) == 0) h = &e;
  for (int i = 0; i < kNumWindowImports && !h; i++)
    if (strcmp(im.module, kWindowImports[i].module) == 0 && strcmp(im.name, kWindowImports[i].name) == 0)
      h = &kWindowImports[i];
  if (h) {
    if (!sameType(im, h->type)) {
      char want[128], have[256];
      typeText(h->type, want, sizeof want);
      bridgeEntryTypeText(im, have, sizeof have);
      snprintf(why, whyCap, "module imports %s.%s as %s, but pg-wasm provides it as %s", h->module, h->name,
               have, want);
      return false;
    }
    *fn = h->fn;
    *env = resolverEnv;
    return true;
  }
  // The rest of WASI preview 1 (files, sockets, polling): present, but "not supported".
  if (strcmp(im.module, kWasi) == 0 && im.nresults == 1 && im.results[0] == ValType::I32) {
    *fn = notSupported;
    *env = resolverEnv;
    return true;
  }
  char have[256];
  bridgeEntryTypeText(im, have, sizeof have);
  snprintf(why, whyCap, "module imports %s.%s (func %s), which pg-wasm does not provide", im.module, im.name,
           have);
  return false;
}

void stderrTail(const CallState* st, int lines, char* buf, size_t cap) {
  if (cap == 0) return;
  buf[0] = '\0';
  size_t have = st->stderrTailEnd < CallState::kTail ? st->stderrTailEnd : CallState::kTail;
  // The tail in order, without a final newline, then its last `lines` lines.
  char tmp[CallState::kTail + 1];
  size_t start = st->stderrTailEnd - have;
  for (size_t i = 0; i < have; i++) tmp[i] = st->stderrTail[(start + i) % CallState::kTail];
  while (have && (tmp[have - 1] == '\n' || tmp[have - 1] == '\r')) have--;
  tmp[have] = '\0';
  size_t from = have;
  for (int k = 0; k < lines && from > 0;) {
    from--;
    if (tmp[from] == '\n' && ++k == lines) {
      from++;
      break;
    }
  }
  // Only what the database can show, cut at a character boundary.
  char* text = guestText(tmp + from, have - from);
  size_t out = strlen(text);
  if (out >= cap) out = size_t(pg_mbcliplen(text, int(out), int(cap - 1)));
  memcpy(buf, text, out);
  buf[out] = '\0';
  pfree(text);
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
