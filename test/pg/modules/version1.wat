;; Replaced by version2.wat under the same module name in the regression tests.
(module
  (func (export "version") (result i32) i32.const 1)
  (func (export "only_in_v1") (result i32) i32.const 11))
