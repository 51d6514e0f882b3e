//! pg-wasm examples in Rust beyond scalar functions: a tokenizer returning a set, an
//! email-normalising trigger, a median and an HLL distinct-count aggregate (wasm.state,
//! parallel-safe), and a moving-average window function. Built by udf-sdk/rust/build.sh; sql/rust.sql declares and
//! checks them against the C examples and SQL.
use pgwasm::*;
use std::sync::atomic::{AtomicUsize, Ordering};

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

// Where the set is in its text: statics start afresh with every set (its own instance).
static POS: AtomicUsize = AtomicUsize::new(0);

// tokens(text) RETURNS SETOF text: the words (runs of [0-9A-Za-z_] and non-ASCII), ASCII
// lower-cased, 256 a call; an empty batch ends the set.
export! { fn tokens(s: &str, call: i64) -> Vec<String> {
    if call == 0 { POS.store(0, Ordering::Relaxed); }
    let b = s.as_bytes();
    let mut i = POS.load(Ordering::Relaxed);
    let mut out = Vec::new();
    while out.len() < 256 {
        while i < b.len() && !is_word_byte(b[i]) { i += 1; }
        if i == b.len() { break; }
        let start = i;
        while i < b.len() && is_word_byte(b[i]) { i += 1; }
        out.push(s[start..i].to_ascii_lowercase());
    }
    POS.store(i, Ordering::Relaxed);
    out
} }

// words(text) RETURNS TABLE(pos int, word text): each word with its 1-based byte position.
static WPOS: AtomicUsize = AtomicUsize::new(0);
export! { fn words(s: &str, call: i64) -> Vec<RowOut> {
    if call == 0 { WPOS.store(0, Ordering::Relaxed); }
    let b = s.as_bytes();
    let mut i = WPOS.load(Ordering::Relaxed);
    let mut out = Vec::new();
    while out.len() < 128 {
        while i < b.len() && !is_word_byte(b[i]) { i += 1; }
        if i == b.len() { break; }
        let start = i;
        while i < b.len() && is_word_byte(b[i]) { i += 1; }
        let mut r = RowOut::new(2);
        r.i32(0, start as i32 + 1).text(1, &s[start..i].to_ascii_lowercase());
        out.push(r);
    }
    WPOS.store(i, Ordering::Relaxed);
    out
} }

// normalize_email(): BEFORE INSERT OR UPDATE, FOR EACH ROW. The column TG_ARGV[0] (default
// "email") of NEW trimmed and ASCII lower-cased; a row whose address has no '@' in the
// middle is skipped. A NULL address stays NULL.
export! { fn normalize_email(event: &Row) -> Option<RowOut> {
    let tg = Trigger(event);
    let new = tg.new_row()?;
    let name = if tg.args().len() > 0 { tg.args().text(0).unwrap_or("email") } else { "email" };
    let col = tg.column(name).unwrap_or_else(|| panic!("table {} has no column {}", tg.table(), name));
    let mut row = RowOut::copy_of(new);
    let email = match new.text(col) { Some(e) => e, None => return Some(row) };
    let v = email.trim_matches(|c| c == ' ' || c == '\t' || c == '\r' || c == '\n').to_ascii_lowercase();
    match v.find('@') {
        Some(at) if at > 0 && at + 1 < v.len() => { row.text(col, &v); Some(row) }
        _ => None,
    }
} }

// --- aggregates (wasm.state): a median and an HLL distinct count, parallel-safe ----------
// One state type for the module (pgwasm_state_save and _load serve every aggregate).
pub enum Agg {
    Values(Vec<f64>),
    Hll(Vec<u8>),
}
const HLL_BITS: u32 = 12;

