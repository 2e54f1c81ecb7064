//! The Kubernetes kinds the model types, recognised by `apiVersion` group and
//! `kind`. Adding a kind: one line in [`KINDS`] (and its model module).

use crate::{Ctx, decode_or_report, origin_of, with_node};
use eksplane_model::cni::AwsNode;
use eksplane_model::eksctl::ClusterConfig;
use eksplane_model::k8s::{
    AwsAuth, ConfigMap, HorizontalPodAutoscaler, RoleMapping, UserMapping, Workload, WorkloadKind,
};
use eksplane_model::plan::{NetworkPlan, WorkloadProfile};
use eksplane_model::{KubeObject, ObjectMeta, OpaqueObject, Origin};
use eksplane_source::{Node, Spanned, decode, parse_embedded_yaml};

type LoadFn = fn(&mut Ctx, Node, Origin);

struct KindEntry {
    /// API group (`""` for the core group).
    group: &'static str,
    /// Versions accepted; objects of other versions are kept opaque.
    versions: &'static [&'static str],
    kind: &'static str,
    load: LoadFn,
}

/// Decodes a typed object and pushes it onto a platform list.
macro_rules! typed {
    ($field:ident) => {
        |ctx: &mut Ctx, node: Node, origin: Origin| {
            let what = format!("{} {}", origin.kind, name_of(&node));
            if let Some(mut obj) = decode_or_report(ctx, &what, &node) {
                set_origin(&mut obj, with_node(origin, node));
                ctx.stats.objects += 1;
                ctx.platform.$field.push(obj);
            }
        }
    };
}

/// [`typed!`] after reporting fields the kind's schema does not define.
macro_rules! checked {
    ($field:ident) => {
        |ctx: &mut Ctx, node: Node, origin: Origin| {
            crate::schema::check_unknown_fields(ctx, &node, &origin);
            (typed!($field))(ctx, node, origin)
        }
    };
}

fn set_origin<T: KubeObject>(obj: &mut T, origin: Origin) {
    *obj.origin_mut() = origin;
}

fn name_of(node: &Node) -> String {
    let meta = node.get("metadata");
    let name = meta
        .and_then(|m| m.get("name"))
        .and_then(Node::as_str)
        .unwrap_or("<unnamed>");
    match meta.and_then(|m| m.get("namespace")).and_then(Node::as_str) {
        Some(ns) => format!("{ns}/{name}"),
        None => name.to_string(),
    }
}

const ANY: &[&str] = &[];

