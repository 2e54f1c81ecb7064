//! Every file of the real-world corpus (`../shared/corpus`, SOURCES.md) loads
//! with no input error, except the ones listed in [`INVALID`] with why.

use crate::line;
use eksplane_diagnostics::Severity;
use eksplane_load::{Input, LoadOptions, load};
use std::path::PathBuf;

fn corpus() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipped: {} is absent", p.display());
        None
    }
}

#[test]
fn corpus_survey() {
    let Some(root) = corpus() else { return };
    let files = eksplane_load::expand_inputs(&root).unwrap_or_default();
    for f in files {
        let l = load(&[Input::Path(f.clone())], LoadOptions::default());
        for x in &l.findings {
            if x.severity >= Severity::Warning || std::env::var("ALL").is_ok() {
                println!("{}", line(&l, x));
            }
        }
    }
}
