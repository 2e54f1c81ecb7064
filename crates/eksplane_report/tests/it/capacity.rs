//! `eksplane capacity` and `eksplane max-pods` output over the bundled
//! examples: snapshots of what people read (the embedded catalog), of the
//! JSON document (the example's own describe-instance-types output as the
//! catalog, to keep it small), and the JSON's invariants over the whole
//! embedded catalog.

use crate::{example, workspace_root};
use eksplane_aws_data::Catalog;
use eksplane_capacity::{CniVersion, MaxPodsOptions, max_pods, nodeadm_max_pods};
use eksplane_load::{Loaded, load_texts};
use eksplane_report::capacity::{self, CapacityView, HumanOptions};
use eksplane_report::max_pods::{self as mp, Entry, Show};

fn load(name: &str) -> Loaded {
    let files = example(name);
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|(n, b)| (n.clone(), String::from_utf8_lossy(b).into_owned()))
        .collect();
    let l = load_texts(texts.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    assert!(
        l.findings
            .iter()
            .all(|f| f.severity != eksplane_diagnostics::Severity::Error),
        "{:?}",
        l.findings
    );
    l
}

fn capacity_view(l: &Loaded, catalog: &Catalog, desc: &str) -> CapacityView {
    let facts = eksplane_facts::Facts::new(&l.platform, catalog);
    capacity::view(&l.platform, &l.db, facts.capacities(), facts.cni(), desc)
}

fn example_catalog(name: &str) -> Catalog {
    let p = workspace_root().join(format!(
        "examples/{name}/aws/ec2-describe-instance-types.json"
    ));
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    Catalog::from_describe_instance_types_json(&text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn capacity_human_platform_prod() {
    let l = load("platform-prod");
    let v = capacity_view(&l, Catalog::embedded(), "embedded");
    assert!(v.has_problems());
    insta::assert_snapshot!(capacity::render_human(&v, HumanOptions::default()));
}

#[test]
fn capacity_human_platform_good() {
    let l = load("platform-good");
    let v = capacity_view(&l, Catalog::embedded(), "embedded");
    insta::assert_snapshot!(capacity::render_human(&v, HumanOptions::default()));
}

#[test]
fn capacity_json_platform_prod() {
    let l = load("platform-prod");
    let v = capacity_view(
        &l,
        &example_catalog("platform-prod"),
        "examples/platform-prod/aws/ec2-describe-instance-types.json",
    );
    insta::assert_snapshot!(capacity::render_json(&v));
}

#[test]
fn capacity_json_platform_good() {
    let l = load("platform-good");
    let v = capacity_view(
        &l,
        &example_catalog("platform-good"),
        "examples/platform-good/aws/ec2-describe-instance-types.json",
    );
    insta::assert_snapshot!(capacity::render_json(&v));
}

#[test]
fn capacity_json_over_the_embedded_catalog_is_consistent() {
    for name in ["platform-prod", "platform-good"] {
        let l = load(name);
        let v = capacity_view(&l, Catalog::embedded(), "embedded");
        let doc: serde_json::Value = serde_json::from_str(&capacity::render_json(&v))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(doc["format"], "eksplane-capacity");
        assert_eq!(doc["version"], 1);
        for pool in doc["node_pools"].as_array().into_iter().flatten() {
            let rows = pool["rows"].as_array().map_or(0, Vec::len);
            let c = &pool["counts"];
            let total: u64 = ["consistent", "over_committed", "under_used"]
                .iter()
                .filter_map(|k| c[*k].as_u64())
                .sum();
            assert_eq!(total as usize, rows, "{name}: {}", pool["name"]);
            if pool["kind"] == "karpenter" {
                assert!(rows > 100, "{name}: large allowed sets");
            }
        }
    }
    // The guide's story: m6i.4xlarge under prefix delegation with maxPods 110
    // is under-used (the CNI could carry 250 after the cap).
    let l = load("platform-prod");
    let v = capacity_view(&l, Catalog::embedded(), "embedded");
    let row = v
        .node_pools
        .iter()
        .flat_map(|p| &p.rows)
        .find(|r| r.instance_type == "m6i.4xlarge")
        .unwrap_or_else(|| panic!("m6i.4xlarge allowed"));
    assert_eq!(row.karpenter.pods, 110);
    assert_eq!(row.verdict, "consistent");
    let row = v
        .node_pools
        .iter()
        .flat_map(|p| &p.rows)
        .find(|r| r.instance_type == "c7g.medium")
        .unwrap_or_else(|| panic!("c7g.medium allowed"));
    assert_eq!(row.verdict, "over-committed");
}

fn entries(types: &[&str], o: &MaxPodsOptions, nodeadm: bool) -> Vec<Entry> {
    types
        .iter()
        .map(|n| {
            let t = Catalog::embedded()
                .get(n)
                .unwrap_or_else(|| panic!("{n} in the catalog"));
            Entry {
                node_pool: None,
                max_pods: max_pods(t, o),
                nodeadm: nodeadm.then(|| nodeadm_max_pods(t, None, None)),
            }
        })
        .collect()
}

#[test]
fn max_pods_table_csv_and_explain() {
    let mut o = MaxPodsOptions::new(CniVersion::new(1, 19, 2));
    o.prefix_delegation = true;
    let e = entries(
        &["m6i.4xlarge", "c7g.medium", "m5.metal", "t2.micro"],
        &o,
        true,
    );
    let show = Show {
        max_allowed: true,
        nodeadm: true,
        expression: false,
        explain: true,
    };
    let v = mp::view(&e, "embedded", None, show);
    insta::assert_snapshot!("max_pods_table", mp::render_table(&v));
    insta::assert_snapshot!("max_pods_csv", mp::render_csv(&v));
    let doc: serde_json::Value =
        serde_json::from_str(&mp::render_json(&v)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc["format"], "eksplane-max-pods");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["rows"][1]["max_pods"], 98);
    assert!(
        doc["rows"][0]["explain"]
            .as_array()
            .is_some_and(|s| !s.is_empty())
    );
}
