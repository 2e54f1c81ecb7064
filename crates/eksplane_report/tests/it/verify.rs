//! `verify` over the bundled snapshots: the text, Markdown and JSON outputs,
//! snapshotted; the JSON's outcome and the headline never read green when
//! nothing was verified.

use crate::example;
use eksplane_aws_data::Catalog;
use eksplane_facts::Facts;
use eksplane_load::Loaded;
use eksplane_report::verify::{headline, render_human, render_json, render_markdown};
use eksplane_verify::{Verification, verify};

fn run(name: &str) -> (Loaded, Verification) {
    let files = example(name);
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|(n, b)| (n.clone(), String::from_utf8_lossy(b).into_owned()))
        .collect();
    let l = eksplane_load::load_texts(texts.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    assert!(l.findings.is_empty(), "{:?}", l.findings);
    let v = verify(&Facts::new(&l.platform, Catalog::embedded()));
    (l, v)
}

#[test]
fn verify_human_healthy() {
    let (l, v) = run("verify-healthy");
    insta::assert_snapshot!(render_human(&v, &l.db));
}

#[test]
fn verify_human_unhealthy() {
    let (l, v) = run("verify-unhealthy");
    insta::assert_snapshot!(render_human(&v, &l.db));
}

#[test]
fn verify_markdown_unhealthy() {
    let (l, v) = run("verify-unhealthy");
    insta::assert_snapshot!(render_markdown(&v, &l.db));
}

#[test]
fn verify_json_unhealthy() {
    let (l, v) = run("verify-unhealthy");
    let text = render_json(&v, &l.db);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc["format"], "eksplane-verify");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["outcome"], "fail");
    assert_eq!(doc["verified"], false);
    assert_eq!(doc["summary"]["fail"], 7);
    insta::assert_snapshot!(text);
}

#[test]
fn nothing_verified_never_reads_green() {
    let l = eksplane_load::load_texts([(
        "nodepool.yaml",
        "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: default}\nspec: {}\n",
    )]);
    let v = verify(&Facts::new(&l.platform, Catalog::embedded()));
    let h = headline(&v);
    assert!(h.starts_with("NOTHING VERIFIED"), "{h}");
    let doc: serde_json::Value =
        serde_json::from_str(&render_json(&v, &l.db)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc["outcome"], "nothing-verified");
    assert_eq!(doc["verified"], false);
    assert_eq!(doc["summary"]["pass"], 0);
    let text = render_human(&v, &l.db);
    assert!(!text.contains("PASS"), "{text}");
    assert!(text.contains("SKIP karpenter"), "{text}");
}
