//! pgwasm: write PostgreSQL functions in Rust for pg-wasm (`LANGUAGE wasm`), type ABI
//! version 2 (udf-sdk/ABI.md). No crates beyond std: it builds with Debian's `rustc` and
//! `libstd-rust-dev-wasm32` (udf-sdk/rust/build.sh).
//!
//! ```ignore
//! use pgwasm::*;
//! export! { fn add(a: i32, b: i32) -> i32 { a + b } }
//! export! { fn shout(s: &str) -> String { s.to_uppercase() } }
//! export! { fn vec_sum(a: &Array) -> f64 { a.f64s().iter().sum() } }
//! ```
//!
//! Argument types: `i32` (smallint, integer, boolean as 0/1), `i64` (bigint), `f32`, `f64`,
//! `bool`, `Date`, `Time`, `Timestamp` (also timestamptz), `&str` (text, varchar, char(n),
//! name, json, jsonb, numeric, enums), `&[u8]` (bytea), `Uuid`, `Interval`, `&Array`
//! (any one-dimensional array), `&Row` (composite types); with `jsonb_compact!(name)`,
//! jsonb arrives as `&[u8]` in jsonb's binary form, read by `Jsonb`. Results: the same scalars,
//! `String`/`&'static str` (text-like), `Vec<u8>` (bytea), `Uuid`, `Interval`, `Vec<f64>`,
//! `Vec<i32>`, `Vec<i64>`, `Vec<bool>`, `Vec<Uuid>`, `Vec<Option<f64>>`..., `Vec<String>`,
//! `Vec<Option<String>>`, `Vec<RowOut>` (arrays; of rows too), `RowOut` (rows and OUT
//! parameters; its fields take scalars, text, bytes, uuid, interval, nested `RowOut`s and
//! arrays), `()` (void), and `Option<T>` of any of
//! them (None is SQL NULL). A panic is a trap: its message (written to stderr by std) is in
//! the ERROR's DETAIL.
#![allow(clippy::missing_safety_doc)]

use std::cell::UnsafeCell;

// --- the host -----------------------------------------------------------------------------
#[link(wasm_import_module = "pgwasm")]
extern "C" {
    #[link_name = "arg_is_null"]
    fn host_arg_is_null(index: i32) -> i32;
    #[link_name = "return_null"]
    fn host_return_null();
    #[link_name = "win_rows"]
    fn host_win_rows() -> i64;
    #[link_name = "win_peers"]
    fn host_win_peers(a: i64, b: i64) -> i32;
    #[link_name = "win_arg"]
    fn host_win_arg(arg: i32, pos: i64, from: i32, out: *mut u64) -> i32;
    #[link_name = "win_column"]
    fn host_win_column(arg: i32, from: i64, count: u32, values: *mut u64, nulls: *mut u8) -> i32;
    #[link_name = "win_frame"]
    fn host_win_frame(arg: i32, values: *mut u64, nulls: *mut u8, cap: u32) -> i32;
}

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    #[link_name = "random_get"]
    fn wasi_random_get(buf: *mut u8, len: usize) -> u16;
}

/// Fills buf from the server's strong random source (WASI random_get); panics if it fails.
pub fn random_bytes(buf: &mut [u8]) {
    assert!(unsafe { wasi_random_get(buf.as_mut_ptr(), buf.len()) } == 0, "random_get failed");
}

/// Whether SQL argument `index` (from 0) of the current call is NULL (non-STRICT functions).
pub fn arg_is_null(index: i32) -> bool {
    unsafe { host_arg_is_null(index) != 0 }
}

/// The marker: this module targets type ABI version 2.
#[no_mangle]
pub extern "C" fn pgwasm_abi_v2() {}

// --- the per-call arena ---------------------------------------------------------------------
// The host calls pgwasm_alloc before every call with arguments or a result in memory: a new
// arena starts there. Memory from `alloc` lasts until the next call.
struct Arena {
    chunks: Vec<Vec<u64>>, // 8-aligned
    used: usize,           // bytes used in the last chunk
}
struct ArenaCell(UnsafeCell<Arena>);
unsafe impl Sync for ArenaCell {} // a Wasm instance is single-threaded
static ARENA: ArenaCell = ArenaCell(UnsafeCell::new(Arena { chunks: Vec::new(), used: 0 }));

fn arena() -> &'static mut Arena {
    unsafe { &mut *ARENA.0.get() }
}

/// `n` bytes (8-aligned, zeroed) valid until the next call.
pub fn alloc(n: usize) -> *mut u8 {
    let a = arena();
    let need = (n + 7) & !7;
    let fits = a.chunks.last().map_or(false, |c| c.len() * 8 - a.used >= need);
    if !fits {
        let last = a.chunks.last().map_or(0, |c| c.len() * 8);
        let cap = need.max(65536).max(last.min(1 << 20) * 2);
        a.chunks.push(vec![0u64; cap / 8]);
        a.used = 0;
    }
    let c = a.chunks.last_mut().unwrap();
    let p = unsafe { (c.as_mut_ptr() as *mut u8).add(a.used) };
    unsafe { std::ptr::write_bytes(p, 0, need) };
    a.used += need;
    p
}

/// The ABI's allocator; the host calls it, guests need not.
#[no_mangle]
pub extern "C" fn pgwasm_alloc(size: u32) -> u32 {
    let a = arena();
    if a.chunks.len() > 1 {
        // keep the largest chunk
        a.chunks.sort_by_key(|c| c.len());
        let keep = a.chunks.pop().unwrap();
        a.chunks.clear();
        a.chunks.push(keep);
    }
    a.used = 0;
    alloc((size as usize).max(1)) as u32
}

