//! pg-wasm examples in Rust (type ABI version 2): vectors, tags, a table row, a uuid v7
//! generator, timestamp buckets and exact numeric arithmetic. Built by udf-sdk/rust/build.sh;
//! sql/rust.sql declares and checks every function.
use pgwasm::*;

// cosine_similarity(float8[], float8[]) -> float8; NULL for different lengths, NULL
// elements or a zero vector.
export! { fn cosine_similarity(a: &Array, b: &Array) -> Option<f64> {
    if a.len() != b.len() || a.has_nulls() || b.has_nulls() { return None; }
    let (x, y) = (a.f64s(), b.f64s());
    let (mut xy, mut xx, mut yy) = (0.0, 0.0, 0.0);
    for i in 0..x.len() { xy += x[i] * y[i]; xx += x[i] * x[i]; yy += y[i] * y[i]; }
    if xx == 0.0 || yy == 0.0 { None } else { Some(xy / (xx.sqrt() * yy.sqrt())) }
} }

export! { fn vec_sum(a: &Array) -> f64 { a.f64s().iter().sum() } }

// normalize_tags(text[]) -> text[]: trimmed, lower-case, no empty, NULL or repeated tags,
// first-seen order.
export! { fn normalize_tags(tags: &Array) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in 0..tags.len() {
        if let Some(t) = tags.text(i) {
            let t = t.trim().to_lowercase();
            if !t.is_empty() && !out.contains(&t) { out.push(t); }
        }
    }
    out
} }

// score(listings) -> float8 over (id int, title text, price numeric, rating float8,
// reviews int, tags text[], listed date): rating * ln(1 + reviews) + 0.1 per tag.
export! { fn score(r: &Row) -> f64 {
    let rating = r.f64(3).unwrap_or(0.0);
    let reviews = r.i32(4).unwrap_or(0);
    let tags = r.array(5).map_or(0, |a| a.len());
    rating * (reviews as f64).ln_1p() + 0.1 * tags as f64
} }

// uuid_v7() -> uuid (RFC 9562): Unix milliseconds, then random bits.
export! { fn uuid_v7() -> Uuid {
    let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64;
    let mut b = [0u8; 16];
    random_bytes(&mut b[6..]);
    b[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    b[6] = 0x70 | (b[6] & 0x0f);
    b[8] = 0x80 | (b[8] & 0x3f);
    Uuid(b)
} }

export! { fn uuid_version(u: Uuid) -> i32 { u.version() as i32 } }

// time_bucket(interval, timestamptz, timestamptz) -> timestamptz, as date_bin; NULL for
// month widths or widths <= 0.
export! { fn time_bucket(width: Interval, ts: Timestamp, origin: Timestamp) -> Option<Timestamp> {
    if ts == Timestamp::INFINITY || ts == Timestamp::NEG_INFINITY { return Some(ts); }
    let w = width.micros + width.days as i64 * Timestamp::MICROS_PER_DAY;
    if width.months != 0 || w <= 0 { return None; }
    Some(Timestamp(origin.0 + (ts.0 - origin.0).div_euclid(w) * w))
} }

// line_total(numeric, int, numeric) -> numeric: price * quantity plus tax_rate percent,
// rounded to cents half away from zero, exactly (i128 cents); NULL for NaN, infinities or
// what does not fit.
fn scaled(s: &str, scale: u32) -> Option<i128> {
    let (neg, digits) = match s.strip_prefix('-') { Some(d) => (true, d), None => (false, s) };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty() { return None; }
    let mut v: i128 = 0;
    for c in int.chars().chain(frac.chars().chain(std::iter::repeat('0')).take(scale as usize)) {
        v = v.checked_mul(10)?.checked_add(c.to_digit(10)? as i128)?;
    }
    if frac.len() > scale as usize && frac.as_bytes()[scale as usize] >= b'5' { v += 1; }
    Some(if neg { -v } else { v })
}
export! { fn line_total(price: &str, quantity: i32, rate: &str) -> Option<String> {
    let cents = scaled(price, 2)?;
    let basis = scaled(rate, 4)?; // 1/10000 percent
    let total = cents.checked_mul(quantity as i128)?.checked_mul(1_000_000 + basis)?;
    let (q, r) = (total / 1_000_000, total % 1_000_000);
    let q = if r >= 500_000 { q + 1 } else if r <= -500_000 { q - 1 } else { q };
    let sign = if q < 0 { "-" } else { "" };
    Some(format!("{}{}.{:02}", sign, q.abs() / 100, q.abs() % 100))
} }

// must_be_positive(int) -> int: a panic is a trap whose message reaches the client.
export! { fn must_be_positive(x: i32) -> i32 {
    assert!(x > 0, "must_be_positive: {} is not positive", x);
    x
} }

// split_pair(int, text) -> (sum int, label text, twice float8) through OUT parameters.
export! { fn split_pair(a: i32, b: &str) -> RowOut {
    let mut r = RowOut::new(3);
    r.i32(0, a + 1).text(1, &format!("{}!", b));
    if a != 0 { r.f64(2, a as f64 * 2.5); }
    r
} }

// jsonb in compact form: doc ->> key without parsing JSON text.
jsonb_compact!(jsonb_get_text);
export! { fn jsonb_get_text(doc: &[u8], key: &str) -> Option<String> {
    let v = Jsonb::root(doc)?.get(key)?;
    match v.kind() {
        JsonKind::String => v.as_str().map(String::from),
        JsonKind::Number => v.number_text(),
        JsonKind::Bool => Some(if v.as_bool()? { "true" } else { "false" }.into()),
        _ => None,
    }
} }

// The sum of every number in the document.
fn sum_numbers(v: Jsonb) -> f64 {
    match v.kind() {
        JsonKind::Number => v.as_f64().unwrap_or(0.0),
        JsonKind::Array => (0..v.len()).filter_map(|i| v.at(i)).map(sum_numbers).sum(),
        JsonKind::Object => (0..v.len()).filter_map(|i| v.value_at(i)).map(sum_numbers).sum(),
        _ => 0.0,
    }
}
jsonb_compact!(jsonb_sum);
export! { fn jsonb_sum(doc: &[u8]) -> f64 { Jsonb::root(doc).map_or(0.0, sum_numbers) } }

// Arrays of rows and nested rows: the words of a text with their lengths, as
// (first word_info, words word_info[], count int, upper bool[]).
fn word_info(w: &str) -> RowOut {
    let mut r = RowOut::new(2);
    r.text(0, w).i32(1, w.chars().count() as i32);
    r
}
export! { fn word_summary(s: &str) -> Option<RowOut> {
    let words: Vec<&str> = s.split_whitespace().collect();
    let mut out = RowOut::new(4);
    match words.first() {
        Some(w) => out.row(0, word_info(w)),
        None => out.null(0),
    };
    out.i32(2, words.len() as i32);
    out.array(3, words.iter().map(|w| w.chars().next().map_or(false, char::is_uppercase)).collect::<Vec<bool>>());
    out.array(1, words.into_iter().map(word_info).collect::<Vec<RowOut>>());
    Some(out)
} }
