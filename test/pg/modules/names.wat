;; Export names that a non-UTF-8 database can hold ("日本") and cannot ("€", "😀"), for
;; wasm.exports in such a database (sql/encoding.sql); and a trap whose backtrace names a
;; function by an export the database cannot hold ("罠" calls "😀罠", which traps).
(module
  (func (export "\e6\97\a5\e6\9c\ac") (result i32) (i32.const 1))
  (func (export "\e2\82\ac") (result i32) (i32.const 2))
  (func (export "\f0\9f\98\80") (result i32) (i32.const 3))
  (func $trap (export "\f0\9f\98\80\e7\bd\a0") (result i32) (unreachable))
  (func (export "\e7\bd\a0") (result i32) (call $trap)))
