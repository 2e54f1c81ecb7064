use super::ingress_without_group::is_alb;
use super::util::ns_name;
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::KubeObject;
use eksplane_model::ingress::{ALB_PREFIX, ListenPort};
use std::collections::BTreeMap;

declare_rule! {
    /// ## What it does
    /// Flags an `alb.ingress.kubernetes.io/listen-ports` annotation the AWS
    /// Load Balancer Controller rejects or misreads: text that is not a JSON
    /// list of `{"PROTOCOL": port}` objects, an empty list, a protocol other
    /// than `HTTP` or `HTTPS`, a port outside 1-65535 or not an integer, and
    /// the same port listed twice (the controller keeps only the last
    /// protocol given for it).
    ///
    /// ## Why it matters
    /// The controller parses the annotation on every reconcile; when it fails
    /// it builds no load balancer model for the Ingress, so the ALB (and, in an
    /// IngressGroup, every other member's routes) stops being created or
    /// updated, with the error visible only in the controller's events.
    ///
    /// ## Example
    /// ```yaml
    /// alb.ingress.kubernetes.io/listen-ports: '[{"HTTPS": 443}, {"HTTP": "80"}]'
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// alb.ingress.kubernetes.io/listen-ports: '[{"HTTP": 80}, {"HTTPS": 443}]'
    /// ```
    ///
    /// ## References
    /// - https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#listen-ports
    /// - kubernetes-sigs/aws-load-balancer-controller `pkg/ingress/model_build_listener.go` (`computeIngressListenPorts`)
    pub RULE = ("ING004", "invalid-listen-ports", Error, "Invalid listen-ports annotation", Some(check));
}

/// What is wrong with a parsed `listen-ports` list beyond what the model
/// rejects: the same port listed twice (the docs forbid it; the controller's
/// port map keeps only the last protocol given for it). `None` when fine.
pub fn duplicate_port(ports: &[ListenPort]) -> Option<String> {
    let mut seen: BTreeMap<u16, &str> = BTreeMap::new();
    for l in ports {
        if let Some(prev) = seen.insert(l.port, &l.protocol) {
            return Some(format!(
                "gives port {} twice ({prev} and {}), which the controller docs forbid: its port \
                 map silently keeps only the last protocol",
                l.port, l.protocol
            ));
        }
    }
    None
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let key = format!("{ALB_PREFIX}listen-ports");
    let mut out = Vec::new();
    for ing in p.ingresses.iter().filter(|i| is_alb(p, i)) {
        let Some(raw) = ing.metadata.annotation(&key) else {
            continue;
        };
        let reason = match ing.alb().listen_ports.map(|l| l.value) {
            Some(Err(e)) => Some(format!(
                "is invalid ({e}): the controller rejects the Ingress and stops reconciling its ALB"
            )),
            Some(Ok(ports)) => duplicate_port(&ports),
            None => None,
        };
        let Some(reason) = reason else {
            continue;
        };
        out.push(
            RULE.finding(
                format!(
                    "Ingress {}: listen-ports '{}' {reason}",
                    ns_name(ing),
                    raw.value
                ),
                raw.span,
            )
            .fix(
                Fix::new("write a JSON list of {\"HTTP\"|\"HTTPS\": port} objects, each port once")
                    .with_snippet(
                        "alb.ingress.kubernetes.io/listen-ports: '[{\"HTTP\": 80}, {\"HTTPS\": 443}]'\n",
                    ),
            )
            .object(ing.object_ref().to_string()),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(value: &str) -> Vec<Finding> {
        let text = format!(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: cart\n  namespace: shop\n  annotations:\n    alb.ingress.kubernetes.io/listen-ports: '{value}'\nspec:\n  ingressClassName: alb\n"
        );
        check(&eksplane_facts::Facts::new(
            &eksplane_load::load_texts([("in.yaml", text.as_str())]).platform,
            eksplane_aws_data::Catalog::embedded(),
        ))
    }

    #[test]
    fn valid_lists_pass() {
        assert!(run(r#"[{"HTTP": 80}, {"HTTPS": 443}]"#).is_empty());
        assert!(run(r#"[{"HTTP": 80, "HTTPS": 443}]"#).is_empty());
    }

    #[test]
    fn invalid_lists_fire() {
        for bad in [
            r#"[{"HTTPS": 443}"#,
            r#"[{"TCP": 443}]"#,
            r#"[{"HTTP": "80"}]"#,
            r#"[{"HTTP": 0}]"#,
            "[]",
            r#"[{"HTTP": 80}, {"HTTPS": 80}]"#,
        ] {
            let f = run(bad);
            assert_eq!(f.len(), 1, "{bad}");
            assert_eq!(f[0].primary.span.start.line, 7, "{bad}");
        }
        assert!(
            run(r#"[{"HTTP": 80}, {"HTTPS": 80}]"#)[0]
                .message
                .contains("twice")
        );
    }
}
