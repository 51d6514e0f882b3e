;; Signatures whose canonical ids must differ: (f64) -> () and () -> (f64) once shared one,
;; because the interning key separated params from results with the byte of f64.
(module
  (type $takes_f64 (func (param f64)))
  (type $gives_f64 (func (result f64)))
  (func $sink (type $takes_f64))
  (func $source (type $gives_f64) f64.const 2.5)
  (table 2 funcref)
  (elem (i32.const 0) $sink $source)
  ;; Calls table[i] as () -> f64: only index 1 has that type.
  (func (export "call_as_source") (param i32) (result f64)
    (call_indirect (type $gives_f64) (local.get 0))))