static KINDS: &[KindEntry] = &[
    // Karpenter v1 (karpenter.sh_nodepools.yaml, karpenter.k8s.aws_ec2nodeclasses.yaml)
    KindEntry {
        group: "karpenter.sh",
        versions: &["v1"],
        kind: "NodePool",
        load: checked!(node_pools),
    },
    KindEntry {
        group: "karpenter.k8s.aws",
        versions: &["v1"],
        kind: "EC2NodeClass",
        load: checked!(node_classes),
    },
    KindEntry {
        group: "karpenter.sh",
        versions: &["v1"],
        kind: "NodeClaim",
        load: checked!(node_claims),
    },
    // Karpenter's retired APIs (karpenter.rs): v1beta1 read through v1.
    KindEntry {
        group: "karpenter.sh",
        versions: &["v1beta1"],
        kind: "NodePool",
        load: crate::karpenter::load_v1beta1_node_pool,
    },
    KindEntry {
        group: "karpenter.k8s.aws",
        versions: &["v1beta1"],
        kind: "EC2NodeClass",
        load: crate::karpenter::load_v1beta1_node_class,
    },
    KindEntry {
        group: "karpenter.sh",
        versions: &["v1beta1"],
        kind: "NodeClaim",
        load: crate::karpenter::load_not_analysed,
    },
    KindEntry {
        group: "karpenter.sh",
        versions: &["v1alpha5"],
        kind: "Provisioner",
        load: crate::karpenter::load_not_analysed,
    },
    KindEntry {
        group: "karpenter.sh",
        versions: &["v1alpha5"],
        kind: "Machine",
        load: crate::karpenter::load_not_analysed,
    },
    KindEntry {
        group: "karpenter.k8s.aws",
        versions: &["v1alpha1"],
        kind: "AWSNodeTemplate",
        load: crate::karpenter::load_not_analysed,
    },
    // VPC CNI and VPC resource controller
    KindEntry {
        group: "crd.k8s.amazonaws.com",
        versions: ANY,
        kind: "ENIConfig",
        load: typed!(eni_configs),
    },
    KindEntry {
        group: "vpcresources.k8s.aws",
        versions: ANY,
        kind: "SecurityGroupPolicy",
        load: typed!(security_group_policies),
    },
    // Ingress and the AWS Load Balancer Controller
    KindEntry {
        group: "networking.k8s.io",
        versions: &["v1"],
        kind: "Ingress",
        load: typed!(ingresses),
    },
    KindEntry {
        group: "networking.k8s.io",
        versions: &["v1"],
        kind: "IngressClass",
        load: typed!(ingress_classes),
    },
    KindEntry {
        group: "elbv2.k8s.aws",
        versions: ANY,
        kind: "IngressClassParams",
        load: typed!(ingress_class_params),
    },
    // Core
    KindEntry {
        group: "",
        versions: &["v1"],
        kind: "Service",
        load: typed!(services),
    },
    KindEntry {
        group: "",
        versions: &["v1"],
        kind: "ServiceAccount",
        load: typed!(service_accounts),
    },
    KindEntry {
        group: "",
        versions: &["v1"],
        kind: "Namespace",
        load: typed!(namespaces),
    },
    KindEntry {
        group: "",
        versions: &["v1"],
        kind: "ConfigMap",
        load: load_config_map,
    },
    KindEntry {
        group: "policy",
        versions: &["v1"],
        kind: "PodDisruptionBudget",
        load: typed!(pdbs),
    },
    KindEntry {
        group: "autoscaling",
        versions: &["v2", "v1"],
        kind: "HorizontalPodAutoscaler",
        load: load_hpa,
    },
    // Kustomize (not cluster objects: they name the patches of their directory)
    KindEntry {
        group: "kustomize.config.k8s.io",
        versions: ANY,
        kind: "Kustomization",
        load: crate::kustomize::load_kustomization,
    },
    KindEntry {
        group: "kustomize.config.k8s.io",
        versions: ANY,
        kind: "Component",
        load: crate::kustomize::load_kustomization,
    },
    // RBAC
    KindEntry {
        group: "rbac.authorization.k8s.io",
        versions: &["v1"],
        kind: "Role",
        load: typed!(roles),
    },
    KindEntry {
        group: "rbac.authorization.k8s.io",
        versions: &["v1"],
        kind: "ClusterRole",
        load: typed!(cluster_roles),
    },
    KindEntry {
        group: "rbac.authorization.k8s.io",
        versions: &["v1"],
        kind: "RoleBinding",
        load: typed!(role_bindings),
    },
    KindEntry {
        group: "rbac.authorization.k8s.io",
        versions: &["v1"],
        kind: "ClusterRoleBinding",
        load: typed!(cluster_role_bindings),
    },
    // Workloads
    KindEntry {
        group: "apps",
        versions: &["v1"],
        kind: "Deployment",
        load: load_workload,
    },
    KindEntry {
        group: "apps",
        versions: &["v1"],
        kind: "StatefulSet",
        load: load_workload,
    },
    KindEntry {
        group: "apps",
        versions: &["v1"],
        kind: "DaemonSet",
        load: load_workload,
    },
    KindEntry {
        group: "apps",
        versions: &["v1"],
        kind: "ReplicaSet",
        load: load_workload,
    },
    KindEntry {
        group: "batch",
        versions: &["v1"],
        kind: "Job",
        load: load_workload,
    },
    KindEntry {
        group: "batch",
        versions: &["v1"],
        kind: "CronJob",
        load: load_workload,
    },
    KindEntry {
        group: "",
        versions: &["v1"],
        kind: "Pod",
        load: load_workload,
    },
    // eksplane's own planning kinds (docs/network-plan.md)
    KindEntry {
        group: eksplane_model::plan::GROUP,
        versions: &[eksplane_model::plan::VERSION],
        kind: "NetworkPlan",
        load: load_network_plan,
    },
    KindEntry {
        group: eksplane_model::plan::GROUP,
        versions: &[eksplane_model::plan::VERSION],
        kind: "WorkloadProfile",
        load: load_workload_profile,
    },
    // eksctl
    KindEntry {
        group: "eksctl.io",
        versions: &["v1alpha5"],
        kind: "ClusterConfig",
        load: load_cluster_config,
    },
];

