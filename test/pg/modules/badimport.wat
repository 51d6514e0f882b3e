;; Imports a function pg-wasm does not provide.
(module
  (import "env" "launch_missiles" (func (param i32) (result i32)))
  (func (export "f") (result i32) (call 0 (i32.const 1))))
