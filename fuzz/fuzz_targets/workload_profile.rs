#![no_main]
//! `cargo fuzz run workload_profile`: see fuzz/README.md; the logic and its invariants
//! are `eksplane_fuzzing::workload_profile` (crates/eksplane_fuzzing/src/targets.rs).

libfuzzer_sys::fuzz_target!(|data: &[u8]| eksplane_fuzzing::workload_profile(data));
