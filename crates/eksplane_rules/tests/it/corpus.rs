//! The real-world corpus (`../shared/corpus`, SOURCES.md there) through
//! `check` as the binary runs it: loaded, split into one platform per
//! cluster, every rule. The findings of each directory are snapshotted; each
//! was reviewed as an EKS expert reading the file would (the review is in the
//! snapshot's header comment and `docs/corpus-review.md`): a false positive
//! is a bug to fix in the rule, not a snapshot to accept.

use crate::TODAY;
use eksplane_diagnostics::Severity;
use eksplane_load::{Input, LoadOptions, load, split_clusters};
use eksplane_rules::{CheckOptions, ClusterInput, run_clusters};
use std::path::PathBuf;

#[allow(clippy::print_stderr)] // says why a test did nothing
fn corpus_dir() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipped: {} is absent", p.display());
        None
    }
}

/// Every finding of `check` on one corpus directory, one line each:
/// `RULE severity file:line [cluster] message` (message cut at 160 chars).
fn check_dir(root: &std::path::Path, rel: &str) -> (String, Vec<String>) {
    let mut loaded = load(&[Input::Path(root.join(rel))], LoadOptions::default());
    let extra = std::mem::take(&mut loaded.findings);
    let parts = split_clusters(&loaded);
    let inputs = parts
        .iter()
        .map(|c| ClusterInput {
            name: c.name.as_deref(),
            platform: &c.platform,
            findings: c.findings.clone(),
        })
        .collect();
    let r = run_clusters(
        inputs,
        &loaded.db,
        extra,
        CheckOptions {
            config: None,
            catalog: None,
            today: Some(TODAY),
            rules: None,
        },
    );
    let prefix = format!("{}/", root.display());
    let mut lines = Vec::new();
    let mut input_errors = Vec::new();
    for f in &r.findings {
        let at = loaded.db.display(f.primary.span).replace(&prefix, "");
        // Messages may name other files by the path the loader read them
        // from: shown relative to the corpus, as locations are.
        let msg: String = f.message.replace(&prefix, "").chars().take(160).collect();
        let cluster = f
            .cluster
            .as_deref()
            .map(|c| format!(" [{c}]"))
            .unwrap_or_default();
        lines.push(format!("{} {} {at}{cluster} {msg}", f.rule, f.severity));
        if f.severity == Severity::Error && matches!(f.rule.area(), "LOAD" | "CFG") {
            input_errors.push(format!("{} {at}", f.rule));
        }
    }
    (lines.join("\n") + "\n", input_errors)
}

macro_rules! corpus_case {
    ($name:ident, $rel:literal, [$($invalid:literal),* $(,)?]) => {
        #[test]
        fn $name() {
            let Some(root) = corpus_dir() else { return };
            let (text, errors) = check_dir(&root, $rel);
            // Input errors only where the file is genuinely not valid input
            // (unrendered templates, placeholders the API server rejects).
            let allowed: &[&str] = &[$($invalid),*];
            for e in &errors {
                assert!(
                    allowed.iter().any(|a| e.contains(a)),
                    "unexpected input error in {}: {e}",
                    $rel
                );
            }
            insta::assert_snapshot!(text);
        }
    };
}

corpus_case!(eksctl_examples, "eksctl-examples/examples", []);
corpus_case!(karpenter_v1_examples, "karpenter-provider-aws/examples", []);
corpus_case!(
    karpenter_v1beta1_examples,
    "karpenter-provider-aws/examples-v1beta1",
    []
);
corpus_case!(workshop_cluster, "eks-workshop-v2/cluster", []);
corpus_case!(workshop_rendered, "eks-workshop-v2/rendered", []);
corpus_case!(
    workshop_manifests,
    "eks-workshop-v2/manifests",
    ["argocd/app-of-apps/templates/"]
);
corpus_case!(
    load_balancer_controller,
    "aws-load-balancer-controller",
    ["cognito-ingress-template.yaml"]
);
corpus_case!(
    vpc_cni,
    "amazon-vpc-cni-k8s",
    ["charts/aws-vpc-cni/templates/"]
);

/// A directory of many eksctl ClusterConfigs is many clusters: findings name
/// their cluster and no finding pairs objects of two clusters.
#[test]
fn eksctl_examples_are_checked_per_cluster() {
    let Some(root) = corpus_dir() else { return };
    let (text, _) = check_dir(&root, "eksctl-examples/examples");
    let clusters: std::collections::BTreeSet<&str> = text
        .lines()
        .filter_map(|l| l.split(" [").nth(1).and_then(|r| r.split(']').next()))
        .collect();
    assert!(clusters.len() > 20, "{clusters:?}");
    assert!(
        !text.contains("LOAD003"),
        "no conflicts between clusters:\n{text}"
    );
}

/// Karpenter's retired v1beta1 examples: each object warns (LOAD009) and is
/// still checked (rules fire on the converted objects).
#[test]
fn v1beta1_examples_warn_and_are_still_checked() {
    let Some(root) = corpus_dir() else { return };
    let (text, _) = check_dir(&root, "karpenter-provider-aws/examples-v1beta1");
    assert!(text.contains("LOAD009 warning"), "{text}");
    assert!(
        text.lines()
            .any(|l| !l.starts_with("LOAD") && (l.starts_with("KAR") || l.starts_with("CNI"))),
        "{text}"
    );
}
