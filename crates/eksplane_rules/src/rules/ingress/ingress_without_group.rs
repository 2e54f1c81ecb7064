use crate::declare_rule;
use eksplane_diagnostics::{Applicability, Edit, Finding, Fix, YamlPath};
use eksplane_facts::Facts;
use eksplane_model::ingress::Ingress;
use eksplane_model::{KubeObject, Platform};
use std::collections::BTreeSet;

declare_rule! {
    /// ## What it does
    /// Flags an Ingress handled by the AWS Load Balancer Controller that has no
    /// `alb.ingress.kubernetes.io/group.name` (and no group from its
    /// IngressClassParams) when the inputs hold more than one ALB: each such
    /// Ingress gets an Application Load Balancer of its own.
    ///
    /// ## Why it matters
    /// Every ALB bills by the hour (us-east-1: $0.0225 per ALB-hour, about
    /// $16.43 a month, plus LCUs) and consumes IPs in every subnet it spans.
    /// An IngressGroup merges many Ingresses onto one shared ALB.
    ///
    /// ## Example
    /// Two Ingresses of class `alb`, neither with `group.name`: two ALBs.
    ///
    /// ## Fix
    /// Give Ingresses that can share a load balancer (same scheme, compatible
    /// listeners) the same group name, ordered with `group.order`:
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     alb.ingress.kubernetes.io/group.name: public
    ///     alb.ingress.kubernetes.io/group.order: "10"
    /// ```
    ///
    /// `eksplane check --fix --unsafe-fixes` sets `group.name` to the first
    /// existing group of the Ingress's scheme, else to `shared-internal` /
    /// `shared-internet-facing`. Unsafe: the Ingress moves to another ALB,
    /// so its DNS name changes.
    ///
    /// ## References
    /// - https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#ingressgroup
    /// - https://aws.amazon.com/elasticloadbalancing/pricing/
    pub RULE = ("ING001", "ingress-without-group", Warning, "Ingress creates its own ALB", Some(check));
}

// The ALB price, which Ingresses are the controller's and their
// IngressGroups live in the facts layer, shared with the simulator's cost.
pub use eksplane_facts::costs::{ALB_HOURLY_USD, group_of, is_alb};
/// Hours in a month, as AWS pricing pages count them.
pub const HOURS_PER_MONTH: f64 = 730.0;

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let albs: Vec<&Ingress> = p.ingresses.iter().filter(|i| is_alb(p, i)).collect();
    let groups: BTreeSet<String> = albs.iter().filter_map(|i| group_of(p, i)).collect();
    let ungrouped: Vec<&&Ingress> = albs.iter().filter(|i| group_of(p, i).is_none()).collect();
    // One ALB per IngressGroup and per ungrouped Ingress: the count the
    // simulator prices (`eksplane_facts::costs::alb_count`).
    let total = eksplane_facts::costs::alb_count(p);
    if ungrouped.is_empty() || total < 2 {
        return Vec::new();
    }
    // Ungrouped Ingresses could share one ALB per scheme, or join an
    // existing IngressGroup of their scheme: per scheme, the saving is every
    // ungrouped Ingress when a group of that scheme exists, else all but one.
    let scheme = |i: &Ingress| format!("{:?}", i.alb().effective_scheme());
    let group_schemes: BTreeSet<String> = albs
        .iter()
        .filter(|i| group_of(p, i).is_some())
        .map(|i| scheme(i))
        .collect();
    let mut by_scheme: std::collections::BTreeMap<String, usize> = Default::default();
    for i in &ungrouped {
        *by_scheme.entry(scheme(i)).or_default() += 1;
    }
    let saving_of = |sc: &str| {
        let n = by_scheme.get(sc).copied().unwrap_or(0);
        if group_schemes.contains(sc) {
            n
        } else {
            n.saturating_sub(1)
        }
    };
    let saved: usize = by_scheme.keys().map(|sc| saving_of(sc)).sum();
    let monthly = saved as f64 * ALB_HOURLY_USD * HOURS_PER_MONTH;
    // Related places shown per finding: enough to act on, never the square
    // of the input.
    const RELATED_SHOWN: usize = 5;
    ungrouped
        .iter()
        // An Ingress alone in its scheme with no group to join needs its ALB.
        .filter(|ing| saving_of(&scheme(ing)) > 0)
        .map(|ing| {
            let span = ing.origin.locate_key(&["metadata"], "annotations");
            let mut f = RULE
                .finding(
                    format!(
                        "Ingress {}/{} has no group.name, so it gets an ALB of its own: the inputs \
                         create {total} ALBs ({} ungrouped, {}); grouping them by scheme (or \
                         into an existing group of their scheme) would remove {saved} ALB{}, about ${monthly:.2} a month in \
                         us-east-1 before LCUs",
                        ing.namespace().unwrap_or("default"),
                        ing.name(),
                        ungrouped.len(),
                        plural(groups.len(), "IngressGroup"),
                        if saved == 1 { "" } else { "s" },
                    ),
                    span,
                )
                .fix(group_edit(
                    p,
                    ing,
                    &albs,
                    Fix::new("join an IngressGroup shared with the other Ingresses of the same scheme")
                        .with_snippet(
                            "metadata:\n  annotations:\n    alb.ingress.kubernetes.io/group.name: shared\n    alb.ingress.kubernetes.io/group.order: \"10\"\n",
                        ),
                ))
                .object(ing.object_ref().to_string());
            let others: Vec<_> = ungrouped
                .iter()
                .filter(|o| o.object_ref() != ing.object_ref() && scheme(o) == scheme(ing))
                .collect();
            if others.len() > RELATED_SHOWN {
                f = f.related(
                    ing.origin.span,
                    format!(
                        "and {} more ungrouped Ingresses of this scheme",
                        others.len() - RELATED_SHOWN
                    ),
                );
            }
            for other in others.into_iter().take(RELATED_SHOWN) {
                f = f.related(
                    other.origin.span,
                    format!("{} also has an ALB of its own", other.object_ref()),
                );
            }
            f
        })
        .collect()
}

