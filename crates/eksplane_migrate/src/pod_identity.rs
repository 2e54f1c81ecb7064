//! IRSA -> EKS Pod Identity, per ServiceAccount with an
//! `eks.amazonaws.com/role-arn` annotation.
//!
//! Sources (EKS user guide):
//! - "Learn how EKS Pod Identity grants pods access to AWS services", section
//!   "EKS Pod Identity considerations",
//!   <https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html>:
//!   the agent runs on Linux Amazon EC2 nodes; Pod Identity is not available to
//!   pods on AWS Fargate nor to Windows pods; the role must be in the
//!   cluster's account (another account's role only through a target role,
//!   `targetRoleArn`, i.e. a role chain through a role of this account).
//! - "Assign an IAM role to a Kubernetes service account",
//!   <https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html>:
//!   the trust policy (`pods.eks.amazonaws.com`, `sts:AssumeRole` and
//!   `sts:TagSession`) and `create-pod-identity-association`.
//! - "Set up the Amazon EKS Pod Identity Agent",
//!   <https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html>:
//!   the `eks-pod-identity-agent` add-on (built into EKS Auto Mode).
//! - "Use pod identity with the AWS SDK",
//!   <https://docs.aws.amazon.com/eks/latest/userguide/pod-id-minimum-sdk.html>:
//!   the minimum SDK versions ([`MIN_SDK_VERSIONS`]); credentials found earlier in
//!   the default chain (IRSA's web identity among them) keep being used, so the
//!   annotation must go once the association is verified.

use crate::{AwsCall, ClusterRef};
use eksplane_model::vocab::Arn;
use eksplane_model::{KubeObject, Platform};
use eksplane_source::Span;
use serde::Serialize;

/// The service principal a Pod Identity role trusts.
pub const POD_IDENTITY_SERVICE: &str = "pods.eks.amazonaws.com";
/// The actions its trust statement allows.
pub const TRUST_ACTIONS: [&str; 2] = ["sts:AssumeRole", "sts:TagSession"];
/// The agent add-on.
pub const AGENT_ADDON: &str = "eks-pod-identity-agent";

/// The minimum AWS SDK versions that read Pod Identity credentials (EKS user
/// guide, "Use pod identity with the AWS SDK", pod-id-minimum-sdk.html).
pub const MIN_SDK_VERSIONS: &[(&str, &str)] = &[
    ("Java (Version 2)", "2.21.30"),
    ("Java", "1.12.746"),
    ("Go v1", "v1.47.11"),
    ("Go v2", "release-2023-11-14"),
    ("Python (Boto3)", "1.34.41"),
    ("Python (botocore)", "1.34.41"),
    ("AWS CLI v1", "1.30.0"),
    ("AWS CLI v2", "2.15.0"),
    ("JavaScript v2", "2.1550.0"),
    ("JavaScript v3", "v3.458.0"),
    ("Kotlin", "v1.0.1"),
    ("Ruby", "3.188.0"),
    ("Rust", "release-2024-03-13"),
    ("C++", "1.11.263"),
    (".NET", "3.7.734.0"),
    ("PowerShell", "4.1.502"),
    ("PHP", "3.287.1"),
];

/// The EKS add-ons whose IAM role belongs to a known service account, all of
/// which accept Pod Identity associations (EKS user guide, "Pod Identity
/// support reference" and each add-on's IAM page: `cni-iam-role.html`,
/// `ebs-csi.html`, `efs-csi.html`, `s3-csi.html`).
const ADDON_SERVICE_ACCOUNTS: &[(&str, &str)] = &[
    ("vpc-cni", "aws-node"),
    ("aws-ebs-csi-driver", "ebs-csi-controller-sa"),
    ("aws-efs-csi-driver", "efs-csi-controller-sa"),
    ("aws-mountpoint-s3-csi-driver", "s3-csi-driver-sa"),
];

/// Why a ServiceAccount stays on IRSA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "reason")]
pub enum KeepIrsa {
    /// The role is in another account than the cluster.
    CrossAccount {
        role_account: String,
        cluster_account: String,
    },
    /// Pods of this ServiceAccount run on Windows.
    Windows { workloads: Vec<String> },
    /// Pods of this ServiceAccount run on AWS Fargate (an eksctl
    /// `fargateProfiles[]` selector matches them).
    Fargate {
        profile: String,
        workloads: Vec<String>,
    },
    /// The annotation's value is not an IAM role ARN.
    NotARoleArn,
}

