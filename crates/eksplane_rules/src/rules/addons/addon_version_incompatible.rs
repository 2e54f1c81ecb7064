use crate::declare_rule;
use eksplane_aws_data::eks_versions::minor_of;
use eksplane_diagnostics::{Finding, Fix, Severity};
use eksplane_facts::Facts;
use eksplane_facts::addons::{self, AddonFrom, version_matches};
use eksplane_model::aws::AddonInfo;
use eksplane_source::Span;

declare_rule! {
    /// ## What it does
    /// Flags an EKS add-on whose version (eksctl `addons[].version`, or
    /// `addonVersion` in an `aws eks describe-addon` snapshot) is not listed as
    /// compatible with the cluster's Kubernetes version in an
    /// `aws eks describe-addon-versions` snapshot of that add-on.
    ///
    /// The rule judges only when the snapshot lists at least one version of the
    /// add-on for the cluster's Kubernetes version (a snapshot taken for
    /// another version says nothing). A version the snapshot lists only for
    /// other cluster versions is an **error**; a version the snapshot does not
    /// list at all is a **warning** (it may have been withdrawn, or the
    /// snapshot may be partial). An eksctl version without an `-eksbuild.N`
    /// suffix matches any build of it; `latest` and unset versions are not
    /// judged.
    ///
    /// ## Why it matters
    /// EKS validates each add-on build against specific Kubernetes versions.
    /// An incompatible CoreDNS, kube-proxy or VPC CNI breaks DNS, Service
    /// routing or pod networking; EKS also refuses to upgrade the control
    /// plane while installed add-ons are incompatible with the target version.
    ///
    /// ## Example
    /// ```yaml
    /// # cluster 1.31
    /// addons:
    ///   - name: kube-proxy
    ///     version: v1.29.0-eksbuild.1
    /// ```
    ///
    /// ## Fix
    /// Move to a compatible version, normally the default one for the
    /// cluster's Kubernetes version:
    /// ```sh
    /// aws eks describe-addon-versions --addon-name kube-proxy --kubernetes-version 1.31 \
    ///   --query 'addons[].addonVersions[?compatibilities[0].defaultVersion].addonVersion'
    /// aws eks update-addon --cluster-name platform-prod --addon-name kube-proxy \
    ///   --addon-version v1.31.3-eksbuild.2 --resolve-conflicts PRESERVE
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/updating-an-add-on.html
    /// - https://docs.aws.amazon.com/cli/latest/reference/eks/describe-addon-versions.html
    /// - https://eksctl.io/usage/addons/
    pub RULE = ("ADD002", "addon-version-incompatible", Error, "Add-on version not compatible with the cluster version", Some(check));
}

