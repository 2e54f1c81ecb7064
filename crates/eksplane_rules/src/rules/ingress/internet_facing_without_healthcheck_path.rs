use super::ingress_without_group::is_alb;
use super::util::{backends, is_internet_facing, ns_name, probe_path, service, service_annotation};
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::KubeObject;

declare_rule! {
    /// ## What it does
    /// Flags an internet-facing ALB Ingress (its own `scheme`, or that of any
    /// member of its IngressGroup) with no `alb.ingress.kubernetes.io/healthcheck-path`,
    /// neither on the Ingress nor on every backend Service, so the ALB
    /// health-checks `GET /`. gRPC backends (`backend-protocol-version: GRPC`),
    /// whose default check is `/AWS.ALB/healthcheck`, are not flagged.
    ///
    /// A warning rather than an error: some applications do answer 200 on `/`.
    ///
    /// ## Why it matters
    /// By default only a `200` counts as healthy (`success-codes`). Web
    /// applications commonly redirect `/` to a login page (302) or serve 404
    /// there, so every target is marked unhealthy and the public gets 502/503
    /// errors, or `/` is an expensive page that the health check hammers every
    /// 15 seconds from every ALB node. A dedicated readiness endpoint checks
    /// what matters, cheaply.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     alb.ingress.kubernetes.io/scheme: internet-facing
    ///     alb.ingress.kubernetes.io/target-type: ip
    /// ```
    ///
    /// ## Fix
    /// Point the health check at the pods' readiness endpoint:
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     alb.ingress.kubernetes.io/healthcheck-path: /healthz
    /// ```
    ///
    /// ## References
    /// - https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#health-check
    /// - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
    pub RULE = ("ING006", "internet-facing-without-healthcheck-path", Warning, "Internet-facing ALB health-checks the default path", Some(check));
}

const PATH: &str = "healthcheck-path";

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let mut out = Vec::new();
    for ing in p.ingresses.iter().filter(|i| is_alb(p, i)) {
        let alb = ing.alb();
        if alb.healthcheck_path.is_some() || !is_internet_facing(p, ing) {
            continue;
        }
        let grpc = |v: Option<&str>| v.is_some_and(|v| v.trim().eq_ignore_ascii_case("GRPC"));
        if grpc(
            alb.all
                .get("backend-protocol-version")
                .map(|v| v.value.as_str()),
        ) {
            continue;
        }
        let bs = backends(ing);
        // Backends whose Service (in the inputs) sets its own path or speaks gRPC.
        let uncovered: Vec<_> = bs
            .iter()
            .filter(|b| {
                service(facts, ing, &b.name).is_none_or(|s| {
                    service_annotation(s, PATH).is_none()
                        && !grpc(
                            service_annotation(s, "backend-protocol-version")
                                .map(|v| v.value.as_str()),
                        )
                })
            })
            .collect();
        if !bs.is_empty() && uncovered.is_empty() {
            continue;
        }
        let suggestion = uncovered
            .iter()
            .filter_map(|b| service(facts, ing, &b.name))
            .find_map(|s| probe_path(p, s));
        let codes = alb
            .all
            .get("success-codes")
            .map(|c| c.value.clone())
            .unwrap_or_else(|| "200".into());
        let mut message = format!(
            "Ingress {} is internet-facing and sets no healthcheck-path, so the ALB checks GET / \
             on every target and counts only {codes} as healthy: an app that redirects / (to a \
             login page) or answers 404 there is marked unhealthy and the public gets 502/503",
            ns_name(ing)
        );
        if let Some(path) = &suggestion {
            message.push_str(&format!("; the pods' probe uses {path}"));
        }
        let path = suggestion.unwrap_or_else(|| "/healthz".into());
        let span = alb
            .scheme
            .as_ref()
            .map(|s| s.span)
            .unwrap_or_else(|| ing.origin.locate_key(&["metadata"], "annotations"));
        let mut f = RULE
            .finding(message, span)
            .fix(
                Fix::new("health-check the application's readiness endpoint").with_snippet(
                    format!(
                        "metadata:\n  annotations:\n    alb.ingress.kubernetes.io/healthcheck-path: {path}\n"
                    ),
                ),
            )
            .object(ing.object_ref().to_string());
        for b in &uncovered {
            f = match service(facts, ing, &b.name) {
                Some(s) => f.related(
                    s.origin.locate_key(&[], "metadata"),
                    format!("Service {} sets no healthcheck-path either", s.name()),
                ),
                None => f.related(b.span, format!("backend Service {}", b.name)),
            };
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

    fn ingress(annotations: &str) -> String {
        format!(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: portal\n  namespace: web\n  annotations:\n{annotations}spec:\n  ingressClassName: alb\n  rules:\n    - http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: portal\n                port:\n                  number: 80\n"
        )
    }

    const PUBLIC: &str = "    alb.ingress.kubernetes.io/scheme: internet-facing\n";

    #[test]
    fn internal_or_with_path_passes() {
        assert!(run(&ingress("    alb.ingress.kubernetes.io/scheme: internal\n")).is_empty());
        let with = format!("{PUBLIC}    alb.ingress.kubernetes.io/healthcheck-path: /ready\n");
        assert!(run(&ingress(&with)).is_empty());
        let grpc =
            format!("{PUBLIC}    alb.ingress.kubernetes.io/backend-protocol-version: GRPC\n");
        assert!(run(&ingress(&grpc)).is_empty());
    }

    #[test]
    fn internet_facing_without_path_fires_and_suggests_the_probe() {
        let svc = "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: portal\n  namespace: web\nspec:\n  selector: {app: portal}\n  ports:\n    - port: 80\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: portal\n  namespace: web\nspec:\n  selector:\n    matchLabels: {app: portal}\n  template:\n    metadata:\n      labels: {app: portal}\n    spec:\n      containers:\n        - name: app\n          image: portal:1\n          readinessProbe:\n            httpGet: {path: /ready, port: 8080}\n";
        let f = run(&format!("{}{svc}", ingress(PUBLIC)));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].primary.span.start.line, 7);
        assert!(
            f[0].message.contains("probe uses /ready"),
            "{}",
            f[0].message
        );
        // A Service-level path covers the backend.
        let covered = svc.replace(
            "  namespace: web\nspec:\n  selector",
            "  namespace: web\n  annotations:\n    alb.ingress.kubernetes.io/healthcheck-path: /ready\nspec:\n  selector",
        );
        assert!(run(&format!("{}{covered}", ingress(PUBLIC))).is_empty());
    }
}
