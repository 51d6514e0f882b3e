;; A table of 10M elements: 80 MB, which count against wasm.memory_limit.
(module
  (table 10000000 funcref)
  (func (export "size") (result i32) (table.size 0)))
