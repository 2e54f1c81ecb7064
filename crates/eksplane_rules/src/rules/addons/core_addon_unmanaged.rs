use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::k8s::{Workload, WorkloadKind};
use eksplane_model::{KubeObject, Platform};
use std::collections::BTreeSet;

declare_rule! {
    /// ## What it does
    /// Flags a core add-on running in `kube-system` as a self-managed manifest
    /// (the `aws-node`, `kube-proxy` or `eks-pod-identity-agent` DaemonSet, the
    /// `coredns` or `ebs-csi-controller` Deployment) while the inputs show it is
    /// not an EKS managed add-on: it is in neither eksctl's `addons` nor an
    /// `aws eks list-addons` snapshot.
    ///
    /// The rule judges only when the inputs list the cluster's managed add-ons
    /// (a ClusterConfig with `addons`, or a `list-addons` snapshot); a lone
    /// `describe-addon` snapshot counts as managed but is not a full list. A
    /// workload labelled `app.kubernetes.io/managed-by: EKS` (what EKS sets on
    /// the objects of a managed add-on) is taken as managed.
    ///
    /// ## Why it matters
    /// EKS creates vpc-cni, CoreDNS and kube-proxy as self-managed manifests
    /// unless told otherwise, and a Helm chart or `kubectl apply` can do the
    /// same for the others. Nothing then tracks their compatibility: a control
    /// plane upgrade leaves them on old versions, and the security patches
    /// EKS publishes for them must be applied by hand. Managed add-ons are
    /// versioned through the EKS API, validated per Kubernetes version, and
    /// upgraded with one call.
    ///
    /// ## Example
    /// A `kube-system/coredns` Deployment in the inputs, and
    /// `aws eks list-addons` printing only `vpc-cni` and `kube-proxy`.
    ///
    /// ## Fix
    /// Carry any customisation into the add-on's configuration values, then
    /// adopt the running workload as a managed add-on (`OVERWRITE` lets EKS
    /// take over the fields it manages):
    /// ```sh
    /// aws eks create-addon --cluster-name platform-prod --addon-name coredns \
    ///   --resolve-conflicts OVERWRITE
    /// ```
    /// or list it under `addons:` in the eksctl ClusterConfig and run
    /// `eksctl create addon -f cluster.yaml`.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/eks-add-ons.html
    /// - https://docs.aws.amazon.com/eks/latest/userguide/creating-an-add-on.html
    /// - https://docs.aws.amazon.com/eks/latest/userguide/managing-coredns.html
    /// - https://eksctl.io/usage/addons/
    pub RULE = ("ADD001", "core-addon-unmanaged", Warning, "Core add-on is not an EKS managed add-on", Some(check));
}

/// The core add-ons and the workloads that reveal them in `kube-system`.
/// Names: the EKS add-on manifests (aws/amazon-vpc-cni-k8s `charts/aws-vpc-cni`,
/// kubernetes-sigs/aws-ebs-csi-driver `charts/aws-ebs-csi-driver`,
/// aws/eks-pod-identity-agent `charts/eks-pod-identity-agent`) and the EKS
/// user guide pages for CoreDNS and kube-proxy.
pub const CORE_ADDONS: &[(&str, WorkloadKind, &str)] = &[
    ("vpc-cni", WorkloadKind::DaemonSet, "aws-node"),
    ("kube-proxy", WorkloadKind::DaemonSet, "kube-proxy"),
    ("coredns", WorkloadKind::Deployment, "coredns"),
    (
        "eks-pod-identity-agent",
        WorkloadKind::DaemonSet,
        "eks-pod-identity-agent",
    ),
    (
        "aws-ebs-csi-driver",
        WorkloadKind::Deployment,
        "ebs-csi-controller",
    ),
    (
        "aws-ebs-csi-driver",
        WorkloadKind::DaemonSet,
        "ebs-csi-node",
    ),
];

/// The label EKS sets on the objects of a managed add-on (the add-on charts
/// render `app.kubernetes.io/managed-by` from the release service, `EKS`).
pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";

/// The add-on names the inputs show as EKS managed add-ons, and whether they
/// form a complete list (eksctl `addons` or `list-addons`).
pub fn managed_addons(p: &Platform) -> (BTreeSet<&str>, bool) {
    let mut names = BTreeSet::new();
    let mut complete = false;
    for cc in &p.cluster_configs {
        if !cc.addons.is_empty() {
            complete = true;
        }
        names.extend(cc.addons.iter().map(|a| a.value.name.value.as_str()));
    }
    if !p.aws.addon_names.is_empty() {
        complete = true;
    }
    names.extend(p.aws.addon_names.iter().map(|a| a.value.as_str()));
    names.extend(p.aws.addons.iter().filter_map(|a| a.name()));
    (names, complete)
}

