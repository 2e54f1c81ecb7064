#![no_main]
//! `cargo fuzz run load`: see fuzz/README.md; the logic and its invariants
//! are `eksplane_fuzzing::load` (crates/eksplane_fuzzing/src/targets.rs).

libfuzzer_sys::fuzz_target!(|data: &[u8]| eksplane_fuzzing::load_file(data));
