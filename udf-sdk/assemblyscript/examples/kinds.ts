// pg-wasm examples in AssemblyScript beyond scalar functions: a tokenizer returning a set,
// an email-normalising trigger, a median and an HLL distinct-count aggregate (wasm.state,
// parallel-safe), and a moving-average window function. Built by udf-sdk/assemblyscript/build.sh;
// sql/assemblyscript.sql declares and checks them against the C examples and SQL.
export { pgwasm_alloc, pgwasm_abi_v2 } from "pgwasm";
import { ArrayOut, RowOut, TriggerArg, argIsNull, keepAlloc, returnBytes, returnNull, text, winFrame, winRows } from "pgwasm";

function isWordByte(c: u8): bool {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c >= 0x80;
}
function lowerAscii(p: usize, n: u32): string {
  const b = heap.alloc(<usize>max(n, 1));
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(p + <usize>i);
    store<u8>(b + <usize>i, c >= 65 && c <= 90 ? c + 32 : c);
  }
  return String.UTF8.decodeUnsafe(b, n);
}

// Where the set is in its text (a value-type global: each set starts afresh).
let pos: u32 = 0;

// tokens(text) RETURNS SETOF text: the words (runs of [0-9A-Za-z_] and non-ASCII), ASCII
// lower-cased, 256 a call; an empty batch ends the set.
export function tokens(p: usize, len: u32, call: i64): usize {
  if (call == 0) pos = 0;
  const words = new Array<string>();
  let i = pos;
  while (words.length < 256) {
    while (i < len && !isWordByte(load<u8>(p + <usize>i))) i++;
    if (i == len) break;
    const start = i;
    while (i < len && isWordByte(load<u8>(p + <usize>i))) i++;
    words.push(lowerAscii(p + <usize>start, i - start));
  }
  pos = i;
  const out = new ArrayOut(words.length, 8);
  for (let k = 0; k < words.length; k++) out.setText(k, words[k]);
  return out.ptr;
}

// normalize_email(): BEFORE INSERT OR UPDATE, FOR EACH ROW. The column TG_ARGV[0] (default
// "email") of NEW trimmed and ASCII lower-cased; a row whose address has no '@' in the
// middle is skipped (0). A NULL address stays NULL.
export function normalize_email(event: usize): usize {
  const tg = new TriggerArg(event);
  if (!tg.hasNew) return 0;
  const name = tg.args.count > 0 ? tg.args.text(0) : "email";
  const col = tg.column(name);
  if (col < 0) unreachable();
  const row = RowOut.copyOf(tg.newRow);
  if (tg.newRow.isNull(col)) return row.ptr;
  let v = tg.newRow.text(col);
  let a = 0, b = v.length;
  while (a < b && (v.charCodeAt(a) == 32 || v.charCodeAt(a) == 9 || v.charCodeAt(a) == 10 || v.charCodeAt(a) == 13)) a++;
  while (b > a && (v.charCodeAt(b - 1) == 32 || v.charCodeAt(b - 1) == 9 || v.charCodeAt(b - 1) == 10 || v.charCodeAt(b - 1) == 13)) b--;
  v = v.substring(a, b);
  let lower = "";
  for (let k = 0; k < v.length; k++) {
    const c = v.charCodeAt(k);
    lower += String.fromCharCode(c >= 65 && c <= 90 ? c + 32 : c);
  }
  const at = lower.indexOf("@");
  if (at <= 0 || at == lower.length - 1) return 0;
  row.setText(col, lower);
  return row.ptr;
}

// --- aggregates (wasm.state) ------------------------------------------------------------------
// States live in keepAlloc'd memory; the step functions allocate nothing else (they take no
// argument in memory, so the heap is never reset under them). A state starts with its kind.
const KIND_VALUES: u32 = 1;
const KIND_HLL: u32 = 2;
const HLL_BITS: u32 = 12;
const HLL_M: u32 = 1 << HLL_BITS;

// values: kind, count, cap, data (f64s)
function newValues(cap: u32): usize {
  const s = keepAlloc(16);
  store<u32>(s, KIND_VALUES);
  store<u32>(s, cap, 8);
  store<u32>(s, <u32>keepAlloc(<usize>cap << 3), 12);
  return s;
}
function pushValue(s: usize, x: f64): void {
  let count = load<u32>(s, 4), cap = load<u32>(s, 8);
  if (count == cap) {  // doubles: the old buffer stays kept, which at most doubles the total
    const bigger = keepAlloc(<usize>cap << 4);
    memory.copy(bigger, <usize>load<u32>(s, 12), <usize>count << 3);
    store<u32>(s, <u32>bigger, 12);
    store<u32>(s, cap * 2, 8);
  }
  store<f64>(<usize>load<u32>(s, 12) + (<usize>count << 3), x);
  store<u32>(s, count + 1, 4);
}

