;; The trap kinds the C examples do not reach: invalid conversion, table out of bounds,
;; uninitialized element, indirect call type mismatch.
(module
  (type $v_i (func (result i32)))
  (type $i_i (func (param i32) (result i32)))
  (table 3 funcref)
  (func $seven (type $v_i) i32.const 7)
  (func $id (type $i_i) local.get 0)
  (elem (i32.const 0) $seven $id)  ;; slot 2 stays null
  (func (export "to_int") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
  ;; calls table[i] as () -> i32
  (func (export "call_slot") (param i32) (result i32) (call_indirect (type $v_i) (local.get 0))))
