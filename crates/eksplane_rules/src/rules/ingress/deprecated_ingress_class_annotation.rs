use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::KubeObject;

declare_rule! {
    /// ## What it does
    /// Flags an Ingress that names its class with the
    /// `kubernetes.io/ingress.class` annotation instead of
    /// `spec.ingressClassName`.
    ///
    /// ## Why it matters
    /// The annotation was deprecated when `networking.k8s.io/v1` Ingress and
    /// the `IngressClass` resource arrived (Kubernetes 1.18/1.19): the API
    /// server does not validate it, an `IngressClass` marked default does not
    /// apply to it, and IngressClassParams (the AWS Load Balancer Controller's
    /// way to set a scheme, group or tags for every Ingress of a class) reach
    /// only Ingresses that use `spec.ingressClassName`. The controller keeps
    /// reading the annotation for backward compatibility only.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     kubernetes.io/ingress.class: alb
    /// ```
    ///
    /// ## Fix
    /// Remove the annotation and name the IngressClass in the spec:
    /// ```yaml
    /// spec:
    ///   ingressClassName: alb
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/ingress/#deprecated-annotation
    /// - https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/ingress_class/#deprecated-kubernetesioingressclass-annotation
    pub RULE = ("ING007", "deprecated-ingress-class-annotation", Warning, "Ingress class set by the deprecated annotation", Some(check));
}

/// The deprecated annotation (Kubernetes docs, Ingress, "Deprecated annotation").
const ANNOTATION: &str = "kubernetes.io/ingress.class";

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for ing in &facts.platform.ingresses {
        let Some(a) = ing.metadata.annotation(ANNOTATION) else {
            continue;
        };
        let also_spec = ing.spec.ingress_class_name.is_some();
        out.push(
            RULE.finding(
                format!(
                    "Ingress {}/{} names its class {:?} with the deprecated {ANNOTATION} annotation{}: \
                     IngressClassParams and a default IngressClass do not apply to it",
                    ing.namespace().unwrap_or("default"),
                    ing.name(),
                    a.value,
                    if also_spec {
                        " as well as spec.ingressClassName"
                    } else {
                        ""
                    }
                ),
                a.span,
            )
            .fix(
                Fix::new(format!(
                    "remove the {ANNOTATION} annotation and set spec.ingressClassName"
                ))
                .with_snippet(format!("spec:\n  ingressClassName: {}\n", a.value)),
            )
            .object(ing.object_ref().to_string()),
        );
    }
    out
}
