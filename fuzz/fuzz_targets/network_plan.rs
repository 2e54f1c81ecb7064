#![no_main]
//! `cargo fuzz run network_plan`: see fuzz/README.md; the logic and its invariants
//! are `eksplane_fuzzing::network_plan` (crates/eksplane_fuzzing/src/targets.rs).

libfuzzer_sys::fuzz_target!(|data: &[u8]| eksplane_fuzzing::network_plan(data));