fn copy_out(bytes: &[u8]) -> *const u8 {
    let p = alloc(bytes.len());
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len()) };
    p
}

// --- values ---------------------------------------------------------------------------------
/// date: days since 1970-01-01; `Date::INFINITY`, `Date::NEG_INFINITY`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub i32);
impl Date {
    pub const INFINITY: Date = Date(i32::MAX);
    pub const NEG_INFINITY: Date = Date(i32::MIN);
    /// A proleptic Gregorian date (year 0 is 1 BC).
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Date {
        let y = y as i64 - (m <= 2) as i64;
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let mp = (m as i64 + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Date((era * 146097 + doe - 719468) as i32)
    }
    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 as i64 + 719468;
        let era = if z >= 0 { z } else { z - 146096 } / 146097;
        let doe = z - era * 146097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        ((yoe + era * 400 + (m <= 2) as i64) as i32, m, d)
    }
}
/// time: microseconds since midnight (0..=86_400_000_000).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Time(pub i64);
/// timestamp and timestamptz: microseconds since 1970-01-01 00:00:00 (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub i64);
impl Timestamp {
    pub const INFINITY: Timestamp = Timestamp(i64::MAX);
    pub const NEG_INFINITY: Timestamp = Timestamp(i64::MIN);
    pub const MICROS_PER_DAY: i64 = 86_400_000_000;
}
/// uuid: its 16 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Uuid(pub [u8; 16]);
impl Uuid {
    pub fn version(&self) -> u8 {
        self.0[6] >> 4
    }
}
impl std::fmt::Display for Uuid {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i == 4 || i == 6 || i == 8 || i == 10 {
                f.write_str("-")?;
            }
            write!(f, "{:02x}", b)?;
        }
        Ok(())
    }
}
/// interval: PostgreSQL's three parts.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    pub micros: i64,
    pub days: i32,
    pub months: i32,
}

/// A one-dimensional array argument (ABI.md, "Arrays"): typed views of its slots.
#[repr(C)]
pub struct Array {
    pub count: u32,
    pub lower: i32,
    pub elem_size: u32,
    pub flags: u32,
    nulls: u32,
    data: u32,
}
#[repr(C)]
#[derive(Clone, Copy)]
struct Slice {
    ptr: u32,
    len: u32,
}
impl Array {
    fn slots<T>(&self, size: u32) -> &[T] {
        assert!(self.elem_size == size, "array elements of {} bytes, not {}", self.elem_size, size);
        if self.count == 0 {
            return &[];
        }
        unsafe { std::slice::from_raw_parts(self.data as usize as *const T, self.count as usize) }
    }
    pub fn len(&self) -> usize {
        self.count as usize
    }
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
    pub fn is_null(&self, i: usize) -> bool {
        self.nulls != 0 && unsafe { *((self.nulls as usize + i) as *const u8) } != 0
    }
    pub fn has_nulls(&self) -> bool {
        (0..self.len()).any(|i| self.is_null(i))
    }
    /// float8[] (NULL elements read as 0).
    pub fn f64s(&self) -> &[f64] {
        self.slots(8)
    }
    pub fn f32s(&self) -> &[f32] {
        self.slots(4)
    }
    /// bigint[], timestamp[], time[]
    pub fn i64s(&self) -> &[i64] {
        self.slots(8)
    }
    /// integer[], date[]
    pub fn i32s(&self) -> &[i32] {
        self.slots(4)
    }
    pub fn i16s(&self) -> &[i16] {
        self.slots(2)
    }
    /// Element i of a text-like array (None for NULL).
    pub fn text(&self, i: usize) -> Option<&str> {
        let s = self.slots::<Slice>(8)[i];
        if self.is_null(i) {
            return None;
        }
        Some(unsafe { text_arg(s.ptr as usize as *const u8, s.len) })
    }
    /// Element i of a composite-type array (None for NULL).
    pub fn row(&self, i: usize) -> Option<&Row> {
        let p = self.slots::<u32>(4)[i];
        if self.is_null(i) {
            None
        } else {
            Some(unsafe { &*(p as usize as *const Row) })
        }
    }
}

