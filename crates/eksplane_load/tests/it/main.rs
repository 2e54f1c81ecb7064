//! Loader tests: recognition by content, positions, merging, bad input.
//! One integration test binary (matklad, "How to Test").

mod aws;
mod bad_input;
mod corpus;
mod ip_inputs;
mod karpenter;
mod kinds;
mod kustomize;
mod merge;
mod schema_fields;
mod split;
mod status;
mod workload_profile;

use eksplane_diagnostics::Finding;
use eksplane_load::{Loaded, load_texts};

/// Loads in-memory files.
pub fn load(files: &[(&str, &str)]) -> Loaded {
    load_texts(files.iter().copied())
}

/// The findings as `RULE file:line:col message` lines, for compact asserts.
pub fn lines(l: &Loaded) -> Vec<String> {
    l.findings.iter().map(|f| line(l, f)).collect()
}

pub fn line(l: &Loaded, f: &Finding) -> String {
    format!("{} {} {}", f.rule, l.db.display(f.primary.span), f.message)
}

/// The directory of the real-world corpus (`../shared/corpus`), when present.
#[allow(
    clippy::print_stderr,
    reason = "a test that needs the corpus says that it was skipped"
)]
pub fn corpus_dir() -> Option<std::path::PathBuf> {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipped: {} is absent", p.display());
        None
    }
}

/// A corpus file's text, when the corpus is present.
pub fn corpus_file(rel: &str) -> Option<String> {
    std::fs::read_to_string(corpus_dir()?.join(rel)).ok()
}
