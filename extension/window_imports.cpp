// PG zone. SAFETY-CRITICAL. The pgwasm.win_* host functions: what a window function
// (CREATE FUNCTION ... WINDOW LANGUAGE wasm, window_function.cpp) reads of its partition
// and frame (udf-sdk/ABI.md, "Window functions"). They are PostgreSQL's window API
// (windowapi.h) with positions as i64 and values of other rows as 8-byte slots:
//
//   win_rows() -> i64                          rows in the partition
//   win_peers(i64 a, i64 b) -> i32             rows a and b are ORDER BY peers (1) or not
//   win_arg(i32 arg, i64 pos, i32 from, i32 out) -> i32
//       argument `arg` of one row into the slot at `out`: from 0 is row `pos` of the
//       partition, 1 the current row + pos, 2 the frame's first row + pos, 3 its last row
//       + pos (pos <= 0); 0 = a value, 1 = NULL, 2 = no such row (outside the partition or
//       the frame, as PostgreSQL's isout)
//   win_column(i32 arg, i64 from, i32 count, i32 values, i32 nulls) -> i32
//       the argument of `count` rows from row `from` (fewer at the partition's end: the
//       number read), slots at `values`, a byte per row at `nulls` (1: NULL; 0: none)
//   win_frame(i32 arg, i32 values, i32 nulls, i32 cap) -> i32
//       the argument of the frame's rows in order (PostgreSQL's EXCLUDE skipped), at most
//       cap: the number read
//
// The bulk reads are why the API is fast here: a guest takes its whole partition (or a
// frame) in one host call and then works in its own memory, with no host call per value
// (the partition-at-once design of DuckDB's Wasm extension), while PostgreSQL still
// evaluates and spools the rows (its tuplestore, which spills to disk under work_mem).
// Arguments read at other rows are those passed by value (integers, floats, bool, dates,
// times, timestamps, ...): the slot holds the Wasm value (i32 and f32 in its low 4 bytes).
//
// Every count, position and address comes from the guest: ranges are checked in 64 bits
// against its memory before anything is written, positions outside int (PostgreSQL's
// relpos) are "no such row" without asking PostgreSQL,
// rows are read in pieces each charged fuel (one unit a row) after an interrupt poll, and
// PostgreSQL runs guarded (pg_guard.h): an ERROR becomes a host trap, re-thrown once the
// engine has unwound.
#include "pg.h"

#include "host_imports.h"
#include "fuel.h"
#include "pg_guard.h"
#include "type_codec.h"
#include "window_imports.h"

PGWASM_PG_HEADERS_BEGIN
#include "windowapi.h"
PGWASM_PG_HEADERS_END

