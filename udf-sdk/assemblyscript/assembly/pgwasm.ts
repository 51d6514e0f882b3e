// pgwasm for AssemblyScript: pg-wasm guests (LANGUAGE wasm), type ABI version 2
// (udf-sdk/ABI.md). Compile with udf-sdk/assemblyscript/build.sh, which uses the stub
// runtime (a bump allocator without GC): pgwasm_alloc resets the whole heap before each
// call, so everything a call allocates lasts until the next call and nothing leaks. Keep no
// heap object (string, array, class instance) in a global across calls.
//
// An entry file re-exports the ABI's two exports and declares its functions with the raw
// Wasm types of ABI.md, reading and building values with the helpers below:
//
//   export { pgwasm_alloc, pgwasm_abi_v2 } from "pgwasm";
//   import { text, returnText } from "pgwasm";
//   export function shout(ptr: usize, len: u32): u64 { return returnText(text(ptr, len).toUpperCase()); }

// --- the host -------------------------------------------------------------------------------
@external("pgwasm", "arg_is_null") declare function host_arg_is_null(index: i32): i32;
@external("pgwasm", "return_null") declare function host_return_null(): void;
@external("wasi_snapshot_preview1", "fd_write")
declare function wasi_fd_write(fd: i32, iovs: usize, iovsLen: i32, written: usize): i32;
@external("wasi_snapshot_preview1", "random_get") declare function wasi_random_get(buf: usize, len: usize): i32;
@external("wasi_snapshot_preview1", "clock_time_get")
declare function wasi_clock_time_get(id: i32, precision: i64, time: usize): i32;

/** Whether SQL argument `index` (from 0) is NULL (functions declared without STRICT). */
export function argIsNull(index: i32): bool { return host_arg_is_null(index) != 0; }
/** Makes the call's SQL result NULL; the function's return value is then ignored. */
export function returnNull(): void { host_return_null(); }

/** The ABI marker: this module targets type ABI version 2. */
export function pgwasm_abi_v2(): void {}

// The end of the memory kept across calls (keepAlloc): each call's heap starts above it.
let keepTop: usize = 0;

/** The ABI's allocator: a new heap for every call (above what keepAlloc keeps). */
export function pgwasm_alloc(size: u32): usize {
  heap.reset();
  if (keepTop) {
    const first = heap.alloc(1);
    if (keepTop > first) heap.alloc(keepTop - first);
  }
  return heap.alloc(size > 0 ? <usize>size : 1);
}

/** Zeroed memory that outlives the call: aggregate states, what a window function keeps
 * for its partition. It is never freed (the instance goes after the statement), and the
 * call's heap below it is kept with it: keep memory a few times per statement, not per
 * row. Functions that take no argument in memory (no pgwasm_alloc per call) never reset
 * the heap: they must not allocate per call (no strings, arrays or objects), only keep. */
export function keepAlloc(size: usize): usize {
  const p = heap.alloc(size > 0 ? size : 1);
  memory.fill(p, 0, size);
  if (p + size > keepTop) keepTop = p + size;
  return p;
}

/** Writes a line to stderr: the server log, and a trap's DETAIL. */
export function printErr(s: string): void {
  const bytes = String.UTF8.encode(s + "\n");
  const iov = heap.alloc(8);
  store<u32>(iov, changetype<usize>(bytes));
  store<u32>(iov, <u32>bytes.byteLength, 4);
  wasi_fd_write(2, iov, 1, heap.alloc(4));
}

/** The abort handler (build.sh passes --use abort=...): the message reaches the client. */
export function pgwasm_abort(message: string | null, file: string | null, line: u32, column: u32): void {
  const m = message !== null ? <string>message : "", f = file !== null ? <string>file : "?";
  printErr("abort: " + m + " at " + f + ":" + line.toString() + ":" + column.toString());
  unreachable();
}

/** Random bytes from the server's strong random source. */
export function randomBytes(buf: usize, len: usize): void {
  if (wasi_random_get(buf, len) != 0) unreachable();
}
/** The realtime clock: nanoseconds since the Unix epoch. */
export function nowNanos(): i64 {
  const t = heap.alloc(8);
  if (wasi_clock_time_get(0, 1000, t) != 0) unreachable();
  return load<i64>(t);
}

