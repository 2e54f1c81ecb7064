//! Ingress for the AWS Load Balancer Controller: Ingress (with its `alb.*`
//! annotations parsed), IngressClass and IngressClassParams.
//! Annotation semantics: kubernetes-sigs/aws-load-balancer-controller
//! docs/guide/ingress/annotations.md.

use crate::kube_object;
use crate::meta::{ObjectMeta, Origin};
use eksplane_source::Spanned;
use serde::Deserialize;
use std::collections::BTreeMap;

pub const ALB_PREFIX: &str = "alb.ingress.kubernetes.io/";
/// The IngressClass controller name of the AWS Load Balancer Controller.
pub const ALB_CONTROLLER: &str = "ingress.k8s.aws/alb";

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Ingress {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: IngressSpec,
    /// `status` as the API server reports it (absent in manifests); the AWS
    /// Load Balancer Controller writes the ALB's DNS name into
    /// `status.loadBalancer.ingress[].hostname`.
    pub status: Option<Spanned<crate::k8s::IngressStatus>>,
    #[serde(skip)]
    pub origin: Origin,
}
kube_object!(Ingress, "Ingress", namespaced);

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressSpec {
    pub ingress_class_name: Option<Spanned<String>>,
    #[serde(default)]
    pub rules: Vec<k8s_openapi::api::networking::v1::IngressRule>,
    #[serde(default)]
    pub tls: Vec<k8s_openapi::api::networking::v1::IngressTLS>,
    pub default_backend: Option<k8s_openapi::api::networking::v1::IngressBackend>,
}

/// `scheme`: `internal` (the controller's default) or `internet-facing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Scheme {
    Internal,
    InternetFacing,
}

/// `target-type`: `instance` (default) or `ip`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum TargetType {
    Instance,
    Ip,
}

/// One entry of `listen-ports`, e.g. `{"HTTPS": 443}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ListenPort {
    pub protocol: String,
    pub port: u16,
}

/// The ALB annotations of one Ingress, parsed. A value that does not parse is
/// kept as `Err(reason)` beside its span, for the rules to report.
#[derive(Debug, Clone, Default)]
pub struct AlbAnnotations {
    pub scheme: Option<Spanned<Result<Scheme, String>>>,
    pub target_type: Option<Spanned<Result<TargetType, String>>>,
    pub group_name: Option<Spanned<String>>,
    pub group_order: Option<Spanned<Result<i32, String>>>,
    pub listen_ports: Option<Spanned<Result<Vec<ListenPort>, String>>>,
    pub certificate_arns: Option<Spanned<Vec<String>>>,
    pub healthcheck_path: Option<Spanned<String>>,
    pub load_balancer_name: Option<Spanned<String>>,
    pub ssl_redirect: Option<Spanned<String>>,
    /// Every `alb.ingress.kubernetes.io/*` annotation, by suffix.
    pub all: BTreeMap<String, Spanned<String>>,
}

fn parse_listen_ports(s: &str) -> Result<Vec<ListenPort>, String> {
    let v: Vec<BTreeMap<String, serde_json::Value>> = serde_json::from_str(s)
        .map_err(|e| format!("not a JSON list of {{\"PROTOCOL\": port}}: {e}"))?;
    let mut out = Vec::new();
    for m in v {
        for (proto, port) in m {
            let p = proto.to_ascii_uppercase();
            if p != "HTTP" && p != "HTTPS" {
                return Err(format!("protocol {proto:?} is neither HTTP nor HTTPS"));
            }
            let port = port
                .as_u64()
                .and_then(|n| u16::try_from(n).ok())
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("port {port} for {proto} is not in 1..=65535"))?;
            out.push(ListenPort { protocol: p, port });
        }
    }
    if out.is_empty() {
        return Err("no listeners".into());
    }
    Ok(out)
}

