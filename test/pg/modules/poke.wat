;; A guest whose results are built in SQL: poke copies its bytea argument to address
;; 65536 and returns 65536 + off, as a block pointer (arrays, rows) or, with a length, as
;; bytes. Used by sql/codec_limits.sql to return shapes no SDK would build: values that
;; name each other (a DAG of arrays), long chains of rows, text for typmod'd fields.
(module
  (memory (export "memory") 256)
  (func (export "pgwasm_abi_v2"))
  (func (export "pgwasm_alloc") (param i32) (result i32) (i32.const 0x800000))
  (func $copy (param $p i32) (param $n i32)
    (memory.copy (i32.const 0x10000) (local.get $p) (local.get $n)))
  ;; (bytea, int off) -> block at 65536 + off
  (func (export "block") (param $p i32) (param $n i32) (param $off i32) (result i32)
    (call $copy (local.get $p) (local.get $n))
    (i32.add (i32.const 0x10000) (local.get $off)))
  ;; (bytea, int off, int len) -> bytes: len bytes at 65536 + off
  (func (export "bytes") (param $p i32) (param $n i32) (param $off i32) (param $len i32) (result i64)
    (call $copy (local.get $p) (local.get $n))
    (i64.or (i64.shl (i64.extend_i32_u (local.get $len)) (i64.const 32))
            (i64.extend_i32_u (i32.add (i32.const 0x10000) (local.get $off)))))
  ;; (int) -> int: takes any one-parameter argument (an array's address) and returns it
  (func (export "ignore") (param i32) (result i32) (i32.const 0))
  ;; (row, row) -> float8: field 0 of the first less field 0 of the second (integers)
  (func (export "row_diff") (param $a i32) (param $b i32) (result f64)
    (f64.convert_i32_s (i32.sub (i32.load offset=8 (local.get $a)) (i32.load offset=8 (local.get $b)))))
  ;; (bytes) -> int: takes a text-like argument and returns 0
  (func (export "ignore_bytes") (param i32 i32) (result i32) (i32.const 0)))
