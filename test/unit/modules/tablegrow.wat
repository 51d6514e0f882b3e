;; A memory of one page and a table that grows by N elements per call (for the memory
;; account: tables count against the store's memory limit and the engine's ceiling).
(module
  (memory 1)
  (table $t 0 funcref)
  (func (export "grow") (param $n i32) (result i32)
    (table.grow $t (ref.null func) (local.get $n)))
  (func (export "mgrow") (param $n i32) (result i32)
    (memory.grow (local.get $n))))
