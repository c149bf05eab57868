;; `table.copy` of 1,000,000 anyref slots between two tables, ten times (GC configuration): the
;; source holds i31s with a struct (a heap reference) in every hundredth slot, so 1% of the
;; slots copied, and from the second copy on 1% of those overwritten, take the barrier.
(module
  (type $s (struct (field i32)))
  (table $src 1000000 1000000 anyref)
  (table $dst 1000000 1000000 anyref)
  (func (export "run")
    (local $i i32) (local $value anyref)
    (table.fill $src (i32.const 0) (ref.i31 (i32.const 7)) (i32.const 1000000))
    (local.set $value (struct.new $s (i32.const 7)))
    (loop $sets
      (table.set $src (local.get $i) (local.get $value))
      (local.set $i (i32.add (local.get $i) (i32.const 100)))
      (br_if $sets (i32.lt_u (local.get $i) (i32.const 1000000))))
    (local.set $i (i32.const 0))
    (loop $copies
      (table.copy $dst $src (i32.const 0) (i32.const 0) (i32.const 1000000))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $copies (i32.lt_u (local.get $i) (i32.const 10))))))