/// The group annotation `check --fix --unsafe-fixes` writes.
const GROUP_NAME: &str = "alb.ingress.kubernetes.io/group.name";

/// The fix's edit: the Ingress's `group.name` set to the first existing
/// group (by name) of its scheme, else to `shared-<scheme>` (the name every
/// ungrouped Ingress of the scheme gets, so they share one ALB).
///
/// Unsafe (only with `--unsafe-fixes`): the controller moves the Ingress's
/// rules onto the group's ALB and deletes its own, so its DNS name changes
/// and records (Route 53, external-dns, CDN origins) must follow. No edit
/// when joining would conflict: the Ingress names its own load balancer
/// (`load-balancer-name`) or states an `ip-address-type` that a member of
/// the group states differently (ING003).
fn group_edit(p: &Platform, ing: &Ingress, albs: &[&Ingress], fix: Fix) -> Fix {
    let scheme = ing.alb().effective_scheme();
    let mut existing: Vec<String> = albs
        .iter()
        .filter(|i| i.alb().effective_scheme() == scheme)
        .filter_map(|i| group_of(p, i))
        .collect();
    existing.sort();
    let name = existing.first().cloned().unwrap_or_else(|| {
        format!(
            "shared-{}",
            match scheme {
                eksplane_model::ingress::Scheme::Internal => "internal",
                eksplane_model::ingress::Scheme::InternetFacing => "internet-facing",
            }
        )
    });
    let annotations = ing.alb().all;
    if annotations.contains_key("load-balancer-name") {
        return fix;
    }
    let ip_type = |i: &Ingress| i.alb().all.get("ip-address-type").map(|v| v.value.clone());
    let mine = ip_type(ing);
    let conflict = albs
        .iter()
        .filter(|i| group_of(p, i).as_deref() == Some(name.as_str()))
        .filter_map(|i| ip_type(i))
        .any(|t| mine.as_ref().is_some_and(|m| *m != t));
    if conflict {
        return fix;
    }
    let Some(target) = crate::fix::editable(&ing.origin, "networking.k8s.io/v1") else {
        return fix;
    };
    match Edit::set(
        target,
        YamlPath::keys(["metadata", "annotations", GROUP_NAME]),
        name,
    ) {
        Ok(e) => fix.with_edits(Applicability::Unsafe, vec![e]),
        Err(_) => fix,
    }
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