// --- text and bytes -------------------------------------------------------------------------
/** A text-like argument (UTF-8) as a string. */
export function text(ptr: usize, len: u32): string { return String.UTF8.decodeUnsafe(ptr, len); }
/** A text result: (len << 32) | ptr of its UTF-8 bytes. */
export function returnText(s: string): u64 {
  const b = String.UTF8.encode(s);
  return (<u64>b.byteLength << 32) | <u64>changetype<usize>(b);
}
export function returnBytes(ptr: usize, len: u32): u64 { return (<u64>len << 32) | <u64>ptr; }

// --- dates and times --------------------------------------------------------------------------
export const DATE_INFINITY: i32 = i32.MAX_VALUE;
export const DATE_NEG_INFINITY: i32 = i32.MIN_VALUE;
export const TIMESTAMP_INFINITY: i64 = i64.MAX_VALUE;
export const TIMESTAMP_NEG_INFINITY: i64 = i64.MIN_VALUE;
export const MICROS_PER_DAY: i64 = 86400000000;
/** floor(a / b) for b > 0. */
export function floorDiv(a: i64, b: i64): i64 { return a / b - (a % b != 0 && a < 0 ? 1 : 0); }
/** Days since 1970-01-01 of a proleptic Gregorian date (as PostgreSQL's date), the year
 *  astronomical (0 is 1 BC). */
export function dateFromYmd(y: i32, m: i32, d: i32): i32 {
  const yy = <i64>y - (m <= 2 ? 1 : 0);
  const era = (yy >= 0 ? yy : yy - 399) / 400;
  const yoe = yy - era * 400;
  const mp = <i64>((m + 9) % 12);
  const doy = (153 * mp + 2) / 5 + <i64>d - 1;
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return <i32>(era * 146097 + doe - 719468);
}
/** A calendar date: year (astronomical: 0 is 1 BC), month and day, 1-based. */
export class Ymd {
  constructor(public year: i32, public month: i32, public day: i32) {}
}
/** The calendar date of days since 1970-01-01. */
export function ymdFromDate(days: i32): Ymd {
  const z = <i64>days + 719468;
  const era = (z >= 0 ? z : z - 146096) / 146097;
  const doe = z - era * 146097;
  const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const mp = (5 * doy + 2) / 153;
  const d = doy - (153 * mp + 2) / 5 + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return new Ymd(<i32>(yoe + era * 400 + (m <= 2 ? 1 : 0)), <i32>m, <i32>d);
}

// --- uuid -------------------------------------------------------------------------------------
/** A uuid argument arrives as two big-endian halves; its version is (hi >> 12) & 15. */
export function uuidVersion(hi: u64): i32 { return <i32>((hi >> 12) & 15); }
/** A uuid result: 16 bytes, hi then lo, big-endian. */
export function returnUuid(hi: u64, lo: u64): usize {
  const p = heap.alloc(16);
  store<u64>(p, bswap<u64>(hi));
  store<u64>(p, bswap<u64>(lo), 8);
  return p;
}

// --- arrays (ABI.md, "Arrays") ------------------------------------------------------------------
/** A one-dimensional array argument at `ptr`. */
export class ArrayArg {
  constructor(public ptr: usize) {}
  get count(): i32 { return <i32>load<u32>(this.ptr); }
  get lower(): i32 { return load<i32>(this.ptr, 4); }
  isNull(i: i32): bool {
    const nulls = <usize>load<u32>(this.ptr, 16);
    return nulls != 0 && load<u8>(nulls + <usize>i) != 0;
  }
  hasNulls(): bool {
    for (let i = 0; i < this.count; i++) if (this.isNull(i)) return true;
    return false;
  }
  private data(): usize { return <usize>load<u32>(this.ptr, 20); }
  f64(i: i32): f64 { return load<f64>(this.data() + (<usize>i << 3)); }
  i32(i: i32): i32 { return load<i32>(this.data() + (<usize>i << 2)); }
  i64(i: i32): i64 { return load<i64>(this.data() + (<usize>i << 3)); }
  /** Element i of a text-like array (check isNull first). */
  text(i: i32): string {
    const slot = this.data() + (<usize>i << 3);
    return String.UTF8.decodeUnsafe(<usize>load<u32>(slot), load<u32>(slot, 4));
  }
  row(i: i32): RowArg { return new RowArg(<usize>load<u32>(this.data() + (<usize>i << 2))); }
}

