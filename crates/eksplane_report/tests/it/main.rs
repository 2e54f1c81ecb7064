//! Output formats over the bundled examples: snapshots of what people read,
//! schema validation of what machines read, and no panic on broken input.

mod capacity;
mod formats;
mod ipplan;
mod migrate;
mod simulate;
mod truncated;
mod upgrade;
mod verify;

use eksplane_load::{Loaded, load_texts};
use eksplane_rules::{CheckOptions, CheckResult, run};
use std::path::{Path, PathBuf};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        // Hidden entries (`.eksplane.yaml`) are not inputs, as the CLI skips them.
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if p.is_dir() {
            walk(&p, out);
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(p);
        }
    }
}

/// The files of `examples/<name>`, named as from the workspace root, sorted.
pub fn example(name: &str) -> Vec<(String, Vec<u8>)> {
    let root = workspace_root();
    let mut paths = Vec::new();
    walk(&root.join("examples").join(name), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&root)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (rel, bytes)
        })
        .collect()
}

/// Loads the files and runs every rule.
pub fn check(files: &[(String, Vec<u8>)]) -> (Loaded, CheckResult) {
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|(n, b)| (n.clone(), String::from_utf8_lossy(b).into_owned()))
        .collect();
    let mut loaded = load_texts(texts.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    let extra = std::mem::take(&mut loaded.findings);
    // A fixed date, so support-window findings do not change with the calendar.
    let opts = CheckOptions {
        today: Some(eksplane_aws_data::eks_versions::Date::new(2026, 1, 15)),
        ..CheckOptions::default()
    };
    let result = run(&loaded.platform, &loaded.db, extra, opts);
    (loaded, result)
}
