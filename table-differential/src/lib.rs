//! The differential suite: random operation sequences on table-facade's `Table` and on Wasmtime
//! 44's public `Table` API, compared after every step (`tests/differential.rs`). A package of its
//! own so that the library crates' tests build no Wasmtime.