/// The cluster versions a listed add-on version is compatible with.
fn cluster_versions_of(info: &AddonInfo, written: &str) -> Option<(Span, Vec<String>)> {
    let v = info
        .addon_versions
        .iter()
        .find(|v| v.version().is_some_and(|l| version_matches(written, l)))?;
    let span = v.addon_version.as_ref().map(|s| s.span).unwrap_or(v.span);
    let versions = v
        .compatibilities
        .iter()
        .filter_map(|c| c.cluster_version.clone())
        .collect();
    Some((span, versions))
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let Some(cv) = &p.cluster.version else {
        return Vec::new();
    };
    let Some(minor) = minor_of(&cv.value) else {
        return Vec::new();
    };
    let cluster_version = format!("1.{minor}");
    let cluster = p
        .cluster
        .name
        .as_ref()
        .map(|n| n.value.as_str())
        .unwrap_or("CLUSTER");
    let mut out = Vec::new();
    for inst in addons::installed(p) {
        let Some(version) = inst.version else {
            continue;
        };
        let Some(info) = p.aws.addon_info(inst.name) else {
            continue;
        };
        let compatible: Vec<&str> = info
            .versions_for(&cluster_version)
            .filter_map(|v| v.version())
            .collect();
        if compatible.is_empty() {
            // The snapshot was taken for other Kubernetes versions.
            continue;
        }
        let written = version.value.trim();
        if compatible.iter().any(|l| version_matches(written, l)) {
            continue;
        }
        let target = info
            .default_version_for(&cluster_version)
            .or_else(|| compatible.first().copied())
            .unwrap_or_default();
        let source = inst.from.describe();
        let listed = cluster_versions_of(info, written);
        let (severity, why) = match &listed {
            Some((_, versions)) => (
                Severity::Error,
                format!(
                    "the describe-addon-versions snapshot lists {written} only for Kubernetes {}",
                    if versions.is_empty() {
                        "no version".to_string()
                    } else {
                        versions.join(", ")
                    }
                ),
            ),
            None => (
                Severity::Warning,
                format!(
                    "the describe-addon-versions snapshot does not list {written} at all among \
                     its {} version{} compatible with {cluster_version} (withdrawn, or a partial \
                     snapshot)",
                    compatible.len(),
                    if compatible.len() == 1 { "" } else { "s" }
                ),
            ),
        };
        let message = format!(
            "add-on {} {written} ({source}) is not compatible with cluster {cluster}'s Kubernetes \
             {cluster_version}: {why}; the default version for {cluster_version} is {target}",
            inst.name
        );
        let fix = match inst.from {
            AddonFrom::Eksctl => Fix::new(format!(
                "set the add-on to {target}, the default for Kubernetes {cluster_version}, then \
                 run `eksctl update addon -f <config>`"
            ))
            .with_snippet(format!(
                "addons:\n  - name: {}\n    version: {target}\n    resolveConflicts: preserve\n",
                inst.name
            )),
            AddonFrom::DescribeAddon => Fix::new(format!(
                "update the add-on to {target}, the default for Kubernetes {cluster_version}"
            ))
            .with_snippet(format!(
                "aws eks update-addon --cluster-name {cluster} --addon-name {} \\\n  --addon-version {target} --resolve-conflicts PRESERVE",
                inst.name
            )),
        };
        let mut f = RULE
            .finding(message, version.span)
            .fix(fix)
            .object(format!("Addon/{}", inst.name));
        f.severity = severity;
        match &listed {
            Some((span, _)) => {
                f = f.related(
                    *span,
                    format!("{written} in the describe-addon-versions snapshot"),
                )
            }
            None => {
                f = f.related(
                    info.span,
                    format!("{} in the describe-addon-versions snapshot", inst.name),
                )
            }
        }
        if let Some(default) = info.version(target) {
            let span = default
                .addon_version
                .as_ref()
                .map(|s| s.span)
                .unwrap_or(default.span);
            f = f.related(span, format!("{target}: compatible with {cluster_version}"));
        }
        f = f.related(cv.span, format!("cluster version {}", cv.value));
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERSIONS: &str = r#"{"addons": [{"addonName": "kube-proxy", "addonVersions": [
  {"addonVersion": "v1.31.3-eksbuild.2", "compatibilities": [{"clusterVersion": "1.31", "defaultVersion": true}]},
  {"addonVersion": "v1.31.2-eksbuild.3", "compatibilities": [{"clusterVersion": "1.31", "defaultVersion": false}]},
  {"addonVersion": "v1.29.0-eksbuild.1", "compatibilities": [{"clusterVersion": "1.29", "defaultVersion": true}]}
]}]}"#;

    fn run(cluster_yaml: &str) -> Vec<Finding> {
        let l = eksplane_load::load_texts([
            ("cluster.yaml", cluster_yaml),
            ("versions.json", VERSIONS),
        ]);
        check(&eksplane_facts::Facts::new(
            &l.platform,
            eksplane_aws_data::Catalog::embedded(),
        ))
    }

    fn config(version: &str, addon_version: &str) -> String {
        format!(
            "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: c\n  region: us-east-1\n  version: \"{version}\"\naddons:\n  - name: kube-proxy\n    version: {addon_version}\n"
        )
    }

    #[test]
    fn compatible_versions_pass() {
        assert!(run(&config("1.31", "v1.31.2-eksbuild.3")).is_empty());
        assert!(run(&config("1.31", "v1.31.3")).is_empty());
        assert!(run(&config("1.31", "latest")).is_empty());
    }

    #[test]
    fn listed_for_another_version_is_an_error() {
        let f = run(&config("1.31", "v1.29.0-eksbuild.1"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Error);
        assert_eq!(f[0].primary.span.start.line, 9);
        assert!(
            f[0].message.contains("only for Kubernetes 1.29"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].message
                .contains("default version for 1.31 is v1.31.3-eksbuild.2")
        );
    }

    #[test]
    fn unlisted_is_a_warning() {
        let f = run(&config("1.31", "v1.30.9-eksbuild.1"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
    }

    #[test]
    fn snapshot_for_another_cluster_version_is_not_judged() {
        assert!(run(&config("1.33", "v1.29.0-eksbuild.1")).is_empty());
    }
}
