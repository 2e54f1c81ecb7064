use crate::{check, example, workspace_root};
use eksplane_report::{Report, human, inventory, json, sarif};

fn schema_validator(path: &std::path::Path) -> Option<jsonschema::Validator> {
    let text = std::fs::read_to_string(path).ok()?;
    let schema: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Some(jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn assert_valid(v: &jsonschema::Validator, doc: &serde_json::Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what} is not valid: {errors:#?}");
}

#[test]
fn human_output_of_platform_prod() {
    let (l, r) = check(&example("platform-prod"));
    let report = Report {
        findings: &r.findings,
        suppressed: &r.suppressed,
        db: &l.db,
        notes: &r.notes,
        warnings: &[],
    };
    let text = human::render(&report, human::HumanOptions::default());
    assert!(!text.contains('\u{1b}'), "no colour unless asked");
    insta::assert_snapshot!(text);
    let coloured = human::render(
        &report,
        human::HumanOptions {
            color: true,
            verbose: false,
            similar_limit: None,
        },
    );
    assert!(coloured.contains('\u{1b}'), "colour when asked");
}

#[test]
fn json_output_of_platform_prod_matches_its_schema() {
    let (l, r) = check(&example("platform-prod"));
    let report = Report {
        findings: &r.findings,
        suppressed: &r.suppressed,
        db: &l.db,
        notes: &r.notes,
        warnings: &[],
    };
    let text = json::render(&report);
    insta::assert_snapshot!(text);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let v = schema_validator(&workspace_root().join("docs/findings.schema.json"))
        .unwrap_or_else(|| panic!("docs/findings.schema.json is part of the repository"));
    assert_valid(&v, &doc, "JSON findings");
}

#[test]
#[allow(
    clippy::print_stderr,
    reason = "a skipped test says so in the test output"
)]
fn sarif_output_is_valid_sarif_2_1_0() {
    let path = workspace_root().join("../shared/data/sarif/sarif-schema-2.1.0.json");
    let Some(v) = schema_validator(&path) else {
        eprintln!("skipped: {} is absent", path.display());
        return;
    };
    for name in ["platform-prod", "platform-good"] {
        let (l, r) = check(&example(name));
        let report = Report {
            findings: &r.findings,
            suppressed: &r.suppressed,
            db: &l.db,
            notes: &r.notes,
            warnings: &[],
        };
        let doc = sarif::log(&report, &eksplane_rules::all());
        assert_valid(&v, &doc, name);
        assert_eq!(doc["version"], "2.1.0");
        let results = doc["runs"][0]["results"].as_array().map_or(0, Vec::len);
        assert_eq!(results, r.findings.len(), "{name}");
    }
    // A finding with related locations and a fix, and a suppressed one.
    let (l, r) = check(&example("platform-prod"));
    let report = Report {
        findings: &r.findings,
        suppressed: &r.suppressed,
        db: &l.db,
        notes: &r.notes,
        warnings: &[],
    };
    let doc = sarif::log(&report, &eksplane_rules::all());
    let first = &doc["runs"][0]["results"][0];
    let loc = &first["locations"][0]["physicalLocation"];
    assert!(
        loc["artifactLocation"]["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("examples/"))
    );
    assert!(loc["region"]["startLine"].as_u64().is_some_and(|n| n > 0));
}

#[test]
fn inventory_of_platform_prod() {
    let (l, _) = check(&example("platform-prod"));
    let problems = l.findings.len();
    let view = inventory::view(&l.platform, &l.db, &l.stats, problems);
    insta::assert_snapshot!("inventory_text", inventory::render_text(&view));
    let json = serde_json::to_string_pretty(&view).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!("inventory_json", json);
}

#[test]
fn platform_good_has_no_warnings() {
    let (l, r) = check(&example("platform-good"));
    let report = Report {
        findings: &r.findings,
        suppressed: &r.suppressed,
        db: &l.db,
        notes: &r.notes,
        warnings: &[],
    };
    let text = human::render(&report, human::HumanOptions::default());
    assert!(
        r.findings
            .iter()
            .all(|f| f.severity < eksplane_diagnostics::Severity::Warning),
        "{text}"
    );
}
