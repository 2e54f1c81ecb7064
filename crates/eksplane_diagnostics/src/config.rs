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
//! today: 2026-01-15           # optional: judge support windows as of this date
//! ```
//!
//! Rules are named by id (`KAR001`) or name (`node-pool-without-limits`)
//! everywhere, case-insensitive.

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
    /// The date to judge support windows as of (`YYYY-MM-DD`), for examples
    /// and repositories whose verdict must not move with the calendar.
    /// `--today` and `EKSPLANE_TODAY` win over it.
    #[serde(default)]
    pub today: Option<Spanned<String>>,
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
    /// `hint` is the resolver's message (with a suggestion when one is close).
    #[error("{hint}")]
    UnknownRule {
        rule: String,
        hint: String,
        span: Span,
    },
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

/// What [`Config::validate`] made of a configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validated {
    pub overrides: Vec<SeverityOverride>,
    /// The rule id each `ignore` entry names (by index), `None` when unknown.
    pub ignore_rules: Vec<Option<String>>,
    pub errors: Vec<ConfigError>,
}

impl Config {
    /// Resolves rule ids and names (`resolve` gives the id, or the message
    /// for an unknown key) and parses severities; every problem is returned,
    /// not only the first.
    pub fn validate(&self, resolve: &dyn Fn(&str) -> Result<String, String>) -> Validated {
        let mut v = Validated::default();
        for e in &self.ignore {
            match resolve(&e.value.rule.value) {
                Ok(id) => v.ignore_rules.push(Some(id)),
                Err(hint) => {
                    v.ignore_rules.push(None);
                    v.errors.push(ConfigError::UnknownRule {
                        rule: e.value.rule.value.clone(),
                        hint,
                        span: e.value.rule.span,
                    });
                }
            }
        }
        for (rule, sev) in &self.severity {
            let id = match resolve(rule) {
                Ok(id) => id,
                Err(hint) => {
                    v.errors.push(ConfigError::UnknownRule {
                        rule: rule.clone(),
                        hint,
                        span: sev.span,
                    });
                    continue;
                }
            };
            let parsed = if sev.value.eq_ignore_ascii_case("off") {
                Some(None)
            } else {
                Severity::parse(&sev.value).map(Some)
            };
            match parsed {
                Some(severity) => v.overrides.push(SeverityOverride {
                    rule: id,
                    severity,
                    span: sev.span,
                }),
                None => v.errors.push(ConfigError::BadSeverity {
                    rule: rule.clone(),
                    value: sev.value.clone(),
                    span: sev.span,
                }),
            }
        }
        v
    }
}

impl IgnoreEntry {
    /// Whether this entry suppresses a finding whose primary file is `file`
    /// (the entry's rule written as an id).
    pub fn matches(&self, rule: RuleId, object: Option<&str>, file: &str) -> bool {
        self.rule.value.eq_ignore_ascii_case(rule.as_str()) && self.matches_target(object, file)
    }

    /// Whether the entry's `object` and `path` (when given) fit a finding.
    pub fn matches_target(&self, object: Option<&str>, file: &str) -> bool {
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