/// Splits `group/version` (`v1` alone is the core group).
pub(crate) fn split_api_version(api: &str) -> (&str, &str) {
    match api.rsplit_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api),
    }
}

pub(crate) fn load_kube(ctx: &mut Ctx, node: Node, helm: Option<Spanned<String>>) {
    let origin = origin_of(&node, helm);
    let (group, version) = split_api_version(&origin.api_version);
    let entry = KINDS.iter().find(|k| {
        k.kind == origin.kind
            && k.group == group
            && (k.versions.is_empty() || k.versions.contains(&version))
    });
    match entry {
        Some(e) => (e.load)(ctx, node, origin),
        None => {
            let metadata = node
                .get("metadata")
                .and_then(|m| decode::<ObjectMeta>(m).ok())
                .unwrap_or_default();
            ctx.stats.opaque += 1;
            ctx.platform.opaque.push(OpaqueObject {
                metadata,
                origin: with_node(origin, node),
            });
        }
    }
}

fn load_workload(ctx: &mut Ctx, node: Node, origin: Origin) {
    let Some(kind) = WorkloadKind::from_kind(&origin.kind) else {
        return;
    };
    if let Some(reason) = crate::kustomize::workload_patch_reason(kind, &node) {
        crate::kustomize::skip_unlisted_patch(ctx, &node, reason);
        return;
    }
    let what = format!("{} {}", origin.kind, name_of(&node));
    let mut w = match Workload::decode(kind, &node) {
        Ok(w) => w,
        Err(e) => {
            ctx.findings.push(crate::decode_error(&what, &e));
            return;
        }
    };
    w.origin = with_node(origin, node);
    ctx.stats.objects += 1;
    if kind == WorkloadKind::DaemonSet
        && w.name() == "aws-node"
        && w.namespace() == Some("kube-system")
    {
        let aws_node = AwsNode::from_daemonset(w.clone());
        for b in &aws_node.bad_settings {
            ctx.findings.push(eksplane_diagnostics::Finding::new(
                eksplane_diagnostics::input::INVALID_OBJECT,
                eksplane_diagnostics::Severity::Error,
                "Object does not match its schema",
                format!(
                    "aws-node env {} is {:?}, expected {}; the CNI would fail to start or use its default",
                    b.name, b.raw, b.expected
                ),
                b.span,
            ));
        }
        // A second aws-node is reported with every duplicate object
        // (merge.rs); the later one is used, as when applied in order.
        ctx.platform.aws_node = Some(aws_node);
    }
    ctx.platform.workloads.push(w);
}

fn load_hpa(ctx: &mut Ctx, node: Node, origin: Origin) {
    let what = format!("HorizontalPodAutoscaler {}", name_of(&node));
    let Some(mut hpa) = decode_or_report::<HorizontalPodAutoscaler>(ctx, &what, &node) else {
        return;
    };
    for (span, message) in hpa.problems() {
        ctx.findings.push(eksplane_diagnostics::Finding::new(
            eksplane_diagnostics::input::INVALID_OBJECT,
            eksplane_diagnostics::Severity::Error,
            "Object does not match its schema",
            format!("{what}: {message}"),
            span,
        ));
    }
    hpa.origin = with_node(origin, node);
    ctx.stats.objects += 1;
    ctx.platform.hpas.push(hpa);
}

fn load_config_map(ctx: &mut Ctx, node: Node, origin: Origin) {
    let what = format!("ConfigMap {}", name_of(&node));
    let Some(mut cm) = decode_or_report::<ConfigMap>(ctx, &what, &node) else {
        return;
    };
    ctx.stats.objects += 1;
    if cm.name() == "aws-auth" && cm.namespace() == Some("kube-system") {
        let mut auth = AwsAuth {
            metadata: cm.metadata.clone(),
            ..AwsAuth::default()
        };
        let data = node.get("data");
        if let Some(n) = data.and_then(|d| d.get("mapRoles")) {
            auth.map_roles = embedded::<RoleMapping>(ctx, n, "aws-auth mapRoles");
        }
        if let Some(n) = data.and_then(|d| d.get("mapUsers")) {
            auth.map_users = embedded::<UserMapping>(ctx, n, "aws-auth mapUsers");
        }
        if let Some(n) = data.and_then(|d| d.get("mapAccounts")) {
            auth.map_accounts = embedded::<String>(ctx, n, "aws-auth mapAccounts");
        }
        auth.origin = with_node(origin, node);
        ctx.platform.aws_auth = Some(auth);
        return;
    }
    cm.origin = with_node(origin, node);
    ctx.platform.config_maps.push(cm);
}

