;; Compact jsonb markers (udf-sdk/ABI.md, "jsonb in compact form"), well and badly formed.
;; probe returns the first byte of its jsonb argument: a compact object's header starts
;; with its pair count, JSON text with '{'; misalign(text, jsonb) returns the jsonb
;; argument's address mod 4 (after a text of any length, still 0).
(module
  (memory (export "memory") 1)
  (func (export "pgwasm_abi_v2"))
  (func (export "pgwasm_alloc") (param i32) (result i32) (i32.const 1024))
  (func $probe (param i32 i32) (result i32) (i32.load8_u (local.get 0)))
  (func $misalign (param i32 i32 i32 i32) (result i32) (i32.and (local.get 2) (i32.const 3)))
  (func $marker)
  (export "probe" (func $probe))
  (export "pgwasm_jsonb_compact__probe" (func $marker))
  (export "misalign" (func $misalign))
  (export "pgwasm_jsonb_compact__misalign" (func $marker))
  (export "plain" (func $probe))
  ;; a marker must be a function () -> ()
  (func $takes (param i32))
  (export "bad_params" (func $probe))
  (export "pgwasm_jsonb_compact__bad_params" (func $takes))
  (global $g i32 (i32.const 0))
  (export "bad_global" (func $probe))
  (export "pgwasm_jsonb_compact__bad_global" (global $g)))
