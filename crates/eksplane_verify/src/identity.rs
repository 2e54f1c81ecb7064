//! Pod Identity: agent running, associations present (the guide's `kubectl
//! get daemonset eks-pod-identity-agent -n kube-system` and `aws eks
//! list-pod-identity-associations`).
//!
//! - The agent: its DaemonSet ready on every node, or (without the
//!   DaemonSet's status) the `eks-pod-identity-agent` add-on `ACTIVE`.
//! - The ServiceAccounts that need AWS credentials have them: the
//!   controllers the guide wires through Pod Identity (Karpenter, Step 4;
//!   the EBS CSI controller, Step 5; the AWS Load Balancer Controller, Step 6;
//!   Deployment and ServiceAccount names as their charts and docs use them:
//!   <https://karpenter.sh/docs/getting-started/getting-started-with-karpenter/>,
//!   <https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html>,
//!   <https://docs.aws.amazon.com/eks/latest/userguide/lbc-helm.html>) have an
//!   association (or an IRSA role), and every association names a
//!   ServiceAccount that exists.

use crate::Check;
use crate::daemonsets::{KUBE_SYSTEM, daemonset, needs_daemonset, readiness};
use eksplane_facts::Facts;
use eksplane_facts::identity::associations_are_listed;
use eksplane_model::KubeObject;
use eksplane_model::k8s::WorkloadKind;

const AGENT: &str = "eks-pod-identity-agent";
/// The IRSA annotation (EKS user guide, "Assign IAM roles to Kubernetes
/// service accounts").
const IRSA_ANNOTATION: &str = "eks.amazonaws.com/role-arn";
/// Controllers that call AWS APIs: (Deployment name, what it is).
const CONTROLLERS: &[(&str, &str)] = &[
    ("karpenter", "Karpenter controller"),
    (
        "aws-load-balancer-controller",
        "AWS Load Balancer Controller",
    ),
    ("ebs-csi-controller", "EBS CSI controller"),
];

pub(crate) fn checks(facts: &Facts<'_>) -> Vec<Check> {
    let mut out = agent(facts);
    out.extend(associations(facts));
    out
}

fn agent(facts: &Facts<'_>) -> Vec<Check> {
    let p = facts.platform;
    let mut out = Vec::new();
    let ds = daemonset(facts, KUBE_SYSTEM, AGENT);
    if let Some(ds) = ds {
        out.push(readiness(ds));
    }
    let ds_judged = ds.is_some_and(|d| d.daemon_set_status.is_some());
    if !ds_judged && let Some(addon) = p.aws.addon(AGENT) {
        let object = format!("describe-addon {AGENT}");
        out.push(match &addon.value.status {
            Some(s) if s.value == "ACTIVE" => Check::pass(format!("add-on {AGENT}: status ACTIVE"))
                .object(object)
                .field("addon.status")
                .at(s.span),
            Some(s) => Check::fail(format!(
                "add-on {AGENT}: status {} (not ACTIVE): pods get no Pod Identity credentials",
                s.value
            ))
            .object(object)
            .field("addon.status")
            .at(s.span),
            None => Check::skipped(format!("add-on {AGENT}: describe-addon has no status"))
                .object(object)
                .at(addon.span),
        });
        return out;
    }
    if ds.is_none() {
        let listed = &p.aws.addon_names;
        if !listed.is_empty() && !listed.iter().any(|n| n.value == AGENT) {
            out.push(
                Check::fail(format!(
                    "the Pod Identity agent is not installed: no DaemonSet kube-system/{AGENT} \
                     and list-addons has no {AGENT}; `aws eks create-addon --cluster-name \
                     CLUSTER --addon-name {AGENT}`"
                ))
                .object("list-addons")
                .field("addons")
                .at(listed[0].span),
            );
        } else {
            out.push(Check::skipped(format!(
                "no DaemonSet kube-system/{AGENT} and no {AGENT} add-on in the inputs: needs \
                 `{}` or `aws eks describe-addon --addon-name {AGENT} --output json`",
                needs_daemonset(KUBE_SYSTEM, AGENT)
            )));
        }
    }
    out
}

