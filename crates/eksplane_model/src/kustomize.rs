//! Kustomize's `kustomization.yaml` (`kustomize.config.k8s.io/v1beta1`
//! Kustomization, `v1alpha1` Component): not an object of the cluster, but it
//! says which files of its directory are patches rather than whole objects.
//! Source: https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/
//! (`patches`, and the deprecated `patchesStrategicMerge`, `patchesJson6902`).

use crate::meta::{ObjectMeta, Origin};
use eksplane_source::Spanned;
use serde::Deserialize;

/// The file name kustomize looks for in a directory (any of these).
/// Source: sigs.k8s.io/kustomize/api/konfig `RecognizedKustomizationFileNames`.
pub const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Kustomization {
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Files, directories or URLs of whole objects.
    #[serde(default)]
    pub resources: Vec<Spanned<String>>,
    #[serde(default)]
    pub patches: Vec<Spanned<Patch>>,
    /// Deprecated: file names, or inline patches as YAML text.
    #[serde(default)]
    pub patches_strategic_merge: Vec<Spanned<String>>,
    /// Deprecated.
    #[serde(default)]
    pub patches_json6902: Vec<Spanned<Patch>>,
    #[serde(skip)]
    pub origin: Origin,
}

/// One entry of `patches` or `patchesJson6902`: a file (`path`) or an inline
/// `patch`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Patch {
    pub path: Option<Spanned<String>>,
}

impl Kustomization {
    /// The files this kustomization applies as patches, as written (relative
    /// to its directory), with the place that lists each.
    pub fn patch_files(&self) -> Vec<&Spanned<String>> {
        let listed = self
            .patches
            .iter()
            .chain(&self.patches_json6902)
            .filter_map(|p| p.value.path.as_ref());
        // An entry of patchesStrategicMerge holding a newline is an inline patch.
        let smp = self
            .patches_strategic_merge
            .iter()
            .filter(|p| !p.value.contains('\n'));
        listed.chain(smp).collect()
    }
}
