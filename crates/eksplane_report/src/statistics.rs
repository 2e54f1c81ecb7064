//! `--statistics`: how many findings each rule produced, most first.

use crate::Report;
use eksplane_diagnostics::{RuleId, Severity};
use serde::Serialize;
use std::fmt::Write;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    pub rule: String,
    pub name: String,
    pub severity: &'static str,
    pub count: usize,
    /// The rule's documentation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Counts per rule and severity, most first, then by rule id.
pub fn counts(report: &Report<'_>) -> Vec<RuleCount> {
    let mut by: std::collections::BTreeMap<(RuleId, Severity), usize> = Default::default();
    for f in report.findings {
        *by.entry((f.rule, f.severity)).or_default() += 1;
    }
    let mut v: Vec<RuleCount> = by
        .into_iter()
        .map(|((rule, sev), count)| {
            let r = eksplane_rules::find(rule.as_str());
            RuleCount {
                rule: rule.as_str().to_string(),
                name: r.map_or_else(String::new, |r| r.name.to_string()),
                severity: sev.as_str(),
                count,
                url: r.map(|r| r.doc_url()),
            }
        })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.rule.cmp(&b.rule)));
    v
}

/// `  12  KAR001  [warning]  node-pool-without-limits`, then the total.
pub fn render(report: &Report<'_>) -> String {
    let rows = counts(report);
    let mut out = String::new();
    let w = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    let n = rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
    for r in &rows {
        let line = format!(
            "{:>w$}  {:<7}  {:<9}  {:<n$}",
            r.count,
            r.rule,
            format!("[{}]", r.severity),
            r.name
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let total: usize = rows.iter().map(|r| r.count).sum();
    let _ = writeln!(
        out,
        "{total} finding{} from {} rule{}",
        if total == 1 { "" } else { "s" },
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    );
    for w in report.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}

/// The counts as a JSON array.
pub fn render_json(report: &Report<'_>) -> String {
    let mut s = serde_json::to_string_pretty(&counts(report)).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}
