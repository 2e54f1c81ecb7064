//! The rule registry, the engine that runs it (with suppressions and severity
//! overrides), and one module per rule under `rules/<area>/`.
//!
//! Adding a rule: one file under `rules/<area>/` declaring it with
//! [`declare_rule!`], and one line in that area's `RULES` list.

pub mod context;
mod engine;
mod fix;
mod registry;
pub mod rules;

/// The facts layer, re-exported for callers that reach it through the rules.
pub use eksplane_facts::{capacity, ip_inputs};

pub use engine::{
    CheckOptions, CheckResult, ClusterInput, IGNORE_ANNOTATION, resolve_rule, run, run_clusters,
};
pub use registry::{
    DOCS_URL, Rule, RuleDocs, all, docs_markdown, find, select, suggest, unknown_rule_message,
};
