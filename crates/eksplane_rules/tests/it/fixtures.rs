//! Data-driven rule fixtures: `tests/fixtures/<RULE>/fires.yaml` (or a
//! `fires/` directory of files) must raise at least one finding of `<RULE>`;
//! `passes.yaml` (or `passes/`) must raise none. Files are loaded like any
//! input: multi-document YAML, and AWS CLI JSON as documents of their own
//! (JSON is YAML, so `---` then a `{"cluster": ...}` document works).
//!
//! Every fixture is also run through every other rule: no rule may panic,
//! and no fixture may have input errors (so a fixture tests the rule, not the
//! loader).

use crate::{check, lines_of};
use std::path::{Path, PathBuf};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The files of a fixture (`<dir>/<stem>.yaml`, `.json`, or `<dir>/<stem>/*`),
/// named relative to the fixtures directory, sorted.
fn fixture_files(rule_dir: &Path, stem: &str) -> Option<Vec<(String, String)>> {
    let base = fixtures_dir();
    let mut paths = Vec::new();
    for ext in ["yaml", "json"] {
        let p = rule_dir.join(format!("{stem}.{ext}"));
        if p.is_file() {
            paths.push(p);
        }
    }
    let d = rule_dir.join(stem);
    if d.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&d)
            .unwrap_or_else(|e| panic!("{}: {e}", d.display()))
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        entries.sort();
        paths.extend(entries);
    }
    if paths.is_empty() {
        return None;
    }
    Some(
        paths
            .into_iter()
            .map(|p| {
                let name = p
                    .strip_prefix(&base)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .replace('\\', "/");
                let text =
                    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                (name, text)
            })
            .collect(),
    )
}

fn rule_dirs() -> Vec<(String, PathBuf)> {
    let mut dirs: Vec<(String, PathBuf)> = std::fs::read_dir(fixtures_dir())
        .unwrap_or_else(|e| panic!("fixtures: {e}"))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .map(|p| {
            let id = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (id, p)
        })
        .collect();
    dirs.sort();
    dirs
}

fn run(files: &[(String, String)]) -> (String, eksplane_load::Loaded, eksplane_rules::CheckResult) {
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let (l, r) = check(&refs);
    (lines_of(&l, &r), l, r)
}

#[test]
fn every_rule_with_a_check_has_both_fixtures() {
    let dirs: Vec<String> = rule_dirs().into_iter().map(|(id, _)| id).collect();
    let missing: Vec<&str> = eksplane_rules::all()
        .into_iter()
        .filter(|r| r.runs())
        .map(|r| r.id.as_str())
        .filter(|id| !dirs.iter().any(|d| d == id))
        .collect();
    assert!(missing.is_empty(), "rules without fixtures: {missing:?}");
    for (id, dir) in rule_dirs() {
        assert!(
            eksplane_rules::find(&id).is_some(),
            "fixture for unknown rule {id}"
        );
        assert!(
            fixture_files(&dir, "fires").is_some(),
            "{id}: no fires fixture"
        );
        assert!(
            fixture_files(&dir, "passes").is_some(),
            "{id}: no passes fixture"
        );
    }
}

#[test]
fn fires_fixtures_fire_and_passes_fixtures_pass() {
    for (id, dir) in rule_dirs() {
        let prefix = format!("{id} ");
        if let Some(files) = fixture_files(&dir, "fires") {
            let (out, _, _) = run(&files);
            let mine: Vec<&str> = out.lines().filter(|l| l.starts_with(&prefix)).collect();
            assert!(
                !mine.is_empty(),
                "{id}: fires fixture raised no {id}:\n{out}"
            );
            // The snapshot holds this rule's findings with their related
            // locations and fixes.
            let mut snap = String::new();
            let mut keep = false;
            for l in out.lines() {
                if !l.starts_with("    ") {
                    keep = l.starts_with(&prefix);
                }
                if keep {
                    snap.push_str(l);
                    snap.push('\n');
                }
            }
            insta::assert_snapshot!(format!("{id}_fires"), snap);
        }
        if let Some(files) = fixture_files(&dir, "passes") {
            let (out, _, _) = run(&files);
            assert!(
                !out.lines().any(|l| l.starts_with(&prefix)),
                "{id}: passes fixture raised {id}:\n{out}"
            );
        }
    }
}

#[test]
fn no_rule_panics_or_errs_on_any_fixture() {
    for (id, dir) in rule_dirs() {
        for stem in ["fires", "passes"] {
            let Some(files) = fixture_files(&dir, stem) else {
                continue;
            };
            let (out, _, r) = run(&files);
            for f in &r.findings {
                assert_ne!(
                    f.title, "Internal error",
                    "{id}/{stem}: a rule panicked:\n{out}"
                );
                assert!(
                    !(matches!(f.rule.area(), "LOAD" | "CFG")
                        && f.severity == eksplane_diagnostics::Severity::Error),
                    "{id}/{stem}: input error in the fixture:\n{out}"
                );
            }
        }
    }
}
