//! `eksplane upgrade`: the plan from the cluster's version to `--to`, one
//! minor at a time, as a runbook, Markdown or JSON; exit 1 when a step has
//! blockers.

use crate::cli::{UpgradeArgs, UpgradeFormat};
use crate::commands::{
    EXIT_BAD_INPUT, EXIT_CLEAN, EXIT_FINDINGS, catalog, load_inputs, report_load_findings,
};
use crate::output;
use eksplane_report::upgrade::{render_human, render_json, render_markdown};
use eksplane_upgrade::{PlanOptions, Target, plan};
use std::process::ExitCode;

pub fn run(a: UpgradeArgs) -> anyhow::Result<ExitCode> {
    let Some(to) = Target::parse(&a.to) else {
        output::error(&format!(
            "--to {:?}: expected a Kubernetes minor version such as 1.33, or latest",
            a.to
        ));
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    };
    let today = super::check::today(a.today.as_deref())?;
    let loaded = load_inputs(&a.input)?;
    if report_load_findings(&loaded) {
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    }
    let (cat, _) = catalog::load(&a.catalog)?;
    let opts = PlanOptions {
        to,
        today,
        catalog: &cat,
    };
    let p = match plan(&loaded.platform, &opts) {
        Ok(p) => p,
        Err(e) => {
            let at = e
                .span()
                .map(|s| format!("{}: ", loaded.db.display(s)))
                .unwrap_or_default();
            output::error(&format!("{at}{e}"));
            return Ok(ExitCode::from(EXIT_BAD_INPUT));
        }
    };
    let text = match a.format {
        UpgradeFormat::Human => render_human(&p, &loaded.db),
        UpgradeFormat::Markdown => render_markdown(&p, &loaded.db),
        UpgradeFormat::Json => render_json(&p, &loaded.db),
    };
    output::emit_as(&text, a.output.as_deref(), a.format == UpgradeFormat::Human)?;
    Ok(ExitCode::from(if p.is_blocked() {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }))
}
