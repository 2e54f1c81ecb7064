//! Migration planners: `aws-auth` to EKS access entries, proven not to lock
//! anyone out, and IRSA to EKS Pod Identity. Pure: they read the model and
//! return typed plans; `eksplane_report::migrate` renders them (script,
//! eksctl fragments, Terraform, JSON).
//!
//! What should move into `eksplane_facts` once its identity module lands: the
//! per-principal merge of access entries ([`access::ExistingEntry`]), the
//! cluster's name/account/partition ([`ClusterRef`]) and the IRSA bindings.

pub mod access;
pub mod pod_identity;

use eksplane_model::Platform;
use eksplane_model::vocab::Arn;
use serde::Serialize;

/// One AWS CLI call, typed: `aws SERVICE OPERATION --param value ...`.
/// Parameter names are the CLI's (kebab-case of the EKS API member names;
/// the test `botocore_parameters` checks every one against botocore's model).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwsCall {
    /// `eks`, `iam`.
    pub service: &'static str,
    /// `create-access-entry`.
    pub operation: &'static str,
    /// `(name, value)`; a `None` value is a flag.
    pub params: Vec<(&'static str, Option<String>)>,
}

impl AwsCall {
    pub fn new(service: &'static str, operation: &'static str) -> AwsCall {
        AwsCall {
            service,
            operation,
            params: Vec::new(),
        }
    }

    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> AwsCall {
        self.params.push((name, Some(value.into())));
        self
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.as_deref())
    }
}

/// The cluster the plan is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterRef {
    /// `CLUSTER` when no input names it.
    pub name: String,
    /// `aws` unless an ARN says otherwise.
    pub partition: String,
    /// `None` when no ARN in the inputs states it.
    pub account: Option<String>,
    /// `None` when no input states it.
    pub region: Option<String>,
}

impl ClusterRef {
    pub fn of(p: &Platform) -> ClusterRef {
        let name = p
            .cluster
            .name
            .as_ref()
            .map(|n| n.value.clone())
            .or_else(|| p.aws.cluster().and_then(|c| c.name()).map(str::to_string))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "CLUSTER".to_string());
        let mut arns: Vec<&str> = Vec::new();
        if let Some(a) = p.aws.cluster().and_then(|c| c.arn.as_ref()) {
            arns.push(&a.value);
        }
        for cc in &p.cluster_configs {
            arns.extend(
                cc.access_entries()
                    .iter()
                    .map(|e| e.value.principal_arn.value.as_str()),
            );
        }
        arns.extend(p.aws.access_entry_arns.iter().map(|a| a.value.as_str()));
        if let Some(a) = &p.aws_auth {
            arns.extend(a.map_roles.iter().map(|m| m.value.rolearn.value.as_str()));
            arns.extend(a.map_users.iter().map(|m| m.value.userarn.value.as_str()));
        }
        let first = arns
            .iter()
            .filter_map(|a| Arn::parse(a))
            .find(|a| !a.account.is_empty());
        ClusterRef {
            name,
            partition: first
                .as_ref()
                .map(|a| a.partition.clone())
                .unwrap_or_else(|| "aws".to_string()),
            account: first.map(|a| a.account),
            region: p.cluster.region.as_ref().map(|r| r.value.clone()),
        }
    }

    /// An EKS access policy ARN in the cluster's partition
    /// (`arn:aws:eks::aws:cluster-access-policy/NAME`; EKS user guide,
    /// "Review access policy permissions",
    /// <https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html>).
    pub fn access_policy_arn(&self, name: &str) -> String {
        format!(
            "arn:{}:eks::aws:cluster-access-policy/{name}",
            self.partition
        )
    }
}

/// The key that identifies an IAM principal for comparison: account, kind and
/// name (case-insensitive, path ignored: IAM names are unique
/// case-insensitively and aws-auth ARNs cannot carry a role's path; EKS user
/// guide, "Create access entries"). Unparseable ARNs compare as written.
pub fn principal_key(arn: &str) -> String {
    match Arn::parse(arn) {
        Some(a) => {
            let kind = if a.is_user() {
                "user"
            } else if a.resource == "root" {
                "root"
            } else {
                "role"
            };
            format!(
                "{}:{kind}:{}",
                a.account,
                a.principal_name().unwrap_or("").to_ascii_lowercase()
            )
        }
        None => arn.trim().to_string(),
    }
}

/// `role/NAME`, `user/NAME`, or the ARN, for messages.
pub fn short_principal(arn: &str) -> String {
    match Arn::parse(arn) {
        Some(a) if a.is_role() || a.resource.starts_with("assumed-role/") => {
            format!("role/{}", a.principal_name().unwrap_or(""))
        }
        Some(a) if a.is_user() => format!("user/{}", a.principal_name().unwrap_or("")),
        _ => arn.to_string(),
    }
}
