//! The LP lower bound against brute force on tiny instances: the exact
//! optimum where it has a closed form (one class of pods), and never above
//! the cheapest real packing (pods assigned whole to whole nodes, found by
//! enumeration).

use eksplane_sim::bound::{Class, Offering, lower_bound};
use proptest::prelude::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

fn offering(cpu: u64, mem: u64, pods: u32, cents: u32) -> Offering {
    Offering {
        name: format!("{cpu}c{mem}g{pods}p"),
        cpu_millis: cpu * 1000,
        memory_bytes: mem << 30,
        pods,
        usd_per_hour: f64::from(cents) / 100.0,
    }
}

/// A pod: (cpu cores, GiB, class).
type Pod = (u64, u64, usize);

/// The cheapest whole packing: node counts per offering up to one node per
/// pod, each checked by assigning the pods (largest first) by backtracking.
fn brute_force(offerings: &[Offering], classes: &[Vec<usize>], pods: &[Pod]) -> Option<f64> {
    let n = offerings.len();
    let max = pods.len();
    let mut best: Option<f64> = None;
    let mut counts = vec![0usize; n];
    loop {
        let cost: f64 = counts
            .iter()
            .zip(offerings)
            .map(|(c, o)| *c as f64 * o.usd_per_hour)
            .sum();
        if best.is_none_or(|b| cost < b - 1e-12) {
            let nodes: Vec<usize> = counts
                .iter()
                .enumerate()
                .flat_map(|(o, &c)| std::iter::repeat_n(o, c))
                .collect();
            let mut free: Vec<(u64, u64, u32)> = nodes
                .iter()
                .map(|&o| {
                    let of = &offerings[o];
                    (of.cpu_millis / 1000, of.memory_bytes >> 30, of.pods)
                })
                .collect();
            if assign(pods, 0, &nodes, &mut free, classes) {
                best = Some(cost);
            }
        }
        // Next combination.
        let mut i = 0;
        loop {
            if i == n {
                return best;
            }
            counts[i] += 1;
            if counts[i] <= max {
                break;
            }
            counts[i] = 0;
            i += 1;
        }
    }
}

fn assign(
    pods: &[Pod],
    k: usize,
    nodes: &[usize],
    free: &mut [(u64, u64, u32)],
    classes: &[Vec<usize>],
) -> bool {
    let Some(&(cpu, mem, class)) = pods.get(k) else {
        return true;
    };
    for j in 0..nodes.len() {
        let f = free[j];
        if classes[class].contains(&nodes[j]) && f.0 >= cpu && f.1 >= mem && f.2 >= 1 {
            free[j] = (f.0 - cpu, f.1 - mem, f.2 - 1);
            if assign(pods, k + 1, nodes, free, classes) {
                free[j] = f;
                return true;
            }
            free[j] = f;
        }
    }
    false
}