// values_step(wasm.state, float8) -> wasm.state: NULLs skipped.
export! { fn values_step(s: Option<State<Agg>>, x: f64) -> State<Agg> {
    let mut s = s.unwrap_or_else(|| State::new(Agg::Values(Vec::new())));
    if !arg_is_null(1) {
        if let Agg::Values(v) = s.get() { v.push(x); }
    }
    s
} }
// values_combine(wasm.state, wasm.state) -> wasm.state
export! { fn values_combine(a: Option<State<Agg>>, b: Option<State<Agg>>) -> Option<State<Agg>> {
    match (a, b) {
        (None, b) => b,
        (a, None) => a,
        (Some(mut a), Some(mut b)) => {
            if let (Agg::Values(x), Agg::Values(y)) = (a.get(), b.get()) { x.extend_from_slice(y); }
            Some(a)
        }
    }
} }
// median_final(wasm.state) -> float8: percentile_cont(0.5) of the values (NULL if none).
// Sorting in place changes no meaning: the final function may run again on the state.
export! { fn median_final(s: Option<State<Agg>>) -> Option<f64> {
    let mut s = s?;
    let v = match s.get() { Agg::Values(v) if !v.is_empty() => v, _ => return None };
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    Some(if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 })
} }

fn mix64(mut x: u64) -> u64 { // splitmix64's finaliser
    x ^= x >> 30; x = x.wrapping_mul(0xbf58476d1ce4e5b9);
    x ^= x >> 27; x = x.wrapping_mul(0x94d049bb133111eb);
    x ^ (x >> 31)
}
// hll_step(wasm.state, bigint) -> wasm.state
export! { fn hll_step(s: Option<State<Agg>>, v: i64) -> State<Agg> {
    let mut s = s.unwrap_or_else(|| State::new(Agg::Hll(vec![0; 1 << HLL_BITS])));
    if !arg_is_null(1) {
        if let Agg::Hll(r) = s.get() {
            let h = mix64(v as u64);
            let idx = (h >> (64 - HLL_BITS)) as usize;
            let rank = ((h << HLL_BITS) | (1 << (HLL_BITS - 1))).leading_zeros() as u8 + 1;
            if rank > r[idx] { r[idx] = rank; }
        }
    }
    s
} }
// hll_combine(wasm.state, wasm.state) -> wasm.state: the registers' maxima.
export! { fn hll_combine(a: Option<State<Agg>>, b: Option<State<Agg>>) -> Option<State<Agg>> {
    match (a, b) {
        (None, b) => b,
        (a, None) => a,
        (Some(mut a), Some(mut b)) => {
            if let (Agg::Hll(x), Agg::Hll(y)) = (a.get(), b.get()) {
                for (p, q) in x.iter_mut().zip(y.iter()) { if *q > *p { *p = *q; } }
            }
            Some(a)
        }
    }
} }
// hll_final(wasm.state) -> bigint: the estimate (with the small-range correction).
export! { fn hll_final(s: Option<State<Agg>>) -> Option<i64> {
    let mut s = s?;
    let r = match s.get() { Agg::Hll(r) => r, _ => return None };
    let m = r.len() as f64;
    let sum: f64 = r.iter().map(|&x| 2f64.powi(-(x as i32))).sum();
    let zeros = r.iter().filter(|&&x| x == 0).count();
    let e = 0.7213 / (1.0 + 1.079 / m) * m * m / sum;
    Some(if e <= 2.5 * m && zeros > 0 { m * (m / zeros as f64).ln() } else { e }.round() as i64)
} }

// The states as bytes: a kind byte, then f64s (values) or the registers (HLL).
impl StateBytes for Agg {
    fn save(&self) -> Vec<u8> {
        match self {
            Agg::Values(v) => {
                let mut b = vec![1u8];
                for x in v { b.extend_from_slice(&x.to_le_bytes()); }
                b
            }
            Agg::Hll(r) => { let mut b = vec![2u8]; b.extend_from_slice(r); b }
        }
    }
    fn load(b: &[u8]) -> Option<Agg> {
        match b.first()? {
            1 if (b.len() - 1) % 8 == 0 => Some(Agg::Values(
                b[1..].chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())).collect())),
            2 if b.len() - 1 == 1 << HLL_BITS && b[1..].iter().all(|&x| x <= 64) => Some(Agg::Hll(b[1..].to_vec())),
            _ => None,
        }
    }
}
state_bytes!(Agg);

// --- a window function: the moving average of the frame ----------------------------------
// w_moving_avg(float8) WINDOW -> float8: the average of the frame's non-NULL values.
export! { fn w_moving_avg(_x: f64, _row: i64) -> Option<f64> {
    let v: Vec<f64> = win::frame::<f64>(0).into_iter().flatten().collect();
    if v.is_empty() { None } else { Some(v.iter().sum::<f64>() / v.len() as f64) }
} }
