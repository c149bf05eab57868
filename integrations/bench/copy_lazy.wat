;; `table.copy` of 1,000,000 entries out of a table that starts uninitialised (lazy
;; initialisation: its slots stand for the module's initial value, null here), ten times: the
;; first copy initialises the source range, the others copy an initialised one.
(module
  (table $src 1000000 1000000 funcref)
  (table $dst 1000000 1000000 funcref)
  (func (export "run")
    (local $i i32)
    (loop $copies
      (table.copy $dst $src (i32.const 0) (i32.const 0) (i32.const 1000000))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $copies (i32.lt_u (local.get $i) (i32.const 10))))))