/** An array result of count slots of elemSize bytes, lower bound 1, all elements NULL
 *  until set. */
export class ArrayOut {
  ptr: usize;
  constructor(public count: i32, public elemSize: i32) {
    this.ptr = heap.alloc(24);
    const nulls = heap.alloc(<usize>max(count, 1));
    const data = heap.alloc(<usize>max(count * elemSize, 1));
    memory.fill(nulls, 1, <usize>count);
    memory.fill(data, 0, <usize>(count * elemSize));
    store<u32>(this.ptr, <u32>count);
    store<i32>(this.ptr, 1, 4);
    store<u32>(this.ptr, <u32>elemSize, 8);
    store<u32>(this.ptr, 0, 12);
    store<u32>(this.ptr, <u32>nulls, 16);
    store<u32>(this.ptr, <u32>data, 20);
  }
  private slot(i: i32): usize {
    if (i < 0 || i >= this.count) unreachable();
    store<u8>(<usize>load<u32>(this.ptr, 16) + <usize>i, 0);
    return <usize>load<u32>(this.ptr, 20) + <usize>(i * this.elemSize);
  }
  setF64(i: i32, v: f64): void { store<f64>(this.slot(i), v); }
  setI32(i: i32, v: i32): void { store<i32>(this.slot(i), v); }
  setI64(i: i32, v: i64): void { store<i64>(this.slot(i), v); }
  setText(i: i32, s: string): void {
    const b = String.UTF8.encode(s);
    const p = this.slot(i);
    store<u32>(p, <u32>changetype<usize>(b));
    store<u32>(p, <u32>b.byteLength, 4);
  }
  setBool(i: i32, v: bool): void { store<u8>(this.slot(i), v ? 1 : 0); }
  /** An element of an array of rows (elemSize 4). */
  setRow(i: i32, r: RowOut): void { store<u32>(this.slot(i), <u32>r.ptr); }
  setUuid(i: i32, hi: u64, lo: u64): void {
    const p = this.slot(i);
    store<u64>(p, bswap<u64>(hi));
    store<u64>(p, bswap<u64>(lo), 8);
  }
  /** Keeps the first n elements. */
  truncate(n: i32): void {
    if (n < 0 || n > this.count) unreachable();
    this.count = n;
    store<u32>(this.ptr, <u32>n);
  }
}

// --- rows (ABI.md, "Rows") ----------------------------------------------------------------------
/** A composite argument at `ptr`: fields in column order, dropped columns left out. */
export class RowArg {
  constructor(public ptr: usize) {}
  get count(): i32 { return <i32>load<u32>(this.ptr); }
  private field(i: i32): usize {
    if (i < 0 || i >= this.count) unreachable();
    return this.ptr + 8 + (<usize>i << 4);
  }
  isNull(i: i32): bool { return load<u32>(this.field(i), 12) != 0; }
  i32(i: i32): i32 { return load<i32>(this.field(i)); }
  i64(i: i32): i64 { return load<i64>(this.field(i)); }
  f64(i: i32): f64 { return load<f64>(this.field(i)); }
  text(i: i32): string {
    const f = this.field(i);
    return String.UTF8.decodeUnsafe(<usize>load<u32>(f), load<u32>(f, 8));
  }
  array(i: i32): ArrayArg { return new ArrayArg(<usize>load<u32>(this.field(i))); }
  row(i: i32): RowArg { return new RowArg(<usize>load<u32>(this.field(i))); }
  f32(i: i32): f32 { return load<f32>(this.field(i)); }
  bool(i: i32): bool { return load<u32>(this.field(i)) != 0; }
  /** date: days since 1970-01-01. */
  date(i: i32): i32 { return load<i32>(this.field(i)); }
  /** The address of a uuid's 16 bytes or an interval's block. */
  block(i: i32): usize { return <usize>load<u32>(this.field(i)); }
}

