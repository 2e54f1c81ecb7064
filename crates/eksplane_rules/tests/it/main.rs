//! Rule tests: each rule has a firing and a clean fixture, with the findings
//! snapshotted as `RULE severity file:line:col message` lines; suppression and
//! configuration are tested end to end.

mod access;
mod corpus;
mod engine;
mod fixtures;
mod ingress;
mod karpenter;
mod registry;

use eksplane_load::{Loaded, load_config, load_texts};
use eksplane_rules::{CheckOptions, CheckResult, run};

/// The date rule tests judge as of, so support-window findings do not change
/// with the calendar.
pub const TODAY: eksplane_aws_data::eks_versions::Date =
    eksplane_aws_data::eks_versions::Date::new(2026, 1, 15);

/// Loads `files`, optionally a `.eksplane.yaml`, and runs every rule.
pub fn check_with(files: &[(&str, &str)], config: Option<&str>) -> (Loaded, CheckResult) {
    let mut loaded = load_texts(files.iter().copied());
    let mut extra = std::mem::take(&mut loaded.findings);
    let cfg = config.and_then(
        |text| match load_config(&mut loaded.db, ".eksplane.yaml", text) {
            Ok(c) => Some(c),
            Err(f) => {
                extra.push(*f);
                None
            }
        },
    );
    let result = run(
        &loaded.platform,
        &loaded.db,
        extra,
        CheckOptions {
            config: cfg.as_ref(),
            catalog: None,
            today: Some(TODAY),
            rules: None,
        },
    );
    (loaded, result)
}

/// One line per finding, then one per suppressed finding.
pub fn lines(loaded: &Loaded, result: &CheckResult) -> String {
    let mut out = String::new();
    for f in &result.findings {
        out.push_str(&format!(
            "{} {} {} {}\n",
            f.rule,
            f.severity,
            loaded.db.display(f.primary.span),
            f.message
        ));
        for r in &f.related {
            out.push_str(&format!(
                "    related {} {}\n",
                loaded.db.display(r.span),
                r.message.as_deref().unwrap_or("")
            ));
        }
        if let Some(fix) = &f.fix {
            out.push_str(&format!("    fix: {}\n", fix.description));
        }
    }
    for s in &result.suppressed {
        out.push_str(&format!(
            "suppressed {} {} by {}\n",
            s.finding.rule,
            loaded.db.display(s.finding.primary.span),
            loaded.db.display(s.by)
        ));
    }
    out
}

/// Loads `files` and runs every rule, without configuration.
pub fn check(files: &[(&str, &str)]) -> (Loaded, CheckResult) {
    check_with(files, None)
}

/// Findings of `files` as snapshot lines.
pub fn check_lines(files: &[(&str, &str)]) -> String {
    let (l, r) = check_with(files, None);
    lines(&l, &r)
}

/// Alias of [`lines`] for the fixture harness.
pub fn lines_of(loaded: &Loaded, result: &CheckResult) -> String {
    lines(loaded, result)
}

/// Only the lines of rule `id`.
pub fn only(text: &str, id: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with(id))
        .map(str::to_string)
        .collect()
}