impl AlbAnnotations {
    pub fn parse(meta: &ObjectMeta) -> Self {
        let mut a = AlbAnnotations::default();
        for (k, v) in &meta.annotations {
            let Some(suffix) = k.strip_prefix(ALB_PREFIX) else {
                continue;
            };
            let s = v.value.trim();
            match suffix {
                "scheme" => {
                    a.scheme = Some(Spanned::new(
                        match s {
                            "internal" => Ok(Scheme::Internal),
                            "internet-facing" => Ok(Scheme::InternetFacing),
                            o => Err(format!("{o:?} is neither internal nor internet-facing")),
                        },
                        v.span,
                    ))
                }
                "target-type" => {
                    a.target_type = Some(Spanned::new(
                        match s {
                            "instance" => Ok(TargetType::Instance),
                            "ip" => Ok(TargetType::Ip),
                            o => Err(format!("{o:?} is neither instance nor ip")),
                        },
                        v.span,
                    ))
                }
                "group.name" => a.group_name = Some(Spanned::new(s.to_string(), v.span)),
                "group.order" => {
                    a.group_order = Some(Spanned::new(
                        s.parse::<i32>()
                            .map_err(|_| format!("{s:?} is not an integer"))
                            .and_then(|n| {
                                if (-1000..=1000).contains(&n) {
                                    Ok(n)
                                } else {
                                    Err(format!("{n} is outside -1000..=1000"))
                                }
                            }),
                        v.span,
                    ))
                }
                "listen-ports" => {
                    a.listen_ports = Some(Spanned::new(parse_listen_ports(s), v.span))
                }
                "certificate-arn" => {
                    a.certificate_arns = Some(Spanned::new(
                        s.split(',')
                            .map(str::trim)
                            .filter(|x| !x.is_empty())
                            .map(str::to_string)
                            .collect(),
                        v.span,
                    ))
                }
                "healthcheck-path" => {
                    a.healthcheck_path = Some(Spanned::new(s.to_string(), v.span))
                }
                "load-balancer-name" => {
                    a.load_balancer_name = Some(Spanned::new(s.to_string(), v.span))
                }
                "ssl-redirect" => a.ssl_redirect = Some(Spanned::new(s.to_string(), v.span)),
                _ => {}
            }
            a.all.insert(suffix.to_string(), v.clone());
        }
        a
    }

    /// The scheme in force (`internal` when unset or invalid).
    pub fn effective_scheme(&self) -> Scheme {
        match &self.scheme {
            Some(Spanned { value: Ok(s), .. }) => *s,
            _ => Scheme::Internal,
        }
    }

    pub fn effective_target_type(&self) -> TargetType {
        match &self.target_type {
            Some(Spanned { value: Ok(t), .. }) => *t,
            _ => TargetType::Instance,
        }
    }

    /// The listeners in force: `listen-ports` when valid, else the default
    /// (`[{"HTTP": 80}]`, or `[{"HTTPS": 443}]` when a certificate is set).
    pub fn effective_listen_ports(&self) -> Vec<ListenPort> {
        if let Some(Spanned { value: Ok(p), .. }) = &self.listen_ports {
            return p.clone();
        }
        if self
            .certificate_arns
            .as_ref()
            .is_some_and(|c| !c.value.is_empty())
        {
            vec![ListenPort {
                protocol: "HTTPS".into(),
                port: 443,
            }]
        } else {
            vec![ListenPort {
                protocol: "HTTP".into(),
                port: 80,
            }]
        }
    }
}

impl Ingress {
    pub fn alb(&self) -> AlbAnnotations {
        AlbAnnotations::parse(&self.metadata)
    }

    /// The class name from `spec.ingressClassName`, else the legacy
    /// `kubernetes.io/ingress.class` annotation.
    pub fn class_name(&self) -> Option<&str> {
        self.spec
            .ingress_class_name
            .as_ref()
            .map(|c| c.value.as_str())
            .or_else(|| {
                self.metadata
                    .annotation("kubernetes.io/ingress.class")
                    .map(|a| a.value.as_str())
            })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct IngressClass {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: IngressClassSpec,
    #[serde(skip)]
    pub origin: Origin,
}
kube_object!(IngressClass, "IngressClass", cluster);

#[derive(Debug, Clone, Default, Deserialize)]
pub struct IngressClassSpec {
    pub controller: Option<Spanned<String>>,
    pub parameters: Option<IngressClassParametersRef>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressClassParametersRef {
    pub api_group: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
}

impl IngressClass {
    pub fn is_alb(&self) -> bool {
        self.spec
            .controller
            .as_ref()
            .is_some_and(|c| c.value == ALB_CONTROLLER)
    }
}

/// `elbv2.k8s.aws/v1beta1` IngressClassParams: settings the class forces on
/// all its Ingresses (they win over annotations).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IngressClassParams {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: IngressClassParamsSpec,
    #[serde(skip)]
    pub origin: Origin,
}
kube_object!(IngressClassParams, "IngressClassParams", cluster);

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressClassParamsSpec {
    pub group: Option<IngressGroupRef>,
    pub scheme: Option<Spanned<String>>,
    pub ip_address_type: Option<Spanned<String>>,
    pub target_type: Option<Spanned<String>>,
    #[serde(default)]
    pub certificate_arn: Vec<Spanned<String>>,
    pub ssl_policy: Option<Spanned<String>>,
    pub load_balancer_name: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct IngressGroupRef {
    pub name: Option<Spanned<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_ports() {
        assert_eq!(
            parse_listen_ports(r#"[{"HTTP": 80}, {"HTTPS": 443}]"#).map(|v| v.len()),
            Ok(2)
        );
        assert!(parse_listen_ports(r#"[{"HTTPS": 443"#).is_err());
        assert!(parse_listen_ports(r#"[{"TCP": 443}]"#).is_err());
        assert!(parse_listen_ports(r#"[{"HTTP": 70000}]"#).is_err());
        assert!(parse_listen_ports("[]").is_err());
    }
}
