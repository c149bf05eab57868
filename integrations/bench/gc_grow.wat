;; 100,000 `table.grow`s by one null element of an anyref table, from empty (GC configuration).
(module
  (table $table 0 anyref)
  (func (export "run")
    (local $i i32)
    (loop $grows
      (drop (table.grow $table (ref.null any) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $grows (i32.lt_u (local.get $i) (i32.const 100000))))))
