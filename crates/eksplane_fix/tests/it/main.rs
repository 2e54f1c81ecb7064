//! Every fix, end to end: check, apply the fix's edits, read the edited files
//! back, check again. The finding is gone, no new finding appears, and every
//! byte outside the edited ranges is unchanged.

use eksplane_diagnostics::{Finding, Fix};
use eksplane_fix::{Outcome, apply};
use eksplane_rules::{CheckOptions, ClusterInput, run_clusters};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Files = BTreeMap<String, String>;

/// Loads the files and runs every rule, as `check` does (one cluster at a
/// time, support windows as of a fixed day).
fn check(files: &Files) -> (eksplane_load::Loaded, Vec<Finding>) {
    let loaded = eksplane_load::load_texts(files.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    let parts = eksplane_load::split_clusters(&loaded);
    let inputs = parts
        .iter()
        .map(|c| ClusterInput {
            name: c.name.as_deref(),
            platform: &c.platform,
            findings: c.findings.clone(),
        })
        .collect();
    let r = run_clusters(
        inputs,
        &loaded.db,
        loaded.findings.clone(),
        CheckOptions {
            config: None,
            catalog: None,
            today: eksplane_aws_data::eks_versions::Date::parse("2026-01-15"),
            rules: None,
        },
    );
    (loaded, r.findings)
}

/// `RULE object` of a finding; objects a fix created as copies
/// (`NodePool/batch-11`) are named after their original, whose findings they
/// inherit.
fn key(f: &Finding, copies: &BTreeSet<String>) -> String {
    let mut object = f.object.clone().unwrap_or_default();
    if copies.contains(&object)
        && let Some((base, n)) = object.rsplit_once('-')
        && n.chars().all(|c| c.is_ascii_digit())
    {
        object = base.to_string();
    }
    format!("{} {object}", f.rule)
}

struct Round {
    before: Vec<Finding>,
    fixed: Vec<Finding>,
    outcome: Outcome,
    after_files: Files,
    after: Vec<Finding>,
}

/// Checks `files`, applies the fixes that apply (`unsafe_ok`: unsafe ones
/// too), and checks the result.
fn round(files: &Files, unsafe_ok: bool) -> Round {
    let (loaded, before) = check(files);
    let chosen: Vec<(&Finding, &Fix)> = before
        .iter()
        .filter_map(|f| f.fix.as_ref().map(|x| (f, x)))
        .filter(|(_, x)| x.applies(unsafe_ok))
        .collect();
    let fixes: Vec<&Fix> = chosen.iter().map(|(_, x)| *x).collect();
    let outcome = apply(&loaded.db, &fixes, &|p: &Path| {
        files.contains_key(&p.to_string_lossy().to_string())
    });
    let fixed = outcome
        .applied
        .iter()
        .map(|&i| chosen[i].0.clone())
        .collect();
    let mut after_files = files.clone();
    for c in &outcome.changed {
        after_files.insert(c.path.clone(), c.after.clone());
    }
    for n in &outcome.created {
        after_files.insert(n.path.to_string_lossy().to_string(), n.text.clone());
    }
    let (_, after) = check(&after_files);
    Round {
        before,
        fixed,
        outcome,
        after_files,
        after,
    }
}

/// The finding of each applied fix is gone; nothing new appears; no input
/// problem (LOAD) appears; bytes outside the edits are unchanged.
fn assert_clean(r: &Round) {
    let copies: BTreeSet<String> = r
        .after
        .iter()
        .filter_map(|f| f.object.clone())
        .filter(|o| !r.before.iter().any(|b| b.object.as_deref() == Some(o)))
        .collect();
    let before: BTreeSet<String> = r.before.iter().map(|f| key(f, &copies)).collect();
    let after: Vec<String> = r.after.iter().map(|f| key(f, &copies)).collect();
    for f in &r.fixed {
        let k = key(f, &copies);
        let left: Vec<&Finding> = r
            .after
            .iter()
            .filter(|a| key(a, &copies) == k && a.message == f.message)
            .collect();
        assert!(
            left.is_empty(),
            "fixed finding still there: {k}: {}",
            f.message
        );
    }
    let new: Vec<&String> = after.iter().filter(|k| !before.contains(*k)).collect();
    assert!(new.is_empty(), "new findings after the fix: {new:?}");
    assert!(
        !r.after.iter().any(|f| f.rule.area() == "LOAD"),
        "the edited files do not load cleanly: {:?}",
        r.after
            .iter()
            .filter(|f| f.rule.area() == "LOAD")
            .map(|f| &f.message)
            .collect::<Vec<_>>()
    );
    for c in &r.outcome.changed {
        assert_outside_identical(&c.before, &c.after, &c.replacements);
    }
}

/// The text between the edits is byte-identical before and after.
fn assert_outside_identical(before: &str, after: &str, reps: &[eksplane_fix::Replacement]) {
    let (mut a, mut b) = (0usize, 0usize);
    for r in reps {
        let same = r.range.start - a;
        assert_eq!(before.get(a..r.range.start), after.get(b..b + same));
        b += same + r.text.len();
        assert_eq!(after.get(b - r.text.len()..b), Some(r.text.as_str()));
        a = r.range.end;
    }
    assert_eq!(before.get(a..), after.get(b..));
}

fn files(list: &[(&str, &str)]) -> Files {
    list.iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect()
}

fn rules_of(fs: &[Finding]) -> Vec<&str> {
    fs.iter().map(|f| f.rule.as_str()).collect()
}

const NODE_CLASS: &str = "# Nodes of every general pool.
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata:
  name: default   # shared
spec:
  role: KarpenterNodeRole-prod
  amiSelectorTerms: [{alias: al2023@latest}]
  metadataOptions:
    httpEndpoint: enabled
    # raised for fluent-bit
    httpPutResponseHopLimit: 2
    httpTokens: required
";

#[test]
fn kar007_hop_limit_is_unsafe_and_keeps_comments() {
    let fs = files(&[("p/class.yaml", NODE_CLASS)]);
    let safe = round(&fs, false);
    assert!(rules_of(&safe.before).contains(&"KAR007"));
    assert!(safe.fixed.is_empty(), "a node roll is not a safe fix");
    let r = round(&fs, true);
    assert_eq!(rules_of(&r.fixed), vec!["KAR007"]);
    assert_eq!(
        r.after_files["p/class.yaml"],
        NODE_CLASS.replace("HopLimit: 2", "HopLimit: 1")
    );
    assert!(
        !rules_of(&r.after).contains(&"KAR007"),
        "{:?}",
        rules_of(&r.after)
    );
    assert_clean(&r);
}

fn ingress(ns: &str, name: &str, annotations: &str) -> String {
    format!(
        "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
  namespace: {ns}
{annotations}spec:
  ingressClassName: alb
  rules:
    - host: {name}.example.com
      http:
        paths:
          - {{path: /, pathType: Prefix, backend: {{service: {{name: {name}, port: {{number: 80}}}}}}}}
"
    )
}

#[test]
fn ing001_group_name_inserted_with_or_without_annotations() {
    // One Ingress with annotations (a comment among them), one with none,
    // both in one multi-document file, and one in a JSON file.
    let a = ingress(
        "web",
        "shop",
        "  annotations:\n    # public\n    alb.ingress.kubernetes.io/scheme: internet-facing\n",
    );
    let b = ingress(
        "web",
        "admin",
        "  annotations:\n    alb.ingress.kubernetes.io/scheme: internet-facing\n",
    );
    let c = ingress("web", "api", "");
    let json = r#"{
  "apiVersion": "networking.k8s.io/v1",
  "kind": "Ingress",
  "metadata": {"name": "docs", "namespace": "web",
    "annotations": {"alb.ingress.kubernetes.io/scheme": "internal"}},
  "spec": {"ingressClassName": "alb"}
}
"#;
    let fs = files(&[
        ("p/ingresses.yaml", &format!("{a}---\n{b}")),
        ("p/api.yaml", &c),
        ("p/docs.json", json),
    ]);
    let r = round(&fs, true);
    let ing001 = |fs: &[Finding]| fs.iter().filter(|f| f.rule.as_str() == "ING001").count();
    assert_eq!(ing001(&r.before), 4, "{:?}", rules_of(&r.before));
    assert_eq!(rules_of(&r.fixed), vec!["ING001"; 4]);
    let text = &r.after_files["p/ingresses.yaml"];
    assert!(
        text.contains("    alb.ingress.kubernetes.io/scheme: internet-facing\n    alb.ingress.kubernetes.io/group.name: shared-internet-facing\nspec:"),
        "{text}"
    );
    assert_eq!(
        text.matches("group.name: shared-internet-facing").count(),
        2
    );
    assert!(text.contains("    # public\n"));
    // `api` has no scheme, so internal like `docs`: one internal group.
    assert!(r.after_files["p/api.yaml"].contains("  name: api\n  namespace: web\n  annotations:\n    alb.ingress.kubernetes.io/group.name: shared-internal\nspec:"), "{}", r.after_files["p/api.yaml"]);
    assert!(r.after_files["p/docs.json"].contains(r#"{"alb.ingress.kubernetes.io/scheme": "internal", "alb.ingress.kubernetes.io/group.name": "shared-internal"}"#), "{}", r.after_files["p/docs.json"]);
    assert_eq!(ing001(&r.after), 0, "{:?}", rules_of(&r.after));
    assert_clean(&r);
    // Safe mode leaves them: the ALB, and its DNS name, would change.
    assert!(round(&fs, false).fixed.is_empty());
}

const POOL: &str = "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: default}
spec:
  template:
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
      requirements:
        - key: karpenter.sh/capacity-type
          operator: In
          values: [on-demand]
  disruption:
    consolidateAfter: 1m
  limits: {cpu: 100}
";

fn deployment(replicas: u32, labels: &str) -> String {
    format!(
        "# storefront
apiVersion: apps/v1
kind: Deployment
metadata:
  name: storefront
  namespace: web
spec:
  replicas: {replicas}
  selector:
    matchLabels: {labels}
  template:
    metadata:
      labels: {labels}
    spec:
      containers: [{{name: web, image: nginx}}]
"
    )
}

#[test]
fn kar002_pdb_is_a_safe_new_file_beside_the_workload() {
    let fs = files(&[
        (
            "p/karpenter.yaml",
            &format!(
                "{POOL}---\n{}",
                NODE_CLASS.replace("HopLimit: 2", "HopLimit: 1")
            ),
        ),
        (
            "p/apps/storefront.yaml",
            &deployment(3, "{app: storefront, tier: web}"),
        ),
    ]);
    let r = round(&fs, false);
    assert_eq!(rules_of(&r.fixed), vec!["KAR002"]);
    assert!(r.outcome.changed.is_empty());
    assert_eq!(
        r.after_files
            .get("p/apps/storefront-pdb.yaml")
            .map(String::as_str),
        Some(
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: storefront\n  namespace: web\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: storefront\n      tier: web\n  unhealthyPodEvictionPolicy: AlwaysAllow\n"
        )
    );
    assert!(
        !rules_of(&r.after).contains(&"KAR002"),
        "{:?}",
        rules_of(&r.after)
    );
    assert_clean(&r);
    // An existing file of that name is never overwritten.
    let mut taken = fs.clone();
    taken.insert("p/apps/storefront-pdb.yaml".into(), "# mine\n".into());
    let r = round(&taken, false);
    assert!(r.fixed.is_empty());
    assert!(
        r.outcome.skipped[0].1.contains("already exists"),
        "{:?}",
        r.outcome.skipped
    );
}

#[test]
fn kar002_no_pdb_when_the_labels_select_another_workload() {
    let other = deployment(2, "{app: storefront, tier: web}").replace(
        "name: storefront\n  namespace",
        "name: storefront-canary\n  namespace",
    );
    let fs = files(&[
        (
            "p/karpenter.yaml",
            &format!(
                "{POOL}---\n{}",
                NODE_CLASS.replace("HopLimit: 2", "HopLimit: 1")
            ),
        ),
        (
            "p/apps/storefront.yaml",
            &format!(
                "{}---\n{other}",
                deployment(3, "{app: storefront, tier: web}")
            ),
        ),
    ]);
    let r = round(&fs, true);
    assert_eq!(
        r.before
            .iter()
            .filter(|f| f.rule.as_str() == "KAR002")
            .count(),
        2
    );
    // A pod under two PDBs cannot be evicted at all: no edit is offered.
    assert!(r.fixed.is_empty());
    assert!(
        r.before
            .iter()
            .all(|f| f.fix.as_ref().is_some_and(|x| x.edits.is_empty()))
    );
}

#[test]
fn cni002_one_group_sets_max_pods_on_the_node_class() {
    // Xen c4 types, prefix delegation off (no aws-node: the defaults):
    // 110 pods admitted, 58 (c4.xlarge) addressable.
    let class = NODE_CLASS.replace("HopLimit: 2", "HopLimit: 1").replace(
        "  metadataOptions:",
        "  kubelet:\n    maxPods: 110 # set by hand\n  metadataOptions:",
    );
    let pool = POOL.replace(
        "          values: [on-demand]\n",
        "          values: [on-demand]\n        - key: node.kubernetes.io/instance-type\n          operator: In\n          values: [c4.xlarge]\n",
    );
    let fs = files(&[("p/pool.yaml", &pool), ("p/class.yaml", &class)]);
    let r = round(&fs, true);
    assert!(
        rules_of(&r.before).contains(&"CNI002"),
        "{:?}",
        rules_of(&r.before)
    );
    assert!(
        rules_of(&r.fixed).contains(&"CNI002"),
        "{:?}",
        r.outcome.skipped
    );
    assert!(
        r.after_files["p/class.yaml"].contains("    maxPods: 58 # set by hand\n"),
        "{}",
        r.after_files["p/class.yaml"]
    );
    assert!(r.outcome.created.is_empty());
    assert_clean(&r);
}

/// The bundled example, read from disk.
fn platform_prod() -> Files {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut out = Files::new();
    let mut stack = vec![root.join("platform-prod")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{e}")) {
            let p = e.unwrap_or_else(|e| panic!("{e}")).path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                let name = p
                    .strip_prefix(&root)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .to_string();
                let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{e}"));
                out.insert(name, text);
            }
        }
    }
    out
}

