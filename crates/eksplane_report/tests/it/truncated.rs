//! Every example file cut at every 97th byte: loading, checking and rendering
//! in every format must report, never panic.

use crate::{check, example};
use eksplane_report::{Report, human, inventory, json, sarif};

#[test]
fn truncated_examples_never_panic() {
    let mut files = example("platform-prod");
    files.extend(example("platform-good"));
    let rules = eksplane_rules::all();
    let mut cases = 0;
    let mut with_errors = 0;
    for (name, bytes) in &files {
        let mut cut = 0;
        while cut < bytes.len() {
            let input = vec![(name.clone(), bytes[..cut].to_vec())];
            let (l, r) = check(&input);
            let report = Report {
                findings: &r.findings,
                suppressed: &r.suppressed,
                db: &l.db,
                notes: &r.notes,
                warnings: &[],
            };
            let _ = human::render(&report, human::HumanOptions::default());
            let _ = json::render(&report);
            let _ = sarif::render(&report, &rules);
            let view = inventory::view(&l.platform, &l.db, &l.stats, r.findings.len());
            let _ = inventory::render_text(&view);
            if r.findings.iter().any(|f| {
                f.rule.area() == "LOAD" && f.severity == eksplane_diagnostics::Severity::Error
            }) {
                with_errors += 1;
            }
            cases += 1;
            cut += 97;
        }
    }
    assert!(cases > 1000, "{cases} cases");
    // Many cuts land mid-token: those must be reported as input errors.
    assert!(
        with_errors > cases / 10,
        "{with_errors} of {cases} reported errors"
    );
}
