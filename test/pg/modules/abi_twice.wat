;; A module with two ABI markers, and one of the wrong type: it says nothing clearly.
(module
  (memory 1)
  (func (export "pgwasm_abi_v1"))
  (func (export "pgwasm_abi_v2") (param i32))
  (func (export "pgwasm_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "byte_count") (param i32 i32) (result i32) (local.get 1)))
