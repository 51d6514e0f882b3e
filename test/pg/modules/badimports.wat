;; Imports that exist in pg-wasm's host, but not as declared here.
(module
  (import "pgwasm" "arg_is_null" (func (param i64) (result i32)))
  (func (export "f") (result i32) (call 0 (i64.const 0))))
