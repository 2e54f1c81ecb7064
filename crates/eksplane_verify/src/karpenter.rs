//! Karpenter: NodePools and EC2NodeClasses `Ready`, NodeClaims `Launched`,
//! `Registered` and `Initialized` (the guide's `kubectl get
//! nodepool,ec2nodeclass` READY column and `kubectl get nodeclaim`).
//! Condition types: kubernetes-sigs/karpenter pkg/apis/v1/nodepool_status.go
//! and nodeclaim_status.go; aws/karpenter-provider-aws
//! pkg/apis/v1/ec2nodeclass_status.go.

use crate::Check;
use eksplane_facts::Facts;
use eksplane_model::KubeObject;
use eksplane_model::k8s::Condition;
use eksplane_model::karpenter::NODE_CLAIM_LIFECYCLE;
use eksplane_source::{Span, Spanned};

const NEEDS: &str = "kubectl get nodepools,ec2nodeclasses,nodeclaims -o yaml";

fn why(c: &Condition) -> String {
    let mut parts = Vec::new();
    if let Some(r) = c.reason.as_deref().filter(|r| !r.is_empty()) {
        parts.push(format!("reason {r}"));
    }
    if let Some(m) = c.message.as_deref().filter(|m| !m.is_empty()) {
        parts.push(format!("message {m:?}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

/// The `Ready` check of a NodePool or EC2NodeClass.
fn ready(
    object: String,
    origin_span: Span,
    status: Option<(Span, Option<&Spanned<Condition>>)>,
) -> Check {
    let Some((status_span, cond)) = status else {
        return Check::skipped(format!(
            "{object} has no status (a manifest, not the API server's copy): needs `{NEEDS}`"
        ))
        .object(object)
        .at(origin_span);
    };
    match cond {
        Some(c) if c.value.is_true() => Check::pass(format!("{object}: Ready True"))
            .object(object)
            .field("status.conditions[type=Ready].status")
            .at(c.value.status.as_ref().map_or(c.span, |s| s.span)),
        Some(c) => Check::fail(format!(
            "{object}: Ready {}{}",
            c.value.status_str(),
            why(&c.value)
        ))
        .object(object)
        .field("status.conditions[type=Ready].status")
        .at(c.value.status.as_ref().map_or(c.span, |s| s.span)),
        None => Check::fail(format!(
            "{object}: status has no Ready condition: Karpenter has not reconciled it (is the \
             controller running?)"
        ))
        .object(object)
        .field("status.conditions")
        .at(status_span),
    }
}

pub(crate) fn checks(facts: &Facts<'_>) -> Vec<Check> {
    let p = facts.platform;
    if p.node_pools.is_empty() && p.node_classes.is_empty() && p.node_claims.is_empty() {
        return vec![Check::skipped(format!(
            "no Karpenter NodePool, EC2NodeClass or NodeClaim in the inputs: needs `{NEEDS}`"
        ))];
    }
    let mut out = Vec::new();
    for pool in &p.node_pools {
        out.push(ready(
            pool.object_ref().to_string(),
            pool.origin.span,
            pool.status
                .as_ref()
                .map(|s| (s.span, s.value.condition("Ready"))),
        ));
    }
    for class in &p.node_classes {
        out.push(ready(
            class.object_ref().to_string(),
            class.origin.span,
            class
                .status
                .as_ref()
                .map(|s| (s.span, s.value.condition("Ready"))),
        ));
    }
    if p.node_claims.is_empty() {
        out.push(no_claims(facts));
    }
    for claim in &p.node_claims {
        let object = claim.object_ref().to_string();
        let Some(status) = &claim.status else {
            out.push(
                Check::skipped(format!(
                    "{object} has no status (a manifest, not the API server's copy): needs \
                     `{NEEDS}`"
                ))
                .object(object)
                .at(claim.origin.span),
            );
            continue;
        };
        let failed = NODE_CLAIM_LIFECYCLE
            .iter()
            .find_map(|t| match status.value.condition(t) {
                Some(c) if c.value.is_true() => None,
                Some(c) => Some(
                    Check::fail(format!(
                        "{object}: {t} {}{}",
                        c.value.status_str(),
                        why(&c.value)
                    ))
                    .field(format!("status.conditions[type={t}].status"))
                    .at(c.value.status.as_ref().map_or(c.span, |s| s.span)),
                ),
                None => Some(
                    Check::fail(format!(
                        "{object}: no {t} condition yet: the node is not {}",
                        t.to_ascii_lowercase()
                    ))
                    .field("status.conditions")
                    .at(status.span),
                ),
            });
        let pool = claim
            .node_pool()
            .map(|n| format!(", NodePool {n}"))
            .unwrap_or_default();
        out.push(match failed {
            Some(c) => c.object(object),
            None => {
                let node = status
                    .value
                    .node_name
                    .as_ref()
                    .map(|n| format!(" as node {}", n.value))
                    .unwrap_or_default();
                let span = status
                    .value
                    .condition("Initialized")
                    .map_or(status.span, |c| c.span);
                Check::pass(format!(
                    "{object}: Launched, Registered and Initialized{node}{pool}"
                ))
                .object(object)
                .field("status.conditions")
                .at(span)
            }
        });
    }
    out
}

/// No NodeClaim in the inputs: fine only when every NodePool says it has no
/// nodes; otherwise they were not given.
fn no_claims(facts: &Facts<'_>) -> Check {
    let pools = &facts.platform.node_pools;
    let counts: Option<Vec<(&str, &Spanned<i64>)>> = pools
        .iter()
        .map(|p| {
            p.status
                .as_ref()
                .and_then(|s| s.value.nodes.as_ref())
                .map(|n| (p.name(), n))
        })
        .collect();
    match counts {
        Some(c) if !c.is_empty() && c.iter().all(|(_, n)| n.value == 0) => Check::pass(format!(
            "no NodeClaim, as expected: every NodePool reports status.nodes 0 ({})",
            c.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
        ))
        .field("status.nodes")
        .at(c[0].1.span),
        Some(c) if !c.is_empty() => {
            let (name, n) = c.iter().find(|(_, n)| n.value > 0).copied().unwrap_or(c[0]);
            Check::skipped(format!(
                "NodePool/{name} reports {} node(s) but no NodeClaim is in the inputs: needs \
                 `kubectl get nodeclaims -o yaml`",
                n.value
            ))
            .object(format!("NodePool/{name}"))
            .field("status.nodes")
            .at(n.span)
        }
        _ => Check::skipped("no NodeClaim in the inputs: needs `kubectl get nodeclaims -o yaml`"),
    }
}
