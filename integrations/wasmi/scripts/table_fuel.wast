;; Table operations at the edges wasmi meters and limits, written for this repository: growth
;; whose fuel charge or allocation cannot succeed, bulk operations whose range check must come
;; before their charge, and lengths that reach past 2^32 on 64-bit tables. `cargo xtask wasmi`
;; runs it in every configuration on stock wasmi and on wasmi on wasm-tables and compares each
;; directive's outcome, fuel left and limiter calls; an assertion may fail in one configuration
;; (growth that runs out of fuel traps under `fuel` and is -1 elsewhere) as long as both builds
;; fail it alike.

(module
  (type $ii (func (result i32)))
  (func $seven (type $ii) (i32.const 7))
  (table $t (export "t") i64 16 funcref)
  (table $m (export "m") i64 4 8 funcref)
  (table $s (export "s") 16 externref)
  (elem $segment func $seven $seven $seven $seven)

  (func (export "size") (result i64) (table.size $t))
  (func (export "grow") (param i64) (result i64)
    (table.grow $t (ref.func $seven) (local.get 0)))
  (func (export "grow-null") (param i64) (result i64)
    (table.grow $t (ref.null func) (local.get 0)))
  (func (export "grow-m") (param i64) (result i64)
    (table.grow $m (ref.null func) (local.get 0)))
  (func (export "grow-s") (param i32) (result i32)
    (table.grow $s (ref.null extern) (local.get 0)))
  (func (export "fill") (param i64 i64)
    (table.fill $t (local.get 0) (ref.func $seven) (local.get 1)))
  (func (export "copy") (param i64 i64 i64)
    (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy-m") (param i64 i64 i64)
    (table.copy $m $t (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i64 i32 i32)
    (table.init $t $segment (local.get 0) (local.get 1) (local.get 2)))
  (func (export "call") (param i64) (result i32)
    (call_indirect $t (type $ii) (local.get 0)))
)

;; Growth by zero asks nobody and charges nothing.
(assert_return (invoke "grow" (i64.const 0)) (i64.const 16))
;; Growth past the maximum fails before it is charged (-1, the limiter told).
(assert_return (invoke "grow-m" (i64.const 5)) (i64.const -1))
(assert_return (invoke "grow-m" (i64.const 4)) (i64.const 4))
(assert_return (invoke "grow-m" (i64.const 1)) (i64.const -1))
;; Growth past the 32-bit index range of a 32-bit table fails before the limiter is asked.
(assert_return (invoke "grow-s" (i32.const -1)) (i32.const -1))
;; Growth by 2^40 elements: under `fuel` its charge (2^42 bytes of copying) exceeds the budget
;; and traps out of fuel; elsewhere the allocation (4 TiB) fails and it is -1.
(assert_return (invoke "grow" (i64.const 0x100_0000_0000)) (i64.const -1))
(assert_return (invoke "grow-null" (i64.const 0x100_0000_0000)) (i64.const -1))
;; Growth by 2^64 - 1 overflows the size.
(assert_return (invoke "grow" (i64.const -1)) (i64.const -1))
(assert_return (invoke "size") (i64.const 16))
;; Growth that succeeds, charged per element; the new slots hold the init value.
(assert_return (invoke "grow" (i64.const 1000)) (i64.const 16))
(assert_return (invoke "call" (i64.const 1015)) (i32.const 7))
(assert_return (invoke "grow-null" (i64.const 8000)) (i64.const 1016))
(assert_trap (invoke "call" (i64.const 9015)) "uninitialized element")
(assert_return (invoke "size") (i64.const 9016))
;; Past the limiter configuration's 10,000 elements: refused there (-1, so this assertion fails
;; in `limiter`, on both builds), granted elsewhere.
(assert_return (invoke "grow" (i64.const 20000)) (i64.const 9016))

;; Bulk operations check their range before any charge or write: lengths past 2^32 and
;; ranges that end past the size trap without writing.
(assert_trap (invoke "fill" (i64.const 0) (i64.const 0x1_0000_0010)) "out of bounds table access")
(assert_trap (invoke "fill" (i64.const 1) (i64.const -1)) "out of bounds table access")
(assert_trap (invoke "copy" (i64.const 0) (i64.const 0x1_0000_0000) (i64.const 1))
  "out of bounds table access")
(assert_trap (invoke "copy-m" (i64.const 0) (i64.const 0) (i64.const 9)) "out of bounds table access")
(assert_trap (invoke "init" (i64.const 0x1_0000_0000) (i32.const 0) (i32.const 1))
  "out of bounds table access")
(assert_trap (invoke "init" (i64.const 0) (i32.const 2) (i32.const 3)) "out of bounds table access")
(assert_trap (invoke "call" (i64.const 0)) "uninitialized element")
;; In range: each charged by its length (zero-length ones at the end of the table too).
(assert_return (invoke "fill" (i64.const 0) (i64.const 16)))
(assert_return (invoke "call" (i64.const 0)) (i32.const 7))
(assert_return (invoke "fill" (i64.const 16) (i64.const 0)))
(assert_return (invoke "copy" (i64.const 1016) (i64.const 0) (i64.const 16)))
(assert_return (invoke "copy" (i64.const 0) (i64.const 5000) (i64.const 4000)))
(assert_trap (invoke "call" (i64.const 0)) "uninitialized element")
(assert_return (invoke "copy-m" (i64.const 0) (i64.const 1016) (i64.const 8)))
(assert_return (invoke "init" (i64.const 4) (i32.const 0) (i32.const 4)))
(assert_return (invoke "call" (i64.const 7)) (i32.const 7))
(assert_return (invoke "init" (i64.const 9016) (i32.const 4) (i32.const 0)))
(assert_return (invoke "fill" (i64.const 0) (i64.const 9016)))
(assert_return (invoke "call" (i64.const 9015)) (i32.const 7))
