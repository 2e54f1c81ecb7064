use crate::edit::{Applicability, Edit};
use eksplane_source::Span;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How much a finding matters. Ordered: `Info < Warning < Error`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing is wrong yet.
    Info,
    /// A risk or a departure from the guide that will bite later.
    #[default]
    Warning,
    /// Broken now, or certain to break (lockout, pods that cannot start).
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "info" | "note" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stable rule id, area-prefixed: `ACC001`, `KAR002`, `ING001`, ... Input
/// problems use the `LOAD` area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct RuleId(pub &'static str);

impl RuleId {
    pub fn as_str(&self) -> &'static str {
        self.0
    }

    /// The area prefix (`ACC` of `ACC001`).
    pub fn area(&self) -> &'static str {
        let end = self
            .0
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(self.0.len());
        &self.0[..end]
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// A place in an input file, with what is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub span: Span,
    /// What this place contributes (for related locations).
    pub message: Option<String>,
}

impl Location {
    pub fn new(span: Span) -> Self {
        Location {
            span,
            message: None,
        }
    }

    pub fn with_message(span: Span, message: impl Into<String>) -> Self {
        Location {
            span,
            message: Some(message.into()),
        }
    }
}

/// How to fix a finding: what to change, and where possible the exact YAML or
/// CLI to apply, and the typed edits `check --fix` applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub description: String,
    /// A YAML fragment or shell commands, ready to paste.
    pub snippet: Option<String>,
    /// The edits that make the change in the user's files (empty when the
    /// fix needs a decision no rule can make).
    pub edits: Vec<Edit>,
    /// Whether `--fix` applies the edits, or only `--unsafe-fixes`.
    pub applicability: Applicability,
}

impl Fix {
    pub fn new(description: impl Into<String>) -> Self {
        Fix {
            description: description.into(),
            snippet: None,
            edits: Vec::new(),
            applicability: Applicability::Unsafe,
        }
    }

    pub fn with_snippet(mut self, snippet: impl Into<String>) -> Self {
        self.snippet = Some(snippet.into());
        self
    }

    /// Attaches edits that `check --fix` applies, and their applicability.
    pub fn with_edits(mut self, applicability: Applicability, edits: Vec<Edit>) -> Self {
        self.applicability = applicability;
        self.edits = edits;
        self
    }

    /// Whether `check --fix` can apply this fix (with `--unsafe-fixes` when
    /// `unsafe_ok`).
    pub fn applies(&self, unsafe_ok: bool) -> bool {
        !self.edits.is_empty() && (self.applicability == Applicability::Safe || unsafe_ok)
    }
}

/// One finding of one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    /// The rule's title (the same for every finding of the rule).
    pub title: String,
    /// What is wrong here, naming the objects, and why it matters.
    pub message: String,
    pub primary: Location,
    pub related: Vec<Location>,
    pub fix: Option<Fix>,
    /// The object the finding is about (`NodePool/default`), for suppression
    /// by annotation and for grouping.
    pub object: Option<String>,
    /// The cluster the finding belongs to, when the inputs describe several
    /// clusters (each is checked on its own).
    pub cluster: Option<String>,
}

impl Finding {
    pub fn new(
        rule: RuleId,
        severity: Severity,
        title: impl Into<String>,
        message: impl Into<String>,
        span: Span,
    ) -> Self {
        Finding {
            rule,
            severity,
            title: title.into(),
            message: message.into(),
            primary: Location::new(span),
            related: Vec::new(),
            fix: None,
            object: None,
            cluster: None,
        }
    }

    pub fn related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Location::with_message(span, message));
        self
    }

    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn object(mut self, object: impl Into<String>) -> Self {
        self.object = Some(object.into());
        self
    }

    /// Sort key: file, line, column, rule.
    pub fn sort_key(&self) -> (Span, RuleId) {
        (self.primary.span, self.rule)
    }
}

/// Ids of the findings about the input itself (emitted by the loader and the
/// engine, documented in the rule registry).
pub mod input {
    use super::RuleId;
    /// A file or document could not be read (syntax, binary, limits).
    pub const UNREADABLE: RuleId = RuleId("LOAD001");
    /// A recognised object has a field of the wrong type or value.
    pub const INVALID_OBJECT: RuleId = RuleId("LOAD002");
    /// Two sources state different values for one cluster fact.
    pub const CONFLICT: RuleId = RuleId("LOAD003");
    /// The inputs describe more than one cluster.
    pub const MULTIPLE_CLUSTERS: RuleId = RuleId("LOAD004");
    /// The same object is defined twice.
    pub const DUPLICATE_OBJECT: RuleId = RuleId("LOAD005");
    /// A mapping key is written twice.
    pub const DUPLICATE_KEY: RuleId = RuleId("LOAD006");
    /// A file or document is an unrendered Helm template (`{{ ... }}`).
    pub const UNRENDERED_TEMPLATE: RuleId = RuleId("LOAD007");
    /// A Kustomize patch (not a whole object) was recognised and skipped.
    pub const KUSTOMIZE_PATCH: RuleId = RuleId("LOAD008");
    /// An object uses a retired API version (Karpenter v1beta1, v1alpha5).
    pub const RETIRED_API: RuleId = RuleId("LOAD009");
    /// A field that the kind's schema does not define.
    pub const UNKNOWN_FIELD: RuleId = RuleId("LOAD010");
    /// Kubernetes objects that no single cluster of the inputs owns.
    pub const UNATTRIBUTED_OBJECTS: RuleId = RuleId("LOAD011");
    /// A suppression (annotation or config entry) matches no finding.
    pub const UNUSED_SUPPRESSION: RuleId = RuleId("CFG001");
    /// The configuration names an unknown rule or severity.
    pub const INVALID_CONFIG: RuleId = RuleId("CFG002");
}
