//! Properties of the surge arithmetic.

use eksplane_upgrade::drain::DriftBudget;
use eksplane_upgrade::surge::Side;
use proptest::prelude::*;

proptest! {
    /// A percentage budget allows ceil(nodes x pct / 100) nodes (a
    /// brute-force count of the smallest k with 100k >= nodes x pct), never
    /// more than the pool at 100% or less, and grows with the pool.
    #[test]
    fn percent_budget_rounds_up(nodes in 0u32..5000, pct in 0u32..=100) {
        let got = DriftBudget::Percent(pct).allowed(nodes);
        let want = (0..=nodes).find(|k| 100 * u64::from(*k) >= u64::from(nodes) * u64::from(pct));
        prop_assert_eq!(Some(got), want);
        prop_assert!(got <= nodes);
        prop_assert!(DriftBudget::Percent(pct).allowed(nodes + 1) >= got);
    }

    /// A side fits exactly when nothing is short, and the shortfall is
    /// what is needed beyond what is free.
    #[test]
    fn shortfall_is_need_beyond_free(na in 0u32..100_000, np in 0u32..5000, fa in 0u32..100_000, fp in 0u32..5000) {
        let s = Side { need_addresses: na, need_prefixes: np, free_addresses: fa, free_prefixes: fp };
        prop_assert_eq!(s.short_addresses(), na.saturating_sub(fa));
        prop_assert_eq!(s.short_prefixes(), np.saturating_sub(fp));
        prop_assert_eq!(s.fits(), na <= fa && np <= fp);
    }
}
