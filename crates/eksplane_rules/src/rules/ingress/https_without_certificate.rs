use super::ingress_without_group::{group_of, is_alb};
use super::util::{class_params, hosts, ns_name};
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::ingress::{Ingress, ListenPort};
use eksplane_model::{KubeObject, Platform};
use eksplane_source::Spanned;

declare_rule! {
    /// ## What it does
    /// Flags an Ingress handled by the AWS Load Balancer Controller that asks
    /// for an HTTPS listener (`listen-ports`) but gives the controller no way
    /// to find a certificate: no `certificate-arn` annotation, no
    /// `certificateArn` in its IngressClassParams, no member of its
    /// IngressGroup with a certificate, and no hostname in `spec.tls[].hosts`
    /// or `spec.rules[].host` to discover an ACM certificate by.
    ///
    /// An Ingress with hostnames and no explicit certificate is not flagged:
    /// the controller then discovers matching ACM certificates itself.
    ///
    /// ## Why it matters
    /// An ALB HTTPS listener needs at least one certificate. Without one the
    /// controller cannot build the listener and the Ingress (with every other
    /// Ingress of its group) stops reconciling: no load balancer, or one stuck
    /// on its previous configuration.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     alb.ingress.kubernetes.io/listen-ports: '[{"HTTPS": 443}]'
    /// spec:
    ///   rules:
    ///     - http: {paths: [...]}   # no host
    /// ```
    ///
    /// ## Fix
    /// Name the ACM certificate, or give the Ingress the hostnames of an ACM
    /// certificate for discovery:
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:us-east-1:111122223333:certificate/...
    /// ```
    ///
    /// ## References
    /// - https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#certificate-arn
    /// - https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/cert_discovery/
    /// - https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/ingress_class/#speccertificatearn
    pub RULE = ("ING003", "https-without-certificate", Error, "HTTPS listener without a certificate", Some(check));
}

/// Explicit certificates of an Ingress: IngressClassParams `certificateArn`
/// (which wins) or the `certificate-arn` annotation.
fn has_explicit_certificate(p: &Platform, ing: &Ingress) -> bool {
    class_params(p, ing).is_some_and(|c| !c.spec.certificate_arn.is_empty())
        || ing
            .alb()
            .certificate_arns
            .is_some_and(|c| !c.value.is_empty())
}

/// The listeners in force, with IngressClassParams certificates counted for
/// the default (`[{"HTTPS": 443}]` when any explicit certificate exists).
/// `None` when `listen-ports` does not parse (ING004 reports that).
fn listen_ports(p: &Platform, ing: &Ingress) -> Option<Vec<ListenPort>> {
    let alb = ing.alb();
    match &alb.listen_ports {
        Some(Spanned { value: Ok(v), .. }) => Some(v.clone()),
        Some(Spanned { value: Err(_), .. }) => None,
        None if has_explicit_certificate(p, ing) => Some(vec![ListenPort {
            protocol: "HTTPS".into(),
            port: 443,
        }]),
        None => Some(alb.effective_listen_ports()),
    }
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let mut out = Vec::new();
    for ing in p.ingresses.iter().filter(|i| is_alb(p, i)) {
        let Some(ports) = listen_ports(p, ing) else {
            continue;
        };
        let https: Vec<u16> = ports
            .iter()
            .filter(|l| l.protocol == "HTTPS")
            .map(|l| l.port)
            .collect();
        if https.is_empty() || has_explicit_certificate(p, ing) || !hosts(ing).is_empty() {
            continue;
        }
        // In an IngressGroup, listeners on the same port merge their
        // certificates (pkg/ingress/model_builder.go, mergeListenPortConfigs).
        let group = group_of(p, ing);
        let covered_by = group.as_deref().and_then(|g| {
            p.ingresses.iter().find(|o| {
                o.object_ref() != ing.object_ref()
                    && is_alb(p, o)
                    && group_of(p, o).as_deref() == Some(g)
                    && (has_explicit_certificate(p, o) || !hosts(o).is_empty())
                    && listen_ports(p, o).is_some_and(|lp| {
                        lp.iter()
                            .any(|l| l.protocol == "HTTPS" && https.contains(&l.port))
                    })
            })
        });
        if covered_by.is_some() {
            continue;
        }
        let alb = ing.alb();
        let span = alb
            .listen_ports
            .as_ref()
            .map(|l| l.span)
            .unwrap_or_else(|| ing.origin.locate_key(&["metadata"], "annotations"));
        let ports_text = https
            .iter()
            .map(|p| format!("HTTPS:{p}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut f = RULE
            .finding(
                format!(
                    "Ingress {} asks for {ports_text} but names no certificate (no certificate-arn \
                     annotation, no IngressClassParams certificateArn{}) and no host in \
                     spec.rules or spec.tls to discover an ACM certificate by: the controller \
                     cannot create the HTTPS listener",
                    ns_name(ing),
                    if group.is_some() {
                        ", no group member with one"
                    } else {
                        ""
                    }
                ),
                span,
            )
            .fix(
                Fix::new(
                    "name the ACM certificate for the listener (or add the hostnames it covers \
                     under spec.tls[].hosts for discovery)",
                )
                .with_snippet(
                    "metadata:\n  annotations:\n    alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:REGION:ACCOUNT:certificate/ID\n",
                ),
            )
            .object(ing.object_ref().to_string());
        if let Some(icp) = class_params(p, ing) {
            f = f.related(
                icp.origin.locate_key(&[], "spec"),
                format!("IngressClassParams {} sets no certificateArn", icp.name()),
            );
        }
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Vec<Finding> {
        check(&eksplane_facts::Facts::new(
            &eksplane_load::load_texts([("in.yaml", text)]).platform,
            eksplane_aws_data::Catalog::embedded(),
        ))
    }

    fn ingress(name: &str, annotations: &str, host: &str) -> String {
        format!(
            "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}\n  namespace: shop\n  annotations:\n{annotations}spec:\n  ingressClassName: alb\n  rules:\n    - {host}http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: {name}\n                port:\n                  number: 80\n"
        )
    }

    const HTTPS: &str = "    alb.ingress.kubernetes.io/listen-ports: '[{\"HTTPS\": 443}]'\n";

    #[test]
    fn no_certificate_no_host_fires() {
        let f = run(&ingress("cart", HTTPS, ""));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].primary.span.start.line, 8);
    }

    #[test]
    fn certificate_or_host_passes() {
        let cert = format!(
            "{HTTPS}    alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:us-east-1:111122223333:certificate/1\n"
        );
        assert!(run(&ingress("cart", &cert, "")).is_empty());
        assert!(run(&ingress("cart", HTTPS, "host: cart.example.com\n      ")).is_empty());
        // HTTP only: nothing to say.
        let http = "    alb.ingress.kubernetes.io/listen-ports: '[{\"HTTP\": 80}]'\n";
        assert!(run(&ingress("cart", http, "")).is_empty());
    }

    #[test]
    fn a_group_member_with_a_certificate_covers_the_port() {
        let g = "    alb.ingress.kubernetes.io/group.name: shop\n";
        let cert = format!(
            "{g}{HTTPS}    alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:us-east-1:111122223333:certificate/1\n"
        );
        let bare = format!("{g}{HTTPS}");
        let text = format!("{}{}", ingress("a", &cert, ""), ingress("b", &bare, ""));
        assert!(run(&text).is_empty());
        assert_eq!(run(&ingress("b", &bare, "")).len(), 1);
    }
}