/// A composite value argument (ABI.md, "Rows"): fields in column order, dropped columns left out.
#[repr(C)]
pub struct Row {
    pub nfields: u32,
    pub flags: u32,
}
#[repr(C)]
#[derive(Clone, Copy)]
struct Field {
    value: u64,
    len: u32,
    isnull: u32,
}
impl Row {
    fn field(&self, i: usize) -> Field {
        assert!(i < self.nfields as usize, "field {} of a row of {}", i, self.nfields);
        unsafe { *((self as *const Row as *const u8).add(8 + 16 * i) as *const Field) }
    }
    pub fn len(&self) -> usize {
        self.nfields as usize
    }
    pub fn is_empty(&self) -> bool {
        self.nfields == 0
    }
    pub fn is_null(&self, i: usize) -> bool {
        self.field(i).isnull != 0
    }
    fn get(&self, i: usize) -> Option<Field> {
        let f = self.field(i);
        if f.isnull != 0 {
            None
        } else {
            Some(f)
        }
    }
    pub fn i32(&self, i: usize) -> Option<i32> {
        self.get(i).map(|f| f.value as u32 as i32)
    }
    pub fn i64(&self, i: usize) -> Option<i64> {
        self.get(i).map(|f| f.value as i64)
    }
    pub fn f64(&self, i: usize) -> Option<f64> {
        self.get(i).map(|f| f64::from_bits(f.value))
    }
    pub fn f32(&self, i: usize) -> Option<f32> {
        self.get(i).map(|f| f32::from_bits(f.value as u32))
    }
    pub fn text(&self, i: usize) -> Option<&str> {
        self.get(i).map(|f| unsafe { text_arg(f.value as u32 as usize as *const u8, f.len) })
    }
    pub fn array(&self, i: usize) -> Option<&Array> {
        self.get(i).map(|f| unsafe { &*(f.value as u32 as usize as *const Array) })
    }
    pub fn row(&self, i: usize) -> Option<&Row> {
        self.get(i).map(|f| unsafe { &*(f.value as u32 as usize as *const Row) })
    }
    pub fn bool(&self, i: usize) -> Option<bool> {
        self.get(i).map(|f| f.value as u32 != 0)
    }
    pub fn date(&self, i: usize) -> Option<Date> {
        self.get(i).map(|f| Date(f.value as u32 as i32))
    }
    /// timestamp, timestamptz
    pub fn timestamp(&self, i: usize) -> Option<Timestamp> {
        self.get(i).map(|f| Timestamp(f.value as i64))
    }
    pub fn bytes(&self, i: usize) -> Option<&[u8]> {
        self.get(i).map(|f| unsafe { bytes_arg(f.value as u32 as usize as *const u8, f.len) })
    }
    pub fn uuid(&self, i: usize) -> Option<Uuid> {
        self.get(i).map(|f| {
            let mut b = [0u8; 16];
            b.copy_from_slice(unsafe { bytes_arg(f.value as u32 as usize as *const u8, 16) });
            Uuid(b)
        })
    }
    pub fn interval(&self, i: usize) -> Option<Interval> {
        self.get(i).map(|f| unsafe { *(f.value as u32 as usize as *const Interval) })
    }
}

/// A row result being built (a composite type, or several OUT parameters): every field
/// starts NULL.
pub struct RowOut {
    ptr: *mut u8,
    n: usize,
}
impl RowOut {
    pub fn new(nfields: usize) -> RowOut {
        let ptr = alloc(8 + 16 * nfields);
        unsafe {
            *(ptr as *mut u32) = nfields as u32;
            for i in 0..nfields {
                *(ptr.add(8 + 16 * i + 12) as *mut u32) = 1;
            }
        }
        RowOut { ptr, n: nfields }
    }
    fn set(&mut self, i: usize, value: u64, len: u32) -> &mut RowOut {
        assert!(i < self.n, "field {} of a row of {}", i, self.n);
        unsafe {
            let f = self.ptr.add(8 + 16 * i) as *mut Field;
            *f = Field { value, len, isnull: 0 };
        }
        self
    }
    pub fn i32(&mut self, i: usize, v: i32) -> &mut RowOut {
        self.set(i, v as u32 as u64, 0)
    }
    pub fn i64(&mut self, i: usize, v: i64) -> &mut RowOut {
        self.set(i, v as u64, 0)
    }
    pub fn f64(&mut self, i: usize, v: f64) -> &mut RowOut {
        self.set(i, v.to_bits(), 0)
    }
    pub fn text(&mut self, i: usize, v: &str) -> &mut RowOut {
        self.bytes(i, v.as_bytes())
    }
    /// bytea, or any text-like field from UTF-8 bytes.
    pub fn bytes(&mut self, i: usize, v: &[u8]) -> &mut RowOut {
        let p = copy_out(v);
        self.set(i, p as u32 as u64, v.len() as u32)
    }
    pub fn f32(&mut self, i: usize, v: f32) -> &mut RowOut {
        self.set(i, v.to_bits() as u64, 0)
    }
    pub fn bool(&mut self, i: usize, v: bool) -> &mut RowOut {
        self.set(i, v as u64, 0)
    }
    pub fn date(&mut self, i: usize, v: Date) -> &mut RowOut {
        self.set(i, v.0 as u32 as u64, 0)
    }
    /// timestamp, timestamptz
    pub fn timestamp(&mut self, i: usize, v: Timestamp) -> &mut RowOut {
        self.set(i, v.0 as u64, 0)
    }
    pub fn uuid(&mut self, i: usize, v: Uuid) -> &mut RowOut {
        let p = copy_out(&v.0);
        self.set(i, p as u32 as u64, 16)
    }
    pub fn interval(&mut self, i: usize, v: Interval) -> &mut RowOut {
        let p = alloc(16) as *mut Interval;
        unsafe { *p = v };
        self.set(i, p as u32 as u64, 16)
    }
    /// A nested composite field.
    pub fn row(&mut self, i: usize, v: RowOut) -> &mut RowOut {
        self.set(i, v.ptr as u32 as u64, 0)
    }
    /// An array field: the same element types as an array result.
    pub fn array<T: Element>(&mut self, i: usize, v: Vec<T>) -> &mut RowOut {
        let p = array_out(v);
        self.set(i, p as u64, 0)
    }
    /// A row with `r`'s fields (a trigger's NEW, to change and return).
    pub fn copy_of(r: &Row) -> RowOut {
        let n = r.len();
        let out = RowOut::new(n);
        for i in 0..n {
            unsafe { *(out.ptr.add(8 + 16 * i) as *mut Field) = r.field(i) };
        }
        out
    }
    /// Makes a field NULL again.
    pub fn null(&mut self, i: usize) -> &mut RowOut {
        assert!(i < self.n, "field {} of a row of {}", i, self.n);
        unsafe { *(self.ptr.add(8 + 16 * i) as *mut Field) = Field { value: 0, len: 0, isnull: 1 } };
        self
    }
}

