use super::util::{
    Association, IrsaBinding, associations, find_role, irsa_bindings, is_eks_oidc_provider,
    role_name_of,
};
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::aws::iam::IRSA_ACTION;
use eksplane_model::k8s::WorkloadKind;
use eksplane_model::{KubeObject, Platform};

declare_rule! {
    /// ## What it does
    /// Flags a service account that is bound to an IAM role both through IRSA
    /// (the `eks.amazonaws.com/role-arn` annotation, an eksctl
    /// `iam.serviceAccounts` entry, or an add-on's `serviceAccountRoleARN`) and
    /// through an EKS Pod Identity association for the same namespace and name
    /// (eksctl `iam.podIdentityAssociations` / `addons[].podIdentityAssociations`,
    /// `list-pod-identity-associations`, `describe-pod-identity-association`).
    ///
    /// ## Why it matters
    /// Two credential sources on one service account make "which role does this
    /// pod have?" depend on when the pod started:
    ///
    /// - When a pod is created, EKS's pod identity webhook gives container
    ///   credentials precedence: if the service account has an association it
    ///   injects only `AWS_CONTAINER_CREDENTIALS_FULL_URI` and
    ///   `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, and ignores the role-arn
    ///   annotation (no `AWS_ROLE_ARN` / `AWS_WEB_IDENTITY_TOKEN_FILE`).
    /// - Pods created before the association existed keep the IRSA variables
    ///   until they are recreated. The AWS SDKs' default credential chain tries
    ///   the web identity provider before the container provider, and the EKS
    ///   User Guide is explicit: credentials earlier in the chain "will continue
    ///   to be used even if you configure an EKS Pod Identity association for
    ///   the same workload". Those pods stay on IRSA.
    /// - An SDK older than the Pod Identity minimum versions does not read the
    ///   container credentials and falls further down the chain, usually to the
    ///   node's instance role.
    ///
    /// During a migration that is expected for a few minutes; left in place it
    /// hides which trust policy is really used, and the annotation keeps the
    /// OIDC provider (and its per-cluster trust statements) alive.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: checkout-sa
    ///   namespace: payments
    ///   annotations:
    ///     eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/checkout-app
    /// ```
    /// together with
    /// `aws eks create-pod-identity-association --namespace payments --service-account checkout-sa ...`.
    ///
    /// ## Fix
    /// Keep one mechanism per workload (the guide: Pod Identity). Remove the
    /// annotation (from the manifest too), then restart the workloads so no pod
    /// keeps the IRSA token:
    /// ```sh
    /// kubectl annotate serviceaccount -n payments checkout-sa eks.amazonaws.com/role-arn-
    /// kubectl rollout restart deployment -n payments checkout
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
    /// - https://docs.aws.amazon.com/eks/latest/userguide/pod-id-minimum-sdk.html
    /// - https://github.com/aws/amazon-eks-pod-identity-webhook/blob/master/pkg/handler/handler.go (`buildPodPatchConfig`: "Container credentials method takes precedence")
    /// - https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html (the credential provider chain)
    /// - https://docs.aws.amazon.com/eks/latest/eksctl/pod-identity-associations.html
    pub RULE = ("IDN001", "irsa-and-pod-identity", Warning, "Service account has both IRSA and a Pod Identity association", Some(check));
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let irsa = irsa_bindings(p);
    associations(facts)
        .iter()
        .filter_map(|a| {
            let bindings: Vec<&IrsaBinding> = irsa
                .iter()
                .filter(|b| b.namespace == a.namespace && b.service_account == a.service_account)
                .collect();
            finding(p, a, &bindings)
        })
        .collect()
}