fn is_core_workload(w: &Workload, kind: WorkloadKind, name: &str) -> bool {
    w.kind == kind && w.name() == name && w.namespace() == Some("kube-system")
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let (managed, complete) = managed_addons(p);
    if !complete {
        return Vec::new();
    }
    let cluster_name = p.cluster.name.as_ref().map(|n| n.value.as_str());
    let cluster = cluster_name.unwrap_or("CLUSTER");
    let of_cluster = cluster_name
        .map(|n| format!(" of cluster {n}"))
        .unwrap_or_default();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut out = Vec::new();
    for (addon, kind, name) in CORE_ADDONS {
        if managed.contains(addon) || seen.contains(addon) {
            continue;
        }
        let workloads: Vec<&Workload> = p
            .workloads
            .iter()
            .filter(|w| {
                CORE_ADDONS
                    .iter()
                    .any(|(a, k, n)| a == addon && is_core_workload(w, *k, n))
            })
            .collect();
        let Some(first) = workloads
            .iter()
            .find(|w| is_core_workload(w, *kind, name))
            .or_else(|| workloads.first())
        else {
            continue;
        };
        seen.insert(addon);
        if workloads
            .iter()
            .any(|w| w.metadata.label(MANAGED_BY) == Some("EKS"))
        {
            continue;
        }
        let mut sources = Vec::new();
        if p.cluster_configs.iter().any(|c| !c.addons.is_empty()) {
            sources.push("eksctl addons");
        }
        if !p.aws.addon_names.is_empty() {
            sources.push("list-addons");
        }
        let label = first
            .metadata
            .labels
            .get(MANAGED_BY)
            .map(|l| format!(" (labelled managed-by: {})", l.value))
            .unwrap_or_default();
        let mut f = RULE
            .finding(
                format!(
                    "{} kube-system/{} runs {addon} as a self-managed manifest{label}, but {addon} \
                     is not an EKS managed add-on{of_cluster} (not in {}): EKS neither \
                     tracks its compatibility on control-plane upgrades nor patches it",
                    first.kind.as_str(),
                    first.name(),
                    sources.join(" nor "),
                ),
                first.origin.locate_key(&[], "metadata"),
            )
            .object(first.object_ref().to_string());
        f = match p.cluster_configs.iter().find(|c| !c.addons.is_empty()) {
            Some(_) => f.fix(
                Fix::new(format!(
                    "declare {addon} as a managed add-on (carry customisations into \
                     configurationValues), then run `eksctl create addon -f <config>`"
                ))
                .with_snippet(format!("addons:\n  - name: {addon}\n")),
            ),
            None => f.fix(
                Fix::new(format!(
                    "adopt the running {addon} as an EKS managed add-on (carry customisations \
                     into --configuration-values first; OVERWRITE takes over the fields EKS \
                     manages)"
                ))
                .with_snippet(format!(
                    "aws eks create-addon --cluster-name {cluster} --addon-name {addon} \\\n  --resolve-conflicts OVERWRITE"
                )),
            ),
        };
        for w in workloads
            .iter()
            .filter(|w| w.object_ref() != first.object_ref())
        {
            f = f.related(
                w.origin.locate_key(&[], "metadata"),
                format!("{} is part of {addon} too", w.object_ref()),
            );
        }
        if let Some(cc) = p.cluster_configs.iter().find(|c| !c.addons.is_empty()) {
            f = f.related(
                cc.origin.locate_key(&[], "addons"),
                format!("eksctl addons: {addon} is not listed"),
            );
        }
        if let Some(first_name) = p.aws.addon_names.first() {
            f = f.related(
                first_name.span,
                format!(
                    "list-addons: {}; no {addon}",
                    p.aws
                        .addon_names
                        .iter()
                        .map(|n| n.value.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const COREDNS: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: coredns\n  namespace: kube-system\n  labels:\n    eks.amazonaws.com/component: coredns\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {k8s-app: kube-dns}\n  template:\n    metadata:\n      labels: {k8s-app: kube-dns}\n    spec:\n      containers:\n        - name: coredns\n          image: 602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/coredns:v1.11.3-eksbuild.2\n";

    fn run(files: &[(&str, &str)]) -> Vec<Finding> {
        check(&eksplane_facts::Facts::new(
            &eksplane_load::load_texts(files.iter().copied()).platform,
            eksplane_aws_data::Catalog::embedded(),
        ))
    }

    #[test]
    fn no_addon_source_no_finding() {
        assert!(run(&[("coredns.yaml", COREDNS)]).is_empty());
        // describe-addon alone is not a full list.
        let describe =
            "{\"addon\": {\"addonName\": \"vpc-cni\", \"addonVersion\": \"v1.19.2-eksbuild.1\"}}";
        assert!(run(&[("coredns.yaml", COREDNS), ("d.json", describe)]).is_empty());
    }

    #[test]
    fn missing_from_list_addons_fires() {
        let list = "{\"addons\": [\"kube-proxy\", \"vpc-cni\"]}";
        let f = run(&[("coredns.yaml", COREDNS), ("list.json", list)]);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("Deployment kube-system/coredns"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].message.contains("not in list-addons"),
            "{}",
            f[0].message
        );
        let list = "{\"addons\": [\"coredns\", \"vpc-cni\"]}";
        assert!(run(&[("coredns.yaml", COREDNS), ("list.json", list)]).is_empty());
    }

    #[test]
    fn missing_from_eksctl_addons_fires_with_an_eksctl_fix() {
        let cc = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: platform-prod\n  region: us-east-1\naddons:\n  - name: vpc-cni\n  - name: kube-proxy\n";
        let f = run(&[("coredns.yaml", COREDNS), ("cluster.yaml", cc)]);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message
                .contains("of cluster platform-prod (not in eksctl addons)"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].related.len(), 1);
        let snippet = f[0].fix.as_ref().and_then(|x| x.snippet.as_deref());
        assert_eq!(snippet, Some("addons:\n  - name: coredns\n"));
    }

    #[test]
    fn managed_by_eks_label_is_managed() {
        let list = "{\"addons\": [\"vpc-cni\"]}";
        let labelled = COREDNS.replace(
            "eks.amazonaws.com/component: coredns",
            "app.kubernetes.io/managed-by: EKS",
        );
        assert!(run(&[("coredns.yaml", &labelled), ("list.json", list)]).is_empty());
    }

    #[test]
    fn other_namespaces_are_not_core() {
        let list = "{\"addons\": [\"vpc-cni\"]}";
        let elsewhere = COREDNS.replace("namespace: kube-system", "namespace: dns");
        assert!(run(&[("coredns.yaml", &elsewhere), ("list.json", list)]).is_empty());
    }
}
