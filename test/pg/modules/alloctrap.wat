;; A guest allocator that traps for 13-byte requests, and poisons the instance first: a
;; call after the trap must run on a fresh instance, never on this one. It fails (returns
;; 0) for 7-byte requests, and returns a block that runs past the end of its memory for
;; 11-byte ones: the host must refuse both rather than write anywhere.
(module
  (memory 1)
  (global $poisoned (mut i32) (i32.const 0))
  (func (export "pgwasm_alloc") (param i32) (result i32)
    (if (i32.eq (local.get 0) (i32.const 13))
      (then (global.set $poisoned (i32.const 1)) unreachable))
    (if (i32.eq (local.get 0) (i32.const 7)) (then (return (i32.const 0))))
    (if (i32.eq (local.get 0) (i32.const 11)) (then (return (i32.const 65530))))
    i32.const 1024)
  ;; the text's length, or -1 on a poisoned instance
  (func (export "len") (param i32 i32) (result i32)
    (if (result i32) (global.get $poisoned) (then i32.const -1) (else local.get 1))))
