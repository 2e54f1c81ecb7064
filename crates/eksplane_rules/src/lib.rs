//! The rule registry, the engine that runs it (with suppressions and severity
//! overrides), and one module per rule under `rules/<area>/`.
//!
//! Adding a rule: one file under `rules/<area>/` declaring it with
//! [`declare_rule!`], and one line in that area's `RULES` list.

pub mod capacity;
pub mod context;
mod engine;
pub mod ip_inputs;
mod registry;
pub mod rules;

pub use engine::{CheckOptions, CheckResult, IGNORE_ANNOTATION, run};
pub use registry::{Rule, RuleDocs, all, docs_markdown, find};
