// pg-wasm examples in AssemblyScript beyond scalar functions: a tokenizer returning a set,
// and an email-normalising trigger. Built by udf-sdk/assemblyscript/build.sh;
// sql/assemblyscript.sql declares and checks them against the C examples and SQL.
export { pgwasm_alloc, pgwasm_abi_v2 } from "pgwasm";
import { ArrayOut, RowOut, TriggerArg, text } from "pgwasm";

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
