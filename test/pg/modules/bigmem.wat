;; Needs 192 MiB of memory at start: more than the default wasm.memory_limit (128 MB).
(module
  (memory (export "memory") 3072)
  (func (export "pages") (result i32) memory.size))
