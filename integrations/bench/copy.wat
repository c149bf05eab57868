;; `table.copy` of 1,000,000 entries between two tables, ten times; the source holds a function
;; reference in every slot (one `table.fill` before the copies).
(module
  (func $f)
  (elem declare func $f)
  (table $src 1000000 1000000 funcref)
  (table $dst 1000000 1000000 funcref)
  (func (export "run")
    (local $i i32)
    (table.fill $src (i32.const 0) (ref.func $f) (i32.const 1000000))
    (loop $copies
      (table.copy $dst $src (i32.const 0) (i32.const 0) (i32.const 1000000))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $copies (i32.lt_u (local.get $i) (i32.const 10))))))
