use crate::declare_rule;
use eksplane_aws_data::eks_versions::{self, Date, Support};
use eksplane_diagnostics::{Finding, Fix, Severity};
use eksplane_facts::Facts;
use eksplane_model::Platform;

declare_rule! {
    /// ## What it does
    /// Flags a cluster whose Kubernetes version (eksctl `metadata.version` or
    /// `describe-cluster` `version`) is past the end of EKS standard support,
    /// or within 60 days of it, according to the EKS release calendar eksplane
    /// ships. Severity depends on the date: **error** past the end of extended
    /// support, **warning** in extended support, **info** within 60 days of
    /// the end of standard support.
    ///
    /// "Today" is the machine's UTC date; set `EKSPLANE_TODAY=YYYY-MM-DD` (or
    /// `eksplane check --today YYYY-MM-DD`) to judge as of another day
    /// (reproducible CI, or planning ahead: "what will be out of support next
    /// quarter?"). A version newer than the newest in the calendar is not
    /// judged.
    ///
    /// ## Why it matters
    /// A minor version gets 14 months of standard support on EKS, then 12
    /// months of extended support billed at $0.60 per cluster-hour instead of
    /// $0.10 (about $365 more per cluster per month). When extended support
    /// ends, EKS upgrades the control plane on its own schedule, without
    /// notice, leaving add-ons and nodes behind. Upgrades go one minor version
    /// at a time, so falling behind turns one quarterly upgrade into a chain.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: eksctl.io/v1alpha5
    /// kind: ClusterConfig
    /// metadata:
    ///   name: platform-prod
    ///   region: us-east-1
    ///   version: "1.29"
    /// ```
    ///
    /// ## Fix
    /// Upgrade one minor version at a time (add-ons first, then the control
    /// plane, then the nodes) until the cluster is on a version in standard
    /// support:
    /// ```sh
    /// aws eks update-cluster-version --name platform-prod --kubernetes-version 1.30
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
    /// - https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html
    /// - https://aws.amazon.com/eks/pricing/
    pub RULE = ("ADD003", "cluster-version-support", Warning, "Cluster version is past or near the end of EKS standard support", Some(check));
}

/// How long before the end of standard support the rule starts to warn.
pub const WARN_DAYS: i64 = 60;

/// What the rule says about `version` on `today`, given the cluster's
/// upgrade policy (`describe-cluster` `upgradePolicy.supportType`, `STANDARD`
/// or `EXTENDED`, the default): a severity and the reason, or `None` when
/// there is nothing to say. Pure.
pub fn verdict(
    version: &str,
    today: Date,
    support_type: Option<&str>,
) -> Option<(Severity, String)> {
    let auto_upgrade = support_type == Some("STANDARD");
    match eks_versions::support_on(version, today, WARN_DAYS)? {
        Support::Standard(_) => None,
        Support::StandardEndingSoon(v) => Some((
            Severity::Info,
            if auto_upgrade {
                format!(
                    "Kubernetes {} leaves EKS standard support on {}, when EKS upgrades the \
                     control plane by itself (upgrade policy supportType STANDARD), leaving \
                     add-ons and nodes behind",
                    v.version, v.end_of_standard
                )
            } else {
                format!(
                    "Kubernetes {} leaves EKS standard support on {}: from that day the cluster \
                     is billed for extended support ($0.60 instead of $0.10 per cluster-hour) \
                     until {}",
                    v.version, v.end_of_standard, v.end_of_extended
                )
            },
        )),
        Support::Extended(v) => Some((
            Severity::Warning,
            if auto_upgrade {
                format!(
                    "Kubernetes {} left EKS standard support on {}; with upgrade policy \
                     supportType STANDARD EKS upgrades the control plane by itself at any time, \
                     leaving add-ons and nodes behind",
                    v.version, v.end_of_standard
                )
            } else {
                format!(
                    "Kubernetes {} left EKS standard support on {} and is in extended support, \
                     billed at $0.60 instead of $0.10 per cluster-hour, until {}, when EKS \
                     upgrades the control plane by itself",
                    v.version, v.end_of_standard, v.end_of_extended
                )
            },
        )),
        Support::Ended(v) => Some((
            Severity::Error,
            format!(
                "Kubernetes {} reached the end of EKS extended support on {} (standard support \
                 ended {}): EKS upgrades such control planes at any time, without notice, \
                 leaving add-ons and nodes behind",
                v.version, v.end_of_extended, v.end_of_standard
            ),
        )),
        Support::OlderThanTable { minor } => Some((
            Severity::Error,
            format!(
                "Kubernetes 1.{minor} is older than every version EKS still supports (extended \
                 support for 1.22 and older ended by 2024-09-01): EKS upgrades such control \
                 planes at any time"
            ),
        )),
    }
}

/// The next minor version after `version`, for the upgrade command.
fn next_version(version: &str) -> Option<String> {
    eks_versions::minor_of(version).map(|m| format!("1.{}", m + 1))
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    // The run's date (`CheckOptions::today`); without one the rule cannot judge.
    match crate::context::today() {
        Some(today) => check_on(p, today),
        None => Vec::new(),
    }
}

