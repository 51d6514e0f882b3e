;; spin(n) counts n down in a loop and returns n: a known, linear amount of fuel. Its
;; memory (20 pages, 1.25 MB) lets tests add up the memory of several instances.
(module
  (memory 20)
  (func (export "spin") (param $n i32) (result i32) (local $i i32)
    (local.set $i (local.get $n))
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $i)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $n)))
