//! Bad input: clear errors naming file, line and column; the other files load.

use crate::{lines, load};
use eksplane_load::{Input, LoadOptions, load as load_inputs};
use eksplane_source::Limits;

const GOOD: &str = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n";

#[test]
fn malformed_yaml_names_file_line_column_and_others_still_load() {
    let l = load(&[
        (
            "bad.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [oops\n",
        ),
        ("good.yaml", GOOD),
    ]);
    let ls = lines(&l);
    assert_eq!(ls.len(), 1, "{ls:?}");
    assert!(
        ls[0].starts_with("LOAD001 bad.yaml:5:1 YAML syntax error"),
        "{ls:?}"
    );
    assert_eq!(l.platform.namespaces.len(), 1);
    assert!(l.has_input_errors());
}

#[test]
fn malformed_json_is_reported_as_json() {
    let l = load(&[(
        "cluster.json",
        "{\n  \"cluster\": {\n    \"name\": \"x\",,\n  }\n}\n",
    )]);
    let ls = lines(&l);
    assert_eq!(ls.len(), 1, "{ls:?}");
    assert!(ls[0].starts_with("LOAD001 cluster.json:3:"), "{ls:?}");
    assert!(ls[0].contains("JSON syntax error"), "{ls:?}");
}

#[test]
fn documents_before_a_syntax_error_are_kept() {
    let l = load(&[("multi.yaml", &format!("{GOOD}---\nkind: [\n"))]);
    assert_eq!(l.platform.namespaces.len(), 1);
    assert_eq!(l.findings.len(), 1);
}

#[test]
fn binary_and_non_utf8_files() {
    let l = load_inputs(
        &[
            Input::Stdin(vec![0x7f, b'E', b'L', b'F', 0, 1, 2]),
            Input::Stdin(b"name: caf\xe9\n".to_vec()),
        ],
        LoadOptions::default(),
    );
    let ls = lines(&l);
    assert_eq!(
        ls,
        vec![
            "LOAD001 <stdin>:1:1 binary file (contains NUL bytes); expected YAML or JSON text",
            "LOAD001 <stdin>:1:1 binary file (contains bytes that are not UTF-8); expected YAML or JSON text",
        ]
    );
}

#[test]
fn billion_laughs_is_refused() {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..9 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let l = load(&[("bomb.yaml", &text)]);
    let ls = lines(&l);
    assert_eq!(ls.len(), 1);
    assert!(ls[0].contains("alias expansion over the limit"), "{ls:?}");
}

#[test]
fn deep_nesting_is_refused() {
    let mut text = String::new();
    for i in 0..300 {
        text.push_str(&" ".repeat(i));
        text.push_str("a:\n");
    }
    let l = load(&[("deep.yaml", &text)]);
    let ls = lines(&l);
    assert!(ls[0].contains("nesting deeper than 128 levels"), "{ls:?}");
}

#[test]
fn size_limits() {
    let opts = LoadOptions {
        limits: Limits {
            max_file_bytes: 1000,
            max_document_bytes: 100,
            ..Limits::default()
        },
    };
    let big_doc = format!("{GOOD}---\ndata: {}\n", "x".repeat(200));
    let l = load_inputs(
        &[
            Input::Stdin(big_doc.into_bytes()),
            Input::Stdin(vec![b'#'; 2000]),
        ],
        opts,
    );
    let ls = lines(&l);
    assert_eq!(l.platform.namespaces.len(), 1, "the first document is kept");
    assert!(
        ls.iter()
            .any(|m| m.contains("document is over the limit of 100 bytes")),
        "{ls:?}"
    );
    assert!(
        ls.iter()
            .any(|m| m.contains("file is 2000 bytes, over the limit of 1000 bytes")),
        "{ls:?}"
    );
}

#[test]
fn wrong_field_types_name_the_path() {
    let np = "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata:\n  name: p\nspec:\n  weight: heavy\n";
    let op = "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata:\n  name: q\nspec:\n  template:\n    spec:\n      requirements:\n        - key: a\n          operator: Between\n";
    let l = load(&[("np.yaml", np), ("op.yaml", op), ("good.yaml", GOOD)]);
    let ls = lines(&l);
    assert_eq!(
        ls[0],
        "LOAD002 np.yaml:6:11 NodePool p: spec.weight: expected an integer, found string \"heavy\""
    );
    assert!(ls[1].starts_with("LOAD002 op.yaml:10:21 NodePool q: spec.template.spec.requirements[0].operator: unknown variant `Between`"), "{ls:?}");
    assert_eq!(l.platform.node_pools.len(), 0);
    assert_eq!(l.platform.namespaces.len(), 1);
}

#[test]
fn broken_aws_auth_points_into_outer_file() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::1:role/a\n      groups: [system:masters\n";
    let l = load(&[("aws-auth.yaml", text)]);
    let ls = lines(&l);
    assert_eq!(ls.len(), 1, "{ls:?}");
    assert!(ls[0].starts_with("LOAD001 aws-auth.yaml:"), "{ls:?}");
    assert!(
        ls[0].contains("aws-auth mapRoles: YAML syntax error"),
        "{ls:?}"
    );
    let line_no: u32 = ls[0]
        .split(':')
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(line_no >= 9, "points into the outer file: {ls:?}");
}

#[test]
fn missing_path_is_an_input_error() {
    let l = load_inputs(
        &[Input::Path("/nonexistent/eksplane/dir".into())],
        LoadOptions::default(),
    );
    assert!(l.has_input_errors());
    assert!(lines(&l)[0].starts_with("LOAD001 /nonexistent/eksplane/dir"));
}

#[test]
fn duplicate_keys_are_reported_with_both_places() {
    let l = load(&[(
        "dup.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b\n",
    )]);
    assert_eq!(lines(&l).len(), 1, "{:?}", lines(&l));
    let f = &l.findings[0];
    assert_eq!(f.rule.as_str(), "LOAD006");
    assert_eq!(
        (f.primary.span.start.line, f.related[0].span.start.line),
        (5, 4)
    );
    assert_eq!(l.platform.namespaces[0].meta().name.value, "b");
}

use eksplane_model::KubeObject;

#[test]
fn unrendered_helm_template_gets_one_finding_with_the_hint() {
    let chart = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ include \"cni.fullname\" . }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n";
    let l = load(&[("templates/sa.yaml", chart)]);
    let ls = lines(&l);
    assert_eq!(ls.len(), 1, "{ls:?}");
    assert!(
        ls[0].starts_with("LOAD007 templates/sa.yaml:4:9 unrendered Helm template: `name: {{ include \"cni.fullname\" . }}`"),
        "{ls:?}"
    );
    assert!(ls[0].contains("render it first: helm template"), "{ls:?}");
    assert!(l.platform.service_accounts.is_empty() && l.platform.config_maps.is_empty());
    assert!(l.has_input_errors());
}

#[test]
fn go_yaml_flow_sequence_and_merge_keys_load() {
    // The closing `]` at the key's indentation (go-yaml and PyYAML accept it),
    // and a merge key, in one Deployment.
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: spark\n  labels: &l\n    app: spark\nspec:\n  selector:\n    matchLabels:\n      <<: *l\n  template:\n    metadata:\n      labels: {app: spark}\n    spec:\n      containers:\n        - name: driver\n          args: [\n            \"--conf\",\n          \"x\"\n          ]\n";
    let l = load(&[("spark.yaml", text)]);
    assert!(l.findings.is_empty(), "{:?}", lines(&l));
    assert_eq!(l.platform.workloads.len(), 1);
}
