use crate::declare_rule;
use eksplane_aws_data::api_removals::{self, ApiRemoval, FieldChanges};
use eksplane_aws_data::eks_versions::minor_of;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_source::Span;

declare_rule! {
    /// ## What it does
    /// Flags an object whose `apiVersion` the cluster's Kubernetes version
    /// (eksctl `metadata.version` or `aws eks describe-cluster`) no longer
    /// serves: every removal from 1.16 to 1.36 in the Kubernetes deprecated
    /// API migration guide (`policy/v1beta1` PodDisruptionBudget and
    /// PodSecurityPolicy, `batch/v1beta1` CronJob, `autoscaling/v2beta2`
    /// HorizontalPodAutoscaler, `flowcontrol.apiserver.k8s.io/v1beta3`
    /// FlowSchema, ...), and Karpenter's `v1alpha5`/`v1alpha1` and `v1beta1`
    /// CRD versions from the first Kubernetes version no Karpenter release
    /// serving them supports (1.29 and 1.32). Objects of every kind are
    /// judged, including kinds eksplane does not otherwise model.
    ///
    /// ## Why it matters
    /// The API server answers `no matches for kind ... in version ...`: the
    /// object cannot be created or updated at all, so a pipeline applying the
    /// file fails (or, with `--continue-on-error`, silently leaves the old
    /// object, or none). A PodDisruptionBudget that never applies protects
    /// nothing during node drains.
    ///
    /// ## Example
    /// ```yaml
    /// # cluster on 1.29
    /// apiVersion: policy/v1beta1
    /// kind: PodDisruptionBudget
    /// ```
    ///
    /// ## Fix
    /// Write the replacement `apiVersion` (and the field changes the guide
    /// lists, if any); `kubectl-convert` rewrites a file:
    /// ```sh
    /// kubectl-convert -f pdb.yaml --output-version policy/v1
    /// ```
    /// `eksplane upgrade PATH --to 1.NN` lists what the next versions remove.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/reference/using-api/deprecation-guide/
    /// - https://karpenter.sh/docs/upgrading/upgrade-guide/
    /// - https://kubernetes.io/docs/tasks/tools/included/kubectl-convert-overview/
    pub RULE = ("UPG001", "api-removed-at-cluster-version", Error, "API version no longer served by the cluster's Kubernetes version", Some(check));
}

fn finding(
    row: &ApiRemoval,
    minor: u32,
    what: String,
    span: Span,
    version_span: Span,
    cluster_version: &str,
) -> Finding {
    let removed = row.removed_in().unwrap_or(minor);
    let by = row
        .removed_by
        .map_or(String::new(), |b| format!(" (removed by {b})"));
    let message = format!(
        "{what} uses {} {}, which Kubernetes 1.{removed} and later no longer serve{by}; the cluster runs {cluster_version}: the object cannot be applied",
        row.api_version, row.kind
    );
    let fix = match (api_removals::replacement_at(row, minor), row.fields) {
        (Some(r), fields) => {
            let kind = row.replacement_kind.unwrap_or(row.kind);
            let mut d = format!("write apiVersion: {r}");
            if kind != row.kind {
                d.push_str(&format!(" and kind: {kind}"));
            }
            if let FieldChanges::Notable(n) = fields {
                d.push_str(&format!("; also: {n}"));
            }
            let f = Fix::new(d);
            if row.removed_by.is_none() {
                f.with_snippet(format!("kubectl-convert -f FILE --output-version {r}"))
            } else {
                f
            }
        }
        (None, FieldChanges::NoReplacement(why)) => Fix::new(why),
        (None, _) => Fix::new("remove the object: its API has no replacement"),
    };
    RULE.finding(message, span)
        .fix(fix)
        .object(what)
        .related(version_span, format!("cluster version {cluster_version}"))
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let Some(cv) = &p.cluster.version else {
        return Vec::new();
    };
    let Some(minor) = minor_of(&cv.value) else {
        return Vec::new();
    };
    let removed = |api: &str, kind: &str| {
        api_removals::lookup(api, kind).filter(|r| r.removed_in().is_some_and(|m| m <= minor))
    };
    let mut out = Vec::new();
    for o in p.kube_objects() {
        let origin = o.origin();
        if let Some(row) = removed(&origin.api_version, &origin.kind) {
            let what = format!("{}", o.object_ref());
            out.push(finding(row, minor, what, origin.span, cv.span, &cv.value));
        }
    }
    for o in &p.opaque {
        if let Some(row) = removed(&o.origin.api_version, &o.origin.kind) {
            let name = &o.metadata.name.value;
            let what = match &o.metadata.namespace {
                Some(ns) => format!("{}/{}/{name}", o.origin.kind, ns.value),
                None => format!("{}/{name}", o.origin.kind),
            };
            out.push(finding(row, minor, what, o.origin.span, cv.span, &cv.value));
        }
    }
    out.sort_by_key(|f| f.primary.span);
    out
}
