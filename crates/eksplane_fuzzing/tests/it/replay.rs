//! Every committed fuzz input, through its target: `fuzz/corpus/<target>/`
//! (the minimized corpus) and `fuzz/regressions/<target>/` (every crash the
//! fuzzer found, kept after the fix).

use crate::workspace_root;
use eksplane_fuzzing::TARGETS;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// Runs `target` on every file of `dir`; the names of the inputs that
/// panicked, with the panic's message.
fn replay_dir(target: fn(&[u8]), dir: &Path) -> (usize, Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (0, Vec::new());
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    let mut failures = Vec::new();
    let mut run = 0;
    for p in paths.iter().filter(|p| p.is_file()) {
        let data = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        run += 1;
        if let Err(e) = catch_unwind(AssertUnwindSafe(|| target(&data))) {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{}: {msg}", p.display()));
        }
    }
    (run, failures)
}

#[test]
fn every_corpus_and_regression_input_passes_its_target() {
    let fuzz = workspace_root().join("fuzz");
    let mut failures = Vec::new();
    for (name, target) in TARGETS {
        let (corpus, mut f) = replay_dir(*target, &fuzz.join("corpus").join(name));
        assert!(corpus > 0, "fuzz/corpus/{name}/ is committed and not empty");
        failures.append(&mut f);
        let (_, mut f) = replay_dir(*target, &fuzz.join("regressions").join(name));
        failures.append(&mut f);
    }
    assert!(
        failures.is_empty(),
        "{} inputs fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_target_has_a_fuzz_binary() {
    let fuzz = workspace_root().join("fuzz");
    let manifest = std::fs::read_to_string(fuzz.join("Cargo.toml"))
        .unwrap_or_else(|e| panic!("fuzz/Cargo.toml: {e}"));
    for (name, _) in TARGETS {
        let src = std::fs::read_to_string(fuzz.join("fuzz_targets").join(format!("{name}.rs")))
            .unwrap_or_else(|e| panic!("fuzz/fuzz_targets/{name}.rs: {e}"));
        assert!(src.contains("fuzz_target!"), "{name}.rs is a fuzz target");
        assert!(
            manifest.contains(&format!("name = \"{name}\"")),
            "fuzz/Cargo.toml declares {name}"
        );
    }
}
