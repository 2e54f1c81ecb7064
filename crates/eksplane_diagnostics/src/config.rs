//! `.eksplane.yaml`: ignores and severity overrides, each with its position so
//! an entry that matches nothing can itself be reported.
//!
//! ```yaml
//! ignore:
//!   - rule: KAR001            # required
//!     object: NodePool/batch  # optional: Kind/name or Kind/namespace/name
//!     path: examples/legacy/  # optional: file path prefix
//!     reason: capped by SCP   # optional, shown in --verbose
//! severity:
//!   ING002: error             # info | warning | error | off
//! ```

use crate::finding::{Finding, RuleId, Severity};
use eksplane_source::{Span, Spanned};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub ignore: Vec<Spanned<IgnoreEntry>>,
    #[serde(default)]
    pub severity: BTreeMap<String, Spanned<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreEntry {
    pub rule: Spanned<String>,
    pub object: Option<String>,
    pub path: Option<String>,
    pub reason: Option<String>,
}

/// A severity override, parsed: `None` turns the rule off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeverityOverride {
    pub rule: String,
    pub severity: Option<Severity>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("unknown rule id {rule:?} in .eksplane.yaml")]
    UnknownRule { rule: String, span: Span },
    #[error("unknown severity {value:?} for {rule}: use info, warning, error or off")]
    BadSeverity {
        rule: String,
        value: String,
        span: Span,
    },
}

impl ConfigError {
    pub fn span(&self) -> Span {
        match self {
            ConfigError::UnknownRule { span, .. } | ConfigError::BadSeverity { span, .. } => *span,
        }
    }
}

/// A finding that a suppression removed, and why (for `--verbose`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    pub finding: Finding,
    /// Where the suppression is written (the annotation or config entry).
    pub by: Span,
    pub reason: String,
}

impl Config {
    /// Checks rule ids and severities against the known rules.
    pub fn validate(
        &self,
        known: &dyn Fn(&str) -> bool,
    ) -> (Vec<SeverityOverride>, Vec<ConfigError>) {
        let mut errors = Vec::new();
        let mut out = Vec::new();
        for e in &self.ignore {
            if !known(&e.value.rule.value) {
                errors.push(ConfigError::UnknownRule {
                    rule: e.value.rule.value.clone(),
                    span: e.value.rule.span,
                });
            }
        }
        for (rule, sev) in &self.severity {
            if !known(rule) {
                errors.push(ConfigError::UnknownRule {
                    rule: rule.clone(),
                    span: sev.span,
                });
                continue;
            }
            let parsed = if sev.value.eq_ignore_ascii_case("off") {
                Some(None)
            } else {
                Severity::parse(&sev.value).map(Some)
            };
            match parsed {
                Some(severity) => out.push(SeverityOverride {
                    rule: rule.clone(),
                    severity,
                    span: sev.span,
                }),
                None => errors.push(ConfigError::BadSeverity {
                    rule: rule.clone(),
                    value: sev.value.clone(),
                    span: sev.span,
                }),
            }
        }
        (out, errors)
    }
}

impl IgnoreEntry {
    /// Whether this entry suppresses a finding whose primary file is `file`.
    pub fn matches(&self, rule: RuleId, object: Option<&str>, file: &str) -> bool {
        if self.rule.value != rule.as_str() {
            return false;
        }
        if let Some(o) = &self.object
            && object != Some(o.as_str())
        {
            return false;
        }
        if let Some(p) = &self.path
            && !file.starts_with(p.as_str())
            && !file
                .trim_start_matches("./")
                .starts_with(p.trim_start_matches("./"))
        {
            return false;
        }
        true
    }
}