// --- sets and triggers (ABI.md, "Sets", "Triggers") ---------------------------------------
// A set-returning function takes its arguments and then `call: i64` (0 at the first call of
// a set), and returns the set's next rows as a `Vec` (an empty one ends the set):
//   export! { fn evens(n: i32, call: i64) -> Vec<i32> { ... } }
// What it keeps between the calls of a set lives in statics (each set has a fresh
// instance, so they start from their initial values).

/// The event of a trigger function: `export! { fn f(tg: &Row) -> Option<RowOut> { .. } }`
/// with `let tg = Trigger(tg);`. Return NEW (`RowOut::copy_of(new)`, changed) to go on,
/// `None` to skip the row (BEFORE ROW); other triggers' results are ignored.
pub struct Trigger<'a>(pub &'a Row);
pub const TG_INSERT: i32 = 1;
pub const TG_UPDATE: i32 = 2;
pub const TG_DELETE: i32 = 4;
pub const TG_TRUNCATE: i32 = 8;
pub const TG_BEFORE: i32 = 16;
pub const TG_AFTER: i32 = 32;
pub const TG_INSTEAD: i32 = 64;
pub const TG_ROW: i32 = 128;
impl<'a> Trigger<'a> {
    /// TG_* bits: the operation, the timing, and TG_ROW for a row trigger.
    pub fn event(&self) -> i32 {
        self.0.i32(0).unwrap_or(0)
    }
    pub fn name(&self) -> &'a str {
        self.0.text(1).unwrap_or("")
    }
    pub fn table(&self) -> &'a str {
        self.0.text(2).unwrap_or("")
    }
    pub fn schema(&self) -> &'a str {
        self.0.text(3).unwrap_or("")
    }
    /// TG_ARGV.
    pub fn args(&self) -> &'a Array {
        self.0.array(4).expect("a trigger event without arguments")
    }
    /// NEW (INSERT, UPDATE row triggers) and OLD (UPDATE, DELETE).
    pub fn new_row(&self) -> Option<&'a Row> {
        self.0.row(5)
    }
    pub fn old_row(&self) -> Option<&'a Row> {
        self.0.row(6)
    }
    /// The field index of the table's column `name` in NEW and OLD.
    pub fn column(&self, name: &str) -> Option<usize> {
        let c = self.0.array(7)?;
        (0..c.len()).find(|&i| c.text(i) == Some(name))
    }
}

// --- aggregate states (ABI.md, "Aggregate states") ---------------------------------------
/// A `wasm.state` argument or result: a handle to a `T` in the guest's heap. Take
/// `Option<State<T>>` (None: the aggregate's first row, or INITCOND 'new') and return the
/// state (changed in place) or a new one:
/// ```ignore
/// export! { fn sum_step(s: Option<State<Sum>>, v: i64) -> State<Sum> {
///     let mut s = s.unwrap_or_else(|| State::new(Sum::default()));
///     s.get().total += v;
///     s
/// } }
/// state_bytes!(Sum);  // pgwasm_state_save and pgwasm_state_load, through StateBytes
/// ```
/// States live until the instance goes (after the aggregate): they are never freed one by
/// one, as the host never says when one is no longer needed.
pub struct State<T> {
    handle: u32,
    _t: std::marker::PhantomData<T>,
}
impl<T> State<T> {
    pub fn new(v: T) -> State<T> {
        State { handle: Box::into_raw(Box::new(v)) as usize as u32, _t: std::marker::PhantomData }
    }
    /// The state. Handles come only from this module (new, or pgwasm_state_load).
    pub fn get(&mut self) -> &mut T {
        unsafe { &mut *(self.handle as usize as *mut T) }
    }
    pub fn handle(&self) -> u32 {
        self.handle
    }
    pub unsafe fn from_handle(handle: u32) -> State<T> {
        State { handle, _t: std::marker::PhantomData }
    }
}
impl<T> Arg for Option<State<T>> {
    type Raw = u32;
    fn from_raw(raw: u32) -> Option<State<T>> {
        if raw == 0 { None } else { Some(unsafe { State::from_handle(raw) }) }
    }
}
impl<T> Ret for State<T> {
    type Raw = u32;
    fn into_raw(self) -> u32 {
        self.handle
    }
}
/// A state's bytes, for when it leaves its instance (a parallel worker's partial state on
/// its way to the leader, a state stored in a table). `load` gets bytes from anywhere (a
/// user can type them): check them, and return None to refuse them.
pub trait StateBytes: Sized {
    fn save(&self) -> Vec<u8>;
    fn load(bytes: &[u8]) -> Option<Self>;
}
#[doc(hidden)]
pub fn state_save<T: StateBytes>(handle: u32) -> u64 {
    let mut s = unsafe { State::<T>::from_handle(handle) };
    bytes_ret(&s.get().save())
}
#[doc(hidden)]
pub fn state_load<T: StateBytes>(ptr: *const u8, len: u32) -> u32 {
    match T::load(unsafe { bytes_arg(ptr, len) }) {
        Some(v) => State::new(v).handle,
        None => 0,
    }
}
/// Exports pgwasm_state_save and pgwasm_state_load for the module's state type `T` (one per
/// module: give several aggregates one enum).
#[macro_export]
macro_rules! state_bytes {
    ($t:ty) => {
        #[no_mangle]
        pub extern "C" fn pgwasm_state_save(handle: u32) -> u64 {
            $crate::state_save::<$t>(handle)
        }
        #[no_mangle]
        pub extern "C" fn pgwasm_state_load(ptr: *const u8, len: u32) -> u32 {
            $crate::state_load::<$t>(ptr, len)
        }
    };
}

