use super::util::{
    ADDON_NAMESPACE, account_id, associations, associations_are_listed, auto_apply_pod_identity,
    cluster_name, irsa_bindings, partition, workloads_named,
};
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::k8s::{Workload, WorkloadKind};
use eksplane_model::{KubeObject, Platform};
use eksplane_source::Span;

declare_rule! {
    /// ## What it does
    /// Finds the controllers that call AWS APIs on the platform's behalf, the
    /// EBS CSI driver (`ebs-csi-controller-sa`), the Karpenter controller
    /// (`karpenter`) and the AWS Load Balancer Controller
    /// (`aws-load-balancer-controller`), from their Deployments, ServiceAccounts
    /// (Helm output included) and EKS add-on entries (eksctl `addons`,
    /// `describe-addon`, `list-addons`), and flags each one whose service account
    /// has no IAM role of its own: no `eks.amazonaws.com/role-arn` annotation,
    /// no eksctl `iam.serviceAccounts` entry, no Pod Identity association and,
    /// for the add-on, no `serviceAccountRoleARN` or add-on pod identity
    /// association. eksctl node groups whose `iam.withAddonPolicies` (or
    /// `attachPolicyARNs`) grant the controller's policy to the node role are
    /// cited. The rule needs the service account (or the add-on entry) and a
    /// complete list of associations (an eksctl ClusterConfig or a
    /// `list-pod-identity-associations` snapshot); otherwise it is silent.
    ///
    /// ## Why it matters
    /// With no role of its own, the controller's SDK falls through the
    /// credential chain to the node's instance profile (IMDS). Its permissions
    /// (create and delete volumes, launch and terminate instances, change load
    /// balancers and security groups) then sit on the node role, where every
    /// pod that can reach IMDS on those nodes gets them too; and the controller
    /// breaks as soon as IMDS is closed to pods (hop limit 1), as it should be.
    ///
    /// ## Example
    /// The `aws-load-balancer-controller` chart installed with
    /// `serviceAccount.annotations` empty, no association for
    /// `kube-system/aws-load-balancer-controller`, and a node group with
    /// `iam.withAddonPolicies.awsLoadBalancerController: true`.
    ///
    /// ## Fix
    /// Give the controller its own role through a Pod Identity association
    /// (eksctl creates the role from its well-known policy), then remove the
    /// policy from the node role:
    /// ```yaml
    /// iam:
    ///   podIdentityAssociations:
    ///     - namespace: kube-system
    ///       serviceAccountName: aws-load-balancer-controller
    ///       wellKnownPolicies:
    ///         awsLoadBalancerController: true
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html
    /// - https://docs.aws.amazon.com/eks/latest/userguide/lbc-helm.html
    /// - https://karpenter.sh/docs/getting-started/getting-started-with-karpenter/
    /// - https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html (restrict access to the instance profile)
    /// - https://docs.aws.amazon.com/eks/latest/eksctl/pod-identity-associations.html
    pub RULE = ("IDN005", "controller-on-node-role", Warning, "AWS controller relies on the node role", Some(check));
}

/// A controller that needs AWS permissions, with the names its installs use.
struct Controller {
    title: &'static str,
    /// Deployment name of the Helm chart / add-on.
    deployment: &'static str,
    service_account: &'static str,
    /// The EKS add-on that installs it.
    addon: Option<&'static str>,
    /// eksctl `iam.withAddonPolicies` keys that give the node role its permissions.
    node_addon_policies: &'static [&'static str],
    /// Fragments of policy ARNs (`attachPolicyARNs`) with its permissions.
    node_policy_names: &'static [&'static str],
    /// eksctl `wellKnownPolicies` key for a role with its permissions.
    well_known: Option<&'static str>,
    /// Role name for the fix, `{cluster}` replaced.
    role_name: &'static str,
}