impl KeepIrsa {
    pub fn describe(&self) -> String {
        match self {
            KeepIrsa::CrossAccount {
                role_account,
                cluster_account,
            } => format!(
                "the role is in account {role_account}, the cluster in {cluster_account}: an \
                 association takes a role of the cluster's account only (another account's role \
                 needs a role chain through a role of this account, --target-role-arn); IRSA \
                 keeps the direct cross-account trust"
            ),
            KeepIrsa::Fargate { profile, workloads } => format!(
                "its pods run on AWS Fargate (profile {profile}: {}): Pod Identity does not \
                 serve Fargate pods (EKS user guide, pod-identities.html, considerations)",
                workloads.join(", ")
            ),
            KeepIrsa::Windows { workloads } => format!(
                "its pods run on Windows ({}): the Pod Identity agent serves Linux EC2 nodes only",
                workloads.join(", ")
            ),
            KeepIrsa::NotARoleArn => {
                "the annotation is not an IAM role ARN (arn:PARTITION:iam::ACCOUNT:role/NAME)"
                    .to_string()
            }
        }
    }
}

/// What to do for one ServiceAccount.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case", tag = "verdict")]
pub enum Verdict {
    Migrate {
        /// Whether a `get-role` snapshot shows the trust statement already.
        trust_present: bool,
        /// Whether an association for the ServiceAccount exists already.
        associated: bool,
        /// The EKS add-on that owns the ServiceAccount: its association is
        /// made through the add-on (`update-addon --pod-identity-associations`).
        #[serde(skip_serializing_if = "Option::is_none")]
        addon: Option<String>,
    },
    KeepIrsa(KeepIrsa),
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceAccountPlan {
    pub namespace: String,
    pub service_account: String,
    pub role_arn: String,
    /// The role's name (for `aws iam update-assume-role-policy`).
    pub role_name: String,
    /// The annotation's span.
    #[serde(skip)]
    pub span: Span,
    /// The eksctl `iam.serviceAccounts` item that also binds it through IRSA:
    /// remove it from the ClusterConfig once migrated (not with `eksctl delete
    /// iamserviceaccount`: that deletes the CloudFormation stack and the role).
    #[serde(skip)]
    pub eksctl_irsa: Option<Span>,
    /// Workloads that run as this ServiceAccount (`Kind ns/name`): restart them
    /// after the association, before removing the annotation.
    pub workloads: Vec<String>,
    pub verdict: Verdict,
}

impl ServiceAccountPlan {
    pub fn migrates(&self) -> bool {
        matches!(self.verdict, Verdict::Migrate { .. })
    }

