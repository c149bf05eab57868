//! Coverage-guided fuzzing of the facade: each input's bytes choose a table flavour (funcref
//! eager and lazy, GC reference, continuation), a storage (dynamic or static) and a sequence of
//! operations with their arguments; table-fuzz runs them and checks every step against its model
//! and, for GC tables, a reference-counting store that must end with no leak and no double drop.
//! A disagreement panics, which libFuzzer reports as a crash with the input that replays it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    if let Err(error) = table_fuzz::run_input(input) {
        panic!("model disagreement: {error}");
    }
});
