//! Kustomize: kustomization files recognised, the patches they list and
//! workload documents that can only be patches skipped with an info.

use crate::{corpus_dir, lines, load};
use eksplane_load::{Input, LoadOptions};

#[test]
fn listed_patches_and_unlisted_workload_patches_are_skipped() {
    let kust = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\npatches:\n  - path: ./cm.yaml\n  - patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: 3\n    target: {kind: Deployment}\npatchesStrategicMerge:\n  - svc.yaml\n";
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: catalog\ndata:\n  DB: rds\n";
    let svc =
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: catalog\nspec:\n  type: LoadBalancer\n";
    let dep = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: catalog\nspec:\n  template:\n    spec:\n      containers:\n        - name: catalog\n          image: x\n";
    // Another directory's ConfigMap of the same file name is a whole object.
    let l = load(&[
        ("app/cm.yaml", cm),
        ("app/dep.yaml", dep),
        ("app/kustomization.yaml", kust),
        ("app/svc.yaml", svc),
        ("other/cm.yaml", cm),
    ]);
    let ls = lines(&l);
    assert_eq!(
        ls,
        vec![
            "LOAD008 app/cm.yaml:1:1 ConfigMap catalog is a Kustomize patch (listed in app/kustomization.yaml), not a whole object: skipped; check what `kubectl kustomize` renders to see the patched object",
            "LOAD008 app/dep.yaml:1:1 Deployment catalog has no spec.selector, which the API requires: it is a strategic-merge patch (Kustomize), not a whole object, and is skipped; if it is meant to be applied as it is, the API server will reject it",
            "LOAD008 app/svc.yaml:1:1 Service catalog is a Kustomize patch (listed in app/kustomization.yaml), not a whole object: skipped; check what `kubectl kustomize` renders to see the patched object",
        ],
    );
    assert_eq!(
        l.db.display(l.findings[0].related[0].span),
        "app/kustomization.yaml:6:11"
    );
    assert_eq!(
        l.db.display(l.findings[2].related[0].span),
        "app/kustomization.yaml:13:5"
    );
    assert!(
        l.findings
            .iter()
            .all(|f| f.severity == eksplane_diagnostics::Severity::Info)
    );
    let p = &l.platform;
    assert!(p.workloads.is_empty() && p.services.is_empty());
    assert_eq!(p.config_maps.len(), 1);
    assert_eq!(
        l.db.display(p.config_maps[0].origin.span),
        "other/cm.yaml:1:1"
    );
    assert_eq!(p.kustomizations.len(), 1);
    assert_eq!(l.stats.unrecognised, 0);
    assert_eq!(
        p.inventory().kubernetes.get("Kustomization (kustomize)"),
        Some(&1)
    );
}

#[test]
fn kustomization_without_kind_is_recognised() {
    let l = load(&[
        (
            "k/kustomization.yaml",
            "resources:\n  - a.yaml\npatchesStrategicMerge:\n  - p.yaml\n",
        ),
        (
            "k/p.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n",
        ),
    ]);
    assert_eq!(l.stats.unrecognised, 0);
    assert_eq!(l.platform.kustomizations.len(), 1);
    assert!(l.platform.namespaces.is_empty());
    assert_eq!(lines(&l).len(), 1);
    assert!(lines(&l)[0].starts_with("LOAD008 k/p.yaml:1:1 Namespace x is a Kustomize patch"));
}

#[test]
fn workshop_module_patches_are_skipped() {
    let Some(root) = corpus_dir() else { return };
    let dir = root.join("eks-workshop-v2/manifests/modules/networking/securitygroups-for-pods/rds");
    let l = eksplane_load::load(&[Input::Path(dir)], LoadOptions::default());
    let ls: Vec<String> = lines(&l)
        .into_iter()
        .map(|s| s.replace(&format!("{}/", root.display()), ""))
        .collect();
    let patches: Vec<&String> = ls.iter().filter(|s| s.starts_with("LOAD008")).collect();
    assert_eq!(patches.len(), 2, "{ls:?}");
    assert!(
        patches[0]
            .contains("rds/catalog-configMap.yaml:1:1 ConfigMap catalog is a Kustomize patch"),
        "{ls:?}"
    );
    assert!(
        patches[1].contains("rds/deployment.yaml:1:1 Deployment catalog is a Kustomize patch"),
        "{ls:?}"
    );
    assert!(!l.has_input_errors(), "{ls:?}");
    assert!(l.platform.workloads.is_empty());
    assert_eq!(l.platform.kustomizations.len(), 1);
}
