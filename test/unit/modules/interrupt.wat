;; Loops that keep many values in registers across loop headers, while a host function
;; raises the interrupt flag, so that a handler letting the code resume must find every
;; register as it left it.
(module
  (import "host" "raise" (func $raise))
  (memory 128)
  ;; Sums over i in [0, n): integer and float accumulators and a few live temporaries.
  (func (export "mixed") (param $n i32) (result f64)
    (local $i i32) (local $a i64) (local $b i32) (local $x f64) (local $y f32)
    (loop $l
      (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 7))) (then (call $raise)))
      (local.set $a (i64.add (local.get $a) (i64.extend_i32_u (local.get $i))))
      (local.set $b (i32.xor (local.get $b) (i32.mul (local.get $i) (i32.const 31))))
      (local.set $x (f64.add (local.get $x) (f64.convert_i32_u (local.get $i))))
      (local.set $y (f32.add (local.get $y) (f32.const 0.5)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (f64.add
      (f64.add (f64.convert_i64_u (local.get $a)) (f64.convert_i32_u (local.get $b)))
      (f64.add (local.get $x) (f64.promote_f32 (local.get $y)))))
  ;; Raises the flag, then fills 8 MiB (polled between chunks) and reads a byte back.
  (func (export "fill") (result i32)
    call $raise
    (memory.fill (i32.const 0) (i32.const 0xAB) (i32.const 0x800000))
    (i32.load8_u (i32.const 0x7FFFFF)))
)
