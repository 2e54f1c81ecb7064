//! Helpers shared by the ingress rules: what the AWS Load Balancer Controller
//! would compute for an Ingress from its annotations, its IngressClassParams,
//! its backend Services and the controller's own flags.
//!
//! Precedence, from the controller (kubernetes-sigs/aws-load-balancer-controller
//! `docs/guide/ingress/annotations.md`, `docs/guide/ingress/ingress_class.md`,
//! `pkg/ingress/model_build_load_balancer.go`, `model_build_target_group.go`):
//! IngressClassParams fields win over Ingress annotations; Service annotations
//! win over Ingress annotations for per-backend settings (target type, health
//! check); a group-wide setting is "exclusive": members that state it must
//! agree, members that do not state it do not conflict.

use super::ingress_without_group::{group_of, is_alb};
use eksplane_facts::Facts;
use eksplane_model::ingress::{ALB_PREFIX, Ingress, IngressClassParams};
use eksplane_model::k8s::{Service, Workload, WorkloadKind};
use eksplane_model::{KubeObject, Platform};
use eksplane_source::{PathSeg, Span, Spanned};
use std::collections::BTreeMap;

/// `namespace/name` of an Ingress.
pub fn ns_name(ing: &Ingress) -> String {
    format!("{}/{}", ing.namespace().unwrap_or("default"), ing.name())
}

/// The IngressClassParams of an Ingress's class, if any.
pub fn class_params<'a>(p: &'a Platform, ing: &Ingress) -> Option<&'a IngressClassParams> {
    let class = ing.class_name()?;
    let ic = p.ingress_classes.iter().find(|ic| ic.name() == class)?;
    let name = ic.spec.parameters.as_ref()?.name.as_deref()?;
    p.ingress_class_params.iter().find(|x| x.name() == name)
}

/// Where a setting was stated.
#[derive(Debug, Clone)]
pub struct Stated {
    pub value: String,
    pub span: Span,
    /// `IngressClassParams alb` or `annotation`.
    pub from: String,
}

/// A group-wide ("exclusive") setting as the Ingress states it:
/// IngressClassParams `spec.<param>` first, else the `alb.*/<annotation>`.
pub fn stated(
    p: &Platform,
    ing: &Ingress,
    param: fn(&IngressClassParams) -> Option<&Spanned<String>>,
    annotation: &str,
) -> Option<Stated> {
    if let Some(icp) = class_params(p, ing)
        && let Some(v) = param(icp)
    {
        return Some(Stated {
            value: v.value.trim().to_string(),
            span: v.span,
            from: format!("IngressClassParams {}", icp.name()),
        });
    }
    ing.metadata
        .annotation(&format!("{ALB_PREFIX}{annotation}"))
        .map(|v| Stated {
            value: v.value.trim().to_string(),
            span: v.span,
            from: "annotation".into(),
        })
}

/// The scheme an Ingress states (IngressClassParams or annotation).
pub fn stated_scheme(p: &Platform, ing: &Ingress) -> Option<Stated> {
    stated(p, ing, |c| c.spec.scheme.as_ref(), "scheme")
}

/// Whether the ALB serving this Ingress is internet-facing: the scheme stated
/// by it or, in an IngressGroup, by any member (one ALB per group).
pub fn is_internet_facing(p: &Platform, ing: &Ingress) -> bool {
    let states = |i: &Ingress| stated_scheme(p, i).is_some_and(|s| s.value == "internet-facing");
    match group_of(p, ing) {
        Some(g) => p
            .ingresses
            .iter()
            .filter(|i| is_alb(p, i) && group_of(p, i).as_deref() == Some(g.as_str()))
            .any(states),
        None => states(ing),
    }
}

/// The ALB Ingresses of each explicit IngressGroup, by group name.
pub fn groups(p: &Platform) -> BTreeMap<String, Vec<&Ingress>> {
    let mut out: BTreeMap<String, Vec<&Ingress>> = BTreeMap::new();
    for ing in p.ingresses.iter().filter(|i| is_alb(p, i)) {
        if let Some(g) = group_of(p, ing) {
            out.entry(g).or_default().push(ing);
        }
    }
    out
}

