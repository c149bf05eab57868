;; `table.fill` of 1,000,000 anyref slots with one struct (a heap reference), ten times (GC
;; configuration): every slot written takes the collector's barrier, and from the second fill
;; on every slot overwritten does too.
(module
  (type $s (struct (field i32)))
  (table $table 1000000 1000000 anyref)
  (func (export "run")
    (local $i i32) (local $value anyref)
    (local.set $value (struct.new $s (i32.const 7)))
    (loop $fills
      (table.fill $table (i32.const 0) (local.get $value) (i32.const 1000000))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fills (i32.lt_u (local.get $i) (i32.const 10))))))
