//! The migration planners on the bundled example and on small inline inputs.

mod access;
mod pod_identity;

use eksplane_load::{Loaded, load_texts};
use std::path::{Path, PathBuf};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The files of `examples/NAME`, as `(relative path, text)`, sorted.
pub fn example_files(name: &str) -> Vec<(String, String)> {
    let root = workspace_root();
    let mut files = Vec::new();
    let mut stack = vec![root.join("examples").join(name)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                let rel = p
                    .strip_prefix(&root)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push((rel, std::fs::read_to_string(&p).expect("utf-8")));
            }
        }
    }
    files.sort();
    files
}

pub fn load_files(files: &[(String, String)]) -> Loaded {
    let l = load_texts(files.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    assert!(!l.has_input_errors(), "{:?}", l.findings);
    l
}

pub fn load(files: &[(&str, &str)]) -> Loaded {
    let l = load_texts(files.iter().copied());
    assert!(!l.has_input_errors(), "{:?}", l.findings);
    l
}