// --- window functions (ABI.md, "Window functions") ----------------------------------------
// A window function takes the current row's arguments and then `row: i64`, its position in
// the partition (0 starts a partition: reset statics kept per partition), and reads the
// rest of the window through `win`:
//   export! { fn w_rank(row: i64) -> i64 { ... win::peers(row - 1, row) ... } }
pub mod win {
    /// Where win::arg counts a position from.
    #[derive(Clone, Copy)]
    pub enum From {
        Partition = 0,
        Current = 1,
        FrameHead = 2,
        FrameTail = 3,
    }
    /// A value of another row, as its Wasm value (integers, floats, bool, dates and times).
    pub trait Slot: Sized {
        fn from_bits(bits: u64) -> Self;
    }
    impl Slot for i64 {
        fn from_bits(b: u64) -> i64 { b as i64 }
    }
    impl Slot for i32 {
        fn from_bits(b: u64) -> i32 { b as u32 as i32 }
    }
    impl Slot for f64 {
        fn from_bits(b: u64) -> f64 { f64::from_bits(b) }
    }
    impl Slot for f32 {
        fn from_bits(b: u64) -> f32 { f32::from_bits(b as u32) }
    }
    impl Slot for bool {
        fn from_bits(b: u64) -> bool { b as u32 != 0 }
    }
    /// Rows in the partition.
    pub fn rows() -> i64 {
        unsafe { super::host_win_rows() }
    }
    /// Whether rows a and b (both in the partition) are ORDER BY peers.
    pub fn peers(a: i64, b: i64) -> bool {
        unsafe { super::host_win_peers(a, b) != 0 }
    }
    /// Argument `arg` of one row: None if there is no such row, Some(None) if it is NULL.
    pub fn arg<T: Slot>(arg: i32, pos: i64, from: From) -> Option<Option<T>> {
        let mut bits = 0u64;
        match unsafe { super::host_win_arg(arg, pos, from as i32, &mut bits) } {
            0 => Some(Some(T::from_bits(bits))),
            1 => Some(None),
            _ => None,
        }
    }
    fn collect<T: Slot>(v: Vec<u64>, nulls: Vec<u8>, n: usize) -> Vec<Option<T>> {
        (0..n).map(|i| if nulls[i] != 0 { None } else { Some(T::from_bits(v[i])) }).collect()
    }
    /// Argument `arg` of `count` rows of the partition from row `from` (fewer at its end).
    pub fn column<T: Slot>(arg: i32, from: i64, count: u32) -> Vec<Option<T>> {
        let mut v = vec![0u64; count as usize];
        let mut nulls = vec![0u8; count as usize];
        let n = unsafe { super::host_win_column(arg, from, count, v.as_mut_ptr(), nulls.as_mut_ptr()) };
        collect(v, nulls, n.max(0) as usize)
    }
    /// Argument `arg` of the frame's rows, in order.
    pub fn frame<T: Slot>(arg: i32) -> Vec<Option<T>> {
        let cap = rows().clamp(0, u32::MAX as i64) as u32;
        let mut v = vec![0u64; cap as usize];
        let mut nulls = vec![0u8; cap as usize];
        let n = unsafe { super::host_win_frame(arg, v.as_mut_ptr(), nulls.as_mut_ptr(), cap) };
        collect(v, nulls, n.max(0) as usize)
    }
}

// --- arguments and results, as the export! macro uses them ---------------------------------
pub unsafe fn text_arg<'a>(ptr: *const u8, len: u32) -> &'a str {
    // The host passes valid UTF-8 for text-like types.
    std::str::from_utf8_unchecked(bytes_arg(ptr, len))
}
pub unsafe fn bytes_arg<'a>(ptr: *const u8, len: u32) -> &'a [u8] {
    if len == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(ptr, len as usize)
    }
}
pub fn uuid_arg(hi: u64, lo: u64) -> Uuid {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&hi.to_be_bytes());
    b[8..].copy_from_slice(&lo.to_be_bytes());
    Uuid(b)
}

// --- jsonb in compact form (ABI.md) ---------------------------------------------------------
/// Marks export `name`: its jsonb arguments arrive in jsonb's binary form. Take them as
/// `&[u8]` and read them with `Jsonb::root`:
/// ```ignore
/// jsonb_compact!(get_name);
/// export! { fn get_name(doc: &[u8]) -> Option<String> {
///     Jsonb::root(doc)?.get("name")?.as_str().map(String::from)
/// } }
/// ```
#[macro_export]
macro_rules! jsonb_compact {
    ($name:ident) => {
        const _: () = {
            #[export_name = concat!("pgwasm_jsonb_compact__", stringify!($name))]
            pub extern "C" fn pgwasm_jsonb_compact_marker() {}
        };
    };
}

/// What a jsonb value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonKind {
    Null,
    String,
    Number,
    Bool,
    Array,
    Object,
}

