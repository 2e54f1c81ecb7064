//! The fuzz targets as ordinary tests: the committed corpora and crash files
//! replayed (no nightly toolchain needed), regressions named after what they
//! found, and property tests that every output of a hostile platform is
//! well-formed.

mod outputs;
mod regressions;
mod replay;

use std::path::{Path, PathBuf};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}
