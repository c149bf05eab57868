;; `table.copy` of 1,000,000 anyref slots between two tables, ten times (GC configuration): the
;; source holds i31s (one `table.fill` first), so no slot needs the collector.
(module
  (table $src 1000000 1000000 anyref)
  (table $dst 1000000 1000000 anyref)
  (func (export "run")
    (local $i i32)
    (table.fill $src (i32.const 0) (ref.i31 (i32.const 7)) (i32.const 1000000))
    (loop $copies
      (table.copy $dst $src (i32.const 0) (i32.const 0) (i32.const 1000000))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $copies (i32.lt_u (local.get $i) (i32.const 10))))))
