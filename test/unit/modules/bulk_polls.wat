;; Each export does one bulk operation of 64 KiB or 8,192 elements (below a chunk), or one
;; table.grow (whose result, not a trap code, the helper returns), in
;; straight-line code: no loop header or function entry after the call starts, so only
;; the helper's own poll can notice an interrupt.
(module
  (memory 2)
  (table $t 16384 funcref)
  (data $d "0123456789abcdef")
  (elem $e func $nop $nop $nop $nop)
  (func $nop)
  (func (export "fill") (memory.fill (i32.const 0) (i32.const 7) (i32.const 65536)))
  (func (export "copy") (memory.copy (i32.const 0) (i32.const 65536) (i32.const 65536)))
  (func (export "init") (memory.init $d (i32.const 0) (i32.const 0) (i32.const 16)))
  (func (export "table_fill") (table.fill $t (i32.const 0) (ref.null func) (i32.const 8192)))
  (func (export "table_copy") (table.copy $t $t (i32.const 0) (i32.const 8192) (i32.const 8192)))
  (func (export "table_init") (table.init $t $e (i32.const 0) (i32.const 0) (i32.const 4)))
  (func (export "table_grow") (drop (table.grow $t (ref.null func) (i32.const 8192)))))
