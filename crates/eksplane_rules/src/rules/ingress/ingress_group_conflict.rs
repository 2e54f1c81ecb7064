use super::util::{Stated, groups, ns_name, stated, stated_scheme};
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::KubeObject;
use eksplane_model::ingress::Ingress;
use eksplane_source::Spanned;
use std::collections::BTreeMap;

declare_rule! {
    /// ## What it does
    /// Flags an IngressGroup (Ingresses sharing one ALB through `group.name`
    /// or their IngressClassParams `group`) whose members state different
    /// values for a group-wide setting: `scheme` or `ip-address-type`
    /// (annotation, or IngressClassParams `scheme` / `ipAddressType`), or that
    /// give two members the same explicit `group.order`.
    ///
    /// Members that leave a group-wide setting unset do not conflict: the
    /// group takes the one value stated.
    ///
    /// ## Why it matters
    /// One group is one ALB, so the controller needs one scheme and one IP
    /// address type for it; with conflicting values (or a duplicate explicit
    /// order, which leaves rule priority undefined) it refuses to build the
    /// group's model, and no member's routes are created or updated.
    ///
    /// ## Example
    /// `shop/cart` with `scheme: internet-facing` and `shop/admin` with
    /// `scheme: internal`, both in group `shop`.
    ///
    /// ## Fix
    /// Move the odd member to a group of its own (an internal ALB for internal
    /// routes), or make the values agree; give each member its own order:
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     alb.ingress.kubernetes.io/group.name: shop-internal
    ///     alb.ingress.kubernetes.io/group.order: "20"
    /// ```
    ///
    /// ## References
    /// - https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#ingressgroup
    /// - kubernetes-sigs/aws-load-balancer-controller `pkg/ingress/model_build_load_balancer.go` (`buildLoadBalancerScheme`)
    pub RULE = ("ING005", "ingress-group-conflict", Error, "IngressGroup members conflict", Some(check));
}

type Param = fn(&eksplane_model::ingress::IngressClassParams) -> Option<&Spanned<String>>;

fn conflict(
    group: &str,
    members: &[&Ingress],
    setting: &str,
    states: &dyn Fn(&Ingress) -> Option<Stated>,
) -> Option<Finding> {
    let stated: Vec<(&Ingress, Stated)> = members
        .iter()
        .filter_map(|m| states(m).map(|s| (*m, s)))
        .collect();
    let mut values: Vec<&str> = stated.iter().map(|(_, s)| s.value.as_str()).collect();
    values.sort_unstable();
    values.dedup();
    if values.len() < 2 {
        return None;
    }
    let first = stated.first()?;
    // Point at the first member that departs from the first stated value.
    let (odd, odd_s) = stated.iter().find(|(_, s)| s.value != first.1.value)?;
    let mut f = RULE
        .finding(
            format!(
                "IngressGroup {group}: members state different {setting} values ({}): Ingress {} \
                 says {} ({}) while Ingress {} says {} ({}); one group is one ALB, so the \
                 controller refuses to reconcile the whole group",
                values.join(", "),
                ns_name(odd),
                odd_s.value,
                odd_s.from,
                ns_name(first.0),
                first.1.value,
                first.1.from,
            ),
            odd_s.span,
        )
        .fix(
            Fix::new(format!(
                "give the Ingresses with a different {setting} an IngressGroup of their own, or \
                 make the values agree"
            ))
            .with_snippet(format!(
                "metadata:\n  annotations:\n    alb.ingress.kubernetes.io/group.name: {group}-{}\n",
                odd_s.value
            )),
        )
        .object(format!("IngressGroup/{group}"));
    for m in members
        .iter()
        .filter(|m| m.object_ref() != odd.object_ref())
    {
        f = match stated
            .iter()
            .find(|(i, _)| i.object_ref() == m.object_ref())
        {
            Some((_, s)) => f.related(
                s.span,
                format!(
                    "Ingress {} states {setting} {} ({})",
                    ns_name(m),
                    s.value,
                    s.from
                ),
            ),
            None => f.related(
                m.origin.locate_key(&["metadata"], "annotations"),
                format!(
                    "Ingress {} is in the group and states no {setting}",
                    ns_name(m)
                ),
            ),
        };
    }
    Some(f)
}

