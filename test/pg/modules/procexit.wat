;; Calls WASI proc_exit(3): the call ends with an ERROR, the session goes on.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (func (export "quit") (result i32) (call $exit (i32.const 3)) i32.const 0))
