//! `upgrade` over the bundled example: the runbook, the Markdown and the
//! JSON document, snapshotted; the fixed example's JSON has no blockers.

use crate::example;
use eksplane_aws_data::Catalog;
use eksplane_aws_data::eks_versions::Date;
use eksplane_load::Loaded;
use eksplane_report::upgrade::{render_human, render_json, render_markdown};
use eksplane_upgrade::{PlanOptions, Target, UpgradePlan, plan};

fn run(name: &str) -> (Loaded, UpgradePlan) {
    let files = example(name);
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|(n, b)| (n.clone(), String::from_utf8_lossy(b).into_owned()))
        .collect();
    let l = eksplane_load::load_texts(texts.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    assert!(!l.has_input_errors(), "{:?}", l.findings);
    let p = plan(
        &l.platform,
        &PlanOptions {
            to: Target::Minor(32),
            today: Date::new(2026, 1, 15),
            catalog: Catalog::embedded(),
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    (l, p)
}

#[test]
fn upgrade_human() {
    let (l, p) = run("upgrade-1.29");
    insta::assert_snapshot!(render_human(&p, &l.db));
}

#[test]
fn upgrade_markdown() {
    let (l, p) = run("upgrade-1.29");
    insta::assert_snapshot!(render_markdown(&p, &l.db));
}

#[test]
fn upgrade_json() {
    let (l, p) = run("upgrade-1.29");
    let text = render_json(&p, &l.db);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["format"], "eksplane-upgrade");
    assert_eq!(v["blocked"], true);
    insta::assert_snapshot!(text);
}

/// Both examples' documents match `docs/upgrade.schema.json`.
#[test]
fn upgrade_json_matches_its_schema() {
    let path = crate::workspace_root().join("docs/upgrade.schema.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let v = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{e}"));
    for name in ["upgrade-1.29", "upgrade-1.29-fixed"] {
        let (l, p) = run(name);
        let doc: serde_json::Value =
            serde_json::from_str(&render_json(&p, &l.db)).unwrap_or_else(|e| panic!("{e}"));
        let errors: Vec<String> = v
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn upgrade_fixed_json_has_no_blockers() {
    let (l, p) = run("upgrade-1.29-fixed");
    let v: serde_json::Value =
        serde_json::from_str(&render_json(&p, &l.db)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["blocked"], false);
    for s in v["steps"].as_array().expect("steps") {
        assert_eq!(s["blockers"].as_array().map(Vec::len), Some(0), "{s}");
        assert!(!s["actions"].as_array().expect("actions").is_empty());
    }
}