/// A value inside a compact jsonb, read in place. Reads are range-checked: a damaged value
/// gives None, never a read outside it.
#[derive(Clone, Copy, Debug)]
pub struct Jsonb<'a> {
    kind: JsonKind,
    boolean: bool,
    data: &'a [u8],
}

fn jb_u32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}
fn jb_u16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

impl<'a> Jsonb<'a> {
    /// The document: a jsonb argument's bytes.
    pub fn root(bytes: &'a [u8]) -> Option<Jsonb<'a>> {
        let h = jb_u32(bytes, 0)?;
        let kind = if h & 0x2000_0000 != 0 { JsonKind::Object } else { JsonKind::Array };
        let v = Jsonb { kind, boolean: false, data: bytes };
        if h & 0x1000_0000 != 0 {
            return v.child(1, 0); // a scalar is stored as an array of one
        }
        Some(v)
    }

    pub fn kind(&self) -> JsonKind {
        self.kind
    }

    /// (count, entries) of a container that fits in its bytes.
    fn children(&self) -> Option<(usize, usize)> {
        if self.kind != JsonKind::Array && self.kind != JsonKind::Object {
            return None;
        }
        let h = jb_u32(self.data, 0)?;
        let n = (h & 0x0FFF_FFFF) as usize;
        let kids = if self.kind == JsonKind::Object { 2 * n } else { n };
        if kids > (self.data.len() - 4) / 4 {
            return None;
        }
        Some((n, kids))
    }

    fn child(&self, kids: usize, i: usize) -> Option<Jsonb<'a>> {
        let entry = |k: usize| jb_u32(self.data, 4 + 4 * k);
        let base = 4 + 4 * kids;
        let mut start = 0usize;
        for k in (0..i).rev() {
            let e = entry(k)?;
            start += (e & 0x0FFF_FFFF) as usize;
            if e & 0x8000_0000 != 0 {
                break;
            }
        }
        let e = entry(i)?;
        let off = (e & 0x0FFF_FFFF) as usize;
        let mut len = if e & 0x8000_0000 != 0 { off.checked_sub(start)? } else { off };
        let t = (e >> 28) & 7;
        if t == 1 || t == 5 {
            let pad = (4 - (start & 3)) & 3; // numbers and containers are 4-aligned
            len = len.checked_sub(pad)?;
            start += pad;
        }
        let from = base.checked_add(start)?;
        let data = self.data.get(from..from.checked_add(len)?)?;
        let (kind, boolean) = match t {
            0 => (JsonKind::String, false),
            1 => (JsonKind::Number, false),
            2 => (JsonKind::Bool, false),
            3 => (JsonKind::Bool, true),
            4 => (JsonKind::Null, false),
            5 => {
                let h = jb_u32(data, 0)?;
                (if h & 0x2000_0000 != 0 { JsonKind::Object } else { JsonKind::Array }, false)
            }
            _ => return None,
        };
        Some(Jsonb { kind, boolean, data })
    }

    /// Elements of an array, pairs of an object, 0 for anything else.
    pub fn len(&self) -> usize {
        self.children().map_or(0, |(n, _)| n)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Element i of an array.
    pub fn at(&self, i: usize) -> Option<Jsonb<'a>> {
        let (n, kids) = self.children()?;
        if self.kind != JsonKind::Array || i >= n {
            return None;
        }
        self.child(kids, i)
    }

    /// Key i and value i of an object, in jsonb's order (shorter keys first, then bytewise).
    pub fn key_at(&self, i: usize) -> Option<&'a str> {
        let (n, kids) = self.children()?;
        if self.kind != JsonKind::Object || i >= n {
            return None;
        }
        self.child(kids, i)?.as_str()
    }
    pub fn value_at(&self, i: usize) -> Option<Jsonb<'a>> {
        let (n, kids) = self.children()?;
        if self.kind != JsonKind::Object || i >= n {
            return None;
        }
        self.child(kids, n + i)
    }

    /// The value of `key` in an object: a binary search.
    pub fn get(&self, key: &str) -> Option<Jsonb<'a>> {
        let (n, kids) = self.children()?;
        if self.kind != JsonKind::Object {
            return None;
        }
        let key = key.as_bytes();
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let k = self.child(kids, mid)?.data;
            match k.len().cmp(&key.len()).then_with(|| k.cmp(key)) {
                std::cmp::Ordering::Equal => return self.child(kids, n + mid),
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        None
    }

    pub fn as_str(&self) -> Option<&'a str> {
        if self.kind != JsonKind::String {
            return None;
        }
        std::str::from_utf8(self.data).ok()
    }
    pub fn as_bool(&self) -> Option<bool> {
        if self.kind == JsonKind::Bool { Some(self.boolean) } else { None }
    }

    /// A number as exact decimal text, as PostgreSQL prints it.
    pub fn number_text(&self) -> Option<String> {
        if self.kind != JsonKind::Number {
            return None;
        }
        let p = self.data;
        let (size, hdr) = if *p.first()? & 1 == 1 {
            ((p[0] >> 1) as usize, 1)
        } else {
            ((jb_u32(p, 0)? >> 2) as usize, 4)
        };
        let p = p.get(..size)?;
        let h = jb_u16(p, hdr)?;
        match h {
            0xC000 => return Some("NaN".into()),
            0xD000 => return Some("Infinity".into()),
            0xF000 => return Some("-Infinity".into()),
            _ => {}
        }
        let (neg, dscale, weight, first) = if h & 0xC000 == 0x8000 {
            let w = (h & 0x3F) as i32;
            (h & 0x2000 != 0, ((h & 0x1F80) >> 7) as i32, if h & 0x40 != 0 { w - 64 } else { w }, hdr + 2)
        } else if h & 0xC000 == 0xC000 {
            return None;
        } else {
            (h & 0xC000 == 0x4000, (h & 0x3FFF) as i32, jb_u16(p, hdr + 2)? as i16 as i32, hdr + 4)
        };
        let ndigits = (p.len().checked_sub(first)? / 2) as i32;
        let digit = |i: i32| if i >= 0 && i < ndigits { jb_u16(p, first + 2 * i as usize).unwrap_or(0) } else { 0 };
        let mut s = String::new();
        if neg {
            s.push('-');
        }
        let mut d;
        if weight < 0 {
            d = weight + 1;
            s.push('0');
        } else {
            d = 0;
            while d <= weight {
                let g = digit(d);
                if d == 0 { s.push_str(&g.to_string()) } else { s.push_str(&format!("{:04}", g)) }
                d += 1;
            }
        }
        if dscale > 0 {
            s.push('.');
            let end = s.len() + dscale as usize;
            while s.len() < end {
                s.push_str(&format!("{:04}", digit(d)));
                d += 1;
            }
            s.truncate(end);
        }
        Some(s)
    }
    /// A number as the nearest f64.
    pub fn as_f64(&self) -> Option<f64> {
        self.number_text()?.parse().ok()
    }
    /// A number written without a fraction that fits in i64.
    pub fn as_i64(&self) -> Option<i64> {
        self.number_text()?.parse().ok()
    }
}