/** A row result (a composite type, or several OUT parameters): fields NULL until set. */
export class RowOut {
  ptr: usize;
  constructor(public count: i32) {
    this.ptr = heap.alloc(8 + (<usize>count << 4));
    store<u32>(this.ptr, <u32>count);
    store<u32>(this.ptr, 0, 4);
    for (let i = 0; i < count; i++) {
      const f = this.ptr + 8 + (<usize>i << 4);
      store<u64>(f, 0);
      store<u32>(f, 0, 8);
      store<u32>(f, 1, 12);
    }
  }
  private field(i: i32): usize {
    if (i < 0 || i >= this.count) unreachable();
    const f = this.ptr + 8 + (<usize>i << 4);
    store<u32>(f, 0, 12);
    return f;
  }
  setI32(i: i32, v: i32): void { store<u64>(this.field(i), <u64><u32>v); }
  setI64(i: i32, v: i64): void { store<i64>(this.field(i), v); }
  setF64(i: i32, v: f64): void { store<f64>(this.field(i), v); }
  setText(i: i32, s: string): void {
    const b = String.UTF8.encode(s);
    const f = this.field(i);
    store<u64>(f, <u64>changetype<usize>(b));
    store<u32>(f, <u32>b.byteLength, 8);
  }
  setF32(i: i32, v: f32): void { store<u64>(this.field(i), <u64>reinterpret<u32>(v)); }
  setBool(i: i32, v: bool): void { store<u64>(this.field(i), v ? 1 : 0); }
  /** date: days since 1970-01-01 (dateFromYmd). */
  setDate(i: i32, days: i32): void { store<u64>(this.field(i), <u64><u32>days); }
  /** timestamp, timestamptz: microseconds since 1970-01-01 (UTC). */
  setTimestamp(i: i32, micros: i64): void { store<i64>(this.field(i), micros); }
  /** bytea, or a text-like field from UTF-8 bytes. */
  setBytes(i: i32, ptr: usize, len: u32): void {
    const f = this.field(i);
    store<u64>(f, <u64>ptr);
    store<u32>(f, len, 8);
  }
  setUuid(i: i32, hi: u64, lo: u64): void { this.setBytes(i, returnUuid(hi, lo), 16); }
  setInterval(i: i32, micros: i64, days: i32, months: i32): void {
    const p = heap.alloc(16);
    store<i64>(p, micros);
    store<i32>(p, days, 8);
    store<i32>(p, months, 12);
    this.setBytes(i, p, 16);
  }
  /** A nested composite field. */
  setRow(i: i32, r: RowOut): void { store<u64>(this.field(i), <u64>r.ptr); }
  /** An array field. */
  setArray(i: i32, a: ArrayOut): void { store<u64>(this.field(i), <u64>a.ptr); }
  setNull(i: i32): void {
    const f = this.field(i);
    store<u64>(f, 0);
    store<u32>(f, 1, 12);
  }
  /** A row with r's fields (a trigger's NEW, to change and return). */
  static copyOf(r: RowArg): RowOut {
    const out = new RowOut(r.count);
    memory.copy(out.ptr + 8, r.ptr + 8, <usize>r.count << 4);
    return out;
  }
}

