;; Traps a few calls deep, for trap backtraces: an explicit check (division by zero), a
;; guard-page fault (a load past the memory), a call with stack arguments on the way, and
;; an indirect call (whose callee a backtrace cannot name).
(module
  (memory 1)
  (table 1 funcref)
  (elem (i32.const 0) $leaf)
  (type $t (func (param i32) (result i32)))
  (func $leaf (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
  (func $mid (param i32) (result i32) (i32.add (call $leaf (local.get 0)) (i32.const 1)))
  (func $top (export "top") (param i32) (result i32) (i32.add (call $mid (local.get 0)) (i32.const 1)))
  (func $oob (result i32) (i32.load (i32.const -4)))
  (func $top_oob (export "top_oob") (result i32) (i32.add (call $oob) (i32.const 1)))
  (func $many (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
    (i32.add (call $leaf (local.get 8)) (local.get 7)))
  (func $top_many (export "top_many") (param i32) (result i32)
    (i32.add (call $many (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5)
                         (i32.const 6) (i32.const 7) (i32.const 8) (local.get 0)) (i32.const 1)))
  (func $top_indirect (export "top_indirect") (param i32) (result i32)
    (i32.add (call_indirect (type $t) (local.get 0) (i32.const 0)) (i32.const 1))))
