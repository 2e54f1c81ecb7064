//! Fuzz targets as ordinary functions.
//!
//! Each target takes the bytes a user could hand eksplane (a file, a
//! document of one kind, an AWS CLI snapshot, `.eksplane.yaml`, a
//! `--max-pods-expression`), runs the entry point that reads them and
//! asserts its invariants by panicking when one breaks:
//!
//! - no panic, whatever the input;
//! - every input problem names a file of the run and a line inside it;
//! - every output of a loaded platform renders: human, JSON (parses, every
//!   finding with a file), SARIF (parses), the inventory.
//!
//! The cargo-fuzz binaries in `fuzz/` call [`TARGETS`] by name, and
//! `tests/it/replay.rs` runs every target over its committed corpus
//! (`fuzz/corpus/<target>/`) and crash files (`fuzz/regressions/<target>/`)
//! in an ordinary `cargo test`, so no nightly toolchain is needed to catch a
//! regression.

mod invariants;
mod targets;

pub use invariants::{
    RenderedCheck, assert_findings_located, assert_spans_in_file, check_and_render,
};
pub use targets::{
    AWS_SHAPES, KINDS, aws_auth, aws_json, config, kinds, load_file, max_pods_expression,
    network_plan, parse, workload_profile,
};

/// A fuzz target: its name (the `fuzz/fuzz_targets/<name>.rs` binary and
/// the `fuzz/corpus/<name>/` directory) and its function.
pub type Target = (&'static str, fn(&[u8]));

/// Every target, by name.
pub const TARGETS: &[Target] = &[
    ("parse", parse),
    ("load", load_file),
    ("kinds", kinds),
    ("aws_auth", aws_auth),
    ("aws_json", aws_json),
    ("network_plan", network_plan),
    ("workload_profile", workload_profile),
    ("config", config),
    ("max_pods_expression", max_pods_expression),
];

/// The target named `name`.
pub fn target(name: &str) -> Option<fn(&[u8])> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}
