;; Loops whose instruction counts are easy to state.
(module
  (func $count (export "count") (param i32) (result i32) (local i32)
    block $done
      loop $l
        local.get 0 i32.eqz br_if $done
        local.get 0 i32.const 1 i32.sub local.set 0
        local.get 1 i32.const 1 i32.add local.set 1
        br $l
      end
    end
    local.get 1)
  (func $fact (export "fact") (param i64) (result i64)
    local.get 0 i64.const 2 i64.lt_u
    if (result i64) i64.const 1
    else local.get 0 local.get 0 i64.const 1 i64.sub call $fact i64.mul end)
  (func (export "spin") (loop $l br $l))
)
