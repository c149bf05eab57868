;; 1,000,000 `table.get`s and as many `table.set`s over a 10,000-entry anyref table (GC
;; configuration) holding i31s and a struct in every hundredth slot: each step reads one slot
;; and writes the reference into another. Compiled code does both inline, with the collector's
;; barriers, in stock Wasmtime and on wasm-tables alike.
(module
  (type $s (struct (field i32)))
  (table $table 10000 10000 anyref)
  (func (export "run")
    (local $i i32) (local $value anyref)
    (table.fill $table (i32.const 0) (ref.i31 (i32.const 7)) (i32.const 10000))
    (local.set $value (struct.new $s (i32.const 7)))
    (loop $sets
      (table.set $table (local.get $i) (local.get $value))
      (local.set $i (i32.add (local.get $i) (i32.const 100)))
      (br_if $sets (i32.lt_u (local.get $i) (i32.const 10000))))
    (local.set $i (i32.const 0))
    (loop $steps
      (table.set $table
        (i32.rem_u (i32.add (local.get $i) (i32.const 5000)) (i32.const 10000))
        (table.get $table (i32.rem_u (local.get $i) (i32.const 10000))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $steps (i32.lt_u (local.get $i) (i32.const 1000000))))))
