;; 1,000,000 `table.get`s and as many `table.set`s over a 10,000-entry funcref table filled by an
;; active segment: each step reads one slot and writes the reference into another.
(module
  (func $f0)
  (func $f1)
  (table $table 10000 10000 funcref)
  (elem (table $table) (i32.const 0) func $f0 $f1)
  (func (export "run")
    (local $i i32)
    (loop $steps
      (table.set $table
        (i32.rem_u (i32.add (local.get $i) (i32.const 5000)) (i32.const 10000))
        (table.get $table (i32.rem_u (local.get $i) (i32.const 10000))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $steps (i32.lt_u (local.get $i) (i32.const 1000000))))))
