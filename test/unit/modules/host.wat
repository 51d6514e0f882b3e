;; Calls into host functions with register and stack arguments and multiple results.
(module
  (import "host" "add7" (func $add7 (param i32 i64 i32 i64 i32 i64 i32) (result i64)))
  (import "host" "fsum" (func $fsum (param f64 f64 f64 f64 f64 f64 f64 f64 f64 f32) (result f64)))
  (import "host" "fail" (func $fail (param i32) (result i32)))
  (import "host" "swap3" (func $swap3 (param i32 i64 f64) (result f64 i64 i32)))
  ;; more than 16 parameters and results: the host side's buffers beyond its fixed ones
  (import "host" "wide" (func $wide (param i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
                                           i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
                                    (result i64 i64 i64 i64 i64 i64 i64 i64 i64
                                            i64 i64 i64 i64 i64 i64 i64 i64)))
  (func (export "call_add7") (result i64)
    i32.const 1 i64.const 2 i32.const 3 i64.const 4 i32.const 5 i64.const 6 i32.const 7 call $add7)
  (func (export "call_fsum") (result f64)
    f64.const 1 f64.const 2 f64.const 3 f64.const 4 f64.const 5 f64.const 6 f64.const 7
    f64.const 8 f64.const 9 f32.const 10 call $fsum)
  (func (export "call_fail") (param i32) (result i32) local.get 0 call $fail)
  (func (export "call_swap3") (result i32 i64 f64)
    (local f64 i64 i32)
    i32.const -5 i64.const 1234567890123 f64.const 2.5 call $swap3
    local.set 2 local.set 1 local.set 0
    local.get 2 local.get 1 local.get 0)
  ;; the sum of wide's 17 results for the arguments 1..20
  (func (export "call_wide") (result i64)
    i64.const 1 i64.const 2 i64.const 3 i64.const 4 i64.const 5 i64.const 6 i64.const 7 i64.const 8 i64.const 9 i64.const 10 i64.const 11 i64.const 12 i64.const 13 i64.const 14 i64.const 15 i64.const 16 i64.const 17 i64.const 18 i64.const 19 i64.const 20
    call $wide
    i64.add i64.add i64.add i64.add i64.add i64.add i64.add i64.add i64.add i64.add i64.add i64.add i64.add i64.add i64.add i64.add)
  ;; wasm-to-wasm with many params and results
  (func $many (param i32 i32 i32 i32 i32 i32 i32 i32 f32 f32 f32 f32 f32 f32 f32 f32 f32 f32)
              (result i32 i32 f32 f32)
    local.get 7 local.get 6 i32.add
    local.get 0
    local.get 17 local.get 16 f32.add
    local.get 8)
  (func (export "call_many") (result i32 i32 f32 f32)
    i32.const 1 i32.const 2 i32.const 3 i32.const 4 i32.const 5 i32.const 6 i32.const 7 i32.const 8
    f32.const 1 f32.const 2 f32.const 3 f32.const 4 f32.const 5 f32.const 6 f32.const 7 f32.const 8
    f32.const 9 f32.const 10 call $many)
)
