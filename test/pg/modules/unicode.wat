;; Text results for the encoding test (sql/encoding.sql): one a LATIN1 database can hold
;; ("café"), one it cannot ("€100").
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "\e2\82\ac100")
  (data (i32.const 32) "caf\c3\a9")
  ;; results are (len << 32) | ptr
  (func (export "euro") (result i64) (i64.const 0x0000000600000010))
  (func (export "cafe") (result i64) (i64.const 0x0000000500000020)))
