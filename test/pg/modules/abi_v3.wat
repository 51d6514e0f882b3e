;; A module that says it targets ABI version 3, which this pg-wasm does not know.
(module
  (memory 1)
  (func (export "pgwasm_abi_v3"))
  (func (export "pgwasm_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "byte_count") (param i32 i32) (result i32) (local.get 1)))
