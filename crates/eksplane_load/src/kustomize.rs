//! Kustomize: `kustomization.yaml` files are read first; the files they list
//! as patches (`patches`, `patchesStrategicMerge`, `patchesJson6902`) are
//! recognised and skipped with an info, as are workload documents that can
//! only be strategic-merge patches (no `spec.selector` or `spec.template`).
//! A patch is a fragment merged into another object by `kubectl kustomize`;
//! judging it as a whole object gives wrong answers.

use crate::{Ctx, decode_or_report, with_node};
use eksplane_diagnostics::{Finding, Severity, input};
use eksplane_model::Origin;
use eksplane_model::k8s::WorkloadKind;
use eksplane_model::kustomize::{FILE_NAMES, Kustomization};
use eksplane_source::{Document, FileId, Node, Span};
use std::path::{Component, Path, PathBuf};

/// Whether a file's name is one kustomize reads as its kustomization.
pub(crate) fn is_kustomization_file(name: &str) -> bool {
    Path::new(name)
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| FILE_NAMES.contains(&n))
}

/// `a/./b/../c` -> `a/c`, without touching the file system.
fn normalize(path: &Path) -> String {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c),
        }
    }
    out.to_string_lossy().into_owned()
}

pub(crate) fn load_kustomization(ctx: &mut Ctx, node: Node, origin: Origin) {
    let what = "kustomization";
    let Some(mut k) = decode_or_report::<Kustomization>(ctx, what, &node) else {
        return;
    };
    let dir = ctx
        .db
        .get(node.span.file)
        .and_then(|f| Path::new(&f.name).parent().map(Path::to_path_buf))
        .unwrap_or_default();
    for p in k.patch_files() {
        ctx.patch_files
            .entry(normalize(&dir.join(&p.value)))
            .or_insert(p.span);
    }
    k.origin = with_node(origin, node);
    ctx.stats.objects += 1;
    ctx.platform.kustomizations.push(k);
}

/// Where a kustomization lists file `id` as a patch, if one does.
pub(crate) fn listed_as_patch(ctx: &Ctx, id: FileId) -> Option<Span> {
    if ctx.patch_files.is_empty() {
        return None;
    }
    let name = &ctx.db.get(id)?.name;
    ctx.patch_files.get(&normalize(Path::new(name))).copied()
}

fn describe(root: &Node) -> String {
    let kind = root.get("kind").and_then(Node::as_str);
    let name = root
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Node::as_str);
    match (kind, name) {
        (Some(k), Some(n)) => format!("{k} {n}"),
        (Some(k), None) => k.to_string(),
        _ => "this document".to_string(),
    }
}

pub(crate) fn skip_listed_patch(ctx: &mut Ctx, doc: &Document, listed: Span) {
    if doc.root.is_null() {
        return;
    }
    ctx.stats.documents += 1;
    let listing = ctx
        .db
        .get(listed.file)
        .map(|f| f.name.clone())
        .unwrap_or_default();
    ctx.findings.push(
        Finding::new(
            input::KUSTOMIZE_PATCH,
            Severity::Info,
            "Kustomize patch skipped",
            format!(
                "{} is a Kustomize patch (listed in {listing}), not a whole object: skipped; check what `kubectl kustomize` renders to see the patched object",
                describe(&doc.root)
            ),
            doc.root.span,
        )
        .related(listed, "listed as a patch here"),
    );
}

/// Why a workload document can only be a strategic-merge patch: the API
/// requires `spec.selector` (apps/v1 controllers) and a pod template, and a
/// patch leaves out whatever it does not change.
/// Source: Kubernetes API reference, DeploymentSpec/StatefulSetSpec/
/// DaemonSetSpec/ReplicaSetSpec (`selector`, `template`: required),
/// JobSpec (`template`: required), CronJobSpec (`jobTemplate`: required).
pub(crate) fn workload_patch_reason(kind: WorkloadKind, node: &Node) -> Option<&'static str> {
    let spec = node.get("spec");
    let has = |k: &str| spec.and_then(|s| s.get(k)).is_some_and(|n| !n.is_null());
    match kind {
        WorkloadKind::Deployment
        | WorkloadKind::StatefulSet
        | WorkloadKind::DaemonSet
        | WorkloadKind::ReplicaSet => {
            if !has("selector") {
                Some("no spec.selector")
            } else if !has("template") {
                Some("no spec.template")
            } else {
                None
            }
        }
        WorkloadKind::Job => (!has("template")).then_some("no spec.template"),
        WorkloadKind::CronJob => (!has("jobTemplate")).then_some("no spec.jobTemplate"),
        WorkloadKind::Pod => None,
    }
}

pub(crate) fn skip_unlisted_patch(ctx: &mut Ctx, node: &Node, reason: &str) {
    ctx.findings.push(Finding::new(
        input::KUSTOMIZE_PATCH,
        Severity::Info,
        "Kustomize patch skipped",
        format!(
            "{} has {reason}, which the API requires: it is a strategic-merge patch (Kustomize), not a whole object, and is skipped; if it is meant to be applied as it is, the API server will reject it",
            describe(node)
        ),
        node.span,
    ));
}
