use super::ingress_without_group::is_alb;
use super::util::{
    Backend, backends, class_params, controller_default_target_type, ns_name, service,
    service_annotation,
};
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix, Severity};
use eksplane_facts::Facts;
use eksplane_model::KubeObject;
use eksplane_model::ingress::ALB_PREFIX;
use eksplane_source::Span;

declare_rule! {
    /// ## What it does
    /// Flags an Ingress handled by the AWS Load Balancer Controller whose
    /// targets are registered in `instance` mode: `target-type: instance`
    /// stated by its IngressClassParams, its backend Service or the Ingress
    /// annotation, or no target type at all, since the controller's default
    /// (`--default-target-type`) is `instance` unless changed.
    ///
    /// When a backend Service in the inputs is `ClusterIP`, the finding is an
    /// **error**: instance mode needs a `NodePort` or `LoadBalancer` Service.
    ///
    /// ## Why it matters
    /// In instance mode the ALB sends each request to a NodePort on every node,
    /// and kube-proxy forwards it to a pod, often on another node and in
    /// another Availability Zone: an extra hop, cross-AZ data charges, source
    /// IPs lost, health checks that test nodes rather than pods, and node
    /// churn (Karpenter consolidation) draining connections. With the VPC CNI
    /// every pod has a VPC IP, so `ip` mode registers pods directly.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     alb.ingress.kubernetes.io/target-type: instance
    /// ```
    ///
    /// ## Fix
    /// Register pod IPs (the Service can then be `ClusterIP`):
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     alb.ingress.kubernetes.io/target-type: ip
    /// ```
    /// or make `ip` the default for every Ingress with the controller flag
    /// `--default-target-type=ip` (Helm value `defaultTargetType: ip`) or
    /// IngressClassParams `spec.targetType: ip`.
    ///
    /// ## References
    /// - https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#target-type
    /// - https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/configurations/
    /// - https://docs.aws.amazon.com/eks/latest/best-practices/load-balancing.html
    pub RULE = ("ING002", "target-type-instance", Warning, "ALB targets are registered in instance mode", Some(check));
}

const TARGET_TYPE: &str = "target-type";