fn associations(facts: &Facts<'_>) -> Vec<Check> {
    let p = facts.platform;
    if !associations_are_listed(p) {
        return vec![Check::skipped(
            "the cluster's Pod Identity associations are not in the inputs: needs `aws eks \
             list-pod-identity-associations --cluster-name CLUSTER --output json`",
        )];
    }
    let assocs = facts.pod_identity_associations();
    let find = |ns: &str, sa: &str| {
        assocs
            .iter()
            .find(|a| a.namespace == ns && a.service_account == sa)
    };
    let mut out = Vec::new();
    for w in &p.workloads {
        if w.kind != WorkloadKind::Deployment {
            continue;
        }
        let Some((_, what)) = CONTROLLERS.iter().find(|(n, _)| *n == w.name()) else {
            continue;
        };
        let ns = w.namespace().unwrap_or("default");
        let sa = w.service_account_name();
        let object = w.object_ref().to_string();
        let at = w
            .origin
            .locate(&["spec", "template", "spec", "serviceAccountName"]);
        let c = if let Some(a) = find(ns, sa) {
            Check::pass(format!(
                "{what} ({object}) runs as {ns}/{sa}: Pod Identity association{}",
                a.role_label()
                    .map(|r| format!(" to role {r}"))
                    .unwrap_or_default()
            ))
            .field("spec.template.spec.serviceAccountName")
            .at(at)
        } else if let Some(role) = facts
            .service_account(ns, sa)
            .and_then(|s| s.metadata.annotation(IRSA_ANNOTATION))
        {
            Check::pass(format!(
                "{what} ({object}) runs as {ns}/{sa}: no Pod Identity association, IRSA role {}",
                role.value
            ))
            .field(format!("metadata.annotations[{IRSA_ANNOTATION}]"))
            .at(role.span)
        } else {
            Check::fail(format!(
                "{what} ({object}) runs as {ns}/{sa}, which has no Pod Identity association (nor \
                 an IRSA role): it calls AWS with the node role, or fails; `aws eks \
                 create-pod-identity-association --cluster-name CLUSTER --namespace {ns} \
                 --service-account {sa} --role-arn ROLE_ARN`"
            ))
            .field("spec.template.spec.serviceAccountName")
            .at(at)
        };
        out.push(c.object(object));
    }
    let sas_given = !p.service_accounts.is_empty();
    for a in assocs {
        let object = format!("association {}", a.key());
        let role = a
            .role_label()
            .map(|r| format!(" to role {r}"))
            .unwrap_or_default();
        let source = a
            .stated
            .first()
            .map(|s| s.source.clone())
            .unwrap_or_default();
        let c = if !sas_given {
            Check::skipped(format!(
                "association {}{role} ({source}): its ServiceAccount was not verified: needs \
                 `kubectl get serviceaccounts -A -o yaml`",
                a.key()
            ))
        } else if facts
            .service_account(&a.namespace, &a.service_account)
            .is_some()
        {
            Check::pass(format!(
                "association {}{role}: the ServiceAccount exists",
                a.key()
            ))
        } else {
            Check::fail(format!(
                "association {}{role} names a ServiceAccount that is not in the cluster: no pod \
                 can use it (a typo in the namespace or name?)",
                a.key()
            ))
        };
        out.push(c.object(object).field("serviceAccount").at(a.span()));
    }
    if out.is_empty() {
        out.push(if p.workloads.is_empty() {
            Check::skipped(
                "no association, and no workload in the inputs to tell whether one is needed: \
                 needs `kubectl get deployments -A -o yaml`",
            )
        } else {
            Check::pass("no association, and no workload of the inputs needs one")
        });
    }
    out
}
