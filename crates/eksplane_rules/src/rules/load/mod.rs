//! Findings about the input itself. The loader and the engine emit them; they
//! are declared here so that `rules`, `explain`, the docs and SARIF know them.

use crate::{Rule, declare_rule};

pub(crate) static RULES: &[&Rule] = &[
    &UNREADABLE,
    &INVALID_OBJECT,
    &CONFLICT,
    &MULTIPLE_CLUSTERS,
    &DUPLICATE_OBJECT,
    &DUPLICATE_KEY,
    &UNUSED_SUPPRESSION,
    &INVALID_CONFIG,
];

declare_rule! {
    /// ## What it does
    /// Reports a file or document that could not be read: a YAML or JSON syntax
    /// error, a binary file, or input over a safety limit (file or document size,
    /// nesting depth, alias expansion).
    ///
    /// ## Why it matters
    /// Nothing in that document was checked. Documents before a syntax error in
    /// the same file are still read; the run exits with code 2.
    ///
    /// ## Fix
    /// Correct the syntax at the reported line and column. For generated files,
    /// regenerate them (`helm template`, `aws ... --output json`).
    pub UNREADABLE = ("LOAD001", "unreadable-input", Error, "Input could not be read", None);
}

declare_rule! {
    /// ## What it does
    /// Reports a recognised object (a NodePool, an aws-auth mapping, an AWS CLI
    /// snapshot...) with a field of the wrong type or an invalid value.
    ///
    /// ## Why it matters
    /// The API server (or AWS) would reject it, and eksplane skips it, so
    /// nothing about that object is checked. The other objects still are.
    ///
    /// ## Fix
    /// Correct the field at the reported path; the message says what was expected.
    pub INVALID_OBJECT = ("LOAD002", "invalid-object", Error, "Object does not match its schema", None);
}

declare_rule! {
    /// ## What it does
    /// Reports two sources that state different values for the same cluster fact
    /// (name, region, Kubernetes version, authentication mode, endpoint access):
    /// for example an eksctl ClusterConfig that says `1.31` beside a
    /// `describe-cluster` snapshot that says `1.30`.
    ///
    /// ## Why it matters
    /// One of them is stale: configuration not applied yet, or a snapshot taken
    /// before a change. Checks use the first source; both places are shown.
    ///
    /// ## Fix
    /// Apply the configuration or take a fresh snapshot, so both agree.
    pub CONFLICT = ("LOAD003", "conflicting-facts", Warning, "Sources disagree about the cluster", None);
}

declare_rule! {
    /// ## What it does
    /// Reports inputs that describe more than one cluster (different cluster
    /// names in ClusterConfigs or `describe-cluster` snapshots).
    ///
    /// ## Why it matters
    /// eksplane checks one cluster at a time: mixing two makes every
    /// cross-layer check wrong.
    ///
    /// ## Fix
    /// Run eksplane once per cluster, with only that cluster's files.
    pub MULTIPLE_CLUSTERS = ("LOAD004", "multiple-clusters", Error, "Inputs describe more than one cluster", None);
}

declare_rule! {
    /// ## What it does
    /// Reports an object (same kind, namespace and name) defined more than once.
    ///
    /// ## Why it matters
    /// Applied in order, the last definition wins and silently replaces the
    /// other; usually two copies of a manifest have drifted apart.
    ///
    /// ## Fix
    /// Keep one definition.
    pub DUPLICATE_OBJECT = ("LOAD005", "duplicate-object", Warning, "Object defined twice", None);
}

declare_rule! {
    /// ## What it does
    /// Reports a mapping key written twice in the same mapping.
    ///
    /// ## Why it matters
    /// YAML forbids it; Kubernetes' decoder keeps the last value, so the first
    /// is silently ignored (or the apply is rejected, depending on the client).
    ///
    /// ## Fix
    /// Remove one of the two keys.
    pub DUPLICATE_KEY = ("LOAD006", "duplicate-key", Warning, "Mapping key written twice", None);
}

declare_rule! {
    /// ## What it does
    /// Reports a suppression that matches no finding: an `eksplane.io/ignore`
    /// annotation entry or an `ignore` entry of `.eksplane.yaml`.
    ///
    /// ## Why it matters
    /// Stale suppressions hide the next real finding of that rule.
    ///
    /// ## Fix
    /// Remove the suppression.
    pub UNUSED_SUPPRESSION = ("CFG001", "unused-suppression", Warning, "Suppression matches nothing", None);
}

declare_rule! {
    /// ## What it does
    /// Reports a configuration entry (`.eksplane.yaml` or an `eksplane.io/ignore`
    /// annotation) that names an unknown rule, or a severity that does not exist.
    ///
    /// ## Why it matters
    /// The entry has no effect, which is rarely what was meant.
    ///
    /// ## Fix
    /// Use an id from `eksplane rules`, and one of `info`, `warning`, `error`, `off`.
    pub INVALID_CONFIG = ("CFG002", "invalid-config", Error, "Invalid eksplane configuration", None);
}