/// Decodes a list embedded as YAML text in a ConfigMap value.
fn embedded<T>(ctx: &mut Ctx, scalar: &Node, what: &str) -> Vec<Spanned<T>>
where
    T: for<'de> serde::Deserialize<'de>,
{
    let Some(file) = ctx.db.get(scalar.span.file).cloned() else {
        return Vec::new();
    };
    if scalar.as_scalar().is_none() {
        ctx.findings.push(crate::decode_error(
            what,
            &eksplane_source::DecodeError {
                span: scalar.span,
                path: String::new(),
                message: format!(
                    "expected a string holding YAML, found {}",
                    scalar.type_name()
                ),
            },
        ));
        return Vec::new();
    }
    let parsed = parse_embedded_yaml(scalar, &file, &ctx.limits);
    if let Some(e) = &parsed.error {
        let mut f = crate::source_error(e);
        f.message = format!("{what}: {}", f.message);
        ctx.findings.push(f);
    }
    let mut out = Vec::new();
    for d in parsed.documents {
        if d.root.is_null() {
            continue;
        }
        match decode::<Vec<Spanned<T>>>(&d.root) {
            Ok(v) => out.extend(v),
            Err(e) => ctx.findings.push(crate::decode_error(what, &e)),
        }
    }
    out
}

fn load_cluster_config(ctx: &mut Ctx, node: Node, origin: Origin) {
    crate::schema::check_unknown_fields(ctx, &node, &origin);
    let what = format!("ClusterConfig {}", name_of(&node));
    if let Some(mut cc) = decode_or_report::<ClusterConfig>(ctx, &what, &node) {
        cc.origin = with_node(origin, node);
        ctx.stats.objects += 1;
        crate::merge::facts_from_cluster_config(ctx, &cc);
        ctx.platform.cluster_configs.push(cc);
    }
}

/// A NetworkPlan: its CIDRs are checked while decoding (a malformed one fails
/// the object with its position); checks across fields are reported on the
/// kept object.
fn load_network_plan(ctx: &mut Ctx, node: Node, origin: Origin) {
    let what = format!("NetworkPlan {}", name_of(&node));
    let Some(mut plan) = decode_or_report::<NetworkPlan>(ctx, &what, &node) else {
        return;
    };
    for p in plan.problems() {
        ctx.findings.push(eksplane_diagnostics::Finding::new(
            eksplane_diagnostics::input::INVALID_OBJECT,
            eksplane_diagnostics::Severity::Error,
            "Object does not match its schema",
            format!("{what}: {}", p.message),
            p.span,
        ));
    }
    plan.origin = with_node(origin, node);
    ctx.stats.objects += 1;
    ctx.platform.network_plans.push(plan);
}

/// A WorkloadProfile: durations, counts and references are checked while
/// decoding; checks across fields are reported on the kept object, and
/// references to the inputs' workloads once every file is read
/// ([`check_workload_profiles`]).
fn load_workload_profile(ctx: &mut Ctx, node: Node, origin: Origin) {
    let what = format!("WorkloadProfile {}", name_of(&node));
    let Some(mut profile) = decode_or_report::<WorkloadProfile>(ctx, &what, &node) else {
        return;
    };
    for p in profile.problems() {
        ctx.findings.push(invalid(&what, p));
    }
    profile.origin = with_node(origin, node);
    ctx.stats.objects += 1;
    ctx.platform.workload_profiles.push(profile);
}

/// After every input is read: each profile entry must name a workload of
/// the inputs (files load in any order, so this cannot run per object).
pub(crate) fn check_workload_profiles(ctx: &mut Ctx) {
    let mut found = Vec::new();
    for profile in &ctx.platform.workload_profiles {
        let what = format!("WorkloadProfile {}", profile.name());
        for p in profile.unresolved(&ctx.platform.workloads) {
            found.push(invalid(&what, p));
        }
    }
    ctx.findings.extend(found);
}

fn invalid(what: &str, p: eksplane_model::plan::PlanProblem) -> eksplane_diagnostics::Finding {
    eksplane_diagnostics::Finding::new(
        eksplane_diagnostics::input::INVALID_OBJECT,
        eksplane_diagnostics::Severity::Error,
        "Object does not match its schema",
        format!("{what}: {}", p.message),
        p.span,
    )
}
