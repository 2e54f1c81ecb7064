//! Runs the registered rules over a platform, then applies suppressions
//! (object annotations and `.eksplane.yaml`) and severity overrides.

use crate::registry::{Rule, all, find};
use eksplane_aws_data::Catalog;
use eksplane_diagnostics::{Config, Finding, Severity, Suppressed, input};
use eksplane_facts::Facts;
use eksplane_model::Platform;
use eksplane_source::{SourceDb, Span};
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The object annotation that suppresses findings on that object:
/// `eksplane.io/ignore: KAR001,ING001`.
pub const IGNORE_ANNOTATION: &str = "eksplane.io/ignore";

#[derive(Debug, Default, Clone, Copy)]
pub struct CheckOptions<'a> {
    pub config: Option<&'a Config>,
    /// The instance catalog capacity rules use (`--catalog`); the embedded
    /// one when `None`.
    pub catalog: Option<&'a Catalog>,
    /// The date to judge as of (support windows); date-dependent rules are
    /// silent without one. The binary passes today's date.
    pub today: Option<eksplane_aws_data::eks_versions::Date>,
    /// Run only these rules (`--select`/`--ignore`); every rule when `None`.
    /// Loader and configuration findings are always kept.
    pub rules: Option<&'a std::collections::BTreeSet<eksplane_diagnostics::RuleId>>,
}

/// A rule id or name as its id, or the message for an unknown one (with a
/// suggestion when one is close).
pub fn resolve_rule(key: &str) -> Result<String, String> {
    find(key.trim())
        .map(|r| r.id.as_str().to_string())
        .ok_or_else(|| crate::registry::unknown_rule_message(key.trim()))
}

#[derive(Debug, Default)]
pub struct CheckResult {
    /// Findings that stand, sorted by file, line and rule.
    pub findings: Vec<Finding>,
    /// Findings removed by a suppression, with where and why.
    pub suppressed: Vec<Suppressed>,
    /// How many rules ran.
    pub rules_run: usize,
    /// What the run could not judge or assumed (from the facts layer).
    pub notes: Vec<eksplane_diagnostics::Note>,
}

fn run_rule(rule: &Rule, facts: &Facts<'_>) -> Vec<Finding> {
    let Some(check) = rule.check else {
        return Vec::new();
    };
    let result = catch_unwind(AssertUnwindSafe(|| check(facts)));
    match result {
        Ok(f) => f,
        // A rule must never panic; if one does, say so instead of aborting
        // the whole run (and keep the other rules' findings).
        Err(_) => vec![Finding::new(
            rule.id,
            Severity::Error,
            "Internal error",
            format!(
                "rule {} ({}) failed on these inputs; this is a bug in eksplane, please report it",
                rule.id, rule.name
            ),
            Span::detached(),
        )],
    }
}

struct AnnotationIgnore {
    rule: String,
    span: Span,
    used: bool,
}

/// Runs every rule with a check, plus the `extra` findings (from the loader),
/// through suppressions and overrides.
pub fn run(
    platform: &Platform,
    db: &SourceDb,
    extra: Vec<Finding>,
    opts: CheckOptions<'_>,
) -> CheckResult {
    let rules = all();
    let mut findings = extra;
    let mut rules_run = 0;
    let catalog = opts.catalog.unwrap_or_else(|| Catalog::embedded());
    // Facts are derived once, lazily, and shared by every rule of the run.
    let facts = Facts::new(platform, catalog);
    crate::context::with_today(opts.today, || {
        for rule in &rules {
            if rule.runs() && opts.rules.is_none_or(|only| only.contains(&rule.id)) {
                rules_run += 1;
                findings.extend(run_rule(rule, &facts));
            }
        }
    });
    let notes = facts.notes();

    // Annotation suppressions, by object.
    let mut by_object: BTreeMap<String, Vec<AnnotationIgnore>> = BTreeMap::new();
    let mut config_findings = Vec::new();
    for o in platform.kube_objects() {
        if let Some(a) = o.meta().annotation(IGNORE_ANNOTATION) {
            let mut entries = Vec::new();
            for r in a.value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                match resolve_rule(r) {
                    Ok(id) => entries.push(AnnotationIgnore {
                        rule: id,
                        span: a.span,
                        used: false,
                    }),
                    Err(hint) => config_findings.push(invalid_config(
                        format!(
                            "annotation {IGNORE_ANNOTATION} on {}: {hint}",
                            o.object_ref()
                        ),
                        a.span,
                    )),
                }
            }
            by_object
                .entry(o.object_ref().to_string())
                .or_default()
                .extend(entries);
        }
    }

    // Config: overrides and ignores.
    let mut overrides = BTreeMap::new();
    let mut ignore_used = Vec::new();
    let mut ignore_rules = Vec::new();
    if let Some(cfg) = opts.config {
        let v = cfg.validate(&resolve_rule);
        for e in v.errors {
            config_findings.push(invalid_config(e.to_string(), e.span()));
        }
        for o in v.overrides {
            overrides.insert(o.rule, o.severity);
        }
        ignore_used = vec![false; cfg.ignore.len()];
        ignore_rules = v.ignore_rules;
    }

    let mut kept = Vec::new();
    let mut suppressed = Vec::new();
    'findings: for mut f in findings {
        if let Some(obj) = &f.object
            && let Some(entries) = by_object.get_mut(obj)
            && let Some(e) = entries.iter_mut().find(|e| e.rule == f.rule.as_str())
        {
            e.used = true;
            let by = e.span;
            suppressed.push(Suppressed {
                finding: f,
                by,
                reason: format!("annotation {IGNORE_ANNOTATION}"),
            });
            continue 'findings;
        }
        if let Some(cfg) = opts.config {
            let file = db.name(f.primary.span.file);
            for (i, e) in cfg.ignore.iter().enumerate() {
                if ignore_rules.get(i).and_then(Option::as_deref) == Some(f.rule.as_str())
                    && e.value.matches_target(f.object.as_deref(), file)
                {
                    ignore_used[i] = true;
                    suppressed.push(Suppressed {
                        finding: f,
                        by: e.span,
                        reason: e
                            .value
                            .reason
                            .clone()
                            .unwrap_or_else(|| ".eksplane.yaml ignore".to_string()),
                    });
                    continue 'findings;
                }
            }
        }
        match overrides.get(f.rule.as_str()) {
            Some(None) => {
                suppressed.push(Suppressed {
                    finding: f,
                    by: Span::detached(),
                    reason: "severity off in .eksplane.yaml".into(),
                });
                continue 'findings;
            }
            Some(Some(sev)) => f.severity = *sev,
            None => {}
        }
        kept.push(f);
    }

    for entries in by_object.values() {
        for e in entries.iter().filter(|e| {
            !e.used
                && opts
                    .rules
                    .is_none_or(|only| only.iter().any(|id| id.as_str() == e.rule))
        }) {
            kept.push(unused(
                format!(
                    "{IGNORE_ANNOTATION} lists {} but no such finding is on this object",
                    e.rule
                ),
                e.span,
            ));
        }
    }
    if let Some(cfg) = opts.config {
        for (i, e) in cfg.ignore.iter().enumerate() {
            let Some(id) = ignore_rules.get(i).and_then(Option::as_deref) else {
                continue;
            };
            // A rule that did not run (`--select`/`--ignore`) cannot be
            // judged unused.
            let ran = opts
                .rules
                .is_none_or(|only| only.iter().any(|r| r.as_str() == id));
            if !ignore_used[i] && ran {
                kept.push(unused(
                    format!("ignore entry for {} matches no finding", e.value.rule.value),
                    e.span,
                ));
            }
        }
    }
    kept.extend(config_findings);
    kept.sort_by_key(|f| f.sort_key());
    CheckResult {
        findings: kept,
        suppressed,
        rules_run,
        notes,
    }
}