/// Hostnames an Ingress names in `spec.rules[].host` and `spec.tls[].hosts`:
/// what the controller discovers ACM certificates by
/// (`pkg/ingress/model_build_listener.go`, `computeIngressInferredTLSCertARNs`).
pub fn hosts(ing: &Ingress) -> Vec<&str> {
    let mut out: Vec<&str> = ing
        .spec
        .rules
        .iter()
        .filter_map(|r| r.host.as_deref())
        .chain(
            ing.spec
                .tls
                .iter()
                .flat_map(|t| t.hosts.iter().flatten().map(String::as_str)),
        )
        .filter(|h| !h.is_empty())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// A backend Service an Ingress routes to, with where it is named.
#[derive(Debug, Clone)]
pub struct Backend {
    pub name: String,
    pub span: Span,
}

/// The backend Services of an Ingress (rules' paths and the default backend),
/// each name once, in file order.
pub fn backends(ing: &Ingress) -> Vec<Backend> {
    let mut out: Vec<Backend> = Vec::new();
    let mut push = |name: &str, span: Span| {
        if !out.iter().any(|b| b.name == name) {
            out.push(Backend {
                name: name.to_string(),
                span,
            });
        }
    };
    for (ri, r) in ing.spec.rules.iter().enumerate() {
        let Some(http) = &r.http else { continue };
        for (pi, path) in http.paths.iter().enumerate() {
            if let Some(s) = &path.backend.service {
                let span = ing.origin.locate_path(&[
                    PathSeg::Key("spec"),
                    PathSeg::Key("rules"),
                    PathSeg::Index(ri),
                    PathSeg::Key("http"),
                    PathSeg::Key("paths"),
                    PathSeg::Index(pi),
                    PathSeg::Key("backend"),
                    PathSeg::Key("service"),
                    PathSeg::Key("name"),
                ]);
                push(&s.name, span);
            }
        }
    }
    if let Some(s) = ing
        .spec
        .default_backend
        .as_ref()
        .and_then(|b| b.service.as_ref())
    {
        push(
            &s.name,
            ing.origin
                .locate(&["spec", "defaultBackend", "service", "name"]),
        );
    }
    out
}

/// The Service `name` in the Ingress's namespace, if the inputs hold it.
pub fn service<'a>(facts: &Facts<'a>, ing: &Ingress, name: &str) -> Option<&'a Service> {
    facts.service(ing.namespace().unwrap_or("default"), name)
}

/// The `alb.ingress.kubernetes.io/<suffix>` annotation of a Service.
pub fn service_annotation<'a>(svc: &'a Service, suffix: &str) -> Option<&'a Spanned<String>> {
    svc.metadata.annotation(&format!("{ALB_PREFIX}{suffix}"))
}

/// The controller's `--default-target-type` flag, from its Deployment in the
/// inputs (e.g. `helm template` output): the value and the span of the arg.
/// `None` when no controller Deployment is in the inputs; `Some(None)` when it
/// is there without the flag (the controller's default, `instance`).
pub fn controller_default_target_type(p: &Platform) -> Option<(Option<(String, Span)>, Span)> {
    let w = p.workloads.iter().find(|w| is_lb_controller(w))?;
    for (ci, c) in w.template.spec.containers.iter().enumerate() {
        let list: Vec<&String> = c.args.iter().flatten().collect();
        for (ai, a) in list.iter().enumerate() {
            let value = if let Some(v) = a.strip_prefix("--default-target-type=") {
                Some(v.to_string())
            } else if a.as_str() == "--default-target-type" {
                list.get(ai + 1).map(|v| v.to_string())
            } else {
                None
            };
            if let Some(v) = value {
                let span = w.origin.locate_path(&[
                    PathSeg::Key("spec"),
                    PathSeg::Key("template"),
                    PathSeg::Key("spec"),
                    PathSeg::Key("containers"),
                    PathSeg::Index(ci),
                    PathSeg::Key("args"),
                    PathSeg::Index(ai),
                ]);
                return Some((Some((v.trim().to_string(), span)), w.origin.span));
            }
        }
    }
    Some((None, w.origin.locate_key(&[], "metadata")))
}

fn is_lb_controller(w: &Workload) -> bool {
    w.kind == WorkloadKind::Deployment
        && w.template.spec.containers.iter().any(|c| {
            c.image
                .as_deref()
                .is_some_and(|i| i.contains("/aws-load-balancer-controller:"))
        })
}

/// The HTTP readiness (else liveness) probe path of the pods a Service
/// selects, when the inputs hold them: a good health-check path.
pub fn probe_path(p: &Platform, svc: &Service) -> Option<String> {
    if svc.spec.selector.is_empty() {
        return None;
    }
    let ns = svc.namespace();
    let selected = p.workloads.iter().filter(|w| {
        w.namespace() == ns
            && svc.spec.selector.iter().all(|(k, v)| {
                w.template
                    .metadata
                    .labels
                    .get(k)
                    .is_some_and(|l| &l.value == v)
            })
    });
    for w in selected {
        for c in &w.template.spec.containers {
            for probe in [&c.readiness_probe, &c.liveness_probe]
                .into_iter()
                .flatten()
            {
                if let Some(path) = probe.http_get.as_ref().and_then(|h| h.path.clone()) {
                    return Some(path);
                }
            }
        }
    }
    None
}
