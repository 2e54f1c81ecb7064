//! The real-world corpus (`../shared/corpus`, SOURCES.md there): every file
//! loads without a panic and without an input error, except the files in
//! [`INVALID`], each with the error it must get and why it is right.

use crate::{corpus_dir, line};
use eksplane_diagnostics::Severity;
use eksplane_load::{Input, LoadOptions, Loaded, expand_inputs, load};
use std::collections::BTreeMap;
use std::path::Path;

/// Files that are not valid input as they are, the finding each gets, and why.
const INVALID: &[(&str, &str, &str)] = &[
    (
        "amazon-vpc-cni-k8s/charts/aws-vpc-cni/templates/clusterrole.yaml",
        "LOAD007",
        "unrendered Helm chart template",
    ),
    (
        "amazon-vpc-cni-k8s/charts/aws-vpc-cni/templates/clusterrolebinding.yaml",
        "LOAD007",
        "unrendered Helm chart template",
    ),
    (
        "amazon-vpc-cni-k8s/charts/aws-vpc-cni/templates/configmap.yaml",
        "LOAD007",
        "unrendered Helm chart template",
    ),
    (
        "amazon-vpc-cni-k8s/charts/aws-vpc-cni/templates/daemonset.yaml",
        "LOAD007",
        "unrendered Helm chart template",
    ),
    (
        "amazon-vpc-cni-k8s/charts/aws-vpc-cni/templates/eniconfig.yaml",
        "LOAD007",
        "unrendered Helm chart template",
    ),
    (
        "amazon-vpc-cni-k8s/charts/aws-vpc-cni/templates/podmonitor.yaml",
        "LOAD007",
        "unrendered Helm chart template",
    ),
    (
        "amazon-vpc-cni-k8s/charts/aws-vpc-cni/templates/serviceaccount.yaml",
        "LOAD007",
        "unrendered Helm chart template",
    ),
    (
        "eks-workshop-v2/manifests/modules/automation/gitops/argocd/app-of-apps/templates/_application.yaml",
        "LOAD007",
        "unrendered Helm template (an Argo CD app-of-apps chart)",
    ),
    (
        "eks-workshop-v2/manifests/modules/automation/gitops/argocd/app-of-apps/templates/application.yaml",
        "LOAD007",
        "unrendered Helm template (an Argo CD app-of-apps chart)",
    ),
    (
        "aws-load-balancer-controller/docs/examples/cognito-ingress-template.yaml",
        "LOAD002",
        "a documentation template: `port.number: <service-port>` is a placeholder, and the API server rejects a non-integer port number",
    ),
];

fn relative(root: &Path, l: &Loaded, f: &eksplane_diagnostics::Finding) -> String {
    let name =
        l.db.get(f.primary.span.file)
            .map(|s| s.name.clone())
            .unwrap_or_default();
    name.strip_prefix(&format!("{}/", root.display()))
        .unwrap_or(&name)
        .to_string()
}

/// Input errors per corpus file (relative path -> rule ids).
fn errors(root: &Path, l: &Loaded, out: &mut BTreeMap<String, Vec<String>>) {
    for f in l.findings.iter().filter(|f| f.severity == Severity::Error) {
        out.entry(relative(root, l, f))
            .or_default()
            .push(format!("{} {}", f.rule, line(l, f)));
    }
}

#[test]
fn every_corpus_file_loads_without_input_errors_but_the_invalid_ones() {
    let Some(root) = corpus_dir() else { return };
    let files = expand_inputs(&root).unwrap_or_default();
    assert!(files.len() > 400, "{} files", files.len());
    let mut found = BTreeMap::new();
    for f in &files {
        let l = load(&[Input::Path(f.clone())], LoadOptions::default());
        errors(&root, &l, &mut found);
    }
    let expected: BTreeMap<String, &str> = INVALID
        .iter()
        .map(|(path, rule, _)| (path.to_string(), *rule))
        .collect();
    let got: BTreeMap<String, String> = found
        .iter()
        .map(|(path, fs)| (path.clone(), fs.join(" | ")))
        .collect();
    for (path, rule) in &expected {
        let fs = got.get(path).map(String::as_str).unwrap_or("no error");
        assert!(fs.starts_with(rule), "{path}: expected {rule}, got {fs}");
        assert_eq!(found[path].len(), 1, "{path}: {fs}");
    }
    let unexpected: Vec<&String> = got
        .iter()
        .filter(|(p, _)| !expected.contains_key(*p))
        .map(|(_, f)| f)
        .collect();
    assert!(
        unexpected.is_empty(),
        "input errors on valid files: {unexpected:#?}"
    );
}