// values_step(wasm.state, float8) -> wasm.state: NULLs skipped.
export function values_step(state: usize, x: f64): usize {
  const s = state ? state : newValues(64);
  if (!argIsNull(1)) pushValue(s, x);
  return s;
}
export function values_combine(a: usize, b: usize): usize {
  if (!a) return b;
  if (!b) return a;
  const n = load<u32>(b, 4), data = <usize>load<u32>(b, 12);
  for (let i: u32 = 0; i < n; i++) pushValue(a, load<f64>(data + (<usize>i << 3)));
  return a;
}
// median_final(wasm.state) -> float8: sorts in place (insertion into runs would do for a
// sketch; a shell sort keeps it allocation-free), then the middle.
export function median_final(s: usize): f64 {
  const n = s ? load<u32>(s, 4) : 0;
  if (n == 0) { returnNull(); return 0; }
  const d = <usize>load<u32>(s, 12);
  for (let gap = n >> 1; gap > 0; gap >>= 1) {
    for (let i = gap; i < n; i++) {
      const v = load<f64>(d + (<usize>i << 3));
      let j = i;
      while (j >= gap && load<f64>(d + (<usize>(j - gap) << 3)) > v) {
        store<f64>(d + (<usize>j << 3), load<f64>(d + (<usize>(j - gap) << 3)));
        j -= gap;
      }
      store<f64>(d + (<usize>j << 3), v);
    }
  }
  const m = n >> 1;
  return n & 1 ? load<f64>(d + (<usize>m << 3)) : (load<f64>(d + (<usize>(m - 1) << 3)) + load<f64>(d + (<usize>m << 3))) / 2;
}

function mix64(x: u64): u64 {  // splitmix64's finaliser
  x ^= x >> 30; x *= 0xbf58476d1ce4e5b9;
  x ^= x >> 27; x *= 0x94d049bb133111eb;
  return x ^ (x >> 31);
}
function newHll(): usize {
  const s = keepAlloc(4 + HLL_M);
  store<u32>(s, KIND_HLL);
  return s;
}
export function hll_step(state: usize, v: i64): usize {
  const s = state ? state : newHll();
  if (!argIsNull(1)) {
    const h = mix64(<u64>v);
    const idx = <usize>(h >> (64 - HLL_BITS));
    const rank = <u8>(clz((h << HLL_BITS) | (<u64>1 << (HLL_BITS - 1))) + 1);
    if (rank > load<u8>(s + 4 + idx)) store<u8>(s + 4 + idx, rank);
  }
  return s;
}
export function hll_combine(a: usize, b: usize): usize {
  if (!a) return b;
  if (!b) return a;
  for (let i: usize = 0; i < HLL_M; i++) {
    const q = load<u8>(b + 4 + i);
    if (q > load<u8>(a + 4 + i)) store<u8>(a + 4 + i, q);
  }
  return a;
}
export function hll_final(s: usize): i64 {
  if (!s) { returnNull(); return 0; }
  let sum: f64 = 0, zeros: u32 = 0;
  for (let i: usize = 0; i < HLL_M; i++) {
    const r = load<u8>(s + 4 + i);
    sum += Math.pow(2, -(<f64>r));
    if (r == 0) zeros++;
  }
  const m = <f64>HLL_M;
  const e = 0.7213 / (1 + 1.079 / m) * m * m / sum;
  return <i64>Math.round(e <= 2.5 * m && zeros > 0 ? m * Math.log(m / <f64>zeros) : e);
}

// The states as bytes: the kind, then the values or the registers.
export function pgwasm_state_save(s: usize): u64 {
  const kind = load<u32>(s);
  if (kind == KIND_HLL) return returnBytes(s, 4 + HLL_M);
  const n = load<u32>(s, 4);
  const out = keepAlloc(4 + (<usize>n << 3));  // saved once per state leaving its instance
  store<u32>(out, KIND_VALUES);
  memory.copy(out + 4, <usize>load<u32>(s, 12), <usize>n << 3);
  return returnBytes(out, 4 + (n << 3));
}
export function pgwasm_state_load(p: usize, len: u32): usize {
  if (len < 4) return 0;
  const kind = load<u32>(p);
  if (kind == KIND_HLL && len == 4 + HLL_M) {
    for (let i: usize = 0; i < HLL_M; i++) if (load<u8>(p + 4 + i) > 64) return 0;
    const s = newHll();
    memory.copy(s + 4, p + 4, HLL_M);
    return s;
  }
  if (kind == KIND_VALUES && (len - 4) % 8 == 0) {
    const n = (len - 4) >> 3;
    const s = newValues(n > 0 ? n : 1);
    memory.copy(<usize>load<u32>(s, 12), p + 4, <usize>n << 3);
    store<u32>(s, n, 4);
    return s;
  }
  return 0;
}

// --- a window function: the moving average of the frame -----------------------------------
// The frame's values, into a buffer kept for the statement (grown for a bigger partition).
let frameBuf: usize = 0;
let frameNulls: usize = 0;
let frameCap: i64 = 0;
export function w_moving_avg(x: f64, row: i64): f64 {
  if (row == 0) {
    const rows = winRows();
    if (rows > frameCap) {
      frameBuf = keepAlloc(<usize>rows << 3);
      frameNulls = keepAlloc(<usize>rows);
      frameCap = rows;
    }
  }
  const n = winFrame(0, frameBuf, frameNulls, <u32>frameCap);
  let sum: f64 = 0, k = 0;
  for (let i = 0; i < n; i++) {
    if (load<u8>(frameNulls + <usize>i)) continue;
    sum += load<f64>(frameBuf + (<usize>i << 3));
    k++;
  }
  if (k == 0) { returnNull(); return 0; }
  return sum / k;
}
