;; Guests that make host functions work hard or fail loudly (sql/hostile.sql):
;;   spam(n)    writes n iovecs of 896 kB each to stdout, again and again, for ever
;;   entropy(n) asks random_get for n bytes, again and again, for ever
;;   panic()    writes an assertion's message to stderr and traps, as a C assert or a Rust
;;              panic does
;;   badjson()  returns "{not json" as its jsonb result
;;   garble()   writes bytes that are not UTF-8 (and a NUL) to stdout and stderr, and traps
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (memory (export "memory") 17)
  (data (i32.const 0x100) "thread 'main' panicked at src/lib.rs:7:5:\nassertion failed: x > 0\n")
  (data (i32.const 0x200) "{not json")
  (data (i32.const 0x300) "bad \ff\fe bytes, NUL \00, and \c3\a9 ok\n")
  (func (export "spam") (param $n i32) (result i32) (local $i i32)
    ;; iovecs at 0x1000: all {0x20000, 0xE0000}
    (block $done (loop $fill
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store (i32.add (i32.const 0x1000) (i32.mul (local.get $i) (i32.const 8))) (i32.const 0x20000))
      (i32.store (i32.add (i32.const 0x1004) (i32.mul (local.get $i) (i32.const 8))) (i32.const 0xE0000))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $fill)))
    (loop $again
      (drop (call $fd_write (i32.const 1) (i32.const 0x1000) (local.get $n) (i32.const 0x800)))
      (br $again))
    (i32.const 0))
  (func (export "entropy") (param $n i32) (result i32)
    (loop $again
      (drop (call $random_get (i32.const 0) (local.get $n)))
      (br $again))
    (i32.const 0))
  (func $report (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0x40) (local.get $ptr))
    (i32.store (i32.const 0x44) (local.get $len))
    (drop (call $fd_write (i32.const 2) (i32.const 0x40) (i32.const 1) (i32.const 0x48))))
  (func $check (param $x i32) (result i32)
    (if (i32.le_s (local.get $x) (i32.const 0))
      (then (call $report (i32.const 0x100) (i32.const 66)) (unreachable)))
    (local.get $x))
  (func (export "panic") (result i32) (call $check (i32.const 0)))
  (func (export "badjson") (result i64) (i64.const 0x0000000900000200))
  (func (export "garble") (result i32)
    (i32.store (i32.const 0x40) (i32.const 0x300))
    (i32.store (i32.const 0x44) (i32.const 31))
    (drop (call $fd_write (i32.const 1) (i32.const 0x40) (i32.const 1) (i32.const 0x48)))
    (call $report (i32.const 0x300) (i32.const 31))
    (unreachable)))
