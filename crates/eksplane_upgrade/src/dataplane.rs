//! The data plane at a step: Karpenter EC2NodeClass AMI aliases, Amazon
//! Linux 2 where EKS publishes no AL2 AMI, node-group kubelet version skew,
//! and the roll (Karpenter drift, managed node group rolling update,
//! self-managed replacement).
//!
//! Facts and their sources:
//! - An `amiSelectorTerms` alias `family@version` resolves, for the cluster's
//!   Kubernetes version, to the EKS-optimized AMI of that release;
//!   `@latest` follows new releases, so the control-plane update makes every
//!   node drift to the new version's AMI (Karpenter docs, "NodeClasses",
//!   `spec.amiSelectorTerms`, <https://karpenter.sh/docs/concepts/nodeclasses/#specamiselectorterms>;
//!   "Disruption", drift). A pinned release (`al2023@v20240807`) resolves to
//!   that release built for the new version, which exists only when the
//!   release is not older than the version's EKS release date (AMI releases
//!   are built for the versions EKS had then; awslabs/amazon-eks-ami
//!   releases).
//! - EKS publishes AL2 AMIs up to Kubernetes 1.32 and none for 1.33 and later
//!   (<https://docs.aws.amazon.com/eks/latest/userguide/eks-ami-deprecation-faqs.html>).
//! - Kubelet may be up to three minors older than the API server from 1.28
//!   (two before) (<https://kubernetes.io/releases/version-skew-policy/#kubelet>,
//!   <https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html>).

use eksplane_aws_data::eks_versions::{self, Date};
use eksplane_model::eksctl::{ClusterConfig, NodeGroupRef};
use eksplane_model::karpenter::{AmiFamily, Ec2NodeClass};
use eksplane_model::{KubeObject, Platform};
use eksplane_source::Span;

pub const SRC_ALIAS: &str = "https://karpenter.sh/docs/concepts/nodeclasses/#specamiselectorterms";
pub const SRC_AL2: &str =
    "https://docs.aws.amazon.com/eks/latest/userguide/eks-ami-deprecation-faqs.html";
pub const SRC_SKEW: &str = "https://kubernetes.io/releases/version-skew-policy/#kubelet";
pub const SRC_MNG_UPDATE: &str =
    "https://docs.aws.amazon.com/eks/latest/userguide/managed-node-update-behavior.html";

/// The newest minor with AL2 AMIs.
pub const LAST_AL2_MINOR: u32 = 32;

/// How many minors older than the API server at `1.minor` kubelet may be.
pub fn allowed_kubelet_skew(minor: u32) -> u32 {
    if minor >= 28 { 3 } else { 2 }
}

/// An EC2NodeClass's AMI selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmiSelection {
    /// `family@latest`.
    Latest { alias: String },
    /// `family@vYYYYMMDD` (or another pinned release).
    Pinned {
        alias: String,
        family: String,
        release: String,
        /// The release date, for `vYYYYMMDD` releases.
        date: Option<Date>,
    },
    /// IDs, names, tags or SSM parameters: no alias; you choose the AMI.
    Explicit,
}

/// The `vYYYYMMDD` date of an AMI release.
pub fn release_date(release: &str) -> Option<Date> {
    let d = release.strip_prefix('v')?;
    if d.len() != 8 || !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Date::parse(&format!("{}-{}-{}", &d[0..4], &d[4..6], &d[6..8]))
}

/// The node class's AMI selection and where its term is written.
pub fn ami_selection(c: &Ec2NodeClass) -> (AmiSelection, Span) {
    for t in &c.spec.ami_selector_terms {
        if let Some(alias) = &t.value.alias {
            let (family, release) = alias.split_once('@').unwrap_or((alias.as_str(), "latest"));
            let sel = if release == "latest" {
                AmiSelection::Latest {
                    alias: alias.clone(),
                }
            } else {
                AmiSelection::Pinned {
                    alias: alias.clone(),
                    family: family.to_string(),
                    release: release.to_string(),
                    date: release_date(release),
                }
            };
            return (sel, t.span);
        }
    }
    let span = c
        .spec
        .ami_selector_terms
        .first()
        .map(|t| t.span)
        .unwrap_or(c.origin.span);
    (AmiSelection::Explicit, span)
}

