//! What the identity rules share: every Pod Identity association and every
//! IRSA binding the inputs state, whatever the source, merged by namespace and
//! service account; the service accounts of EKS add-ons; role lookups.

use eksplane_facts::Facts;
use eksplane_model::aws::iam::{self, Statement};
use eksplane_model::k8s::WorkloadKind;
use eksplane_model::{KubeObject, Platform};
use eksplane_source::{PathSeg, Span, Spanned};

pub(crate) use eksplane_facts::identity::{
    ADDON_NAMESPACE, PodIdentityAssociation as Association, associations_are_listed, find_role,
    role_name_of,
};

/// The service account of each EKS add-on that calls AWS APIs, as the EKS User
/// Guide names it for the add-on's IAM role:
/// - vpc-cni: `aws-node` (<https://docs.aws.amazon.com/eks/latest/userguide/cni-iam-role.html>)
/// - aws-ebs-csi-driver: `ebs-csi-controller-sa` (<https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html>)
/// - aws-efs-csi-driver: `efs-csi-controller-sa` (<https://docs.aws.amazon.com/eks/latest/userguide/efs-csi.html>)
/// - aws-mountpoint-s3-csi-driver: `s3-csi-driver-sa` (<https://docs.aws.amazon.com/eks/latest/userguide/s3-csi.html>)
pub(crate) const ADDON_SERVICE_ACCOUNTS: &[(&str, &str)] = &[
    ("vpc-cni", "aws-node"),
    ("aws-ebs-csi-driver", "ebs-csi-controller-sa"),
    ("aws-efs-csi-driver", "efs-csi-controller-sa"),
    ("aws-mountpoint-s3-csi-driver", "s3-csi-driver-sa"),
];

/// The service account an EKS add-on's IAM role is for.
pub(crate) fn addon_service_account(addon: &str) -> Option<&'static str> {
    ADDON_SERVICE_ACCOUNTS
        .iter()
        .find(|(a, _)| *a == addon)
        .map(|(_, sa)| *sa)
}

/// Every Pod Identity association in the inputs, one per namespace and
/// service account, merged once in the facts layer
/// ([`eksplane_facts::identity::pod_identity_associations`]).
pub(crate) fn associations<'f>(facts: &'f Facts<'_>) -> &'f [Association] {
    facts.pod_identity_associations()
}

/// How a service account is bound to a role through IRSA.
#[derive(Debug, Clone)]
pub(crate) struct IrsaBinding {
    pub namespace: String,
    pub service_account: String,
    /// Role ARN or (eksctl `roleName`) name.
    pub role: Option<String>,
    pub span: Span,
    /// e.g. `eks.amazonaws.com/role-arn annotation of ServiceAccount payments/checkout-sa`.
    pub source: String,
    /// Whether this is the ServiceAccount's own annotation.
    pub is_annotation: bool,
}

