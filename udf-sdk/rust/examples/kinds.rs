//! pg-wasm examples in Rust beyond scalar functions: a tokenizer returning a set, and an
//! email-normalising trigger. Built by udf-sdk/rust/build.sh; sql/rust.sql declares and
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
