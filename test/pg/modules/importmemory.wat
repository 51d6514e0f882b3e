;; Imports a memory: pg-wasm's host provides functions only.
(module
  (import "env" "memory" (memory 1))
  (func (export "f") (result i32) i32.const 1))
