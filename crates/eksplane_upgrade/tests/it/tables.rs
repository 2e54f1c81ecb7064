//! The embedded tables against their sources.

use crate::workspace_root;
use eksplane_aws_data::api_removals::{API_REMOVALS, ApiSource, ApiStatus};
use eksplane_aws_data::karpenter_compat::{
    AppVersion, KARPENTER_COMPATIBILITY, KarpenterVersion, compat_of,
};
use std::collections::BTreeSet;

/// Every Kubernetes release from 1.16 to 1.36: the table's removals in it
/// are exactly the guide's.
#[test]
fn deprecation_table_matches_the_guide_release_by_release() {
    let text = include_str!("../data/deprecation-guide-removals.txt");
    let mut guide: std::collections::BTreeMap<u32, BTreeSet<(String, String)>> = Default::default();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let minor: u32 = cols[0]
            .strip_prefix("v1.")
            .and_then(|m| m.parse().ok())
            .unwrap_or_else(|| panic!("bad release in {line:?}"));
        let set = guide.entry(minor).or_default();
        if cols.get(1) != Some(&"-") {
            assert_eq!(cols.len(), 3, "{line:?}");
            set.insert((cols[1].to_string(), cols[2].to_string()));
        }
    }
    assert_eq!(
        guide.keys().copied().collect::<Vec<_>>(),
        (16..=36).collect::<Vec<_>>(),
        "the transcription covers every release from 1.16 to 1.36"
    );
    for (minor, want) in &guide {
        let have: BTreeSet<(String, String)> = API_REMOVALS
            .iter()
            .filter(|r| r.source == ApiSource::KubernetesGuide)
            .filter(|r| r.removed_in() == Some(*minor))
            .map(|r| (r.api_version.to_string(), r.kind.to_string()))
            .collect();
        assert_eq!(&have, want, "removals in 1.{minor}");
    }
    // And no Kubernetes row outside 1.16-1.36.
    for r in API_REMOVALS
        .iter()
        .filter(|r| r.source == ApiSource::KubernetesGuide)
    {
        let m = r.removed_in().unwrap_or(0);
        assert!((16..=36).contains(&m), "{r}");
    }
}

/// An ecosystem CRD version is "removed" at the first Kubernetes minor that
/// no Karpenter release still serving it supports.
#[test]
fn karpenter_removals_follow_the_compatibility_matrix() {
    let last_serving = |api: &str| match api {
        "karpenter.sh/v1alpha5" | "karpenter.k8s.aws/v1alpha1" => KarpenterVersion::new(0, 32, 99),
        _ => KarpenterVersion::new(1, 0, 99),
    };
    let karpenter_rows: Vec<_> = API_REMOVALS
        .iter()
        .filter(|r| r.source == ApiSource::Karpenter)
        .collect();
    assert_eq!(karpenter_rows.len(), 6);
    for r in karpenter_rows {
        let row = compat_of(last_serving(r.api_version)).expect("in the matrix");
        assert_eq!(r.removed_in(), Some(row.max_k8s_minor + 1), "{r}");
    }
    // The other ecosystem rows are watched, not removed.
    for r in API_REMOVALS.iter().filter(|r| {
        matches!(
            r.source,
            ApiSource::AwsLoadBalancerController | ApiSource::VpcResourceController
        )
    }) {
        assert!(!matches!(r.status, ApiStatus::Removed { .. }), "{r}");
    }
}

/// The embedded matrix against aws/karpenter-provider-aws's
/// compatibility.yaml (a copy in `../shared`, read only by this test).
#[test]
#[allow(
    clippy::print_stderr,
    reason = "the test says that it was skipped when the copy is absent"
)]
fn karpenter_matrix_equals_compatibility_yaml() {
    let path = workspace_root().join("../shared/data/karpenter-provider-aws/compatibility.yaml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} is absent", path.display());
        return;
    };
    let mut rows: Vec<(String, u32, u32)> = Vec::new();
    let mut app: Option<String> = None;
    let mut min: Option<u32> = None;
    let minor = |v: &str| -> u32 {
        v.trim()
            .strip_prefix("1.")
            .and_then(|m| m.parse().ok())
            .unwrap_or_else(|| panic!("bad version {v:?}"))
    };
    for line in text.lines().map(str::trim) {
        if let Some(v) = line.strip_prefix("- appVersion:") {
            app = Some(v.trim().to_string());
        } else if let Some(v) = line.strip_prefix("minK8sVersion:") {
            min = Some(minor(v));
        } else if let Some(v) = line.strip_prefix("maxK8sVersion:") {
            let row = (
                app.take().expect("appVersion first"),
                min.take().expect("min first"),
                minor(v),
            );
            if !rows.contains(&row) {
                rows.push(row);
            }
        }
    }
    let ours: Vec<(String, u32, u32)> = KARPENTER_COMPATIBILITY
        .iter()
        .map(|c| {
            let app = match c.app_version {
                AppVersion::Minor { major, minor } => format!("{major}.{minor}.x"),
                AppVersion::FromPatch(v) => v.to_string(),
            };
            (app, c.min_k8s_minor, c.max_k8s_minor)
        })
        .collect();
    assert_eq!(ours, rows);
}
