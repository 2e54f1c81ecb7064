//! The workspace's layering, checked: data flows one way (ARCHITECTURE.md).
//! A crate depends only on crates of lower layers; the analyses (rules,
//! simulator, upgrade and migration planners) sit side by side on the facts
//! layer and never depend on each other. A new crate must be placed here.

use std::collections::BTreeMap;
use std::path::Path;

/// Layer of each workspace crate, lowest first.
const LAYERS: &[(&str, u32)] = &[
    ("eksplane_source", 0),
    ("eksplane_aws_data", 0),
    ("eksplane_model", 1),
    ("eksplane_diagnostics", 1),
    ("eksplane_capacity", 1),
    ("eksplane_load", 2),
    ("eksplane_fix", 2),
    ("eksplane_ipplan", 2),
    ("eksplane_facts", 3),
    ("eksplane_rules", 4),
    ("eksplane_sim", 4),
    ("eksplane_upgrade", 4),
    ("eksplane_migrate", 4),
    ("eksplane_verify", 4),
    ("eksplane_report", 5),
    ("eksplane", 6),
    // Fuzz targets as library functions: read inputs through every crate,
    // depended on by nothing but fuzz/ and its own tests.
    ("eksplane_fuzzing", 6),
];

/// The workspace crates named in `[dependencies]` (not dev-dependencies:
/// tests may load inputs through any crate).
fn dependencies(manifest: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_deps = false;
    for line in manifest.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_deps = t == "[dependencies]";
            continue;
        }
        if in_deps && t.starts_with("eksplane") {
            let name: String = t
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            out.push(name);
        }
    }
    out
}

#[test]
fn no_crate_depends_on_one_above_or_beside_it() {
    let layers: BTreeMap<&str, u32> = LAYERS.iter().copied().collect();
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut problems = Vec::new();
    let mut seen = 0;
    for entry in std::fs::read_dir(&crates).unwrap_or_else(|e| panic!("{e}")) {
        let dir = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let Ok(manifest) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
            continue;
        };
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        seen += 1;
        let Some(&own) = layers.get(name.as_str()) else {
            problems.push(format!("{name}: not placed in LAYERS"));
            continue;
        };
        for dep in dependencies(&manifest) {
            match layers.get(dep.as_str()) {
                Some(&l) if l < own => {}
                Some(&l) => problems.push(format!(
                    "{name} (layer {own}) depends on {dep} (layer {l}): upward or sideways"
                )),
                None => problems.push(format!("{name} depends on {dep}, not placed in LAYERS")),
            }
        }
    }
    assert!(
        seen >= 12,
        "found only {seen} crates under {}",
        crates.display()
    );
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_parser_sees_dependencies_only() {
    let m = "[package]\nname = \"x\"\n[dependencies]\neksplane_model.workspace = true\nserde = \"1\"\n[dev-dependencies]\neksplane_load.workspace = true\n";
    assert_eq!(dependencies(m), ["eksplane_model"]);
}
