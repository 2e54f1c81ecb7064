//! The registry and the generated rule documentation.

use eksplane_rules::{all, docs_markdown, find};

#[test]
fn docs_rules_md_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules.md");
    let want = docs_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &want).unwrap_or_else(|e| panic!("write {path}: {e}"));
        return;
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "docs/rules.md is stale: run `UPDATE_DOCS=1 cargo test -p eksplane_rules` and commit it"
    );
}

#[test]
fn every_rule_is_documented_in_every_section() {
    for r in all() {
        for section in ["What it does", "Why it matters", "Fix"] {
            let text = r.docs.section(section).unwrap_or("");
            assert!(!text.is_empty(), "{} lacks ## {section}", r.id);
        }
        assert!(!r.docs.summary().is_empty(), "{}", r.id);
    }
}

#[test]
fn rules_are_found_by_id_or_name_in_any_case() {
    assert_eq!(
        find("kar001").map(|r| r.name),
        Some("node-pool-without-limits")
    );
    assert_eq!(
        find("Node-Pool-Without-Limits").map(|r| r.id.as_str()),
        Some("KAR001")
    );
    assert!(find("NOPE999").is_none());
}
