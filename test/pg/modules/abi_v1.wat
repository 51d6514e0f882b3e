;; A module built for ABI version 1 (no pgwasm_abi_v* export): text and integers only.
(module
  (memory 1)
  (global $next (mut i32) (i32.const 1024))
  (func (export "pgwasm_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "byte_count") (param i32 i32) (result i32) (local.get 1))
  (func (export "echo_block") (param i32) (result i32) (local.get 0)))
