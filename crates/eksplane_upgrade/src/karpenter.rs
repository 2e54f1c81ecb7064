//! The Karpenter controller's version, and whether it supports a Kubernetes
//! version per Karpenter's compatibility matrix
//! ([`eksplane_aws_data::karpenter_compat`], from aws/karpenter-provider-aws
//! `hack/docs/compatibilitymatrix_gen/compatibility.yaml`). Karpenter's
//! upgrade guide: "upgrade Karpenter before upgrading Kubernetes" to a
//! version its matrix supports (<https://karpenter.sh/docs/upgrading/compatibility/>).

use crate::inputs;
use eksplane_aws_data::karpenter_compat::{Compat, KarpenterVersion, compat_of, oldest_supporting};
use eksplane_model::{KubeObject, Platform};
use eksplane_source::{PathSeg, Span};

/// Where the version was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionFrom {
    /// The controller container's image tag (`.../karpenter/controller:1.0.6@sha256:...`).
    Image,
    /// The Deployment's `app.kubernetes.io/version` label (Helm chart).
    AppVersionLabel,
    /// The Deployment's `helm.sh/chart: karpenter-1.0.6` label.
    ChartLabel,
    /// eksctl `karpenter.version`.
    Eksctl,
}

/// The controller in the inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Controller {
    pub version: KarpenterVersion,
    pub written: String,
    pub from: VersionFrom,
    pub span: Span,
    /// `Deployment/ns/name` (or the eksctl file's cluster).
    pub object: String,
    pub namespace: String,
}

/// The tag of an image reference (`repo:tag@digest`; a port is not a tag).
fn image_tag(image: &str) -> Option<&str> {
    let no_digest = image.split('@').next()?;
    let last = no_digest.rsplit('/').next()?;
    last.split_once(':').map(|(_, t)| t)
}

/// Karpenter's version, from the rendered Deployment (image, then labels),
/// else eksctl's `karpenter.version`. `Err`: a Deployment or setting exists
/// but no version can be read from it (with where).
pub fn controller(p: &Platform) -> Result<Option<Controller>, (String, Span)> {
    if let Some(d) = inputs::karpenter_deployment(p) {
        let object = d.object_ref().to_string();
        let namespace = d.namespace().unwrap_or("karpenter").to_string();
        let containers = &d.template.spec.containers;
        let idx = containers
            .iter()
            .position(|c| c.name == "controller")
            .or(if containers.len() == 1 { Some(0) } else { None });
        if let Some(i) = idx
            && let Some(image) = containers.get(i).and_then(|c| c.image.as_deref())
            && let Some(tag) = image_tag(image)
            && let Some(v) = KarpenterVersion::parse(tag)
        {
            let mut path: Vec<PathSeg<'_>> = d
                .kind
                .template_path()
                .iter()
                .map(|k| PathSeg::Key(k))
                .collect();
            path.extend([
                PathSeg::Key("spec"),
                PathSeg::Key("containers"),
                PathSeg::Index(i),
                PathSeg::Key("image"),
            ]);
            return Ok(Some(Controller {
                version: v,
                written: tag.to_string(),
                from: VersionFrom::Image,
                span: d.origin.locate_path(&path),
                object,
                namespace,
            }));
        }
        if let Some(l) = d.metadata.labels.get("app.kubernetes.io/version")
            && let Some(v) = KarpenterVersion::parse(&l.value)
        {
            return Ok(Some(Controller {
                version: v,
                written: l.value.clone(),
                from: VersionFrom::AppVersionLabel,
                span: l.span,
                object,
                namespace,
            }));
        }
        if let Some(l) = d.metadata.labels.get("helm.sh/chart")
            && let Some(v) = l
                .value
                .strip_prefix("karpenter-")
                .and_then(KarpenterVersion::parse)
        {
            return Ok(Some(Controller {
                version: v,
                written: l.value.clone(),
                from: VersionFrom::ChartLabel,
                span: l.span,
                object,
                namespace,
            }));
        }
        return Err((
            format!(
                "{object}: no Karpenter version in its image tag, app.kubernetes.io/version or helm.sh/chart label"
            ),
            d.origin.span,
        ));
    }
    for cc in &p.cluster_configs {
        if let Some(k) = &cc.karpenter
            && let Some(v) = &k.value.version
        {
            return match KarpenterVersion::parse(&v.value) {
                Some(version) => Ok(Some(Controller {
                    version,
                    written: v.value.clone(),
                    from: VersionFrom::Eksctl,
                    span: v.span,
                    object: format!("ClusterConfig/{}", cc.name().value),
                    namespace: "karpenter".to_string(),
                })),
                None => Err((
                    format!("eksctl karpenter.version {:?} is not a version", v.value),
                    v.span,
                )),
            };
        }
    }
    Ok(None)
}

/// The controller at a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtTarget {
    Supported(&'static Compat),
    /// Upgrade Karpenter to (at least) this release line first.
    UpgradeFirst {
        current: Option<&'static Compat>,
        to: &'static Compat,
    },
    /// No release in the matrix supports the target.
    NoRelease {
        current: Option<&'static Compat>,
    },
}

pub fn at_target(c: &Controller, minor: u32) -> AtTarget {
    let current = compat_of(c.version);
    match current {
        Some(row) if row.min_k8s_minor <= minor && minor <= row.max_k8s_minor => {
            AtTarget::Supported(row)
        }
        _ => match oldest_supporting(minor, c.version) {
            Some(to) => AtTarget::UpgradeFirst { current, to },
            None => AtTarget::NoRelease { current },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::image_tag;

    #[test]
    fn tags() {
        assert_eq!(
            image_tag("public.ecr.aws/karpenter/controller:1.0.6@sha256:abc"),
            Some("1.0.6")
        );
        assert_eq!(image_tag("localhost:5000/karpenter/controller"), None);
        assert_eq!(image_tag("controller:v0.37.0"), Some("v0.37.0"));
    }
}