/// Where the target type of one backend comes from.
struct Effective {
    value: String,
    span: Option<Span>,
    /// How it was decided, for the message.
    from: String,
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let controller = controller_default_target_type(p);
    let (default, default_from, default_span) = match &controller {
        Some((Some((v, span)), _)) => (
            v.clone(),
            format!("the controller's --default-target-type={v}"),
            Some(*span),
        ),
        Some((None, span)) => (
            "instance".to_string(),
            "the controller's default (no --default-target-type flag)".to_string(),
            Some(*span),
        ),
        None => (
            "instance".to_string(),
            "the controller's default".to_string(),
            None,
        ),
    };
    let mut out = Vec::new();
    for ing in p.ingresses.iter().filter(|i| is_alb(p, i)) {
        let params = class_params(p, ing).and_then(|c| {
            c.spec
                .target_type
                .as_ref()
                .map(|t| (c.name().to_string(), t))
        });
        let annotation = ing
            .metadata
            .annotation(&format!("{ALB_PREFIX}{TARGET_TYPE}"));
        let effective = |b: Option<&Backend>| -> Effective {
            if let Some((name, t)) = &params {
                return Effective {
                    value: t.value.trim().to_string(),
                    span: Some(t.span),
                    from: format!("set by IngressClassParams {name} spec.targetType"),
                };
            }
            if let Some(svc) = b.and_then(|b| service(facts, ing, &b.name))
                && let Some(t) = service_annotation(svc, TARGET_TYPE)
            {
                return Effective {
                    value: t.value.trim().to_string(),
                    span: Some(t.span),
                    from: format!("set by Service {}'s target-type annotation", svc.name()),
                };
            }
            if let Some(t) = annotation {
                return Effective {
                    value: t.value.trim().to_string(),
                    span: Some(t.span),
                    from: "set by its target-type annotation".into(),
                };
            }
            Effective {
                value: default.clone(),
                span: None,
                from: format!("no target-type is set anywhere, so {default_from} applies"),
            }
        };
        let bs = backends(ing);
        let mut instance: Vec<(Option<&Backend>, Effective)> = Vec::new();
        if bs.is_empty() {
            let e = effective(None);
            if e.value == "instance" {
                instance.push((None, e));
            }
        }
        for b in &bs {
            let e = effective(Some(b));
            if e.value == "instance" {
                instance.push((Some(b), e));
            }
        }
        let Some((_, first)) = instance.first() else {
            continue;
        };
        let cluster_ip: Vec<&str> = instance
            .iter()
            .filter_map(|(b, _)| *b)
            .filter(|b| {
                service(facts, ing, &b.name)
                    .is_some_and(|s| s.spec.type_.as_ref().is_none_or(|t| t.value == "ClusterIP"))
            })
            .map(|b| b.name.as_str())
            .collect();
        let names: Vec<&str> = instance
            .iter()
            .filter_map(|(b, _)| b.map(|b| b.name.as_str()))
            .collect();
        let to = if names.is_empty() {
            String::new()
        } else {
            format!(" for Service {}", names.join(", "))
        };
        let mut message = format!(
            "Ingress {} registers its ALB targets in instance mode{to} ({}): traffic goes \
             ALB -> NodePort on every node -> kube-proxy -> a pod, often on another node or in \
             another AZ; with the VPC CNI pods have VPC IPs, so target-type ip sends it to the \
             pods directly",
            ns_name(ing),
            first.from
        );
        if !cluster_ip.is_empty() {
            message.push_str(&format!(
                "; Service {} is ClusterIP, which instance mode cannot target, so the \
                 controller fails to reconcile it",
                cluster_ip.join(", ")
            ));
        }
        let primary = first
            .span
            .unwrap_or_else(|| ing.origin.locate_key(&["metadata"], "annotations"));
        let mut f = RULE
            .finding(message, primary)
            .fix(
                Fix::new(
                    "register pod IPs instead (or make ip the default with the controller flag \
                     --default-target-type=ip or IngressClassParams spec.targetType: ip)",
                )
                .with_snippet(
                    "metadata:\n  annotations:\n    alb.ingress.kubernetes.io/target-type: ip\n",
                ),
            )
            .object(ing.object_ref().to_string());
        if !cluster_ip.is_empty() {
            f.severity = Severity::Error;
        }
        for (b, e) in &instance {
            if let Some(b) = b {
                match service(facts, ing, &b.name) {
                    Some(svc) => {
                        let kind = svc
                            .spec
                            .type_
                            .as_ref()
                            .map(|t| t.value.as_str())
                            .unwrap_or("ClusterIP");
                        f = f.related(
                            svc.origin.locate_key(&[], "spec"),
                            format!(
                                "Service {} ({kind}) is targeted in instance mode",
                                svc.name()
                            ),
                        );
                    }
                    None => f = f.related(b.span, format!("backend Service {}", b.name)),
                }
            }
            if let Some(s) = e.span
                && s != primary
            {
                f = f.related(s, e.from.clone());
            }
        }
        if first.span.is_none()
            && let Some(s) = default_span
        {
            f = f.related(s, format!("{default_from}: {default}"));
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

    const ING: &str = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: admin\n  namespace: web\n  annotations:\n    alb.ingress.kubernetes.io/scheme: internal\nTT\nspec:\n  ingressClassName: alb\n  rules:\n    - http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: admin\n                port:\n                  number: 80\n";

    fn svc(kind: &str, extra: &str) -> String {
        format!(
            "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: admin\n  namespace: web\n{extra}spec:\n  type: {kind}\n  selector: {{app: admin}}\n  ports:\n    - port: 80\n"
        )
    }

    #[test]
    fn ip_passes_and_instance_or_default_fires() {
        let ip = ING.replace("TT", "    alb.ingress.kubernetes.io/target-type: ip");
        assert!(run(&ip).is_empty());
        let inst = ING.replace("TT", "    alb.ingress.kubernetes.io/target-type: instance");
        let f = run(&format!("{inst}{}", svc("NodePort", "")));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(f[0].primary.span.start.line, 8);
        let unset = ING.replace("TT\n", "");
        let f = run(&format!("{unset}{}", svc("NodePort", "")));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("no target-type is set"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn service_annotation_wins_and_cluster_ip_is_an_error() {
        let inst = ING.replace("TT", "    alb.ingress.kubernetes.io/target-type: instance");
        let annotated = svc(
            "ClusterIP",
            "  annotations:\n    alb.ingress.kubernetes.io/target-type: ip\n",
        );
        assert!(run(&format!("{inst}{annotated}")).is_empty());
        let f = run(&format!("{inst}{}", svc("ClusterIP", "")));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Error);
    }

    #[test]
    fn controller_flag_sets_the_default() {
        let unset = ING.replace("TT\n", "");
        let controller = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: aws-load-balancer-controller\n  namespace: kube-system\nspec:\n  selector:\n    matchLabels: {app: lbc}\n  template:\n    metadata:\n      labels: {app: lbc}\n    spec:\n      containers:\n        - name: c\n          image: public.ecr.aws/eks/aws-load-balancer-controller:v2.11.0\n          args:\n            - --cluster-name=x\n            - --default-target-type=ip\n";
        assert!(run(&format!("{unset}{controller}")).is_empty());
    }
}