// --- sets and triggers (ABI.md, "Sets", "Triggers") --------------------------------------------
// A set-returning function takes its arguments and then `call: i64` (0 at the first call of
// a set) and returns an ArrayOut of the set's next rows (count 0 ends the set). Keep the
// set's position in a global of a value type (each set has a fresh instance).
//
// A trigger function is `export function f(event: usize): usize`: read the event with
// TriggerArg, return RowOut.copyOf(NEW), changed, to go on (BEFORE ROW), or 0 to skip.
export const TG_INSERT = 1;
export const TG_UPDATE = 2;
export const TG_DELETE = 4;
export const TG_TRUNCATE = 8;
export const TG_BEFORE = 16;
export const TG_AFTER = 32;
export const TG_INSTEAD = 64;
export const TG_ROW = 128;
export class TriggerArg {
  private r: RowArg;
  constructor(public ptr: usize) { this.r = new RowArg(ptr); }
  /** TG_* bits: the operation, the timing, and TG_ROW for a row trigger. */
  get event(): i32 { return this.r.i32(0); }
  get name(): string { return this.r.text(1); }
  get table(): string { return this.r.text(2); }
  get schema(): string { return this.r.text(3); }
  /** TG_ARGV. */
  get args(): ArrayArg { return this.r.array(4); }
  get hasNew(): bool { return !this.r.isNull(5); }
  get hasOld(): bool { return !this.r.isNull(6); }
  /** NEW (INSERT, UPDATE row triggers) and OLD (UPDATE, DELETE): check hasNew, hasOld. */
  get newRow(): RowArg { return this.r.row(5); }
  get oldRow(): RowArg { return this.r.row(6); }
  /** The field index of the table's column `name` in NEW and OLD, or -1. */
  column(name: string): i32 {
    const c = this.r.array(7);
    for (let i = 0; i < c.count; i++) if (c.text(i) == name) return i;
    return -1;
  }
}

// --- aggregate states (ABI.md, "Aggregate states") -------------------------------------------
// A wasm.state is an i32 handle (usize here): 0 for none yet, else what the module gave
// out, typically the address of keepAlloc'd memory. The module exports
// pgwasm_state_save(handle: usize): u64 (returnBytes of the state's bytes) and
// pgwasm_state_load(ptr: usize, len: u32): usize (a new handle, 0 to refuse the bytes).

// --- window functions (ABI.md, "Window functions") --------------------------------------------
// A window function takes the current row's arguments and then `row: i64` (0 starts a
// partition) and reads the rest of its window with these. Values of other rows are 8-byte
// slots: load<f64>(slot), load<i64>(slot), load<i32>(slot).
@external("pgwasm", "win_rows") declare function host_win_rows(): i64;
@external("pgwasm", "win_peers") declare function host_win_peers(a: i64, b: i64): i32;
@external("pgwasm", "win_arg") declare function host_win_arg(arg: i32, pos: i64, from: i32, out: usize): i32;
@external("pgwasm", "win_column")
declare function host_win_column(arg: i32, from: i64, count: u32, values: usize, nulls: usize): i32;
@external("pgwasm", "win_frame") declare function host_win_frame(arg: i32, values: usize, nulls: usize, cap: u32): i32;
export const WIN_PARTITION = 0;
export const WIN_CURRENT = 1;
export const WIN_FRAME_HEAD = 2;
export const WIN_FRAME_TAIL = 3;
export const WIN_VALUE = 0;
export const WIN_NULL = 1;
export const WIN_NONE = 2;
/** Rows in the partition. */
export function winRows(): i64 { return host_win_rows(); }
/** Whether rows a and b of the partition are ORDER BY peers. */
export function winPeers(a: i64, b: i64): bool { return host_win_peers(a, b) != 0; }
/** Argument `arg` of one row into the slot at `out`: WIN_VALUE, WIN_NULL or WIN_NONE. */
export function winArg(arg: i32, pos: i64, from: i32, out: usize): i32 { return host_win_arg(arg, pos, from, out); }
/** Argument `arg` of `count` partition rows from row `from` (slots, and a byte a row at
 * `nulls` unless 0): the number read. */
export function winColumn(arg: i32, from: i64, count: u32, values: usize, nulls: usize): i32 {
  return host_win_column(arg, from, count, values, nulls);
}
/** Argument `arg` of the frame's rows in order, at most `cap`: the number read. */
export function winFrame(arg: i32, values: usize, nulls: usize, cap: u32): i32 {
  return host_win_frame(arg, values, nulls, cap);
}

