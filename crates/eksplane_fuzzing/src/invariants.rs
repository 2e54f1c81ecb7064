//! The invariants every target asserts, shared with the property tests.

use eksplane_aws_data::eks_versions::Date;
use eksplane_diagnostics::{Config, Finding};
use eksplane_load::Loaded;
use eksplane_report::{Report, human, inventory, json, sarif};
use eksplane_rules::{CheckOptions, CheckResult, ClusterInput};
use eksplane_source::{Node, NodeKind, Pos, SourceDb, Span};

/// The date checks judge as of: fixed, so a run never depends on the clock.
const TODAY: &str = "2026-01-15";

/// `pos` is a place in `text`'s line `pos.line`: 1-based, the line exists,
/// the column is at most one past the line's last character.
fn assert_pos_in(db: &SourceDb, span: Span, pos: Pos, what: &str) {
    let file = db
        .get(span.file)
        .unwrap_or_else(|| panic!("{what}: span {span:?} names no file of the run"));
    let lines = file.line_count();
    assert!(
        pos.line >= 1 && pos.line as usize <= lines,
        "{what}: line {} outside {} (1..={lines}) [{span:?}]",
        pos.line,
        file.name
    );
    let line = file.line(pos.line).unwrap_or_default();
    let width = line.chars().count() as u32 + 1;
    assert!(
        pos.col >= 1 && pos.col <= width,
        "{what}: column {} outside {}:{} (1..={width}) [{span:?}]",
        pos.col,
        file.name,
        pos.line
    );
}

/// `span` is attached to a file of `db` and both its ends are inside it, in
/// order.
pub fn assert_spans_in_file(db: &SourceDb, span: Span, what: &str) {
    assert!(!span.is_detached(), "{what}: span names no file or line");
    assert_pos_in(db, span, span.start, what);
    assert_pos_in(db, span, span.end, what);
    assert!(
        span.start <= span.end,
        "{what}: span ends before it starts {span:?}"
    );
}

/// Every node of a parsed tree has a span inside its file.
pub(crate) fn assert_tree_in_file(db: &SourceDb, node: &Node, depth: usize) {
    // Aliases expand a tree; the limits bound it, and so does this walk.
    if depth > 256 {
        return;
    }
    assert_spans_in_file(db, node.span, "node");
    match &node.kind {
        NodeKind::Scalar(_) => {}
        NodeKind::Seq(items) => {
            for i in items {
                assert_tree_in_file(db, i, depth + 1);
            }
        }
        NodeKind::Map(entries) => {
            for (k, v) in entries {
                assert_tree_in_file(db, k, depth + 1);
                assert_tree_in_file(db, v, depth + 1);
            }
        }
    }
}

/// Every finding points into a file of `db`: an input or configuration
/// problem (areas `LOAD`, `CFG`) always names a file and line; any other
/// finding, when it has a position, has one inside its file.
pub fn assert_findings_located(db: &SourceDb, findings: &[Finding]) {
    for f in findings {
        let what = format!("{} {:?}", f.rule, f.message);
        let input_problem = matches!(f.rule.area(), "LOAD" | "CFG");
        if input_problem || !f.primary.span.is_detached() {
            assert_spans_in_file(db, f.primary.span, &what);
        }
        for r in &f.related {
            if !r.span.is_detached() {
                assert_spans_in_file(db, r.span, &format!("{what} (related)"));
            }
        }
    }
}

/// What [`check_and_render`] produced, for callers that look further.
#[derive(Debug)]
pub struct RenderedCheck {
    pub result: CheckResult,
    pub human: String,
    pub json: serde_json::Value,
    pub sarif: serde_json::Value,
    pub inventory: String,
}

/// Runs `check` on a loaded platform as the binary does (one platform per
/// cluster, the loader's findings first) and renders every format, asserting
/// that each is well-formed: the loader's and the rules' findings are
/// located, JSON and SARIF parse, every JSON finding names a file, the
/// inventory renders as text and JSON.
pub fn check_and_render(loaded: &Loaded, config: Option<&Config>) -> RenderedCheck {
    assert_findings_located(&loaded.db, &loaded.findings);
    let parts = eksplane_load::split_clusters(loaded);
    for p in &parts {
        assert_findings_located(&loaded.db, &p.findings);
    }
    let inputs = parts
        .iter()
        .map(|c| ClusterInput {
            name: c.name.as_deref(),
            platform: &c.platform,
            findings: c.findings.clone(),
        })
        .collect();
    let result = eksplane_rules::run_clusters(
        inputs,
        &loaded.db,
        loaded.findings.clone(),
        CheckOptions {
            config,
            catalog: None,
            today: Date::parse(TODAY),
            rules: None,
        },
    );
    assert_findings_located(&loaded.db, &result.findings);
    let report = Report {
        findings: &result.findings,
        suppressed: &result.suppressed,
        db: &loaded.db,
        notes: &result.notes,
        warnings: &[],
    };
    let human = human::render(&report, human::HumanOptions::default());
    let coloured = human::render(
        &report,
        human::HumanOptions {
            color: true,
            verbose: true,
            similar_limit: Some(eksplane_report::SIMILAR_LIMIT),
        },
    );
    assert!(
        !human.is_empty() && !coloured.is_empty(),
        "human output renders"
    );
    // The one-line formats: a line per finding (or per summarised group).
    for text in [
        eksplane_report::concise::render(&report, None),
        eksplane_report::concise::render_grouped(&report, None),
        eksplane_report::github::render(&report, None),
    ] {
        assert!(
            result.findings.is_empty() || !text.is_empty(),
            "one-line output renders"
        );
    }
    let json_text = json::render(&report);
    let json: serde_json::Value = serde_json::from_str(&json_text)
        .unwrap_or_else(|e| panic!("JSON output does not parse: {e}\n{json_text}"));
    let listed = json["findings"].as_array().map_or(0, Vec::len);
    assert_eq!(listed, result.findings.len(), "JSON lists every finding");
    for (f, j) in result
        .findings
        .iter()
        .zip(json["findings"].as_array().into_iter().flatten())
    {
        if f.primary.span.is_detached() {
            continue;
        }
        let file = j["location"]["file"].as_str().unwrap_or_default();
        let line = j["location"]["line"].as_u64().unwrap_or_default();
        assert!(
            !file.is_empty() && line >= 1,
            "JSON finding without a file and line: {j}"
        );
    }
    let sarif_text = sarif::render(&report, &eksplane_rules::all());
    let sarif: serde_json::Value = serde_json::from_str(&sarif_text)
        .unwrap_or_else(|e| panic!("SARIF output does not parse: {e}\n{sarif_text}"));
    assert_eq!(sarif["version"], "2.1.0");
    let view = inventory::view(
        &loaded.platform,
        &loaded.db,
        &loaded.stats,
        loaded.findings.len(),
    );
    let inventory = inventory::render_text(&view);
    serde_json::to_string(&view)
        .unwrap_or_else(|e| panic!("inventory does not serialise as JSON: {e}"));
    RenderedCheck {
        result,
        human,
        json,
        sarif,
        inventory,
    }
}
