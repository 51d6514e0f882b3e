;; Deep recursion with a small frame. (The large-frame case is built in the test: a
;; function with tens of thousands of locals.)
(module
  (func $small (export "small") (param i32) (result i32)
    local.get 0 i32.eqz if (result i32) i32.const 0
    else local.get 0 i32.const 1 i32.sub call $small i32.const 1 i32.add end)
)
