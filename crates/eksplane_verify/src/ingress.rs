//! Every Ingress has its load balancer's address: the AWS Load Balancer
//! Controller writes the ALB's DNS name into `status.loadBalancer.ingress[]`
//! once the ALB exists (kubernetes-sigs/aws-load-balancer-controller
//! docs/guide/ingress/spec.md; the guide's `kubectl get ingress -A` ADDRESS
//! column).

use crate::Check;
use eksplane_facts::Facts;
use eksplane_model::KubeObject;

pub(crate) fn checks(facts: &Facts<'_>) -> Vec<Check> {
    let p = facts.platform;
    if p.ingresses.is_empty() {
        return vec![Check::skipped(
            "no Ingress in the inputs: needs `kubectl get ingress -A -o yaml` (a cluster with no \
             Ingress has nothing to verify here)",
        )];
    }
    p.ingresses
        .iter()
        .map(|ing| {
            let object = ing.object_ref().to_string();
            let class = ing
                .spec
                .ingress_class_name
                .as_ref()
                .map(|c| format!(" (class {})", c.value))
                .unwrap_or_default();
            let Some(status) = &ing.status else {
                return Check::skipped(format!(
                    "{object}{class} has no status (a manifest, not the API server's copy): \
                     needs `kubectl get ingress -n {} {} -o yaml`",
                    ing.namespace().unwrap_or("default"),
                    ing.name()
                ))
                .object(object)
                .at(ing.origin.span);
            };
            let lb = status.value.load_balancer.as_ref();
            let address = lb.and_then(|lb| lb.value.ingress.iter().find_map(|i| i.value.address()));
            match address {
                Some(a) => Check::pass(format!("{object}{class}: address {}", a.value))
                    .object(object)
                    .field("status.loadBalancer.ingress[0].hostname")
                    .at(a.span),
                None => Check::fail(format!(
                    "{object}{class}: status.loadBalancer.ingress is empty: no load balancer \
                     address was assigned (the AWS Load Balancer Controller has not provisioned \
                     its ALB; `kubectl describe ingress -n {} {}` shows the reconcile error)",
                    ing.namespace().unwrap_or("default"),
                    ing.name()
                ))
                .object(object)
                .field("status.loadBalancer")
                .at(lb.map_or(status.span, |l| l.span)),
            }
        })
        .collect()
}