/// Whether a node class boots Amazon Linux 2, and where that is written.
pub fn al2_span(c: &Ec2NodeClass) -> Option<Span> {
    if c.ami_family() != Some(AmiFamily::Al2) {
        return None;
    }
    let alias = c
        .spec
        .ami_selector_terms
        .iter()
        .find(|t| t.value.alias.is_some())
        .map(|t| t.span);
    Some(
        alias
            .or_else(|| c.spec.ami_family.as_ref().map(|f| f.span))
            .unwrap_or(c.origin.span),
    )
}

/// Whether a pinned release exists for `1.minor`: `Some(false)` when the
/// release predates the version's EKS release (`None`: unknown).
pub fn pinned_release_exists(date: Option<Date>, minor: u32) -> Option<bool> {
    let released = eks_versions::EKS_VERSIONS
        .iter()
        .find(|v| v.minor == minor)?
        .released;
    Some(date? >= released)
}

/// A node group's kubelet minor when its file pins it (managed
/// `releaseVersion: 1.29.0-20240129`), else `None` (it follows the cluster).
pub fn pinned_kubelet_minor(ng: &NodeGroupRef<'_>) -> Option<(u32, Span)> {
    match ng {
        NodeGroupRef::Managed(m) => m
            .value
            .release_version
            .as_ref()
            .and_then(|r| eks_versions::minor_of(&r.value).map(|v| (v, r.span))),
        NodeGroupRef::SelfManaged(_) => None,
    }
}

/// A self-managed group's explicit AMI (`ami: ami-...`), whose kubelet the
/// plan cannot read.
pub fn custom_ami<'a>(ng: &NodeGroupRef<'a>) -> Option<(&'a str, Span)> {
    match ng {
        NodeGroupRef::SelfManaged(u) => u
            .value
            .ami
            .as_ref()
            .filter(|a| a.value.starts_with("ami-"))
            .map(|a| (a.value.as_str(), a.span)),
        NodeGroupRef::Managed(m) => m
            .value
            .ami
            .as_ref()
            .filter(|a| a.value.starts_with("ami-"))
            .map(|a| (a.value.as_str(), a.span)),
    }
}

/// Whether a node group boots AL2 (eksctl `amiFamily: AmazonLinux2`).
pub fn node_group_is_al2(ng: &NodeGroupRef<'_>) -> bool {
    ng.ami_family().eq_ignore_ascii_case("AmazonLinux2")
}

/// Every node group with its ClusterConfig.
pub fn node_groups(p: &Platform) -> Vec<(&ClusterConfig, NodeGroupRef<'_>)> {
    p.cluster_configs
        .iter()
        .flat_map(|cc| cc.node_groups().into_iter().map(move |ng| (cc, ng)))
        .collect()
}

/// `EC2NodeClass/name`.
pub fn class_ref(c: &Ec2NodeClass) -> String {
    c.object_ref().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_dates() {
        assert_eq!(release_date("v20240807"), Some(Date::new(2024, 8, 7)));
        assert_eq!(release_date("v2024087"), None);
        assert_eq!(release_date("v20241399"), None);
        assert_eq!(release_date("v1.20.0"), None);
    }

    #[test]
    fn skew_allowance_changes_at_1_28() {
        assert_eq!(allowed_kubelet_skew(27), 2);
        assert_eq!(allowed_kubelet_skew(28), 3);
        assert_eq!(allowed_kubelet_skew(33), 3);
    }

    #[test]
    fn pinned_release_against_the_calendar() {
        // 1.30 was released on EKS on 2024-05-23.
        let d = |y, m, dd| Some(Date::new(y, m, dd));
        assert_eq!(pinned_release_exists(d(2024, 5, 1), 30), Some(false));
        assert_eq!(pinned_release_exists(d(2024, 5, 23), 30), Some(true));
        assert_eq!(pinned_release_exists(None, 30), None);
        assert_eq!(pinned_release_exists(d(2024, 5, 1), 99), None);
    }
}