fn finding(p: &Platform, a: &Association, bindings: &[&IrsaBinding]) -> Option<Finding> {
    let primary = bindings
        .iter()
        .find(|b| b.is_annotation)
        .or(bindings.first())?;
    let key = a.key();
    let irsa_role = primary.role.as_deref().map(role_name_of);
    let assoc_role = a.role_label();
    let roles = match (irsa_role, assoc_role) {
        (Some(i), Some(r)) if i == r => format!("both name role {i}"),
        (Some(i), Some(r)) => format!(
            "IRSA names role {i} and the association role {r}, so a pod's permissions depend on when it started"
        ),
        (Some(i), None) => format!("IRSA names role {i}"),
        (None, Some(r)) => format!("the association names role {r}"),
        (None, None) => String::new(),
    };
    let how = if primary.is_annotation {
        "the IRSA annotation eks.amazonaws.com/role-arn"
    } else {
        "IRSA"
    };
    let mut msg = format!(
        "ServiceAccount {key} is bound to IAM twice, through {how} and through a Pod Identity \
         association{}. New pods get only the Pod Identity credentials (EKS's pod identity \
         webhook gives container credentials precedence and ignores the annotation); pods \
         started before the association keep the IRSA token and, since the SDKs try web \
         identity before container credentials, stay on IRSA until they are recreated",
        if roles.is_empty() {
            String::new()
        } else {
            format!(" ({roles})")
        }
    );
    // What the IRSA role's trust policy says about this service account.
    let irsa_trust = find_role(p, primary.role.as_deref());
    if let Some(role) = irsa_trust {
        let admits = role.oidc_trusts().iter().any(|t| {
            is_eks_oidc_provider(t.provider)
                && t.statement.matches_action(IRSA_ACTION)
                && t.admits_service_account(&a.namespace, &a.service_account)
        });
        let name = role.name().unwrap_or_default();
        if role.assume_role_policy_document.is_some() {
            if admits {
                msg.push_str(&format!(
                    ". Role {name} still trusts an EKS OIDC provider for {key}, so the IRSA path \
                     keeps working unnoticed"
                ));
            } else {
                msg.push_str(&format!(
                    ". Role {name} no longer trusts an EKS OIDC provider for {key}, so any pod \
                     still on IRSA fails to get credentials"
                ));
            }
        }
    }
    let mut f = RULE
        .finding(msg, primary.span)
        .object(format!("ServiceAccount/{key}"));
    for s in &a.stated {
        f = f.related(
            s.span,
            format!(
                "Pod Identity association for {key}{} ({})",
                assoc_role
                    .map(|r| format!(" with role {r}"))
                    .unwrap_or_default(),
                s.source
            ),
        );
    }
    for b in bindings.iter().filter(|b| b.span != primary.span) {
        f = f.related(b.span, b.source.clone());
    }
    if let Some(role) = irsa_trust
        && let Some(doc) = &role.assume_role_policy_document
    {
        f = f.related(
            doc.span,
            format!("trust policy of role {}", role.name().unwrap_or_default()),
        );
    }
    // The workloads to restart once the annotation is gone.
    let users: Vec<String> = p
        .workloads
        .iter()
        .filter(|w| {
            matches!(
                w.kind,
                WorkloadKind::Deployment | WorkloadKind::StatefulSet | WorkloadKind::DaemonSet
            ) && w.namespace() == Some(a.namespace.as_str())
                && w.service_account_name() == a.service_account
        })
        .map(|w| {
            format!(
                "kubectl rollout restart {} -n {} {}",
                w.kind.as_str().to_ascii_lowercase(),
                a.namespace,
                w.name()
            )
        })
        .collect();
    let fix = if primary.is_annotation {
        let mut snippet = format!(
            "kubectl annotate serviceaccount -n {} {} eks.amazonaws.com/role-arn-\n",
            a.namespace, a.service_account
        );
        for u in &users {
            snippet.push_str(u);
            snippet.push('\n');
        }
        Fix::new(
            "keep the Pod Identity association: remove the eks.amazonaws.com/role-arn annotation \
             (in the manifest too), then restart the pods that use the service account",
        )
        .with_snippet(snippet)
    } else {
        Fix::new(format!(
            "keep the Pod Identity association and drop the IRSA binding of {key} ({}); \
             `eksctl delete iamserviceaccount` also deletes the role eksctl created for it, \
             so move the association to a role you keep first",
            primary.source
        ))
    };
    Some(f.fix(fix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksplane_load::load_texts;

    fn run(files: &[(&str, &str)]) -> Vec<Finding> {
        let l = load_texts(files.iter().copied());
        assert!(
            l.findings.is_empty(),
            "input findings: {:?}",
            l.findings.iter().map(|f| &f.message).collect::<Vec<_>>()
        );
        check(&eksplane_facts::Facts::new(
            &l.platform,
            eksplane_aws_data::Catalog::embedded(),
        ))
    }

    const SA: &str = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: checkout-sa\n  namespace: payments\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/checkout-irsa\n";

    #[test]
    fn annotation_without_association_is_silent() {
        assert!(run(&[("sa.yaml", SA)]).is_empty());
    }

    #[test]
    fn eksctl_only_both_mechanisms_fire_once() {
        let cc = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-east-1}\niam:\n  serviceAccounts:\n    - metadata: {name: checkout-sa, namespace: payments}\n      roleName: checkout-irsa\n  podIdentityAssociations:\n    - {namespace: payments, serviceAccountName: checkout-sa, roleARN: 'arn:aws:iam::111122223333:role/checkout-app'}\n";
        let list = r#"{"associations": [{"clusterName": "c", "namespace": "payments", "serviceAccount": "checkout-sa", "associationId": "a-1"}]}"#;
        let f = run(&[("cluster.yaml", cc), ("list.json", list), ("sa.yaml", SA)]);
        assert_eq!(f.len(), 1, "{f:?}");
        // The annotation is the primary place; eksctl's IRSA entry is related.
        assert_eq!(f[0].primary.span.start.line, 7);
        assert!(f[0].message.contains("checkout-irsa"), "{}", f[0].message);
        assert!(
            f[0].message.contains("role checkout-app"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].related.len(), 3, "{:?}", f[0].related);
    }

    #[test]
    fn addon_with_irsa_and_association() {
        let addon = r#"{"addon": {"addonName": "aws-ebs-csi-driver", "serviceAccountRoleArn": "arn:aws:iam::111122223333:role/ebs-irsa", "podIdentityAssociations": []}}"#;
        let assoc = r#"{"association": {"namespace": "kube-system", "serviceAccount": "ebs-csi-controller-sa", "roleArn": "arn:aws:iam::111122223333:role/ebs-pod-identity"}}"#;
        let f = run(&[("addon.json", addon), ("assoc.json", assoc)]);
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].object.as_deref(),
            Some("ServiceAccount/kube-system/ebs-csi-controller-sa")
        );
        assert!(f[0].fix.as_ref().is_some_and(|x| x.snippet.is_none()));
    }
}
