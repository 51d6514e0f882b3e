;; Bit counting, shifts and rotates, whose code differs with and without LZCNT, BMI1 and
;; BMI2 (see cpu_baseline_test.cpp). Each shift comes with the count in the first operand
;; position too, and with a constant count, to vary register assignment.
(module
  (func (export "clz32") (param i32) (result i32) (i32.clz (local.get 0)))
  (func (export "ctz32") (param i32) (result i32) (i32.ctz (local.get 0)))
  (func (export "clz64") (param i64) (result i64) (i64.clz (local.get 0)))
  (func (export "ctz64") (param i64) (result i64) (i64.ctz (local.get 0)))
  (func (export "shl32") (param i32 i32) (result i32) (i32.shl (local.get 0) (local.get 1)))
  (func (export "shr_s32") (param i32 i32) (result i32) (i32.shr_s (local.get 0) (local.get 1)))
  (func (export "shr_u32") (param i32 i32) (result i32) (i32.shr_u (local.get 0) (local.get 1)))
  (func (export "rotl32") (param i32 i32) (result i32) (i32.rotl (local.get 0) (local.get 1)))
  (func (export "rotr32") (param i32 i32) (result i32) (i32.rotr (local.get 0) (local.get 1)))
  (func (export "shl64") (param i64 i64) (result i64) (i64.shl (local.get 0) (local.get 1)))
  (func (export "shr_s64") (param i64 i64) (result i64) (i64.shr_s (local.get 0) (local.get 1)))
  (func (export "shr_u64") (param i64 i64) (result i64) (i64.shr_u (local.get 0) (local.get 1)))
  (func (export "rotl64") (param i64 i64) (result i64) (i64.rotl (local.get 0) (local.get 1)))
  (func (export "rotr64") (param i64 i64) (result i64) (i64.rotr (local.get 0) (local.get 1)))
  ;; count first: x is param 1, count param 0
  (func (export "shl32_swapped") (param i32 i32) (result i32) (i32.shl (local.get 1) (local.get 0)))
  (func (export "rotr64_swapped") (param i64 i64) (result i64) (i64.rotr (local.get 1) (local.get 0)))
  ;; the same value as operand and count
  (func (export "shl32_self") (param i32) (result i32) (i32.shl (local.get 0) (local.get 0)))
  (func (export "rotl64_self") (param i64) (result i64) (i64.rotl (local.get 0) (local.get 0)))
  ;; constant counts
  (func (export "rotl32_5") (param i32) (result i32) (i32.rotl (local.get 0) (i32.const 5)))
  (func (export "shr_s64_63") (param i64) (result i64) (i64.shr_s (local.get 0) (i64.const 63)))
  ;; live values around a shift, in many registers
  (func (export "mix") (param i32 i32 i32) (result i32)
    (i32.add
      (i32.add (i32.shl (local.get 0) (local.get 1)) (i32.rotr (local.get 2) (local.get 0)))
      (i32.add (i32.shr_u (local.get 1) (local.get 2)) (i32.clz (local.get 2)))))
)