fn rule_of(id: eksplane_diagnostics::RuleId) -> Option<&'static Rule> {
    find(id.as_str())
}

fn invalid_config(message: String, span: Span) -> Finding {
    match rule_of(input::INVALID_CONFIG) {
        Some(r) => r.finding(message, span),
        None => Finding::new(
            input::INVALID_CONFIG,
            Severity::Error,
            "Invalid eksplane configuration",
            message,
            span,
        ),
    }
}

fn unused(message: String, span: Span) -> Finding {
    match rule_of(input::UNUSED_SUPPRESSION) {
        Some(r) => r.finding(message, span),
        None => Finding::new(
            input::UNUSED_SUPPRESSION,
            Severity::Warning,
            "Suppression matches nothing",
            message,
            span,
        ),
    }
}

/// One cluster's platform for [`run_clusters`]: its name (when known), the
/// platform and findings the split itself produced.
#[derive(Debug)]
pub struct ClusterInput<'a> {
    pub name: Option<&'a str>,
    pub platform: &'a Platform,
    pub findings: Vec<Finding>,
}

/// Checks each cluster on its own (objects of one cluster are never paired
/// with another's) and merges the results. With several clusters every
/// finding and note names its cluster. Loader findings (`extra`) are reported
/// once; a suppression is "unused" (CFG001) only when no cluster used it.
pub fn run_clusters(
    clusters: Vec<ClusterInput<'_>>,
    db: &SourceDb,
    extra: Vec<Finding>,
    opts: CheckOptions<'_>,
) -> CheckResult {
    let n = clusters.len();
    if n <= 1 {
        let mut extra = extra;
        let Some(c) = clusters.into_iter().next() else {
            return run(&Platform::default(), db, extra, opts);
        };
        extra.extend(c.findings);
        return run(c.platform, db, extra, opts);
    }
    let mut out = CheckResult::default();
    let mut unused: BTreeMap<(Span, String), (usize, Finding)> = BTreeMap::new();
    let mut seen_cfg: std::collections::BTreeSet<(Span, String)> = Default::default();
    let mut extra = Some(extra);
    for c in clusters {
        let label = c.name.unwrap_or("(no cluster)").to_string();
        let mut first = extra.take().unwrap_or_default();
        first.extend(c.findings);
        let r = run(c.platform, db, first, opts);
        out.rules_run = r.rules_run;
        for mut f in r.findings {
            if f.rule == input::UNUSED_SUPPRESSION {
                let key = (f.primary.span, f.message.clone());
                unused.entry(key).or_insert((0, f)).0 += 1;
                continue;
            }
            if f.rule.area() == "CFG" || f.rule.area() == "LOAD" {
                // Config problems and loader findings are about files, not
                // clusters: report each once.
                if !seen_cfg.insert((f.primary.span, format!("{}{}", f.rule, f.message))) {
                    continue;
                }
            } else {
                f.cluster = Some(label.clone());
            }
            out.findings.push(f);
        }
        for mut s in r.suppressed {
            s.finding.cluster = Some(label.clone());
            out.suppressed.push(s);
        }
        for mut note in r.notes {
            note.message = format!("cluster {label}: {}", note.message);
            out.notes.push(note);
        }
    }
    out.findings.extend(
        unused
            .into_values()
            .filter(|(count, _)| *count == n)
            .map(|(_, f)| f),
    );
    out.findings.sort_by_key(|f| f.sort_key());
    out
}