/// Every IRSA binding: the `eks.amazonaws.com/role-arn` annotation of a
/// ServiceAccount, eksctl `iam.serviceAccounts` entries, and the
/// `serviceAccountRoleARN` of EKS add-ons (eksctl `addons[]`, `describe-addon`).
pub(crate) fn irsa_bindings(p: &Platform) -> Vec<IrsaBinding> {
    let mut out = Vec::new();
    for sa in &p.service_accounts {
        if let Some(arn) = sa.irsa_role_arn() {
            out.push(IrsaBinding {
                namespace: sa.namespace().unwrap_or("default").to_string(),
                service_account: sa.name().to_string(),
                role: Some(arn.value.clone()),
                span: arn.span,
                source: format!(
                    "ServiceAccount {}/{} is annotated eks.amazonaws.com/role-arn: {}",
                    sa.namespace().unwrap_or("default"),
                    sa.name(),
                    arn.value
                ),
                is_annotation: true,
            });
        }
    }
    for cc in &p.cluster_configs {
        for isa in cc.iam_service_accounts() {
            let m = &isa.value.metadata;
            if m.name.value.is_empty() {
                continue;
            }
            let ns = if m.namespace.value.is_empty() {
                "default"
            } else {
                m.namespace.value.as_str()
            };
            let role = isa
                .value
                .role_arn
                .as_ref()
                .or(isa.value.role_name.as_ref())
                .map(|r| r.value.clone());
            out.push(IrsaBinding {
                namespace: ns.to_string(),
                service_account: m.name.value.clone(),
                source: format!(
                    "eksctl iam.serviceAccounts binds {ns}/{} to {} through IRSA",
                    m.name.value,
                    role.as_deref()
                        .map(role_name_of)
                        .unwrap_or("an eksctl-made role")
                ),
                role,
                span: m.name.span,
                is_annotation: false,
            });
        }
        for addon in &cc.addons {
            let (Some(arn), Some(sa)) = (
                addon.value.service_account_role_arn.as_ref(),
                addon_service_account(&addon.value.name.value),
            ) else {
                continue;
            };
            out.push(IrsaBinding {
                namespace: ADDON_NAMESPACE.into(),
                service_account: sa.into(),
                role: Some(arn.value.clone()),
                span: arn.span,
                source: format!(
                    "eksctl add-on {} sets serviceAccountRoleARN {} (IRSA)",
                    addon.value.name.value, arn.value
                ),
                is_annotation: false,
            });
        }
    }
    for addon in &p.aws.addons {
        let (Some(arn), Some(sa)) = (
            addon.service_account_role_arn.as_ref(),
            addon.name().and_then(addon_service_account),
        ) else {
            continue;
        };
        out.push(IrsaBinding {
            namespace: ADDON_NAMESPACE.into(),
            service_account: sa.into(),
            role: Some(arn.value.clone()),
            span: arn.span,
            source: format!(
                "describe-addon {}: serviceAccountRoleArn {} (IRSA)",
                addon.name().unwrap_or_default(),
                arn.value
            ),
            is_annotation: false,
        });
    }
    out
}

/// The cluster's name for messages and commands (`CLUSTER` when no input
/// states it; the rule is [`eksplane_facts::identity::ClusterIdentity`]'s).
pub(crate) fn cluster_name<'f>(facts: &'f Facts<'_>) -> &'f str {
    facts.cluster_identity().name_or_placeholder()
}

/// The AWS account of the cluster (`ACCOUNT_ID` when no input states one).
pub(crate) fn account_id(facts: &Facts<'_>) -> String {
    facts
        .cluster_identity()
        .account_or_placeholder()
        .to_string()
}

/// The cluster's partition (`aws` when no ARN states one).
pub(crate) fn partition<'f>(facts: &'f Facts<'_>) -> &'f str {
    facts.cluster_identity().partition_or_default()
}

/// Whether EKS Auto Mode runs the cluster's compute (it brings the Pod Identity
/// agent with it: <https://docs.aws.amazon.com/eks/latest/userguide/automode.html>).
pub(crate) fn auto_mode(p: &Platform) -> bool {
    p.aws.cluster().is_some_and(|c| c.auto_mode_enabled())
        || p.cluster_configs.iter().any(|cc| {
            cc.auto_mode_config
                .as_ref()
                .and_then(|a| a.value.enabled.as_ref())
                .is_some_and(|e| e.value)
        })
}

/// eksctl `addonsConfig.autoApplyPodIdentityAssociations` (not typed in the
/// model; read from the ClusterConfig's node tree).
pub(crate) fn auto_apply_pod_identity(cc: &eksplane_model::eksctl::ClusterConfig) -> bool {
    cc.origin
        .node
        .as_ref()
        .and_then(|n| {
            n.at([
                PathSeg::Key("addonsConfig"),
                PathSeg::Key("autoApplyPodIdentityAssociations"),
            ])
        })
        .and_then(|v| v.as_str())
        .is_some_and(|s| s == "true")
}

/// A DaemonSet or Deployment named `name`, in any namespace.
pub(crate) fn workloads_named<'p>(
    p: &'p Platform,
    kind: WorkloadKind,
    name: &'p str,
) -> impl Iterator<Item = &'p eksplane_model::k8s::Workload> + 'p {
    p.workloads
        .iter()
        .filter(move |w| w.kind == kind && w.name() == name)
}

