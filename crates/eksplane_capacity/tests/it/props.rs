//! Properties of the formulas.

use crate::support::synth;
use eksplane_aws_data::Hypervisor;
use eksplane_capacity::calculator::{ceiling_for_vcpus, per_ip_formula, prefix_formula};
use eksplane_capacity::compare::nodeadm_expression;
use eksplane_capacity::karpenter::{eni_limited_pods, kube_reserved_cpu_millis};
use eksplane_capacity::{
    CniOptions, CniVersion, Expression, IpMode, MaxPodsOptions, Verdict, cni_view, eni_max_pods,
    max_pods, verdict, warm_pool,
};
use proptest::prelude::*;

fn hypervisor() -> impl Strategy<Value = Hypervisor> {
    prop_oneof![
        Just(Hypervisor::Nitro),
        Just(Hypervisor::Xen),
        Just(Hypervisor::None)
    ]
}

fn opts(pd: bool, cn: bool, cap: Option<u32>) -> MaxPodsOptions {
    MaxPodsOptions {
        prefix_delegation: pd,
        custom_networking: cn,
        cni_max_eni: cap,
        ..MaxPodsOptions::new(CniVersion::new(1, 19, 2))
    }
}

proptest! {
    #[test]
    fn monotone_in_enis_and_ips(enis in 0u32..100, ips in 1u32..100, vcpus in 1u32..500, h in hypervisor(), pd: bool, cn: bool) {
        let o = opts(pd, cn, None);
        let base = max_pods(&synth(enis, ips, vcpus, h), &o);
        let more_enis = max_pods(&synth(enis + 1, ips, vcpus, h), &o);
        let more_ips = max_pods(&synth(enis, ips + 1, vcpus, h), &o);
        prop_assert!(more_enis.max_allowed >= base.max_allowed);
        prop_assert!(more_ips.max_allowed >= base.max_allowed);
        prop_assert!(more_enis.max_pods >= base.max_pods);
        prop_assert!(more_ips.max_pods >= base.max_pods);
    }

    #[test]
    fn prefix_at_least_per_ip(enis in 0u32..100, ips in 1u32..100, vcpus in 1u32..500, h in hypervisor(), cn: bool) {
        let t = synth(enis, ips, vcpus, h);
        let with = max_pods(&t, &opts(true, cn, None));
        let without = max_pods(&t, &opts(false, cn, None));
        prop_assert!(with.max_allowed >= without.max_allowed);
        prop_assert!(with.max_pods >= without.max_pods);
        if h != Hypervisor::Nitro {
            prop_assert_eq!(with.max_allowed, without.max_allowed);
        }
    }

    #[test]
    fn recommended_is_capped_max_allowed(enis in 0u32..100, ips in 1u32..100, vcpus in 1u32..500, h in hypervisor(), pd: bool, cn: bool, cap in proptest::option::of(0u32..20)) {
        let r = max_pods(&synth(enis, ips, vcpus, h), &opts(pd, cn, cap));
        prop_assert!(r.max_pods <= r.max_allowed);
        prop_assert_eq!(r.max_pods, r.max_allowed.min(ceiling_for_vcpus(vcpus)));
        prop_assert!(r.max_pods <= 250);
        if vcpus <= 30 { prop_assert!(r.max_pods <= 110); }
        prop_assert!(r.max_allowed >= 2, "host-network pods always fit");
    }

    #[test]
    fn custom_networking_and_caps_only_lower(enis in 1u32..100, ips in 1u32..100, vcpus in 1u32..500, pd: bool, cap in 0u32..20) {
        let t = synth(enis, ips, vcpus, Hypervisor::Nitro);
        let base = max_pods(&t, &opts(pd, false, None));
        let cn = max_pods(&t, &opts(pd, true, None));
        let per_eni = (ips - 1) * if pd { 16 } else { 1 };
        prop_assert_eq!(base.max_allowed - cn.max_allowed, per_eni);
        prop_assert!(max_pods(&t, &opts(pd, false, Some(cap))).max_allowed <= base.max_allowed);
    }

    #[test]
    fn formulas_agree_across_views(enis in 1u32..100, ips in 1u32..100, vcpus in 1u32..500, h in hypervisor(), pd: bool, cn: bool) {
        let t = synth(enis, ips, vcpus, h);
        prop_assert_eq!(eni_max_pods(&t), per_ip_formula(enis, ips));
        prop_assert_eq!(eni_limited_pods(&t, 0, 0), per_ip_formula(enis, ips));
        // The CNI's view equals the calculator where both apply prefixes the
        // same way (Nitro, or no prefix delegation).
        let c = cni_view(&t, &CniOptions { prefix_delegation: pd, custom_networking: cn, ..CniOptions::default() });
        let m = max_pods(&t, &opts(pd, cn, None));
        if h == Hypervisor::Nitro || !pd {
            prop_assert_eq!(c.max_pods, m.max_allowed);
        } else if h == Hypervisor::None {
            prop_assert_eq!(c.mode, IpMode::Prefixes);
            prop_assert!(c.max_pods >= m.max_allowed);
        }
        let expect = if c.mode == IpMode::Prefixes { prefix_formula(c.pod_enis, ips) } else { per_ip_formula(c.pod_enis, ips) };
        prop_assert_eq!(c.max_pods, expect);
    }

    #[test]
    fn nodeadm_expression_reproduces_the_cni_capped(enis in 2u32..60, ips in 1u32..60, vcpus in 1u32..500, pd: bool, cn: bool, pod_eni: bool) {
        let o = CniOptions { prefix_delegation: pd, custom_networking: cn, pod_eni, ..CniOptions::default() };
        let t = synth(enis, ips, vcpus, Hypervisor::Nitro);
        let c = cni_view(&t, &o);
        // Only nodeadm's variables (eni_max_pods.go): parsing proves it.
        let e = Expression::parse(&nodeadm_expression(&o)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let got = e.eval_int(&|n| match n {
            "default_enis" => Some(i64::from(enis)),
            "ips_per_eni" => Some(i64::from(ips)),
            _ => None,
        });
        if enis > u32::from(cn) + u32::from(pod_eni) {
            prop_assert!(i64::from(c.max_pods.min(ceiling_for_vcpus(vcpus))) >= got.clone().unwrap_or(0));
            prop_assert_eq!(got, Ok(i64::from(c.max_pods.min(110))));
        }
    }

    /// ipamd `isDatastorePoolTooLow`: no growth once TotalIPs >= maxPods, so
    /// a node never holds more than one growth step beyond max(maxPods, used).
    #[test]
    fn warm_pool_stops_at_node_max_pods(enis in 1u32..20, ips in 2u32..40, pods in 0u32..3000, node_max in 1u32..400, pd: bool,
                                        warm_eni in 0u32..3, warm_ip in proptest::option::of(0u32..40), min_ip in proptest::option::of(0u32..80), warm_prefix in proptest::option::of(0u32..3)) {
        let o = CniOptions { prefix_delegation: pd, warm_eni_target: warm_eni, warm_ip_target: warm_ip,
                             minimum_ip_target: min_ip, warm_prefix_target: warm_prefix, ..CniOptions::default() };
        let v = cni_view(&synth(enis, ips, 8, Hypervisor::Nitro), &o).with_node_max_pods(node_max);
        let w = warm_pool(&v, &o, pods);
        let used = pods.min(v.pod_ips);
        let step = if w.prefixes.is_some() { 16 } else { v.ips_per_eni() };
        let bound = node_max.max(used).div_ceil(step) * step;
        prop_assert!(w.allocated_ips <= bound.max(step), "{} > {}", w.allocated_ips, bound);
        prop_assert!(w.allocated_ips >= used);
        let uncapped = warm_pool(&cni_view(&synth(enis, ips, 8, Hypervisor::Nitro), &o), &o, pods);
        prop_assert!(w.allocated_ips <= uncapped.allocated_ips);
    }

    #[test]
    fn kube_reserved_cpu_bounds(a in 0u64..1_000_000, b in 0u64..1_000_000) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(kube_reserved_cpu_millis(lo) <= kube_reserved_cpu_millis(hi));
        prop_assert!(kube_reserved_cpu_millis(hi) * 100 <= hi * 6);
    }

    #[test]
    fn warm_pool_invariants(enis in 1u32..20, ips in 1u32..40, pods in 0u32..3000, pd: bool, cn: bool, pod_eni: bool,
                            warm_eni in 0u32..3, warm_ip in proptest::option::of(0u32..40), min_ip in proptest::option::of(0u32..80), warm_prefix in proptest::option::of(0u32..3)) {
        let o = CniOptions { prefix_delegation: pd, custom_networking: cn, pod_eni, warm_eni_target: warm_eni,
                             warm_ip_target: warm_ip, minimum_ip_target: min_ip, warm_prefix_target: warm_prefix, ..CniOptions::default() };
        let v = cni_view(&synth(enis, ips, 8, Hypervisor::Nitro), &o);
        let w = warm_pool(&v, &o, pods);
        let used = pods.min(v.pod_ips);
        prop_assert!(w.allocated_ips <= v.pod_ips);
        prop_assert!(w.allocated_ips >= used);
        prop_assert_eq!(w.reserved_ips, w.allocated_ips - used);
        prop_assert_eq!(w.pods_without_ip, pods - used);
        prop_assert!(w.pod_enis_attached <= v.pod_enis);
        if let Some(p) = w.prefixes { prop_assert_eq!(p * 16, w.allocated_ips); }
    }

    #[test]
    fn verdict_is_coherent(admitted in 0u32..5000, cni in 0u32..5000, high: bool) {
        let ceiling = if high { 250 } else { 110 };
        match verdict(admitted, cni, ceiling) {
            Verdict::OverCommitted { by } => prop_assert_eq!(admitted - cni, by),
            Verdict::UnderUsed { pods_lost } => {
                prop_assert!(admitted <= cni);
                prop_assert_eq!(pods_lost, cni.min(ceiling) - admitted);
            }
            Verdict::Consistent => prop_assert!(admitted <= cni),
        }
    }

    #[test]
    fn expression_parser_never_panics(s in "\\PC{0,64}") {
        let _ = Expression::parse(&s);
    }

    #[test]
    fn expression_parser_never_panics_on_operators(s in "[0-9a-z_ ()?:!<>=&|+*/%-]{0,64}") {
        if let Ok(e) = Expression::parse(&s) {
            let _ = e.eval(&|_| Some(i64::MAX));
        }
    }
}