// --- jsonb in compact form (ABI.md, "jsonb in compact form") ---------------------------------
// An export `f` gets its jsonb arguments in jsonb's binary form when the entry file also
// exports the marker `export function pgwasm_jsonb_compact__f(): void {}`; read them in
// place with Jsonb.root(ptr, len). Reads are range-checked: a damaged value is NONE.
export enum JsonKind { NONE, NULL, STRING, NUMBER, BOOL, ARRAY, OBJECT }

function pad4(n: u32): u32 { return (4 - (n & 3)) & 3; }

export class Jsonb {
  constructor(public kind: JsonKind, public ptr: usize, public len: u32, public boolean: bool = false) {}

  /** The document: a jsonb argument's (ptr, len). A scalar is stored as an array of one. */
  static root(ptr: usize, len: u32): Jsonb {
    if (len < 4) return new Jsonb(JsonKind.NONE, 0, 0);
    const h = load<u32>(ptr);
    const v = new Jsonb((h & 0x20000000) != 0 ? JsonKind.OBJECT : JsonKind.ARRAY, ptr, len);
    if ((h & 0x10000000) != 0) return v.kids() == 1 ? v.child(1, 0) : new Jsonb(JsonKind.NONE, 0, 0);
    return v;
  }

  /** Entries of a container that fits in its bytes, else 0. */
  private kids(): u32 {
    if ((this.kind != JsonKind.ARRAY && this.kind != JsonKind.OBJECT) || this.len < 4) return 0;
    const n = load<u32>(this.ptr) & 0x0FFFFFFF;
    const kids: u32 = this.kind == JsonKind.OBJECT ? n * 2 : n;
    return kids <= (this.len - 4) / 4 ? kids : 0;
  }

  private child(kids: u32, i: u32): Jsonb {
    const entries = this.ptr + 4;
    const dataLen = this.len - 4 - 4 * kids;
    let start: u32 = 0;
    for (let k = <i32>i - 1; k >= 0; k--) {
      const e = load<u32>(entries + 4 * <usize>k);
      start += e & 0x0FFFFFFF;
      if ((e & 0x80000000) != 0) break;
    }
    const e = load<u32>(entries + 4 * <usize>i);
    const off = e & 0x0FFFFFFF;
    if ((e & 0x80000000) != 0 && off < start) return new Jsonb(JsonKind.NONE, 0, 0);
    let len = (e & 0x80000000) != 0 ? off - start : off;
    if (start > dataLen || len > dataLen - start) return new Jsonb(JsonKind.NONE, 0, 0);
    const t = (e >> 28) & 7;
    if (t == 1 || t == 5) {  // numbers and containers are 4-aligned
      const pad = pad4(start);
      if (pad > len) return new Jsonb(JsonKind.NONE, 0, 0);
      start += pad;
      len -= pad;
    }
    const p = entries + 4 * <usize>kids + <usize>start;
    if (t == 0) return new Jsonb(JsonKind.STRING, p, len);
    if (t == 1) return new Jsonb(JsonKind.NUMBER, p, len);
    if (t == 2 || t == 3) return new Jsonb(JsonKind.BOOL, p, len, t == 3);
    if (t == 4) return new Jsonb(JsonKind.NULL, p, len);
    if (t == 5 && len >= 4)
      return new Jsonb((load<u32>(p) & 0x20000000) != 0 ? JsonKind.OBJECT : JsonKind.ARRAY, p, len);
    return new Jsonb(JsonKind.NONE, 0, 0);
  }

  /** Elements of an array, pairs of an object, 0 for anything else. */
  get size(): i32 { return this.kids() == 0 ? 0 : <i32>(load<u32>(this.ptr) & 0x0FFFFFFF); }

