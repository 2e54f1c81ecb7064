#![no_main]
//! `cargo fuzz run aws_json`: see fuzz/README.md; the logic and its invariants
//! are `eksplane_fuzzing::aws_json` (crates/eksplane_fuzzing/src/targets.rs).

libfuzzer_sys::fuzz_target!(|data: &[u8]| eksplane_fuzzing::aws_json(data));