    /// The association call (or the add-on update) for this ServiceAccount.
    pub fn association_call(&self, cluster: &str) -> Option<AwsCall> {
        let Verdict::Migrate { addon, .. } = &self.verdict else {
            return None;
        };
        Some(match addon {
            Some(a) => AwsCall::new("eks", "update-addon")
                .arg("cluster-name", cluster)
                .arg("addon-name", a.clone())
                .arg(
                    "pod-identity-associations",
                    format!(
                        "serviceAccount={},roleArn={}",
                        self.service_account, self.role_arn
                    ),
                ),
            None => AwsCall::new("eks", "create-pod-identity-association")
                .arg("cluster-name", cluster)
                .arg("namespace", self.namespace.clone())
                .arg("service-account", self.service_account.clone())
                .arg("role-arn", self.role_arn.clone()),
        })
    }
}

/// The IRSA -> Pod Identity plan.
#[derive(Debug, Clone, Serialize)]
pub struct PodIdentityPlan {
    pub cluster: ClusterRef,
    /// Whether the agent add-on must be installed (`None`: the inputs do not say).
    pub agent_missing: Option<bool>,
    pub service_accounts: Vec<ServiceAccountPlan>,
    /// The trust statement to add to each migrating role.
    pub trust_statement: TrustStatement,
    pub notes: Vec<String>,
}

/// `{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":[...]}`.
#[derive(Debug, Clone, Serialize)]
pub struct TrustStatement {
    pub service: &'static str,
    pub actions: [&'static str; 2],
}

fn agent_state(p: &Platform) -> Option<bool> {
    let auto = p.aws.cluster().is_some_and(|c| c.auto_mode_enabled());
    let eksctl = p
        .cluster_configs
        .iter()
        .any(|cc| cc.addons.iter().any(|a| a.value.name.value == AGENT_ADDON));
    let listed = p.aws.addon_names.iter().any(|n| n.value == AGENT_ADDON)
        || p.aws.addons.iter().any(|a| a.name() == Some(AGENT_ADDON));
    if auto || eksctl || listed {
        return Some(false);
    }
    let stated =
        !p.aws.addon_names.is_empty() || p.cluster_configs.iter().any(|cc| !cc.addons.is_empty());
    stated.then_some(true)
}

fn associated(p: &Platform, ns: &str, sa: &str) -> bool {
    p.cluster_configs.iter().any(|cc| {
        cc.pod_identity_associations().iter().any(|a| {
            let ans = if a.value.namespace.value.is_empty() {
                "kube-system"
            } else {
                a.value.namespace.value.as_str()
            };
            ans == ns && a.value.service_account_name.value == sa
        })
    }) || p.aws.pod_identity_associations.iter().any(|a| {
        a.value.namespace.as_ref().map(|n| n.value.as_str()) == Some(ns)
            && a.value.service_account.as_ref().map(|n| n.value.as_str()) == Some(sa)
    }) || p.aws.pod_identity_association_summaries.iter().any(|a| {
        a.value.namespace.as_ref().map(|n| n.value.as_str()) == Some(ns)
            && a.value.service_account.as_ref().map(|n| n.value.as_str()) == Some(sa)
    })
}

fn trust_present(p: &Platform, role_arn: &str) -> bool {
    let key = crate::principal_key(role_arn);
    p.aws.roles.iter().any(|r| {
        r.value
            .arn()
            .is_some_and(|a| crate::principal_key(a) == key)
            && TRUST_ACTIONS
                .iter()
                .all(|act| r.value.allows_action_for_service(POD_IDENTITY_SERVICE, act))
    })
}

/// The eksctl Fargate profile whose selectors take this ServiceAccount's
/// pods (namespace with wildcards, then labels), with the workloads it takes;
/// with no workload of the ServiceAccount in the inputs, a selector that takes
/// the whole namespace still decides.
fn on_fargate(
    p: &Platform,
    ns: &str,
    workloads: &[&eksplane_model::k8s::Workload],
) -> Option<KeepIrsa> {
    p.cluster_configs
        .iter()
        .flat_map(|cc| &cc.fargate_profiles)
        .find_map(|fp| {
            let selectors = &fp.value.selectors;
            let mut on: Vec<String> = workloads
                .iter()
                .filter(|w| {
                    selectors.iter().any(|s| {
                        s.value.selects(ns, |k| {
                            w.template.metadata.labels.get(k).map(|v| v.value.as_str())
                        })
                    })
                })
                .map(|w| format!("{} {ns}/{}", w.kind.as_str(), w.name()))
                .collect();
            if on.is_empty()
                && workloads.is_empty()
                && selectors
                    .iter()
                    .any(|s| s.value.labels.is_empty() && s.value.selects(ns, |_| None))
            {
                on.push(format!("every pod of namespace {ns}"));
            }
            (!on.is_empty()).then(|| KeepIrsa::Fargate {
                profile: fp.value.name.value.clone(),
                workloads: on,
            })
        })
}

/// Plans the move of every IRSA-annotated ServiceAccount.
pub fn plan_pod_identity(p: &Platform) -> PodIdentityPlan {
    let cluster = ClusterRef::of(p);
    let mut notes = Vec::new();
    let fargate = p.aws_auth.as_ref().is_some_and(|a| {
        a.map_roles.iter().any(|m| {
            m.value
                .groups
                .iter()
                .any(|g| g.value == "system:node-proxier")
        })
    });
    let profiles = p
        .cluster_configs
        .iter()
        .any(|cc| !cc.fargate_profiles.is_empty());
    if fargate && !profiles {
        notes.push(
            "aws-auth maps a Fargate pod execution role: pods on Fargate cannot use Pod \
             Identity, and the inputs hold no Fargate profile selectors; keep IRSA for any \
             ServiceAccount below whose pods a Fargate profile selects"
                .to_string(),
        );
    }
    notes.push(
        "every container must use an AWS SDK at or above the minimum versions listed (EKS user \
         guide, pod-id-minimum-sdk.html); an older SDK fails once the annotation is removed: \
         keep IRSA for such workloads until their SDK is upgraded"
            .to_string(),
    );
    let mut out = Vec::new();
    for sa in &p.service_accounts {
        let Some(arn) = sa.irsa_role_arn() else {
            continue;
        };
        let ns = sa.namespace().unwrap_or("default").to_string();
        let name = sa.name().to_string();
        let workloads: Vec<&eksplane_model::k8s::Workload> = p
            .workloads
            .iter()
            .filter(|w| {
                w.namespace().unwrap_or("default") == ns && w.service_account_name() == name
            })
            .collect();
        let windows: Vec<String> = workloads
            .iter()
            .filter(|w| {
                let spec = &w.template.spec;
                spec.os.as_ref().is_some_and(|o| o.name == "windows")
                    || spec
                        .node_selector
                        .as_ref()
                        .and_then(|s| s.get("kubernetes.io/os"))
                        .is_some_and(|v| v == "windows")
            })
            .map(|w| format!("{} {ns}/{}", w.kind.as_str(), w.name()))
            .collect();
        let fargate = on_fargate(p, &ns, &workloads);
        let parsed = Arn::parse(&arn.value).filter(|a| a.is_role());
        let verdict = match (&parsed, fargate) {
            (None, _) => Verdict::KeepIrsa(KeepIrsa::NotARoleArn),
            (Some(a), _) if cluster.account.as_deref().is_some_and(|c| c != a.account) => {
                Verdict::KeepIrsa(KeepIrsa::CrossAccount {
                    role_account: a.account.clone(),
                    cluster_account: cluster.account.clone().unwrap_or_default(),
                })
            }
            (Some(_), Some(keep)) => Verdict::KeepIrsa(keep),
            (Some(_), None) if !windows.is_empty() => {
                Verdict::KeepIrsa(KeepIrsa::Windows { workloads: windows })
            }
            (Some(_), None) => Verdict::Migrate {
                trust_present: trust_present(p, &arn.value),
                associated: associated(p, &ns, &name),
                addon: (ns == "kube-system")
                    .then(|| {
                        ADDON_SERVICE_ACCOUNTS
                            .iter()
                            .find(|(_, s)| *s == name)
                            .map(|(a, _)| a.to_string())
                    })
                    .flatten(),
            },
        };
        let eksctl_irsa = p.cluster_configs.iter().find_map(|cc| {
            cc.iam_service_accounts()
                .iter()
                .find(|i| {
                    let m = &i.value.metadata;
                    let ins = if m.namespace.value.is_empty() {
                        "default"
                    } else {
                        m.namespace.value.as_str()
                    };
                    ins == ns && m.name.value == name
                })
                .map(|i| i.span)
        });
        out.push(ServiceAccountPlan {
            eksctl_irsa,
            role_name: parsed
                .as_ref()
                .and_then(|a| a.principal_name())
                .unwrap_or("")
                .to_string(),
            namespace: ns.clone(),
            service_account: name,
            role_arn: arn.value.clone(),
            span: arn.span,
            workloads: workloads
                .iter()
                .map(|w| format!("{} {ns}/{}", w.kind.as_str(), w.name()))
                .collect(),
            verdict,
        });
    }
    out.sort_by(|a, b| (&a.namespace, &a.service_account).cmp(&(&b.namespace, &b.service_account)));
    PodIdentityPlan {
        cluster,
        agent_missing: agent_state(p),
        service_accounts: out,
        trust_statement: TrustStatement {
            service: POD_IDENTITY_SERVICE,
            actions: TRUST_ACTIONS,
        },
        notes,
    }
}