  /** Element i of an array. */
  element(i: i32): Jsonb {
    const kids = this.kids();
    if (this.kind != JsonKind.ARRAY || i < 0 || <u32>i >= kids) return new Jsonb(JsonKind.NONE, 0, 0);
    return this.child(kids, <u32>i);
  }
  /** Key i and value i of an object, in jsonb's order (shorter keys first, then bytewise). */
  key(i: i32): Jsonb {
    const kids = this.kids();
    if (this.kind != JsonKind.OBJECT || i < 0 || <u32>i >= kids / 2) return new Jsonb(JsonKind.NONE, 0, 0);
    return this.child(kids, <u32>i);
  }
  value(i: i32): Jsonb {
    const kids = this.kids();
    if (this.kind != JsonKind.OBJECT || i < 0 || <u32>i >= kids / 2) return new Jsonb(JsonKind.NONE, 0, 0);
    return this.child(kids, kids / 2 + <u32>i);
  }

  /** The value of a key given as UTF-8 bytes (ptr, len), by binary search. */
  getBytes(kp: usize, kl: u32): Jsonb {
    const kids = this.kids();
    if (this.kind != JsonKind.OBJECT) return new Jsonb(JsonKind.NONE, 0, 0);
    let lo: u32 = 0, hi: u32 = kids / 2;
    while (lo < hi) {
      const mid = lo + (hi - lo) / 2;
      const k = this.child(kids, mid);
      const cmp = k.len != kl ? (k.len < kl ? -1 : 1) : memory.compare(k.ptr, kp, <usize>kl);
      if (cmp == 0) return this.child(kids, kids / 2 + mid);
      if (cmp < 0) lo = mid + 1;
      else hi = mid;
    }
    return new Jsonb(JsonKind.NONE, 0, 0);
  }
  get(key: string): Jsonb {
    const b = String.UTF8.encode(key);
    return this.getBytes(changetype<usize>(b), <u32>b.byteLength);
  }

  /** A string's text. */
  str(): string { return this.kind == JsonKind.STRING ? String.UTF8.decodeUnsafe(this.ptr, this.len) : ""; }

  /** A number as exact decimal text, as PostgreSQL prints it; "" if not a number. */
  numberText(): string {
    if (this.kind != JsonKind.NUMBER || this.len < 1) return "";
    const p = this.ptr;
    const b0 = load<u8>(p);
    let size: u32, hdr: u32;
    if ((b0 & 1) != 0) { size = b0 >> 1; hdr = 1; }
    else { if (this.len < 4) return ""; size = load<u32>(p) >> 2; hdr = 4; }
    if (size > this.len || size < hdr + 2) return "";
    const h = <u32>load<u16>(p + hdr);
    if (h == 0xC000) return "NaN";
    if (h == 0xD000) return "Infinity";
    if (h == 0xF000) return "-Infinity";
    let neg: bool, dscale: i32, weight: i32, first: u32;
    if ((h & 0xC000) == 0x8000) {
      neg = (h & 0x2000) != 0;
      dscale = <i32>((h & 0x1F80) >> 7);
      weight = (h & 0x40) != 0 ? <i32>(h & 0x3F) - 64 : <i32>(h & 0x3F);
      first = hdr + 2;
    } else {
      if ((h & 0xC000) == 0xC000 || size < hdr + 4) return "";
      neg = (h & 0xC000) == 0x4000;
      dscale = <i32>(h & 0x3FFF);
      weight = <i32>load<i16>(p + hdr + 2);
      first = hdr + 4;
    }
    const ndigits = <i32>((size - first) / 2);
    let s = neg ? "-" : "";
    let d: i32;
    if (weight < 0) { d = weight + 1; s += "0"; }
    else {
      for (d = 0; d <= weight; d++) {
        const g = d < ndigits ? <i32>load<u16>(p + first + 2 * <usize>d) : 0;
        s += d == 0 ? g.toString() : g.toString().padStart(4, "0");
      }
    }
    if (dscale > 0) {
      let frac = "";
      for (; frac.length < dscale; d++) {
        const g = d >= 0 && d < ndigits ? <i32>load<u16>(p + first + 2 * <usize>d) : 0;
        frac += g.toString().padStart(4, "0");
      }
      s += "." + frac.substring(0, dscale);
    }
    return s;
  }
  /** A number as the nearest f64. */
  toF64(): f64 { return parseFloat(this.numberText()); }
}
