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

/** The ABI's allocator: a new heap for every call. */
export function pgwasm_alloc(size: u32): usize {
  heap.reset();
  return heap.alloc(size > 0 ? <usize>size : 1);
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
}