/// Whether `provider` (as written after `:oidc-provider/`) is an EKS cluster's
/// issuer, `oidc.eks.REGION.amazonaws.com[.cn]/id/ID`, rather than another
/// identity provider (GitHub Actions, GitLab, ...).
pub(crate) fn is_eks_oidc_provider(provider: &str) -> bool {
    provider.starts_with("oidc.eks.") && provider.contains("/id/")
}

/// The characters of a statement as IAM counts them against the trust policy
/// quota (JSON without white space; escapes ignored).
pub(crate) fn statement_len(st: &Statement) -> usize {
    let mut fields: Vec<usize> = Vec::new();
    let kv = |k: &str, v: usize| str_len(k) + 1 + v;
    if let Some(sid) = &st.sid {
        fields.push(kv("Sid", str_len(sid)));
    }
    if let Some(e) = &st.effect {
        fields.push(kv("Effect", str_len(e)));
    }
    for (k, pr) in [
        ("Principal", &st.principal),
        ("NotPrincipal", &st.not_principal),
    ] {
        if let Some(pr) = pr {
            fields.push(kv(k, principal_len(pr)));
        }
    }
    for (k, v) in [
        ("Action", &st.action),
        ("NotAction", &st.not_action),
        ("Resource", &st.resource),
        ("NotResource", &st.not_resource),
    ] {
        if !v.is_empty() {
            fields.push(kv(k, one_or_many_len(v)));
        }
    }
    if !st.condition.is_empty() {
        let ops: Vec<usize> = st
            .condition
            .iter()
            .map(|(op, keys)| {
                let inner: Vec<usize> = keys
                    .iter()
                    .map(|(k, v)| kv(k, one_or_many_len(v)))
                    .collect();
                kv(op, object_len(&inner))
            })
            .collect();
        fields.push(kv("Condition", object_len(&ops)));
    }
    object_len(&fields)
}

/// The characters of a trust policy document as IAM counts them.
pub(crate) fn policy_len(statements: &[Spanned<Statement>]) -> usize {
    let sts: Vec<usize> = statements.iter().map(|s| statement_len(s)).collect();
    let list = 2 + sts.iter().sum::<usize>() + sts.len().saturating_sub(1);
    object_len(&[
        str_len("Version") + 1 + str_len("2012-10-17"),
        str_len("Statement") + 1 + list,
    ])
}

fn str_len(s: &str) -> usize {
    s.chars().count() + 2
}

fn object_len(fields: &[usize]) -> usize {
    2 + fields.iter().sum::<usize>() + fields.len().saturating_sub(1)
}

fn one_or_many_len(v: &iam::OneOrMany) -> usize {
    match v.as_slice() {
        [one] => str_len(one),
        many => 2 + many.iter().map(|s| str_len(s)).sum::<usize>() + many.len().saturating_sub(1),
    }
}

fn principal_len(pr: &iam::Principal) -> usize {
    match pr {
        iam::Principal::Any => str_len("*"),
        iam::Principal::Map(m) => {
            let fields: Vec<usize> = m
                .iter()
                .map(|(k, v)| str_len(k) + 1 + one_or_many_len(v))
                .collect();
            object_len(&fields)
        }
    }
}

/// `a, b, c and 2 more`.
pub(crate) fn list_some(items: &[String], max: usize) -> String {
    if items.len() <= max {
        items.join(", ")
    } else {
        format!("{} and {} more", items[..max].join(", "), items.len() - max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_and_owner_arns() {
        assert!(is_eks_oidc_provider(
            "oidc.eks.us-east-1.amazonaws.com/id/1B7A1BFC0D6787319D02A19FD9BC308B"
        ));
        assert!(!is_eks_oidc_provider("token.actions.githubusercontent.com"));
        assert_eq!(
            list_some(&["a".into(), "b".into(), "c".into()], 2),
            "a, b and 1 more"
        );
    }

    #[test]
    fn statement_length_counts_minified_json() {
        let text = r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}"#;
        let doc = iam::PolicyDocument::parse_text(text).unwrap_or_else(|e| panic!("{e}"));
        let expected =
            r#"{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}"#
                .len();
        assert_eq!(statement_len(&doc.statements[0]), expected);
        let whole = format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            &text[14..text.len() - 2]
        );
        assert_eq!(policy_len(&doc.statements), whole.len());
    }
}