/// Names as the projects' charts and docs use them:
/// - EBS CSI driver: Deployment `ebs-csi-controller`, service account
///   `ebs-csi-controller-sa`, add-on `aws-ebs-csi-driver`, AWS managed policy
///   `AmazonEBSCSIDriverPolicy` (<https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html>);
/// - Karpenter: Deployment and service account `karpenter`, policy
///   `KarpenterControllerPolicy-*` (<https://karpenter.sh/docs/getting-started/getting-started-with-karpenter/>);
/// - AWS Load Balancer Controller: Deployment and service account
///   `aws-load-balancer-controller`, policy `AWSLoadBalancerControllerIAMPolicy`
///   (<https://docs.aws.amazon.com/eks/latest/userguide/lbc-helm.html>).
///
/// eksctl `withAddonPolicies` keys `ebs`, `awsLoadBalancerController`, `albIngress` and
/// `wellKnownPolicies` keys `ebsCSIController`, `awsLoadBalancerController`: eksctl
/// schema (`NodeGroupIAMAddonPolicies`, `WellKnownPolicies`).
const CONTROLLERS: &[Controller] = &[
    Controller {
        title: "EBS CSI driver controller",
        deployment: "ebs-csi-controller",
        service_account: "ebs-csi-controller-sa",
        addon: Some("aws-ebs-csi-driver"),
        node_addon_policies: &["ebs"],
        node_policy_names: &["AmazonEBSCSIDriverPolicy"],
        well_known: Some("ebsCSIController"),
        role_name: "AmazonEKS_EBS_CSI_DriverRole-{cluster}",
    },
    Controller {
        title: "Karpenter controller",
        deployment: "karpenter",
        service_account: "karpenter",
        addon: None,
        node_addon_policies: &[],
        node_policy_names: &["KarpenterControllerPolicy"],
        well_known: None,
        role_name: "KarpenterControllerRole-{cluster}",
    },
    Controller {
        title: "AWS Load Balancer Controller",
        deployment: "aws-load-balancer-controller",
        service_account: "aws-load-balancer-controller",
        addon: None,
        node_addon_policies: &["awsLoadBalancerController", "albIngress"],
        node_policy_names: &["AWSLoadBalancerControllerIAMPolicy"],
        well_known: Some("awsLoadBalancerController"),
        role_name: "AmazonEKSLoadBalancerControllerRole-{cluster}",
    },
];

/// Environment variables that give a container credentials other than the
/// node role (static keys, IRSA, container credentials).
const CREDENTIAL_ENV: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
];

/// One install of a controller: its service account and where it was seen.
struct Install<'p> {
    ctl: &'static Controller,
    namespace: String,
    service_account: String,
    seen: Vec<(Span, String)>,
    deployments: Vec<&'p Workload>,
    from_addon: bool,
}

fn installs(p: &Platform) -> Vec<Install<'_>> {
    let mut out: Vec<Install<'_>> = Vec::new();
    fn entry<'a, 'p>(
        out: &'a mut Vec<Install<'p>>,
        ctl: &'static Controller,
        ns: &str,
        sa: &str,
    ) -> &'a mut Install<'p> {
        let i = match out
            .iter()
            .position(|i| std::ptr::eq(i.ctl, ctl) && i.namespace == ns && i.service_account == sa)
        {
            Some(i) => i,
            None => {
                out.push(Install {
                    ctl,
                    namespace: ns.to_string(),
                    service_account: sa.to_string(),
                    seen: Vec::new(),
                    deployments: Vec::new(),
                    from_addon: false,
                });
                out.len() - 1
            }
        };
        &mut out[i]
    }
    for ctl in CONTROLLERS {
        for w in workloads_named(p, WorkloadKind::Deployment, ctl.deployment) {
            let ns = w.namespace().unwrap_or("default");
            let sa = w.service_account_name();
            let e = entry(&mut out, ctl, ns, sa);
            e.seen.push((
                w.origin
                    .locate(&["spec", "template", "spec", "serviceAccountName"]),
                format!(
                    "Deployment {ns}/{} runs the {} as {ns}/{sa}",
                    w.name(),
                    ctl.title
                ),
            ));
            e.deployments.push(w);
        }
        for sa in p
            .service_accounts
            .iter()
            .filter(|s| s.name() == ctl.service_account)
        {
            let ns = sa.namespace().unwrap_or("default");
            entry(&mut out, ctl, ns, sa.name())
                .seen
                .push((sa.origin.span, format!("ServiceAccount {ns}/{}", sa.name())));
        }
        let Some(addon) = ctl.addon else { continue };
        let mut seen: Vec<(Span, String)> = Vec::new();
        for cc in &p.cluster_configs {
            if let Some(a) = cc.addon(addon) {
                seen.push((a.span, format!("eksctl add-on {addon}")));
            }
        }
        if let Some(a) = p.aws.addon(addon) {
            seen.push((a.span, format!("describe-addon {addon}")));
        }
        if let Some(n) = p.aws.addon_names.iter().find(|n| n.value == addon) {
            seen.push((n.span, format!("list-addons lists {addon}")));
        }
        if !seen.is_empty() {
            let e = entry(&mut out, ctl, ADDON_NAMESPACE, ctl.service_account);
            e.seen.extend(seen);
            e.from_addon = true;
        }
    }
    out
}

