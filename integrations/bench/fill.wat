;; `table.fill` of 1,000,000 entries with a function reference, ten times.
(module
  (func $f (result i32) i32.const 1)
  (elem declare func $f)
  (table $table 1000000 1000000 funcref)
  (func (export "run")
    (local $i i32)
    (loop $fills
      (table.fill $table (i32.const 0) (ref.func $f) (i32.const 1000000))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fills (i32.lt_u (local.get $i) (i32.const 10))))))
