;; Replaces version1.wasm's "version" with one of a different signature: eight i64 results.
(module
  (func (export "version") (result i64 i64 i64 i64 i64 i64 i64 i64)
    i64.const 1 i64.const 2 i64.const 3 i64.const 4
    i64.const 5 i64.const 6 i64.const 7 i64.const 8))