fn classes_of(pods: &[Pod], allowed: &[Vec<usize>]) -> Vec<Class> {
    allowed
        .iter()
        .enumerate()
        .map(|(c, offs)| {
            let mine: Vec<&Pod> = pods.iter().filter(|p| p.2 == c).collect();
            Class {
                cpu_millis: mine.iter().map(|p| p.0 * 1000).sum(),
                memory_bytes: mine.iter().map(|p| p.1 << 30).sum(),
                pods: mine.len() as u64,
                offerings: offs.clone(),
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    // One class: the LP's optimum is min over offerings of price x the
    // largest demand/capacity ratio (the fractions sum to one, so the best
    // offering takes everything).
    #[test]
    fn one_class_matches_the_closed_form(
        offs in proptest::collection::vec((1u64..16, 1u64..64, 1u32..30, 1u32..500), 1..6),
        demand in (1u64..64, 1u64..256, 1u64..80),
    ) {
        let offerings: Vec<Offering> =
            offs.iter().map(|&(c, m, p, cents)| offering(c, m, p, cents)).collect();
        let class = Class {
            cpu_millis: demand.0 * 1000,
            memory_bytes: demand.1 << 30,
            pods: demand.2,
            offerings: (0..offerings.len()).collect(),
        };
        let want = offerings
            .iter()
            .map(|o| {
                let r = [
                    class.cpu_millis as f64 / o.cpu_millis as f64,
                    class.memory_bytes as f64 / o.memory_bytes as f64,
                    class.pods as f64 / f64::from(o.pods),
                ];
                o.usd_per_hour * r.into_iter().fold(0.0, f64::max)
            })
            .fold(f64::INFINITY, f64::min);
        let b = lower_bound(&offerings, &[class]).unwrap_or_else(|e| panic!("{e}"));
        prop_assert!(close(b.usd_per_hour, want), "lp {} closed form {}", b.usd_per_hour, want);
    }

    // Several classes: never above the cheapest whole packing, at least
    // each class alone, at most the classes packed apart.
    #[test]
    fn never_above_the_cheapest_real_packing(
        offs in proptest::collection::vec((1u64..5, 1u64..9, 1u32..4, 1u32..300), 1..4),
        pods in proptest::collection::vec((1u64..4, 1u64..6, 0usize..2), 1..5),
        masks in proptest::collection::vec(1u8..8, 2),
    ) {
        let offerings: Vec<Offering> =
            offs.iter().map(|&(c, m, p, cents)| offering(c, m, p, cents)).collect();
        let n = offerings.len();
        let allowed: Vec<Vec<usize>> = masks
            .iter()
            .map(|m| (0..n).filter(|o| m & (1 << o) != 0).collect::<Vec<_>>())
            .map(|v: Vec<usize>| if v.is_empty() { vec![0] } else { v })
            .collect();
        // Only pods some allowed offering can hold.
        let pods: Vec<Pod> = pods
            .into_iter()
            .filter(|&(c, m, k)| {
                allowed[k].iter().any(|&o| {
                    offerings[o].cpu_millis >= c * 1000 && offerings[o].memory_bytes >= m << 30
                })
            })
            .collect();
        prop_assume!(!pods.is_empty());
        // The LP sees, per class, the offerings one of its pods fits (as the
        // simulator gives it): split classes by pod size to keep that exact.
        let mut split: Vec<Vec<usize>> = Vec::new();
        let mut sized: Vec<Pod> = Vec::new();
        for &(c, m, k) in &pods {
            let fits: Vec<usize> = allowed[k]
                .iter()
                .copied()
                .filter(|&o| offerings[o].cpu_millis >= c * 1000 && offerings[o].memory_bytes >= m << 30)
                .collect();
            let idx = match split.iter().position(|x| *x == fits) {
                Some(i) => i,
                None => {
                    split.push(fits);
                    split.len() - 1
                }
            };
            sized.push((c, m, idx));
        }
        let classes = classes_of(&sized, &split);
        let lp = lower_bound(&offerings, &classes).unwrap_or_else(|e| panic!("{e}"));
        let ip = brute_force(&offerings, &split, &sized);
        let Some(ip) = ip else {
            return Err(TestCaseError::fail("no packing found"));
        };
        prop_assert!(lp.usd_per_hour <= ip + 1e-6, "lp {} > packing {}", lp.usd_per_hour, ip);
        let mut apart = 0.0;
        for c in &classes {
            let one = lower_bound(&offerings, std::slice::from_ref(c))
                .unwrap_or_else(|e| panic!("{e}"));
            prop_assert!(lp.usd_per_hour + 1e-6 >= one.usd_per_hour);
            apart += one.usd_per_hour;
        }
        prop_assert!(lp.usd_per_hour <= apart + 1e-6);
    }
}

#[test]
fn a_simulated_peak_is_within_a_stated_distance_of_its_bound() {
    use super::{POOL, deployment, opts, platform};
    let pool = POOL.replace("LIMITS", "");
    let dep = deployment("web", 40, "1", "");
    let p = platform(&[("pool.yaml", &pool), ("web.yaml", &dep)]);
    let inputs = eksplane_sim::SimInputs::new(
        &p,
        eksplane_aws_data::Catalog::embedded(),
        Default::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let r = eksplane_sim::simulate(&inputs, &opts(900));
    let b = r
        .summary
        .packing
        .unwrap_or_else(|| panic!("no bound: {:?}", r.summary.notes));
    assert_eq!(b.pods, 40);
    assert!(b.bound_usd_per_hour > 0.0);
    assert!(
        b.provisioned_usd_per_hour + 1e-9 >= b.bound_usd_per_hour,
        "{b:?}"
    );
    let want = 100.0 * (b.provisioned_usd_per_hour - b.bound_usd_per_hour) / b.bound_usd_per_hour;
    assert!((b.within_percent - want).abs() < 1e-9);
}
