;; Instantiation of a module with a 10,000,000-entry funcref table and no segment: every slot is
;; null (the benchmark times the instantiation; `run` does nothing).
(module
  (table $table 10000000 10000000 funcref)
  (func (export "run")))
