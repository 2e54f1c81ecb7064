//! The bundled examples end to end: each blocker named with its file and
//! line, in the right step; the fixed example plans clean.

use crate::{plan_to, workspace_root};
use eksplane_load::{Loaded, load_texts};
use eksplane_upgrade::ItemKind;

fn example(name: &str) -> Loaded {
    let root = workspace_root();
    let mut files = Vec::new();
    let mut stack = vec![root.join("examples").join(name)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                let rel = p
                    .strip_prefix(&root)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push((rel, std::fs::read_to_string(&p).expect("utf-8")));
            }
        }
    }
    files.sort();
    let l = load_texts(files.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    assert!(!l.has_input_errors(), "{:?}", l.findings);
    l
}

fn at(l: &Loaded, i: &eksplane_upgrade::Item) -> String {
    i.span
        .map(|s| format!("{}:{}", l.db.name(s.file), s.start.line))
        .unwrap_or_default()
}

#[test]
fn upgrade_1_29_names_every_blocker_in_its_step() {
    let l = example("upgrade-1.29");
    let p = plan_to(&l, 32);
    assert_eq!(p.steps.len(), 3);
    let found: Vec<(u32, ItemKind, String)> = p
        .steps
        .iter()
        .flat_map(|s| s.blockers.iter().map(move |b| (s.to.0, b)))
        .map(|(to, b)| (to, b.kind, at(&l, b)))
        .collect();
    let has = |to: u32, kind: ItemKind, file_line: &str| {
        assert!(
            found
                .iter()
                .any(|(t, k, a)| *t == to && *k == kind && a == file_line),
            "missing {kind:?} at {file_line} in the step to 1.{to}: {found:#?}"
        );
    };
    let ex = "examples/upgrade-1.29";
    // Already removed (1.25): they cannot be applied today.
    has(
        30,
        ItemKind::RemovedApi,
        &format!("{ex}/legacy/old-apis.yaml:3"),
    );
    has(
        30,
        ItemKind::RemovedApi,
        &format!("{ex}/legacy/old-apis.yaml:14"),
    );
    // Removed in 1.32.
    has(
        32,
        ItemKind::RemovedApi,
        &format!("{ex}/legacy/old-apis.yaml:31"),
    );
    has(
        30,
        ItemKind::AddonIncompatible,
        &format!("{ex}/cluster.yaml:31"),
    );
    has(
        30,
        ItemKind::AmiReleaseMissing,
        &format!("{ex}/karpenter/nodepool.yaml:31"),
    );
    has(
        30,
        ItemKind::PdbBlocksDrain,
        &format!("{ex}/workloads/payments.yaml:36"),
    );
    has(
        30,
        ItemKind::SurgeDoesNotFit,
        &format!("{ex}/cluster.yaml:37"),
    );
    has(
        32,
        ItemKind::KarpenterUnsupported,
        &format!("{ex}/karpenter/controller.yaml:24"),
    );
    // The FlowSchema is not a blocker before the step that removes it.
    assert!(
        !found
            .iter()
            .any(|(t, _, a)| *t < 32 && a.ends_with("old-apis.yaml:31"))
    );
    let surge = p.surge.as_ref().expect("judged");
    assert_eq!(surge.node_side.short_addresses(), 22);
}

#[test]
fn upgrade_1_29_fixed_plans_clean() {
    let l = example("upgrade-1.29-fixed");
    let p = plan_to(&l, 32);
    for s in &p.steps {
        assert!(
            s.blockers.is_empty(),
            "{} -> {}: {:#?}",
            s.from,
            s.to,
            s.blockers
        );
    }
    assert!(p.already_removed.is_empty());
    assert!(p.surge.as_ref().is_some_and(|s| s.fits()));
    // Every step updates the control plane, then rolls the node group.
    for s in &p.steps {
        let kinds: Vec<ItemKind> = s.actions.iter().map(|a| a.kind).collect();
        let cp = kinds
            .iter()
            .position(|k| *k == ItemKind::ControlPlaneUpdate);
        let ng = kinds
            .iter()
            .position(|k| *k == ItemKind::ManagedNodeGroupUpdate);
        assert!(cp.is_some() && ng.is_some() && cp < ng, "{kinds:?}");
    }
}