#[test]
fn each_corpus_directory_loads_as_a_whole() {
    let Some(root) = corpus_dir() else { return };
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    assert!(dirs.len() >= 5);
    for dir in dirs {
        let l = load(&[Input::Path(dir.clone())], LoadOptions::default());
        let mut found = BTreeMap::new();
        errors(&root, &l, &mut found);
        let unexpected: Vec<_> = found
            .iter()
            .filter(|(p, _)| !INVALID.iter().any(|(i, _, _)| i == p))
            .collect();
        assert!(unexpected.is_empty(), "{}: {unexpected:#?}", dir.display());
    }
}

#[test]
fn helm_chart_templates_get_the_render_hint() {
    let Some(root) = corpus_dir() else { return };
    let dir = root.join("amazon-vpc-cni-k8s/charts/aws-vpc-cni/templates");
    let l = load(&[Input::Path(dir)], LoadOptions::default());
    let hints: Vec<String> = l
        .findings
        .iter()
        .filter(|f| f.rule.as_str() == "LOAD007")
        .map(|f| format!("{}:{}", relative(&root, &l, f), f.primary.span.start.line))
        .collect();
    assert!(
        hints.contains(
            &"amazon-vpc-cni-k8s/charts/aws-vpc-cni/templates/daemonset.yaml:4".to_string()
        ),
        "{hints:?}"
    );
    assert!(
        hints.contains(
            &"amazon-vpc-cni-k8s/charts/aws-vpc-cni/templates/configmap.yaml:1".to_string()
        ),
        "{hints:?}"
    );
    assert!(
        l.findings
            .iter()
            .filter(|f| f.rule.as_str() == "LOAD007")
            .all(|f| f.message.contains("render it first: helm template"))
    );
    // _helpers.tpl and NOTES.txt are not YAML inputs; no other error.
    assert!(
        l.findings.iter().all(|f| f.rule.as_str() == "LOAD007"),
        "{:?}",
        l.findings
    );
}

#[test]
fn v1beta1_examples_are_checked_with_a_warning_each() {
    let Some(root) = corpus_dir() else { return };
    let dir = root.join("karpenter-provider-aws/examples-v1beta1");
    let l = load(&[Input::Path(dir)], LoadOptions::default());
    let warnings = l
        .findings
        .iter()
        .filter(|f| f.rule.as_str() == "LOAD009")
        .count();
    // One per object: 22 NodePools and 21 EC2NodeClasses.
    assert_eq!(warnings, 43, "{:?}", l.findings);
    assert!(!l.has_input_errors());
    assert_eq!(l.platform.opaque.len(), 0);
    // Same names across files: the last definition of each is kept.
    assert!(!l.platform.node_pools.is_empty() && !l.platform.node_classes.is_empty());
}

#[test]
fn truncated_and_templated_corpus_files_never_panic() {
    let Some(root) = corpus_dir() else { return };
    let files = expand_inputs(&root).unwrap_or_default();
    let mut loaded = 0;
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        let cuts: Vec<usize> = (1..8)
            .map(|i| text.len() * i / 8)
            .filter(|c| text.is_char_boundary(*c))
            .collect();
        for cut in cuts {
            let head = &text[..cut];
            // As written, cut short, and with a template action or a flow
            // collection opened where the cut falls.
            for variant in [
                head.to_string(),
                format!("{head}{{{{ .Values.x }}}}\n{}", &text[cut..]),
                format!("{head}[\n{}", &text[cut..]),
            ] {
                let l = eksplane_load::load_texts([("f.yaml", variant.as_str())]);
                loaded += l.stats.files;
            }
        }
    }
    assert!(loaded > 1000, "{loaded}");
}