/// Whether the add-on has IAM configured through the add-on API (IRSA role or
/// pod identity associations), as eksctl or `describe-addon` states it.
fn addon_has_identity(p: &Platform, addon: &str) -> bool {
    p.cluster_configs.iter().any(|cc| {
        cc.addon(addon)
            .is_some_and(|a| a.value.has_iam() || auto_apply_pod_identity(cc))
    }) || p.aws.addon(addon).is_some_and(|a| {
        a.service_account_role_arn.is_some() || !a.pod_identity_associations.is_empty()
    })
}

/// Whether a Deployment's containers get credentials another way (or may:
/// `envFrom` hides what it sets).
fn env_gives_credentials(w: &Workload) -> bool {
    let spec = &w.template.spec;
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .any(|c| {
            c.env_from.as_ref().is_some_and(|v| !v.is_empty())
                || c.env
                    .iter()
                    .flatten()
                    .any(|e| CREDENTIAL_ENV.contains(&e.name.as_str()))
        })
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    if !associations_are_listed(p) {
        return Vec::new();
    }
    let assocs = associations(facts);
    let irsa = irsa_bindings(p);
    let cluster = cluster_name(facts);
    let mut out = Vec::new();
    for inst in installs(p) {
        let (ns, sa) = (inst.namespace.as_str(), inst.service_account.as_str());
        let sa_obj = facts.service_account(ns, sa);
        // Without the ServiceAccount (or the add-on that owns it) the absence of
        // an annotation proves nothing.
        if sa_obj.is_none() && !inst.from_addon {
            continue;
        }
        if assocs
            .iter()
            .any(|a| a.namespace == ns && a.service_account == sa)
            || irsa
                .iter()
                .any(|b| b.namespace == ns && b.service_account == sa)
            || inst
                .ctl
                .addon
                .is_some_and(|addon| inst.from_addon && addon_has_identity(p, addon))
            || inst.deployments.iter().any(|w| env_gives_credentials(w))
        {
            continue;
        }
        // Node groups that hand the controller's permissions to every pod.
        let mut node_grants: Vec<(Span, String)> = Vec::new();
        for cc in &p.cluster_configs {
            for ng in cc.node_groups() {
                let Some(iam) = ng.iam() else { continue };
                if let Some(pol) = &iam.value.with_addon_policies {
                    for (key, b) in pol.value.enabled() {
                        if inst.ctl.node_addon_policies.contains(&key) {
                            node_grants.push((
                                b.span,
                                format!(
                                    "node group {} grants withAddonPolicies.{key} to its node role",
                                    ng.name()
                                ),
                            ));
                        }
                    }
                }
                for arn in &iam.value.attach_policy_arns {
                    if inst
                        .ctl
                        .node_policy_names
                        .iter()
                        .any(|n| arn.value.contains(n))
                    {
                        node_grants.push((
                            arn.span,
                            format!(
                                "node group {} attaches {} to its node role",
                                ng.name(),
                                arn.value
                            ),
                        ));
                    }
                }
            }
        }
        let (primary, where_) = match sa_obj {
            Some(s) => (
                s.origin.locate(&["metadata", "name"]),
                format!("ServiceAccount {ns}/{sa}"),
            ),
            None => (
                inst.seen.first().map(|(s, _)| *s).unwrap_or_default(),
                format!("service account {ns}/{sa}"),
            ),
        };
        let addon_part = match (inst.ctl.addon, inst.from_addon) {
            (Some(addon), true) => {
                format!(
                    ", no serviceAccountRoleARN or pod identity association on the {addon} add-on"
                )
            }
            _ => String::new(),
        };
        let mut msg = format!(
            "The {} ({where_}) has no IAM role of its own: no eks.amazonaws.com/role-arn \
             annotation, no Pod Identity association for {ns}/{sa}{addon_part}. Its AWS calls \
             fall through the SDK credential chain to the node's instance role, so that role must \
             carry the controller's permissions and every pod that can reach IMDS on those nodes \
             gets them too",
            inst.ctl.title
        );
        if let Some((_, first)) = node_grants.first() {
            msg.push_str(&format!(
                " ({}{})",
                first,
                if node_grants.len() > 1 {
                    format!(", and {} more", node_grants.len() - 1)
                } else {
                    String::new()
                }
            ));
        }
        let mut f = RULE
            .finding(msg, primary)
            .object(format!("ServiceAccount/{ns}/{sa}"));
        let sa_span = sa_obj.map(|s| s.origin.span);
        for (span, what) in inst
            .seen
            .iter()
            .filter(|(s, _)| *s != primary && Some(*s) != sa_span)
        {
            f = f.related(*span, what.clone());
        }
        for (span, what) in &node_grants {
            f = f.related(*span, what.clone());
        }
        let role = inst.ctl.role_name.replace("{cluster}", cluster);
        let role_arn = format!(
            "arn:{}:iam::{}:role/{role}",
            partition(facts),
            account_id(facts)
        );
        let (desc, snippet) = match (inst.ctl.addon, inst.from_addon, inst.ctl.well_known) {
            (Some(addon), true, _) => (
                format!(
                    "give the {addon} add-on a Pod Identity association for {sa} (eksctl: \
                     useDefaultPodIdentityAssociations), then remove the policy from the node role"
                ),
                format!(
                    "addons:\n  - name: {addon}\n    useDefaultPodIdentityAssociations: true\n\n# or\naws eks update-addon --cluster-name {cluster} --addon-name {addon} \\\n  --pod-identity-associations serviceAccount={sa},roleArn={role_arn}\n"
                ),
            ),
            (_, _, Some(wk)) => (
                format!(
                    "create a Pod Identity association for {ns}/{sa} with a role of its own \
                     (eksctl builds it from the well-known policy), then remove the policy from \
                     the node role"
                ),
                format!(
                    "iam:\n  podIdentityAssociations:\n    - namespace: {ns}\n      serviceAccountName: {sa}\n      roleName: {role}\n      wellKnownPolicies:\n        {wk}: true\n"
                ),
            ),
            _ => (
                format!(
                    "create a Pod Identity association for {ns}/{sa} with the controller's own \
                     role (trusting pods.eks.amazonaws.com), then remove the policy from the node \
                     role"
                ),
                format!(
                    "aws eks create-pod-identity-association --cluster-name {cluster} \\\n  --namespace {ns} --service-account {sa} \\\n  --role-arn {role_arn}\n"
                ),
            ),
        };
        f = f.fix(Fix::new(desc).with_snippet(snippet));
        out.push(f);
    }
    out
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

    const CC: &str = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: prod, region: us-east-1}\n";
    const SA: &str = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: karpenter, namespace: kube-system}\n";

    #[test]
    fn needs_a_list_of_associations() {
        assert!(run(&[("sa.yaml", SA)]).is_empty());
        let f = run(&[("sa.yaml", SA), ("cluster.yaml", CC)]);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("Karpenter controller"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].fix
                .as_ref()
                .and_then(|x| x.snippet.as_deref())
                .is_some_and(|s| s.contains("role/KarpenterControllerRole-prod")),
            "{:?}",
            f[0].fix
        );
    }

    #[test]
    fn deployment_with_static_keys_or_envfrom_is_not_on_the_node_role() {
        let d = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: karpenter, namespace: kube-system}\nspec:\n  selector: {matchLabels: {app: k}}\n  template:\n    metadata: {labels: {app: k}}\n    spec:\n      serviceAccountName: karpenter\n      containers:\n        - name: controller\n          image: public.ecr.aws/karpenter/controller:1.6.0\n          envFrom: [{secretRef: {name: aws-keys}}]\n";
        assert!(run(&[("sa.yaml", SA), ("cluster.yaml", CC), ("d.yaml", d)]).is_empty());
    }

    #[test]
    fn addon_with_irsa_role_is_fine_and_without_fires() {
        let with = r#"{"addon": {"addonName": "aws-ebs-csi-driver", "serviceAccountRoleArn": "arn:aws:iam::111122223333:role/ebs"}}"#;
        assert!(run(&[("a.json", with), ("cluster.yaml", CC)]).is_empty());
        let without =
            r#"{"addon": {"addonName": "aws-ebs-csi-driver", "podIdentityAssociations": []}}"#;
        let f = run(&[("a.json", without), ("cluster.yaml", CC)]);
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].object.as_deref(),
            Some("ServiceAccount/kube-system/ebs-csi-controller-sa")
        );
    }
}
