;; A module without pgwasm_abi_v2 (ABI version 1) that asks for compact jsonb: refused.
;; probe is also the replacement of jsonb_markers.wat's probe without a marker.
(module
  (memory (export "memory") 1)
  (func (export "pgwasm_alloc") (param i32) (result i32) (i32.const 1024))
  (func $probe (param i32 i32) (result i32) (i32.load8_u (local.get 0)))
  (func $marker)
  (export "probe" (func $probe))
  (export "v1_probe" (func $probe))
  (export "pgwasm_jsonb_compact__v1_probe" (func $marker)))
