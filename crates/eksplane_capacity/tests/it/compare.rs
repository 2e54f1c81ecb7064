use crate::support::catalog_type;
use eksplane_capacity::{
    AmiFamily, CniOptions, Expression, GroupSelector, KarpenterInputs, Verdict, compare,
    recommend_max_pods,
};

fn cmp(name: &str, k: &KarpenterInputs, c: &CniOptions) -> eksplane_capacity::Comparison {
    compare(catalog_type(name), k, c).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn verdicts() {
    let k = KarpenterInputs::new(AmiFamily::Al2023);
    let plain = CniOptions::default();
    let pd = CniOptions {
        prefix_delegation: true,
        warm_prefix_target: Some(1),
        ..plain
    };
    assert_eq!(cmp("m6i.4xlarge", &k, &plain).verdict, Verdict::Consistent);
    // Karpenter never considers prefix delegation: 8 admitted, 98 possible.
    assert_eq!(
        cmp("c7g.medium", &k, &pd).verdict,
        Verdict::UnderUsed { pods_lost: 90 }
    );
    // A NodeClass-wide maxPods: 110 without prefix delegation over-commits.
    let mut k110 = k;
    k110.kubelet.max_pods = Some(110);
    assert_eq!(
        cmp("c7g.medium", &k110, &plain).verdict,
        Verdict::OverCommitted { by: 102 }
    );
    assert_eq!(
        cmp("t3.nano", &k110, &pd).verdict,
        Verdict::OverCommitted { by: 110 - 34 }
    );
    assert_eq!(cmp("m6i.4xlarge", &k110, &pd).verdict, Verdict::Consistent);
}

#[test]
fn fix_splits_by_size_and_the_expression_matches() {
    let mut k = KarpenterInputs::new(AmiFamily::Al2023);
    k.kubelet.max_pods = Some(110);
    let pd = CniOptions {
        prefix_delegation: true,
        warm_prefix_target: Some(1),
        ..CniOptions::default()
    };
    let names = [
        "t3.nano",
        "t3.micro",
        "c7g.medium",
        "m6i.large",
        "m6i.4xlarge",
        "m6i.16xlarge",
        "c6i.32xlarge",
    ];
    let comps: Vec<_> = names.iter().map(|n| cmp(n, &k, &pd)).collect();
    let fix = recommend_max_pods(&comps, &pd);
    let values: Vec<u32> = fix.groups.iter().map(|g| g.max_pods).collect();
    assert_eq!(values, [34, 98, 110, 250]);
    assert!(matches!(
        fix.groups[0].selector,
        GroupSelector::InstanceCpu(_) | GroupSelector::InstanceTypes(_)
    ));
    // nodeadm has no `vcpus` variable (eni_max_pods.go): the expression caps
    // at 110, so the types above 30 vCPUs (ceiling 250) are listed.
    assert_eq!(fix.expression_mismatches, ["c6i.32xlarge", "m6i.16xlarge"]);
    assert!(!fix.nodeadm_expression.contains("vcpus"));
    let e = Expression::parse(&fix.nodeadm_expression).unwrap_or_else(|e| panic!("{e}"));
    let v = e.eval_int(&|n| match n {
        "default_enis" => Some(2),
        "ips_per_eni" => Some(4),
        _ => None,
    });
    assert_eq!(v, Ok(98));
    // Every type is consistent with its group's value.
    for g in &fix.groups {
        for n in &g.instance_types {
            let c = comps
                .iter()
                .find(|c| &c.instance_type == n)
                .unwrap_or_else(|| panic!("{n}"));
            assert_eq!(
                eksplane_capacity::verdict(g.max_pods, c.cni_max_pods, c.ceiling),
                Verdict::Consistent,
                "{n}"
            );
        }
        // AL2023: nodeadm and Karpenter reserve from the ENI default, which
        // maxPods does not change (nodeadm config.go withDefaultReservedResources).
        for m in &g.memory {
            assert!(!m.follows_max_pods);
            assert_eq!(
                m.karpenter_kube_reserved_after_mib,
                m.karpenter_kube_reserved_mib
            );
        }
    }
    assert!(fix.memory_note.contains("11 x maxPods + 255"));
    assert!(
        fix.memory_note
            .contains("no kubeReserved.memory setting is needed")
    );
    assert!(fix.memory_note.contains("wins over any maxPodsExpression"));
}

#[test]
fn expression_reports_non_nitro_mismatch() {
    let k = KarpenterInputs::new(AmiFamily::Al2023);
    let pd = CniOptions {
        prefix_delegation: true,
        ..CniOptions::default()
    };
    let comps = vec![cmp("m4.large", &k, &pd), cmp("m6i.large", &k, &pd)];
    let fix = recommend_max_pods(&comps, &pd);
    assert_eq!(fix.expression_mismatches, ["m4.large"]);
}

/// Windows: the VPC CNI uses the primary ENI only (IPv4 per ENI - 1) and
/// Karpenter advertises 110: over-committed, and the fix lowers maxPods.
#[test]
fn windows_is_primary_eni_only_and_the_fix_lowers_max_pods() {
    let k = KarpenterInputs::new(AmiFamily::Windows);
    let o = CniOptions::default();
    let comps = vec![cmp("m5.large", &k, &o), cmp("m5.4xlarge", &k, &o)];
    let got: Vec<(u32, u32)> = comps.iter().map(|c| (c.admitted, c.cni_max_pods)).collect();
    assert_eq!(got, [(110, 9), (110, 29)]);
    assert_eq!(comps[0].verdict, Verdict::OverCommitted { by: 101 });
    let fix = recommend_max_pods(&comps, &o);
    let values: Vec<u32> = fix.groups.iter().map(|g| g.max_pods).collect();
    assert_eq!(values, [9, 29]);
    // Windows kube-reserved follows pods() (no ENI-limited memory overhead).
    let m = &fix.groups[0].memory[0];
    assert!(m.follows_max_pods);
    assert_eq!(m.karpenter_kube_reserved_after_mib, 11 * 9 + 255);
    assert_eq!(fix.expression_mismatches, ["m5.4xlarge", "m5.large"]);
}
