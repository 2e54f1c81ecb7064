//! DaemonSets ready: `numberReady == desiredNumberScheduled` (the guide's
//! `kubectl get daemonset` READY column), for the data plane's `aws-node`
//! and `kube-proxy`; shared with the Pod Identity agent's check.

use crate::Check;
use eksplane_facts::Facts;
use eksplane_model::KubeObject;
use eksplane_model::k8s::{Workload, WorkloadKind};

pub(crate) const KUBE_SYSTEM: &str = "kube-system";

/// The DaemonSet `namespace/name` of the inputs.
pub(crate) fn daemonset<'a>(
    facts: &Facts<'a>,
    namespace: &str,
    name: &str,
) -> Option<&'a Workload> {
    facts.platform.workloads.iter().find(|w| {
        w.kind == WorkloadKind::DaemonSet && w.name() == name && w.namespace() == Some(namespace)
    })
}

/// What `kubectl get daemonset NAME -n NS -o yaml` gives.
pub(crate) fn needs_daemonset(namespace: &str, name: &str) -> String {
    format!("kubectl get daemonset {name} -n {namespace} -o yaml")
}

/// Whether a DaemonSet runs ready on every node it is scheduled to.
pub(crate) fn readiness(ds: &Workload) -> Check {
    let object = ds.object_ref().to_string();
    let (ns, name) = (ds.namespace().unwrap_or(KUBE_SYSTEM), ds.name());
    let Some(status) = &ds.daemon_set_status else {
        return Check::skipped(format!(
            "{object} has no status (a manifest, not the API server's copy): needs `{}`",
            needs_daemonset(ns, name)
        ))
        .object(object)
        .at(ds.origin.span);
    };
    let st = &status.value;
    let (Some(desired), Some(ready)) = (&st.desired_number_scheduled, &st.number_ready) else {
        return Check::skipped(format!(
            "{object}: status has no desiredNumberScheduled or numberReady: needs `{}`",
            needs_daemonset(ns, name)
        ))
        .object(object)
        .field("status")
        .at(status.span);
    };
    if desired.value == 0 {
        return Check::fail(format!(
            "{object}: desiredNumberScheduled is 0: no node runs it"
        ))
        .object(object)
        .field("status.desiredNumberScheduled")
        .at(desired.span);
    }
    if ready.value == desired.value {
        return Check::pass(format!(
            "{object}: numberReady {} == desiredNumberScheduled {}",
            ready.value, desired.value
        ))
        .object(object)
        .field("status.numberReady")
        .at(ready.span);
    }
    let unavailable = st
        .number_unavailable
        .as_ref()
        .map(|u| format!(", numberUnavailable {}", u.value))
        .unwrap_or_default();
    Check::fail(format!(
        "{object}: numberReady {} of desiredNumberScheduled {}{unavailable}: pods on {} node(s) are not ready (`kubectl get pods -n {ns} -l <its selector> -o wide`)",
        ready.value,
        desired.value,
        (desired.value - ready.value).max(0)
    ))
    .object(object)
    .field("status.numberReady")
    .at(ready.span)
}

pub(crate) fn checks(facts: &Facts<'_>) -> Vec<Check> {
    ["aws-node", "kube-proxy"]
        .into_iter()
        .map(|name| match daemonset(facts, KUBE_SYSTEM, name) {
            Some(ds) => readiness(ds),
            None => Check::skipped(format!(
                "no DaemonSet kube-system/{name} in the inputs: needs `{}`",
                needs_daemonset(KUBE_SYSTEM, name)
            ))
            .object(format!("DaemonSet/{KUBE_SYSTEM}/{name}")),
        })
        .collect()
}
