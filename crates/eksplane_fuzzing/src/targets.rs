//! One function per fuzz target. Each panics only when an invariant breaks.

use crate::invariants::{
    assert_findings_located, assert_spans_in_file, assert_tree_in_file, check_and_render,
};
use eksplane_aws_data::Catalog;
use eksplane_capacity::expr::Expression;
use eksplane_load::{LoadOptions, Loaded, load_bytes_files};
use eksplane_source::{FileId, Limits, SourceDb, parse_file, text_from_bytes};

/// Limits for fuzzing: small enough that one input stays fast, the same
/// shape as the defaults (every limit still reachable by a short input).
const FUZZ_LIMITS: Limits = Limits {
    max_file_bytes: 1 << 20,
    max_document_bytes: 1 << 20,
    max_depth: 64,
    max_nodes: 200_000,
    max_alias_nodes: 20_000,
};

/// Every Kubernetes kind the loader recognises, as (`apiVersion`, `kind`)
/// (crates/eksplane_load/src/kinds.rs `KINDS`; eksplane's own kinds in
/// crates/eksplane_model/src/plan/). The `kinds` target's first byte picks
/// one.
pub const KINDS: &[(&str, &str)] = &[
    ("karpenter.sh/v1", "NodePool"),
    ("karpenter.k8s.aws/v1", "EC2NodeClass"),
    ("karpenter.sh/v1beta1", "NodePool"),
    ("karpenter.k8s.aws/v1beta1", "EC2NodeClass"),
    ("karpenter.sh/v1beta1", "NodeClaim"),
    ("karpenter.sh/v1alpha5", "Provisioner"),
    ("karpenter.sh/v1alpha5", "Machine"),
    ("karpenter.k8s.aws/v1alpha1", "AWSNodeTemplate"),
    ("crd.k8s.amazonaws.com/v1alpha1", "ENIConfig"),
    ("vpcresources.k8s.aws/v1beta1", "SecurityGroupPolicy"),
    ("networking.k8s.io/v1", "Ingress"),
    ("networking.k8s.io/v1", "IngressClass"),
    ("elbv2.k8s.aws/v1beta1", "IngressClassParams"),
    ("v1", "Service"),
    ("v1", "ServiceAccount"),
    ("v1", "Namespace"),
    ("v1", "ConfigMap"),
    ("policy/v1", "PodDisruptionBudget"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"),
    ("autoscaling/v1", "HorizontalPodAutoscaler"),
    ("kustomize.config.k8s.io/v1beta1", "Kustomization"),
    ("kustomize.config.k8s.io/v1alpha1", "Component"),
    ("rbac.authorization.k8s.io/v1", "Role"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    ("apps/v1", "Deployment"),
    ("apps/v1", "StatefulSet"),
    ("apps/v1", "DaemonSet"),
    ("apps/v1", "ReplicaSet"),
    ("batch/v1", "Job"),
    ("batch/v1", "CronJob"),
    ("v1", "Pod"),
    ("eksplane.io/v1alpha1", "NetworkPlan"),
    ("eksplane.io/v1alpha1", "WorkloadProfile"),
    ("eksctl.io/v1alpha5", "ClusterConfig"),
    ("v1", "List"),
];

/// The top-level keys by which the loader recognises an AWS CLI snapshot
/// (crates/eksplane_load/src/aws.rs; the shapes in
/// crates/eksplane_model/src/aws/). The `aws_json` target's first byte
/// picks one.
pub const AWS_SHAPES: &[&str] = &[
    "cluster",
    "nodegroup",
    "accessEntries",
    "accessEntry",
    "associatedAccessPolicies",
    "associations",
    "association",
    "addons",
    "addon",
    "Role",
    "InstanceTypes",
    "Subnets",
    "NetworkInterfaces",
    "SubnetIpv4CidrReservations",
    "Vpcs",
];

/// Loads one file end to end (`check`'s path for one input) and asserts
/// that every output renders.
fn load_and_render(name: &str, bytes: Vec<u8>) -> Loaded {
    let loaded = load_bytes_files(
        vec![(name.to_string(), bytes)],
        LoadOptions {
            limits: FUZZ_LIMITS,
        },
    );
    check_and_render(&loaded, None);
    loaded
}

/// `parse`: raw bytes through the file checks (size, NUL, UTF-8) and the
/// YAML/JSON parser under limits. Every node, duplicate key, template
/// marker and the error have spans inside the file.
pub fn parse(data: &[u8]) {
    let mut db = SourceDb::new();
    let id = FileId(1);
    let text = match text_from_bytes(id, data.to_vec(), &FUZZ_LIMITS) {
        Ok(t) => t,
        Err(e) => {
            db.add("input.yaml", "");
            let span = e.span();
            assert_eq!(span.file, id, "the error names the file");
            assert!(span.start.line >= 1, "the error names a line: {e}");
            return;
        }
    };
    let added = db.add("input.yaml", text.as_str());
    assert_eq!(added, id);
    let parsed = parse_file(id, &text, &FUZZ_LIMITS);
    for doc in &parsed.documents {
        assert_tree_in_file(&db, &doc.root, 0);
        for d in &doc.duplicate_keys {
            assert_spans_in_file(&db, d.first, "duplicate key (first)");
            assert_spans_in_file(&db, d.second, "duplicate key (second)");
        }
        if let Some(s) = doc.unrendered_template {
            assert_spans_in_file(&db, s, "template action");
        }
        if let Some(h) = &doc.helm_source {
            assert_spans_in_file(&db, h.span, "helm source comment");
        }
    }
    if let Some(e) = &parsed.error {
        assert_spans_in_file(&db, e.span(), &format!("parse error {e}"));
    }
}

/// `load`: one file of any content through the loader (detection by
/// content, every kind's decoding, merging), then `check` and every output.
pub fn load_file(data: &[u8]) {
    load_and_render("input.yaml", data.to_vec());
}

/// A document of the kind picked by `data[0]`, its `apiVersion` and `kind`
/// written first and the rest of the input after them.
fn with_header(api_version: &str, kind: &str, body: &[u8]) -> Vec<u8> {
    let mut doc = format!("apiVersion: {api_version}\nkind: {kind}\n").into_bytes();
    doc.extend_from_slice(body);
    doc
}

/// `kinds`: each recognised kind's decoding. The first byte picks the kind
/// ([`KINDS`]); the rest is the document after `apiVersion` and `kind`.
pub fn kinds(data: &[u8]) {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let (api, kind) = KINDS[pick as usize % KINDS.len()];
    load_and_render("input.yaml", with_header(api, kind, body));
}

/// `aws_auth`: the YAML embedded in the aws-auth ConfigMap. The first byte
/// picks `mapRoles`, `mapUsers` or `mapAccounts`; the rest is that key's
/// block scalar, line by line. Findings point into the ConfigMap's file.
pub fn aws_auth(data: &[u8]) {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let key = ["mapRoles", "mapUsers", "mapAccounts"][pick as usize % 3];
    let mut doc = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  {key}: |2\n"
    )
    .into_bytes();
    for line in body.split(|b| *b == b'\n') {
        doc.extend_from_slice(b"    ");
        doc.extend_from_slice(line);
        doc.push(b'\n');
    }
    load_and_render("aws-auth.yaml", doc);
}

/// `aws_json`: the AWS CLI JSON shapes. The first byte picks the top-level
/// key ([`AWS_SHAPES`]); the rest is its value. The same text is also read
/// as an instance catalog (`--catalog`, `catalog import`).
pub fn aws_json(data: &[u8]) {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let key = AWS_SHAPES[pick as usize % AWS_SHAPES.len()];
    let mut doc = format!("{{\"{key}\": ").into_bytes();
    doc.extend_from_slice(body);
    doc.extend_from_slice(b"}\n");
    if let Ok(text) = std::str::from_utf8(&doc)
        && let Ok(catalog) = Catalog::from_any_text(text)
    {
        for t in catalog.iter() {
            let _ = eksplane_capacity::nodeadm::nodeadm_max_pods(t, None, None).explain();
        }
    }
    load_and_render("snapshot.json", doc);
}

/// `network_plan`: a NetworkPlan's decoding, then the IP planner on it and
/// its outputs (human, JSON, one SVG per subnet).
pub fn network_plan(data: &[u8]) {
    let loaded = load_and_render(
        "plan.yaml",
        with_header("eksplane.io/v1alpha1", "NetworkPlan", data),
    );
    if loaded.has_input_errors() {
        return;
    }
    let catalog = Catalog::embedded();
    let Ok((inputs, demand)) = eksplane_facts::ip_inputs::plan_inputs(
        &loaded.platform,
        Some(&loaded.db),
        catalog,
        &eksplane_facts::ip_inputs::TargetArgs::default(),
    ) else {
        return;
    };
    if inputs.subnets.is_empty() {
        return;
    }
    let Ok(plan) =
        eksplane_ipplan::plan(&inputs, catalog, &eksplane_ipplan::PlanOptions::default())
    else {
        return;
    };
    let json = eksplane_report::ipplan::render_json(&plan, &demand);
    serde_json::from_str::<serde_json::Value>(&json)
        .unwrap_or_else(|e| panic!("ip-plan JSON does not parse: {e}\n{json}"));
    eksplane_report::ipplan::render_human(&plan, &demand);
    for (name, svg) in eksplane_report::ipplan::render_svgs(&plan) {
        assert!(
            svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
            "{name} is not one SVG element"
        );
    }
}

/// `workload_profile`: a WorkloadProfile's decoding, then its conversion
/// into the simulator's workload spec (CSV files are not read: a profile
/// naming one gets "cannot read").
pub fn workload_profile(data: &[u8]) {
    let loaded = load_and_render(
        "profile.yaml",
        with_header("eksplane.io/v1alpha1", "WorkloadProfile", data),
    );
    if loaded.has_input_errors() {
        return;
    }
    let read = |path: &str, _: &str| -> Result<String, String> {
        Err(format!("cannot read {path}: no files while fuzzing"))
    };
    let file_of =
        |p: &eksplane_model::plan::WorkloadProfile| loaded.db.name(p.origin.span.file).to_string();
    for duration in [3600, 7 * 24 * 3600] {
        if let Err(problems) =
            eksplane_sim::profile::spec_from_profiles(&loaded.platform, duration, &read, &file_of)
        {
            assert!(!problems.is_empty(), "a failure says why");
        }
    }
}

/// A small platform for the `config` target: the configuration's
/// suppressions and overrides have findings and objects to match.
const CONFIG_PLATFORM: &str = "\
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: default
spec:
  template:
    spec:
      nodeClassRef:
        group: karpenter.k8s.aws
        kind: EC2NodeClass
        name: missing
      requirements:
        - key: node.kubernetes.io/instance-type
          operator: In
          values: [m5.large, t3.micro]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    kubernetes.io/ingress.class: alb
spec:
  rules: []
";

/// `config`: `.eksplane.yaml`. A configuration that does not read is one
/// finding pointing into it; one that reads is applied to a small platform,
/// and every finding (CFG001 for an unused suppression included) is located.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        // The binary reads the configuration as UTF-8 text and stops with
        // "cannot read config" otherwise.
        return;
    };
    let mut loaded = load_bytes_files(
        vec![(
            "platform.yaml".to_string(),
            CONFIG_PLATFORM.as_bytes().to_vec(),
        )],
        LoadOptions::default(),
    );
    match eksplane_load::load_config(&mut loaded.db, ".eksplane.yaml", text) {
        Ok(config) => {
            check_and_render(&loaded, Some(&config));
        }
        Err(f) => {
            assert_findings_located(&loaded.db, std::slice::from_ref(&*f));
            let file = loaded.db.name(f.primary.span.file);
            assert_eq!(file, ".eksplane.yaml", "the error names the configuration");
        }
    }
}

/// Instance types a `maxPodsExpression` is evaluated for: small, large,
/// many network cards, and one with a single ENI.
const EXPRESSION_TYPES: &[&str] = &[
    "t3.nano",
    "m5.large",
    "p5.48xlarge",
    "c6in.32xlarge",
    "a1.medium",
];

/// `max_pods_expression`: `--max-pods-expression` (nodeadm's
/// `maxPodsExpression`): compiled, then evaluated as nodeadm does for a few
/// instance types and with extreme variable values (overflow is an error,
/// never a panic).
pub fn max_pods_expression(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(e) = Expression::parse(text) else {
        return;
    };
    let catalog = Catalog::embedded();
    for name in EXPRESSION_TYPES {
        if let Some(t) = catalog.get(name) {
            let m = eksplane_capacity::nodeadm::nodeadm_max_pods(t, Some(&e), None);
            assert!(m.nodeadm_max_pods > 0, "nodeadm's max pods is positive");
            let _ = m.explain();
        }
    }
    for v in [0, 1, -1, i64::MAX, i64::MIN, i64::from(i32::MAX) + 1] {
        let lookup = |_: &str| Some(v);
        let _ = e.eval(&lookup);
        let _ = e.eval_int(&lookup);
    }
}
