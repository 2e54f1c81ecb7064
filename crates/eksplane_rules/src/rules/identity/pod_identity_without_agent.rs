use super::util::{associations, auto_mode, cluster_name, list_some, workloads_named};
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::k8s::WorkloadKind;
use eksplane_source::Span;

/// The add-on (and DaemonSet) that serves Pod Identity credentials on each node.
/// Source: <https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html>.
pub(crate) const AGENT: &str = "eks-pod-identity-agent";

declare_rule! {
    /// ## What it does
    /// Flags Pod Identity associations (from eksctl, `list-pod-identity-associations`
    /// or `describe-pod-identity-association`) when the inputs list the cluster's
    /// add-ons (an eksctl `addons:` list or a `list-addons` snapshot) and the
    /// `eks-pod-identity-agent` add-on is not among them, no `describe-addon`
    /// shows it, and no `eks-pod-identity-agent` DaemonSet is in the inputs.
    /// EKS Auto Mode clusters are skipped: they run the agent themselves.
    ///
    /// ## Why it matters
    /// An association only tells EKS which role a service account gets; the
    /// credentials are served on each node by the EKS Pod Identity Agent, a
    /// DaemonSet listening on `169.254.170.23` (and `fd00:ec2::23`). EKS still
    /// points the pods' SDKs at that address
    /// (`AWS_CONTAINER_CREDENTIALS_FULL_URI`), and without the agent nothing
    /// answers: every workload that relies on an association fails its AWS calls.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: eksctl.io/v1alpha5
    /// kind: ClusterConfig
    /// iam:
    ///   podIdentityAssociations:
    ///     - {namespace: payments, serviceAccountName: checkout-sa, roleARN: arn:aws:iam::111122223333:role/checkout-app}
    /// addons:
    ///   - name: vpc-cni
    ///   - name: coredns
    /// ```
    ///
    /// ## Fix
    /// Install the add-on (the node role also needs `eks-auth:AssumeRoleForPodIdentity`,
    /// which `AmazonEKSWorkerNodePolicy` grants):
    /// ```yaml
    /// addons:
    ///   - name: eks-pod-identity-agent
    /// ```
    /// or `aws eks create-addon --cluster-name CLUSTER --addon-name eks-pod-identity-agent`.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html
    /// - https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html
    /// - https://docs.aws.amazon.com/eks/latest/eksctl/pod-identity-associations.html (prerequisites)
    pub RULE = ("IDN002", "pod-identity-without-agent", Error, "Pod Identity associations without the Pod Identity Agent", Some(check));
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let assocs = associations(facts);
    if assocs.is_empty() || auto_mode(p) {
        return Vec::new();
    }
    // Any sign of the agent silences the rule.
    let installed = p.cluster_configs.iter().any(|cc| cc.addon(AGENT).is_some())
        || p.aws.addon_names.iter().any(|n| n.value == AGENT)
        || p.aws.addon(AGENT).is_some()
        || workloads_named(p, WorkloadKind::DaemonSet, AGENT)
            .next()
            .is_some();
    if installed {
        return Vec::new();
    }
    // The complete add-on lists: where the agent would have to appear.
    let mut lists: Vec<(Span, String)> = Vec::new();
    for cc in p.cluster_configs.iter().filter(|cc| !cc.addons.is_empty()) {
        lists.push((
            cc.origin.locate_key(&[], "addons"),
            format!(
                "eksctl ClusterConfig {} lists {} add-ons, not {AGENT}",
                cc.name().value,
                cc.addons.len()
            ),
        ));
    }
    if let Some(first) = p.aws.addon_names.first() {
        lists.push((
            first.span,
            format!(
                "list-addons shows {} add-ons, not {AGENT}",
                p.aws.addon_names.len()
            ),
        ));
    }
    let Some((primary, _)) = lists.first().cloned() else {
        return Vec::new();
    };
    let cluster = cluster_name(facts);
    let keys: Vec<String> = assocs.iter().map(|a| a.key()).collect();
    let mut f = RULE
        .finding(
            format!(
                "{} Pod Identity association{} ({}) {} but the {AGENT} add-on is not \
                 installed: EKS points these pods' SDKs at the agent's endpoint \
                 (169.254.170.23) and nothing answers there, so they get no AWS credentials",
                keys.len(),
                if keys.len() == 1 { "" } else { "s" },
                list_some(&keys, 4),
                if keys.len() == 1 { "exists" } else { "exist" },
            ),
            primary,
        )
        .object(format!("Cluster/{cluster}"));
    for (span, what) in lists.iter().skip(1) {
        f = f.related(*span, what.clone());
    }
    for a in assocs {
        f = f.related(
            a.span(),
            format!(
                "Pod Identity association for {} ({})",
                a.key(),
                a.stated
                    .first()
                    .map(|s| s.source.as_str())
                    .unwrap_or_default()
            ),
        );
    }
    f = f.fix(
        Fix::new(format!(
            "install the {AGENT} add-on (eksctl addons entry, or the AWS CLI)"
        ))
        .with_snippet(format!(
            "addons:\n  - name: {AGENT}\n\n# or\naws eks create-addon --cluster-name {cluster} --addon-name {AGENT}\n"
        )),
    );
    vec![f]
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksplane_load::load_texts;

    fn run(files: &[(&str, &str)]) -> Vec<Finding> {
        let l = load_texts(files.iter().copied());
        assert!(l.findings.is_empty(), "{:?}", l.findings);
        check(&eksplane_facts::Facts::new(
            &l.platform,
            eksplane_aws_data::Catalog::embedded(),
        ))
    }

    const LIST: &str = r#"{"associations": [{"clusterName": "c", "namespace": "payments", "serviceAccount": "checkout-sa"}]}"#;
    const ADDONS: &str = r#"{"addons": ["coredns", "kube-proxy", "vpc-cni"]}"#;

    #[test]
    fn needs_an_addon_list() {
        assert!(run(&[("list.json", LIST)]).is_empty());
        assert_eq!(
            run(&[("list.json", LIST), ("addons.json", ADDONS)]).len(),
            1
        );
    }

    #[test]
    fn daemonset_or_describe_addon_counts_as_installed() {
        let ds = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: eks-pod-identity-agent, namespace: kube-system}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec: {containers: [{name: a, image: a}]}\n";
        assert!(
            run(&[
                ("list.json", LIST),
                ("addons.json", ADDONS),
                ("ds.yaml", ds)
            ])
            .is_empty()
        );
        let d = r#"{"addon": {"addonName": "eks-pod-identity-agent", "status": "ACTIVE"}}"#;
        assert!(run(&[("list.json", LIST), ("addons.json", ADDONS), ("d.json", d)]).is_empty());
    }

    #[test]
    fn auto_mode_brings_the_agent() {
        let c = r#"{"cluster": {"name": "c", "computeConfig": {"enabled": true}}}"#;
        assert!(run(&[("list.json", LIST), ("addons.json", ADDONS), ("c.json", c)]).is_empty());
    }
}