/// An argument passed as one Wasm parameter.
pub trait Arg {
    type Raw;
    fn from_raw(raw: Self::Raw) -> Self;
}
macro_rules! scalar_arg {
    ($t:ty, $raw:ty, $from:expr) => {
        impl Arg for $t {
            type Raw = $raw;
            fn from_raw(raw: $raw) -> $t {
                $from(raw)
            }
        }
    };
}
scalar_arg!(i32, i32, |r| r);
scalar_arg!(i64, i64, |r| r);
scalar_arg!(f32, f32, |r| r);
scalar_arg!(f64, f64, |r| r);
scalar_arg!(bool, i32, |r| r != 0);
scalar_arg!(Date, i32, Date);
scalar_arg!(Time, i64, Time);
scalar_arg!(Timestamp, i64, Timestamp);
impl<'a> Arg for &'a Array {
    type Raw = u32;
    fn from_raw(raw: u32) -> &'a Array {
        unsafe { &*(raw as usize as *const Array) }
    }
}
impl<'a> Arg for &'a Row {
    type Raw = u32;
    fn from_raw(raw: u32) -> &'a Row {
        unsafe { &*(raw as usize as *const Row) }
    }
}

/// A result: its one Wasm value.
pub trait Ret {
    type Raw: Default;
    fn into_raw(self) -> Self::Raw;
}
macro_rules! scalar_ret {
    ($t:ty, $raw:ty, $to:expr) => {
        impl Ret for $t {
            type Raw = $raw;
            fn into_raw(self) -> $raw {
                $to(self)
            }
        }
    };
}
scalar_ret!(i32, i32, |v| v);
scalar_ret!(i64, i64, |v| v);
scalar_ret!(f32, f32, |v| v);
scalar_ret!(f64, f64, |v| v);
scalar_ret!(bool, i32, |v| v as i32);
scalar_ret!(Date, i32, |v: Date| v.0);
scalar_ret!(Time, i64, |v: Time| v.0);
scalar_ret!(Timestamp, i64, |v: Timestamp| v.0);
fn bytes_ret(b: &[u8]) -> u64 {
    (b.len() as u64) << 32 | copy_out(b) as u32 as u64
}
scalar_ret!(String, u64, |v: String| bytes_ret(v.as_bytes()));
scalar_ret!(&'static str, u64, |v: &str| bytes_ret(v.as_bytes()));
scalar_ret!(Vec<u8>, u64, |v: Vec<u8>| bytes_ret(&v));
scalar_ret!(Uuid, u32, |v: Uuid| copy_out(&v.0) as u32);
scalar_ret!(Interval, u32, |v: Interval| {
    let p = alloc(16) as *mut Interval;
    unsafe { *p = v };
    p as u32
});
scalar_ret!(RowOut, u32, |v: RowOut| v.ptr as u32);
impl Ret for () {
    type Raw = ();
    fn into_raw(self) {}
}
impl<T: Ret> Ret for Option<T> {
    type Raw = T::Raw;
    fn into_raw(self) -> T::Raw {
        match self {
            Some(v) => v.into_raw(),
            None => {
                unsafe { host_return_null() };
                T::Raw::default()
            }
        }
    }
}

/// An element type of an array result.
pub trait Element: Sized {
    const SIZE: u32;
    /// Writes the element into its slot; false for NULL.
    fn write(self, slot: *mut u8) -> bool;
}
macro_rules! plain_element {
    ($t:ty, $size:expr, $to:expr) => {
        impl Element for $t {
            const SIZE: u32 = $size;
            fn write(self, slot: *mut u8) -> bool {
                unsafe { std::ptr::copy_nonoverlapping(($to(self)).to_le_bytes().as_ptr(), slot, $size) };
                true
            }
        }
    };
}
plain_element!(f64, 8, |v: f64| v);
plain_element!(f32, 4, |v: f32| v);
plain_element!(i64, 8, |v: i64| v);
plain_element!(i32, 4, |v: i32| v);
plain_element!(Date, 4, |v: Date| v.0);
plain_element!(Timestamp, 8, |v: Timestamp| v.0);
impl Element for String {
    const SIZE: u32 = 8;
    fn write(self, slot: *mut u8) -> bool {
        let p = copy_out(self.as_bytes());
        unsafe { *(slot as *mut Slice) = Slice { ptr: p as u32, len: self.len() as u32 } };
        true
    }
}
impl<T: Element> Element for Option<T> {
    const SIZE: u32 = T::SIZE;
    fn write(self, slot: *mut u8) -> bool {
        self.map_or(false, |v| v.write(slot))
    }
}
impl Element for RowOut {
    const SIZE: u32 = 4;
    fn write(self, slot: *mut u8) -> bool {
        unsafe { *(slot as *mut u32) = self.ptr as u32 };
        true
    }
}
impl Element for Uuid {
    const SIZE: u32 = 16;
    fn write(self, slot: *mut u8) -> bool {
        unsafe { std::ptr::copy_nonoverlapping(self.0.as_ptr(), slot, 16) };
        true
    }
}
impl Element for bool {
    const SIZE: u32 = 1;
    fn write(self, slot: *mut u8) -> bool {
        unsafe { *slot = self as u8 };
        true
    }
}
impl<T: Element> Ret for Vec<T> {
    type Raw = u32;
    fn into_raw(self) -> u32 {
        array_out(self)
    }
}
/// An array in guest memory (ABI.md, "Arrays"), lower bound 1: its address.
fn array_out<T: Element>(v: Vec<T>) -> u32 {
    let n = v.len();
    let header = alloc(24) as *mut u32;
    let data = alloc(n * T::SIZE as usize);
    let nulls = alloc(n);
    let mut any_null = false;
    for (i, e) in v.into_iter().enumerate() {
        let present = e.write(unsafe { data.add(i * T::SIZE as usize) });
        unsafe { *nulls.add(i) = !present as u8 };
        any_null |= !present;
    }
    unsafe {
        *header = n as u32;
        *header.add(1) = 1;
        *header.add(2) = T::SIZE;
        *header.add(4) = if any_null { nulls as u32 } else { 0 };
        *header.add(5) = data as u32;
    }
    header as u32
}

/// Exports a function to SQL: `export! { fn name(arg: Type, ...) -> Result { body } }`
/// (`-> ()` or no arrow for void). The export name is the function's name.
#[macro_export]
macro_rules! export {
    (fn $name:ident ( $($args:tt)* ) $body:block) => {
        $crate::export! { fn $name ( $($args)* ) -> () $body }
    };
    (fn $name:ident ( $($args:tt)* ) -> $ret:ty $body:block) => {
        $crate::__pgwasm_params! { [$name] [$ret] [$body] [] [] $($args)* }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __pgwasm_params {
    ([$name:ident] [$ret:ty] [$body:block] [$($p:tt)*] [$($l:tt)*] $(,)?) => {
        #[no_mangle]
        pub extern "C" fn $name($($p)*) -> <$ret as $crate::Ret>::Raw {
            $($l)*
            let result: $ret = (move || -> $ret { $body })();
            $crate::Ret::into_raw(result)
        }
    };
    ([$f:ident] [$r:ty] [$b:block] [$($p:tt)*] [$($l:tt)*] $n:ident : &str $(, $($rest:tt)*)?) => {
        $crate::__pgwasm_params! { [$f] [$r] [$b] [$($p)* ptr: *const u8, len: u32,]
            [$($l)* let $n: &str = unsafe { $crate::text_arg(ptr, len) };] $($($rest)*)? }
    };
    ([$f:ident] [$r:ty] [$b:block] [$($p:tt)*] [$($l:tt)*] $n:ident : &[u8] $(, $($rest:tt)*)?) => {
        $crate::__pgwasm_params! { [$f] [$r] [$b] [$($p)* ptr: *const u8, len: u32,]
            [$($l)* let $n: &[u8] = unsafe { $crate::bytes_arg(ptr, len) };] $($($rest)*)? }
    };
    ([$f:ident] [$r:ty] [$b:block] [$($p:tt)*] [$($l:tt)*] $n:ident : Uuid $(, $($rest:tt)*)?) => {
        $crate::__pgwasm_params! { [$f] [$r] [$b] [$($p)* hi: u64, lo: u64,]
            [$($l)* let $n = $crate::uuid_arg(hi, lo);] $($($rest)*)? }
    };
    ([$f:ident] [$r:ty] [$b:block] [$($p:tt)*] [$($l:tt)*] $n:ident : Interval $(, $($rest:tt)*)?) => {
        $crate::__pgwasm_params! { [$f] [$r] [$b] [$($p)* micros: i64, days: i32, months: i32,]
            [$($l)* let $n = $crate::Interval { micros, days, months };] $($($rest)*)? }
    };
    ([$f:ident] [$r:ty] [$b:block] [$($p:tt)*] [$($l:tt)*] $n:ident : $t:ty $(, $($rest:tt)*)?) => {
        $crate::__pgwasm_params! { [$f] [$r] [$b] [$($p)* raw: <$t as $crate::Arg>::Raw,]
            [$($l)* let $n: $t = <$t as $crate::Arg>::from_raw(raw);] $($($rest)*)? }
    };
}
