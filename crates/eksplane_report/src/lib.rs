//! Output formats. Each format is one module; none computes anything: they
//! render findings, the inventory and capacity tables as they are given.
//!
//! - [`human`]: terminal output with source snippets (colour when asked)
//! - [`json`]: the versioned JSON document (schema in `docs/findings.schema.json`)
//! - [`sarif`]: SARIF 2.1.0 for GitHub code scanning
//! - [`inventory`]: what `inspect` prints
//! - [`max_pods`]: what `max-pods` prints (table, JSON, CSV)
//! - [`capacity`]: what `capacity` prints (both views per type, verdicts, the fix)
//! - [`catalog`]: what `catalog show` prints
//! - [`simulate`]: what `simulate` prints: summary, JSON, CSV series, the HTML report
//! - [`upgrade`]: what `upgrade` prints: the runbook, Markdown, JSON
//! - [`verify`]: what `verify` prints: pass/fail/skipped per item with evidence (text, Markdown, JSON)

pub mod capacity;
pub mod catalog;
pub mod human;
pub mod inventory;
pub mod ipmap;
pub mod ipplan;
pub mod json;
pub mod max_pods;
pub mod migrate;
pub mod sarif;
pub mod simulate;
mod table;
pub mod upgrade;
pub mod verify;

use eksplane_diagnostics::{Finding, Severity, Suppressed};

/// What a check run produced, for the renderers.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    pub findings: &'a [Finding],
    pub suppressed: &'a [Suppressed],
    pub db: &'a eksplane_source::SourceDb,
    /// What the run could not judge or assumed: printed in every format.
    pub notes: &'a [eksplane_diagnostics::Note],
}

/// Counts by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Counts {
    pub fn of(findings: &[Finding]) -> Self {
        let mut c = Counts::default();
        for f in findings {
            match f.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
            }
        }
        c
    }
}

/// A file name as a relative, forward-slash path (stable across machines).
pub(crate) fn display_path(name: &str) -> String {
    let n = name.replace('\\', "/");
    n.strip_prefix("./").map(str::to_string).unwrap_or(n)
}