fn check_on(p: &Platform, today: Date) -> Vec<Finding> {
    let Some(version) = &p.cluster.version else {
        return Vec::new();
    };
    let support_type = p
        .aws
        .cluster()
        .and_then(|c| c.upgrade_policy.as_ref())
        .and_then(|u| u.support_type.as_ref());
    let Some((severity, why)) = verdict(
        &version.value,
        today,
        support_type.map(|s| s.value.as_str()),
    ) else {
        return Vec::new();
    };
    let name = p
        .cluster
        .name
        .as_ref()
        .map(|n| n.value.as_str())
        .unwrap_or("CLUSTER");
    let message = format!("cluster {name}: {why}");
    let next = next_version(&version.value).unwrap_or_else(|| "1.x".into());
    let mut f = RULE
        .finding(message, version.span)
        .fix(
            Fix::new(format!(
                "upgrade one minor version at a time (add-ons first, then the control plane, \
                 then nodes), starting with {next}"
            ))
            .with_snippet(format!(
                "aws eks update-cluster-version --name {name} --kubernetes-version {next}"
            )),
        )
        .object(format!("Cluster/{name}"));
    f.severity = severity;
    for s in &version.also {
        f = f.related(*s, format!("also states version {}", version.value));
    }
    if let Some(st) = support_type {
        f = f.related(
            st.span,
            if st.value == "STANDARD" {
                "upgrade policy STANDARD: EKS upgrades the cluster when standard support ends"
            } else {
                "upgrade policy EXTENDED: the cluster stays, billed for extended support"
            },
        );
    }
    vec![f]
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksplane_model::Platform;

    fn d(y: i32, m: u8, dd: u8) -> Date {
        Date::new(y, m, dd)
    }

    #[test]
    fn verdict_by_date() {
        assert_eq!(verdict("1.31", d(2025, 9, 1), None), None);
        let (s, m) = verdict("1.31", d(2025, 10, 1), None).unwrap_or_else(|| panic!("info"));
        assert_eq!(s, Severity::Info);
        assert!(m.contains("2025-11-26"), "{m}");
        let (s, m) =
            verdict("1.31", d(2026, 1, 1), Some("EXTENDED")).unwrap_or_else(|| panic!("warning"));
        assert_eq!(s, Severity::Warning);
        assert!(m.contains("until 2026-11-26"), "{m}");
        let (s, m) =
            verdict("1.31", d(2026, 1, 1), Some("STANDARD")).unwrap_or_else(|| panic!("w"));
        assert_eq!(s, Severity::Warning);
        assert!(m.contains("by itself at any time"), "{m}");
        let (s, _) = verdict("1.31", d(2026, 11, 26), None).unwrap_or_else(|| panic!("error"));
        assert_eq!(s, Severity::Error);
        let (s, m) = verdict("1.20", d(2026, 11, 26), None).unwrap_or_else(|| panic!("old"));
        assert_eq!(s, Severity::Error);
        assert!(m.contains("1.20"), "{m}");
        assert_eq!(verdict("1.99", d(2026, 11, 26), None), None);
        assert_eq!(verdict("not-a-version", d(2026, 11, 26), None), None);
    }

    #[test]
    fn no_version_no_finding() {
        assert!(check_on(&Platform::default(), d(2030, 1, 1)).is_empty());
    }

    #[test]
    fn finding_points_at_the_version_and_the_upgrade_policy() {
        let l = eksplane_load::load_texts([
            (
                "cluster.yaml",
                "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: legacy\n  region: eu-west-1\n  version: \"1.30\"\n",
            ),
            (
                "describe-cluster.json",
                "{\"cluster\": {\"name\": \"legacy\", \"version\": \"1.30\",\n  \"upgradePolicy\": {\"supportType\": \"STANDARD\"}}}\n",
            ),
        ]);
        let f = check_on(&l.platform, d(2026, 1, 10));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(f[0].primary.span.start.line, 6);
        assert!(
            f[0].message.contains("supportType STANDARD EKS upgrades"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].related.len(), 2, "{:?}", f[0].related);
        let snippet = f[0].fix.as_ref().and_then(|x| x.snippet.as_deref());
        assert_eq!(
            snippet,
            Some("aws eks update-cluster-version --name legacy --kubernetes-version 1.31")
        );
    }

    #[test]
    fn the_run_date_decides_and_no_date_is_silent() {
        use crate::context::with_today;
        let l = eksplane_load::load_texts([(
            "cluster.yaml",
            "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: c\n  region: us-east-1\n  version: \"1.31\"\n",
        )]);
        assert!(
            check(&eksplane_facts::Facts::new(
                &l.platform,
                eksplane_aws_data::Catalog::embedded()
            ))
            .is_empty(),
            "no date, no verdict"
        );
        let before = with_today(Some(d(2025, 6, 1)), || {
            check(&eksplane_facts::Facts::new(
                &l.platform,
                eksplane_aws_data::Catalog::embedded(),
            ))
        });
        assert!(before.is_empty());
        let soon = with_today(Some(d(2025, 11, 1)), || {
            check(&eksplane_facts::Facts::new(
                &l.platform,
                eksplane_aws_data::Catalog::embedded(),
            ))
        });
        assert_eq!(soon.first().map(|f| f.severity), Some(Severity::Info));
        let after = with_today(Some(d(2027, 1, 1)), || {
            check(&eksplane_facts::Facts::new(
                &l.platform,
                eksplane_aws_data::Catalog::embedded(),
            ))
        });
        assert_eq!(after.first().map(|f| f.severity), Some(Severity::Error));
        assert!(crate::context::today().is_none(), "restored afterwards");
    }
}
