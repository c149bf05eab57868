;; `table.fill` of 1,000,000 anyref slots with null, ten times (GC configuration).
(module
  (table $table 1000000 1000000 anyref)
  (func (export "run")
    (local $i i32)
    (loop $fills
      (table.fill $table (i32.const 0) (ref.null any) (i32.const 1000000))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fills (i32.lt_u (local.get $i) (i32.const 10))))))
