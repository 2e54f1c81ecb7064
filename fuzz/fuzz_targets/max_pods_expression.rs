#![no_main]
//! `cargo fuzz run max_pods_expression`: see fuzz/README.md; the logic and its invariants
//! are `eksplane_fuzzing::max_pods_expression` (crates/eksplane_fuzzing/src/targets.rs).

libfuzzer_sys::fuzz_target!(|data: &[u8]| eksplane_fuzzing::max_pods_expression(data));
