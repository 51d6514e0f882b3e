;; Returns a (ptr, len) result outside its memory, and a text function without an allocator.
(module
  (memory 1)
  (func (export "wild") (result i64) i64.const 0x0001000000001000)
  (func (export "noalloc") (param i32 i32) (result i32) local.get 1))