namespace pgwasm {

namespace {

using wasm::HostCall;
using wasm::TrapKind;
using wasm::Value;

// PostgreSQL's window API takes positions as int: beyond, there is no such row.
constexpr int64_t kMaxReach = INT32_MAX;
constexpr uint32_t kPieceRows = 1024;              // rows read between fuel charges

// An ERROR with this SQLSTATE, parked for the call handler; the guest traps.
template <typename... A>
TrapKind raise(int sqlstate, const char* fmt, A... a) {
  guarded([&] { ereport(ERROR, (errcode(sqlstate), errmsg_internal(fmt, a...))); });
  return TrapKind::HostError;
}

// The window the call runs in, or a trap for a function that is not a window function.
WindowObject windowOf(HostCall& call, const char* import) {
  CallState* st = stateOf(call);
  if (st && st->window) return static_cast<WindowObject>(st->window);
  raise(ERRCODE_FEATURE_NOT_SUPPORTED, "pgwasm.%s can only be called by a window function (CREATE FUNCTION ... WINDOW)",
        import);
  return nullptr;
}

// Argument `arg`'s codec, if it can be read at other rows; else a trap.
const ValueCodec* readableArg(HostCall& call, uint32_t arg, const char* import) {
  CallState* st = stateOf(call);
  if (arg >= uint32_t(st->nargs)) {
    raise(ERRCODE_INVALID_PARAMETER_VALUE,
          "wasm window function %s asked pgwasm.%s for argument index %u, but it has %d argument(s) (indexes "
          "count from 0)",
          st->functionName, import, arg, st->nargs);
    return nullptr;
  }
  const ValueCodec* c = &st->windowArgs[arg];
  if (c->split || inMemory(c->form)) {
    raise(ERRCODE_FEATURE_NOT_SUPPORTED,
          "wasm window function %s cannot read argument %u (%s) at other rows: pgwasm.%s reads arguments passed "
          "by value (integers, floats, bool, dates and times)",
          st->functionName, arg + 1, c->typeName, import);
    return nullptr;
  }
  return c;
}

// Runs PostgreSQL code that evaluates rows (guarded): their arguments may call Wasm
// functions, which need fuel of their own, so the running call lends what it has left
// to the statement meanwhile and takes back what it can (fuel.h).
template <typename F>
bool evaluating(HostCall& call, F&& body) {
  if (!stateOf(call)->meteredCode || !fuelMetered()) return guarded(body);
  uint64_t lent = call.store->fuel();
  fuelLend(lent);
  call.store->setFuel(0);
  bool ok = guarded(body);
  call.store->setFuel(fuelTakeBack(lent));
  return ok;
}

enum From : uint32_t { kPartition = 0, kCurrent = 1, kFrameHead = 2, kFrameTail = 3 };

// One row's argument (PostgreSQL may ERROR: call guarded). False: no such row.
bool fetch(WindowObject w, uint32_t arg, uint32_t from, int64_t pos, Datum* d, bool* isnull) {
  bool isout = false;
  if (pos < -kMaxReach || pos > kMaxReach) return false;  // before the int relpos PostgreSQL takes
  switch (from) {
    case kPartition:
      if (pos < 0) return false;
      *d = WinGetFuncArgInPartition(w, int(arg), pos, WINDOW_SEEK_HEAD, false, isnull, &isout);
      break;
    case kCurrent: *d = WinGetFuncArgInPartition(w, int(arg), pos, WINDOW_SEEK_CURRENT, false, isnull, &isout); break;
    case kFrameHead: *d = WinGetFuncArgInFrame(w, int(arg), pos, WINDOW_SEEK_HEAD, false, isnull, &isout); break;
    default: *d = WinGetFuncArgInFrame(w, int(arg), pos, WINDOW_SEEK_TAIL, false, isnull, &isout); break;
  }
  return !isout;
}

void putSlot(uint8_t* slot, const ValueCodec* c, Datum d, bool isnull, ValuePath* path) {
  uint64_t bits = isnull ? 0 : c->rule->toBits(d, path);
  memcpy(slot, &bits, 8);
}

// win_rows() -> i64
TrapKind winRows(HostCall& call, const Value*, Value* r) {
  WindowObject w = windowOf(call, "win_rows");
  if (!w) return TrapKind::HostError;
  int64 n = 0;
  if (!evaluating(call, [&] { n = WinGetPartitionRowCount(w); })) return TrapKind::HostError;  // reads rows
  r[0] = Value::i64(n);
  return TrapKind::None;
}

// win_peers(i64 a, i64 b) -> i32
TrapKind winPeers(HostCall& call, const Value* a, Value* r) {
  WindowObject w = windowOf(call, "win_peers");
  if (!w) return TrapKind::HostError;
  int64_t p1 = a[0].asI64(), p2 = a[1].asI64();
  bool peers = false, inside = true;
  int64 rows = 0;
  if (!evaluating(call, [&] {
        rows = WinGetPartitionRowCount(w);
        inside = p1 >= 0 && p1 < rows && p2 >= 0 && p2 < rows;
        if (inside) peers = WinRowsArePeers(w, p1, p2);
      }))
    return TrapKind::HostError;
  if (!inside)
    return raise(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
                 "wasm window function %s asked pgwasm.win_peers about rows %lld and %lld of a partition of %lld rows",
                 stateOf(call)->functionName, (long long)p1, (long long)p2, (long long)rows);
  r[0] = Value::i32(peers ? 1 : 0);
  return TrapKind::None;
}

// win_arg(i32 arg, i64 pos, i32 from, i32 out) -> i32 status
TrapKind winArg(HostCall& call, const Value* a, Value* r) {
  WindowObject w = windowOf(call, "win_arg");
  if (!w) return TrapKind::HostError;
  uint32_t arg = a[0].asU32(), from = a[2].asU32();
  const ValueCodec* c = readableArg(call, arg, "win_arg");
  if (!c) return TrapKind::HostError;
  if (from > kFrameTail)
    return raise(ERRCODE_INVALID_PARAMETER_VALUE, "wasm window function %s called pgwasm.win_arg with from = %u (0 to 3)",
                 stateOf(call)->functionName, from);
  if (!guestRange(call, a[3].asU32(), 8)) return TrapKind::MemoryOutOfBounds;
  if (TrapKind k = call.store->chargeHostWork(1); k != TrapKind::None) return k;
  Datum d = 0;
  bool isnull = false, found = false;
  uint64_t bits = 0;
  ValuePath path;
  path.functionName = stateOf(call)->functionName;
  if (!evaluating(call, [&] {
        found = fetch(w, arg, from, a[1].asI64(), &d, &isnull);
        if (found && !isnull) bits = c->rule->toBits(d, &path);
      }))
    return TrapKind::HostError;
  memcpy(guestRange(call, a[3].asU32(), 8), &bits, 8);
  r[0] = Value::i32(!found ? 2 : isnull ? 1 : 0);
  return TrapKind::None;
}

// Reads rows first.. (partition: from row `first`; frame: from its head) into the guest's
// slots and null bytes, at most `count`, in pieces; stops at the first row that is not
// there. The number read, or a trap.
TrapKind readRows(HostCall& call, const char* import, uint32_t arg, uint32_t from, int64_t first, uint32_t count,
                  uint32_t values, uint32_t nulls, Value* r) {
  WindowObject w = windowOf(call, import);
  if (!w) return TrapKind::HostError;
  const ValueCodec* c = readableArg(call, arg, import);
  if (!c) return TrapKind::HostError;
  if (!guestRange(call, values, uint64_t(count) * 8) || (nulls && !guestRange(call, nulls, count)))
    return TrapKind::MemoryOutOfBounds;
  ValuePath path;
  path.functionName = stateOf(call)->functionName;
  uint32_t n = 0;
  bool more = true;
  while (more && n < count) {
    uint32_t piece = count - n < kPieceRows ? count - n : kPieceRows;
    if (TrapKind k = call.store->chargeHostWork(piece); k != TrapKind::None) return k;
    // Memory does not move while PostgreSQL evaluates the rows (nothing runs in this
    // instance meanwhile); its address is taken again for each piece all the same.
    uint8_t* vals = guestRange(call, values, uint64_t(count) * 8);
    uint8_t* nbytes = nulls ? guestRange(call, nulls, count) : nullptr;
    if (!vals || (nulls && !nbytes)) return TrapKind::MemoryOutOfBounds;
    if (!evaluating(call, [&] {
          for (uint32_t i = 0; i < piece; i++) {
            Datum d = 0;
            bool isnull = false;
            int64_t pos = first > kMaxReach ? first : first + int64_t(n);
            if (!fetch(w, arg, from, pos, &d, &isnull)) {
              more = false;
              return;
            }
            putSlot(vals + uint64_t(n) * 8, c, d, isnull, &path);
            if (nbytes) nbytes[n] = isnull ? 1 : 0;
            n++;
          }
        }))
      return TrapKind::HostError;
  }
  r[0] = Value::i32(int32_t(n));
  return TrapKind::None;
}

// win_column(i32 arg, i64 from, i32 count, i32 values, i32 nulls) -> i32 read
TrapKind winColumn(HostCall& call, const Value* a, Value* r) {
  int64_t first = a[1].asI64();
  if (first < 0 || first > kMaxReach) first = kMaxReach + 1;  // no such row
  return readRows(call, "win_column", a[0].asU32(), kPartition, first, a[2].asU32(), a[3].asU32(), a[4].asU32(), r);
}

// win_frame(i32 arg, i32 values, i32 nulls, i32 cap) -> i32 read
TrapKind winFrame(HostCall& call, const Value* a, Value* r) {
  return readRows(call, "win_frame", a[0].asU32(), kFrameHead, 0, a[3].asU32(), a[1].asU32(), a[2].asU32(), r);
}

}  // namespace

const HostImport kWindowImports[] = {
    {"pgwasm", "win_rows", "->I", winRows},
    {"pgwasm", "win_peers", "II->i", winPeers},
    {"pgwasm", "win_arg", "iIii->i", winArg},
    {"pgwasm", "win_column", "iIiii->i", winColumn},
    {"pgwasm", "win_frame", "iiii->i", winFrame},
};
const int kNumWindowImports = sizeof kWindowImports / sizeof kWindowImports[0];

}  // namespace pgwasm
