//! `eksplane verify`: the guide's Verify section over snapshots with status,
//! one pass / fail / skipped line per item with its evidence. Exit 1 when an
//! item failed, and also when nothing passed (every item skipped: nothing was
//! verified); 0 otherwise (`--strict`: any skipped item also exits 1);
//! 2 on bad input.

use crate::commands::{
    EXIT_BAD_INPUT, EXIT_CLEAN, EXIT_FINDINGS, load_inputs, report_load_findings,
};
use crate::output;
use eksplane_aws_data::Catalog;
use eksplane_facts::Facts;
use eksplane_report::verify::{render_human, render_json, render_markdown};
use eksplane_verify::Outcome;
use std::process::ExitCode;

pub use crate::cli::{VerifyArgs, VerifyFormat};

pub fn run(a: VerifyArgs) -> anyhow::Result<ExitCode> {
    let loaded = load_inputs(&a.input)?;
    if report_load_findings(&loaded) {
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    }
    let named: Vec<&str> = loaded
        .clusters
        .iter()
        .filter_map(|c| c.name.as_ref().map(|n| n.value.as_str()))
        .collect();
    if named.len() > 1 {
        output::error(&format!(
            "the inputs describe {} clusters ({}): verify reads one cluster's snapshots at a time",
            named.len(),
            named.join(", ")
        ));
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    }
    let facts = Facts::new(&loaded.platform, Catalog::embedded());
    let v = eksplane_verify::verify(&facts);
    let text = match a.format {
        VerifyFormat::Human => render_human(&v, &loaded.db),
        VerifyFormat::Markdown => render_markdown(&v, &loaded.db),
        VerifyFormat::Json => render_json(&v, &loaded.db),
    };
    output::emit(&text, a.output.as_deref())?;
    let ok = match v.outcome() {
        Outcome::Pass => true,
        Outcome::Incomplete => !a.strict,
        Outcome::NothingVerified | Outcome::Fail => false,
    };
    Ok(ExitCode::from(if ok { EXIT_CLEAN } else { EXIT_FINDINGS }))
}
