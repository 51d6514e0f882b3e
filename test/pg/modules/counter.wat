;; Guest state: a counter in a global and one in linear memory. Both must start from zero
;; in every statement.
(module
  (memory 1)
  (global $n (mut i32) (i32.const 0))
  (func (export "next") (result i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (i32.store (i32.const 64) (i32.add (i32.load (i32.const 64)) (i32.const 1)))
    (i32.add (global.get $n) (i32.mul (i32.load (i32.const 64)) (i32.const 1000)))))
