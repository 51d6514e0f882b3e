;; Shapes that stress the single-pass compiler's value stack and register allocation.
(module
  ;; More simultaneously live values than there are registers: 24 stack entries.
  (func (export "pressure") (param $a i32) (result i32)
    local.get $a i32.const 1 i32.add
    local.get $a i32.const 2 i32.add
    local.get $a i32.const 3 i32.add
    local.get $a i32.const 4 i32.add
    local.get $a i32.const 5 i32.add
    local.get $a i32.const 6 i32.add
    local.get $a i32.const 7 i32.add
    local.get $a i32.const 8 i32.add
    local.get $a i32.const 9 i32.add
    local.get $a i32.const 10 i32.add
    local.get $a i32.const 11 i32.add
    local.get $a i32.const 12 i32.add
    local.get $a i32.const 13 i32.mul
    local.get $a i32.const 14 i32.mul
    local.get $a i32.const 15 i32.mul
    local.get $a i32.const 16 i32.mul
    local.get $a i32.const 17 i32.xor
    local.get $a i32.const 18 i32.xor
    local.get $a i32.const 19 i32.xor
    local.get $a i32.const 20 i32.xor
    i32.add i32.add i32.add i32.add i32.add i32.add i32.add i32.add i32.add i32.add
    i32.add i32.add i32.add i32.add i32.add i32.add i32.add i32.add i32.add)

  ;; The same with floats (more than the xmm registers).
  (func (export "fpressure") (param $x f64) (result f64)
    local.get $x f64.const 1 f64.add
    local.get $x f64.const 2 f64.add
    local.get $x f64.const 3 f64.add
    local.get $x f64.const 4 f64.add
    local.get $x f64.const 5 f64.add
    local.get $x f64.const 6 f64.add
    local.get $x f64.const 7 f64.add
    local.get $x f64.const 8 f64.add
    local.get $x f64.const 9 f64.add
    local.get $x f64.const 10 f64.add
    local.get $x f64.const 11 f64.add
    local.get $x f64.const 12 f64.add
    local.get $x f64.const 13 f64.add
    local.get $x f64.const 14 f64.add
    local.get $x f64.const 15 f64.add
    local.get $x f64.const 16 f64.add
    local.get $x f64.const 17 f64.add
    local.get $x f64.const 18 f64.add
    f64.sub f64.add f64.sub f64.add f64.sub f64.add f64.sub f64.add f64.sub
    f64.add f64.sub f64.add f64.sub f64.add f64.sub f64.add f64.sub)

  ;; Arguments rotated between argument registers: a parallel move with a cycle.
  (func $weigh (param i32 i32 i32 i32 i32 i32) (result i32)
    local.get 0 i32.const 1 i32.mul
    local.get 1 i32.const 10 i32.mul i32.add
    local.get 2 i32.const 100 i32.mul i32.add
    local.get 3 i32.const 1000 i32.mul i32.add
    local.get 4 i32.const 10000 i32.mul i32.add
    local.get 5 i32.const 100000 i32.mul i32.add)
  (func (export "rotate") (param i32 i32 i32 i32 i32 i32) (result i32)
    local.get 5 local.get 0 local.get 1 local.get 2 local.get 3 local.get 4 call $weigh)
  (func (export "swap") (param i32 i32 i32 i32 i32 i32) (result i32)
    local.get 1 local.get 0 local.get 3 local.get 2 local.get 5 local.get 4 call $weigh)

  ;; A local written while lazy references to its old value are still on the stack.
  (func (export "stale") (param $x i32) (result i32)
    local.get $x
    local.get $x i32.const 100 i32.add local.set $x
    local.get $x
    i32.sub)
  ;; x = a - x: the result goes to x's register, which the right operand also reads.
  (func (export "sub_into") (param $a i32) (param $x i32) (result i32)
    local.get $a local.get $x i32.sub local.set $x local.get $x)
  (func (export "tee_chain") (param $x i32) (result i32) (local $y i32) (local $z i32)
    local.get $x i32.const 3 i32.mul local.tee $y local.tee $z local.get $y i32.add local.get $z i32.add)

  ;; Blocks and loops with parameters and several results.
  (func (export "multi") (param $n i32) (result i32 i32) (local $t i32) (local $u i32)
    i32.const 0 i32.const 1
    loop (param i32 i32) (result i32 i32)
      local.get $n i32.eqz
      if (param i32 i32) (result i32 i32)
      else
        ;; (a, b) -> (b, a + b), and count down
        local.set $t local.set $u
        local.get $t local.get $u local.get $t i32.add
        local.get $n i32.const 1 i32.sub local.set $n
        br 1
      end
    end)
  (func (export "fib_pair") (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $t i32)
    i32.const 0 local.set $a i32.const 1 local.set $b
    block
      loop
        local.get $n i32.eqz br_if 1
        local.get $a local.get $b i32.add local.set $t
        local.get $b local.set $a local.get $t local.set $b
        local.get $n i32.const 1 i32.sub local.set $n
        br 0
      end
    end
    local.get $a)

  ;; br_table carrying a value to targets at different depths.
  (func (export "table") (param $i i32) (result i32)
    block (result i32)
      block (result i32)
        block (result i32)
          i32.const 100
          i32.const 7 local.get $i i32.add
          local.get $i
          br_table 0 1 2 0
        end
        i32.const 1000 i32.add
      end
      i32.const 10000 i32.add
    end)

  ;; Fused compares feeding select, br_if and if, including through i32.eqz.
  (func (export "clamp") (param $x i32) (param $lo i32) (param $hi i32) (result i32)
    local.get $lo local.get $x local.get $x local.get $lo i32.lt_s select local.set $x
    local.get $hi local.get $x local.get $x local.get $hi i32.gt_s select)
  (func (export "fmax_sel") (param f64 f64) (result f64)
    local.get 0 local.get 1 local.get 0 local.get 1 f64.gt select)
  (func (export "not_lt") (param i64 i64) (result i32)
    local.get 0 local.get 1 i64.lt_u i32.eqz)
  (func (export "nan_branch") (param f32) (result i32)
    block
      local.get 0 local.get 0 f32.eq br_if 0
      i32.const 1 return
    end
    i32.const 0)

  ;; Division and shifts whose operands start in rax/rdx/rcx.
  (func (export "divmix") (param $a i64) (param $b i64) (param $c i32) (result i64)
    local.get $a local.get $b i64.div_s
    local.get $a local.get $b i64.rem_u i64.add
    local.get $a local.get $c i64.extend_i32_u i64.rotl i64.xor
    local.get $b local.get $c i64.extend_i32_u i64.shr_s i64.add)

  ;; Many locals, more than registers, kept live across calls.
  (func $id (param i64) (result i64) local.get 0)
  (func (export "locals_across_calls") (param $s i64) (result i64)
    (local $a i64) (local $b i64) (local $c i64) (local $d i64) (local $e i64) (local $f i64)
    (local $g i64) (local $h i64) (local $i i64) (local $j i64) (local $k i64) (local $l i64)
    local.get $s i64.const 1 i64.add local.set $a
    local.get $s i64.const 2 i64.add local.set $b
    local.get $s i64.const 3 i64.add local.set $c
    local.get $s i64.const 4 i64.add local.set $d
    local.get $s i64.const 5 i64.add local.set $e
    local.get $s i64.const 6 i64.add local.set $f
    local.get $s i64.const 7 i64.add local.set $g
    local.get $s i64.const 8 i64.add local.set $h
    local.get $s i64.const 9 i64.add local.set $i
    local.get $s i64.const 10 i64.add local.set $j
    local.get $s i64.const 11 i64.add local.set $k
    local.get $s i64.const 12 i64.add local.set $l
    local.get $a call $id local.get $b call $id i64.mul
    local.get $c call $id local.get $d call $id i64.mul i64.add
    local.get $e local.get $f i64.mul i64.add
    local.get $g local.get $h i64.mul i64.add
    local.get $i local.get $j i64.mul i64.add
    local.get $k local.get $l i64.mul i64.add)
)
