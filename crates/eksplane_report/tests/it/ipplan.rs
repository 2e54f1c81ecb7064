//! `ip-plan` over the examples: the fragmented /24s that run out of /28
//! blocks long before their free-address count says so, and the plan that
//! fixes them.

use crate::example;
use eksplane_aws_data::Catalog;
use eksplane_facts::ip_inputs::{TargetArgs, plan_inputs};
use eksplane_ipplan::{PlanOptions, plan};
use eksplane_report::ipplan::{render_human, render_json, render_svgs};

fn run(
    name: &str,
) -> (
    eksplane_ipplan::Plan,
    eksplane_facts::ip_inputs::DemandSource,
) {
    let files = example(name);
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|(n, b)| (n.clone(), String::from_utf8_lossy(b).into_owned()))
        .collect();
    let l = eksplane_load::load_texts(texts.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    assert!(!l.has_input_errors(), "{:?}", l.findings);
    let (inputs, demand) = plan_inputs(
        &l.platform,
        Some(&l.db),
        Catalog::embedded(),
        &TargetArgs::default(),
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    let p = plan(&inputs, Catalog::embedded(), &PlanOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    (p, demand)
}

#[test]
fn fragmented_subnets_run_out_of_prefixes_with_addresses_left() {
    let (p, demand) = run("ip-exhaustion");
    // Every node subnet has free addresses, yet (almost) no aligned /28.
    let nodes: Vec<_> = p
        .subnets
        .iter()
        .filter(|s| {
            s.subnet_id.starts_with("subnet-0c1f")
                || s.subnet_id.starts_with("subnet-04b8")
                || s.subnet_id.starts_with("subnet-0a93")
        })
        .collect();
    assert_eq!(nodes.len(), 3);
    for s in &nodes {
        assert!(s.counts.free_addresses > 90, "{}", s.subnet_id);
        assert!(s.counts.free_prefixes <= 1, "{}", s.subnet_id);
    }
    assert!(!p.cluster.meets_target);
    assert_eq!(
        p.cluster.error.map(|e| e.ec2_code),
        Some("InsufficientCidrBlocks")
    );
    // The secondary CIDR remedy meets the target.
    assert!(p.remedies.iter().any(|r| matches!(
        r.kind,
        eksplane_ipplan::RemedyKind::SecondaryCidr { .. }
    ) && r.outcome.as_ref().is_some_and(|o| o.meets_target)));
    insta::assert_snapshot!("ip_plan_exhaustion_human", render_human(&p, &demand));
    // The JSON names each subnet's free addresses and free aligned /28s.
    let v: serde_json::Value =
        serde_json::from_str(&render_json(&p, &demand)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["format"], "eksplane-ip-plan");
    let first = &v["subnets"][0];
    for key in [
        "subnet_id",
        "cidr",
        "zone",
        "free_addresses",
        "free_prefixes",
    ] {
        assert!(!first[key].is_null(), "{key} missing in {first}");
    }
    let svgs = render_svgs(&p);
    assert_eq!(svgs.len(), p.subnets.len());
    assert!(svgs[0].1.matches("<title>").count() >= 16);
}

#[test]
fn the_fixed_plan_holds_its_target() {
    let (p, demand) = run("ip-exhaustion-fixed");
    assert!(p.custom_networking);
    assert!(p.cluster.meets_target, "{:?}", p.cluster);
    insta::assert_snapshot!("ip_plan_fixed_human", render_human(&p, &demand));
}