fn duplicate_orders(group: &str, members: &[&Ingress]) -> Vec<Finding> {
    let mut by_order: BTreeMap<i32, Vec<(&Ingress, Spanned<i32>)>> = BTreeMap::new();
    for m in members {
        if let Some(Spanned { value: Ok(n), span }) = m.alb().group_order {
            by_order
                .entry(n)
                .or_default()
                .push((*m, Spanned::new(n, span)));
        }
    }
    let mut out = Vec::new();
    for (order, list) in by_order.into_iter().filter(|(_, l)| l.len() > 1) {
        let Some((odd, at)) = list.get(1) else {
            continue;
        };
        let others: Vec<String> = list.iter().map(|(i, _)| ns_name(i)).collect();
        let mut f = RULE
            .finding(
                format!(
                    "IngressGroup {group}: {} Ingresses set the same explicit group.order {order} \
                     ({}); the controller needs a distinct order per member to rank their \
                     rules, and rejects the group",
                    list.len(),
                    others.join(", ")
                ),
                at.span,
            )
            .fix(
                Fix::new("give every member of the group its own group.order").with_snippet(
                    format!(
                        "metadata:\n  annotations:\n    alb.ingress.kubernetes.io/group.order: \"{}\"\n",
                        order.saturating_add(10)
                    ),
                ),
            )
            .object(odd.object_ref().to_string());
        for (i, s) in list
            .iter()
            .filter(|(i, _)| i.object_ref() != odd.object_ref())
        {
            f = f.related(
                s.span,
                format!("Ingress {} also sets group.order {order}", ns_name(i)),
            );
        }
        for m in members
            .iter()
            .filter(|m| !list.iter().any(|(i, _)| i.object_ref() == m.object_ref()))
        {
            f = f.related(
                m.origin.locate_key(&["metadata"], "annotations"),
                format!("Ingress {} is in the group too", ns_name(m)),
            );
        }
        out.push(f);
    }
    out
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let ip_type: Param = |c| c.spec.ip_address_type.as_ref();
    let mut out = Vec::new();
    for (group, members) in groups(p) {
        if members.len() < 2 {
            continue;
        }
        out.extend(conflict(&group, &members, "scheme", &|i| {
            stated_scheme(p, i)
        }));
        out.extend(conflict(&group, &members, "ip-address-type", &|i| {
            stated(p, i, ip_type, "ip-address-type")
        }));
        out.extend(duplicate_orders(&group, &members));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ingress(name: &str, annotations: &str) -> String {
        format!(
            "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}\n  namespace: shop\n  annotations:\n    alb.ingress.kubernetes.io/group.name: shop\n{annotations}spec:\n  ingressClassName: alb\n"
        )
    }

    fn run(parts: &[String]) -> Vec<Finding> {
        let text = parts.concat();
        check(&eksplane_facts::Facts::new(
            &eksplane_load::load_texts([("in.yaml", text.as_str())]).platform,
            eksplane_aws_data::Catalog::embedded(),
        ))
    }

    const PUBLIC: &str = "    alb.ingress.kubernetes.io/scheme: internet-facing\n";
    const INTERNAL: &str = "    alb.ingress.kubernetes.io/scheme: internal\n";

    #[test]
    fn agreeing_or_unset_schemes_pass() {
        assert!(run(&[ingress("a", PUBLIC), ingress("b", PUBLIC)]).is_empty());
        assert!(run(&[ingress("a", PUBLIC), ingress("b", "")]).is_empty());
    }

    #[test]
    fn conflicting_schemes_fire_once_with_every_member() {
        let f = run(&[
            ingress("a", PUBLIC),
            ingress("b", INTERNAL),
            ingress("c", ""),
        ]);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("shop/b says internal"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].related.len(), 2);
    }

    #[test]
    fn duplicate_orders_fire() {
        let o = "    alb.ingress.kubernetes.io/group.order: \"10\"\n";
        let f = run(&[ingress("a", o), ingress("b", o), ingress("c", "")]);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("group.order 10"), "{}", f[0].message);
        let o2 = "    alb.ingress.kubernetes.io/group.order: \"20\"\n";
        assert!(run(&[ingress("a", o), ingress("b", o2)]).is_empty());
    }
}