#[test]
fn platform_prod_safe_fixes() {
    let fs = platform_prod();
    let r = round(&fs, false);
    assert_eq!(rules_of(&r.fixed), vec!["KAR002"]);
    assert!(r.outcome.skipped.is_empty(), "{:?}", r.outcome.skipped);
    assert!(
        r.after_files
            .contains_key("platform-prod/workloads/web/storefront-pdb.yaml")
    );
    assert_eq!(r.after.len() + 1, r.before.len());
    assert_clean(&r);
}

#[test]
fn platform_prod_unsafe_fixes() {
    let fs = platform_prod();
    let r = round(&fs, true);
    let fixed: BTreeMap<&str, usize> =
        rules_of(&r.fixed)
            .into_iter()
            .fold(BTreeMap::new(), |mut m, k| {
                *m.entry(k).or_default() += 1;
                m
            });
    assert_eq!(
        fixed,
        BTreeMap::from([
            ("CNI001", 2),
            ("CNI002", 2),
            ("ING001", 3),
            ("KAR002", 1),
            ("KAR007", 1)
        ]),
        "skipped: {:?}",
        r.outcome.skipped
    );
    assert_clean(&r);
    // Every file the fixes did not name is byte-identical.
    let touched: BTreeSet<&str> = r.outcome.changed.iter().map(|c| c.path.as_str()).collect();
    for (name, text) in &fs {
        if !touched.contains(name.as_str()) {
            assert_eq!(&r.after_files[name], text, "{name}");
        }
    }
    // The class copies were made from the class as read (hop limit 2): the
    // second pass `--fix` makes fixes them, and a third finds nothing.
    let again = round(&r.after_files, true);
    assert!(
        !again.fixed.is_empty() && again.fixed.iter().all(|f| f.rule.as_str() == "KAR007"),
        "{:?}",
        rules_of(&again.fixed)
    );
    assert_clean(&again);
    let third = round(&again.after_files, true);
    assert!(third.fixed.is_empty(), "{:?}", rules_of(&third.fixed));
}
