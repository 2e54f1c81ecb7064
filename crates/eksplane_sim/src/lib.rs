//! Data-plane simulator: what a platform's NodePools, EC2NodeClasses, VPC CNI
//! settings and subnets do under a workload over time. Pure and
//! deterministic: a seeded PRNG (the IP planner's SplitMix64 allocator), no
//! wall clock, no I/O, no printing; `BTreeMap`s and stable orders throughout,
//! so the same inputs and seed give the same [`SimResult`].
//!
//! - [`workload`]: the workload file's shape (replica curves, Job arrivals,
//!   rollouts).
//! - [`inputs`]: platform -> pod shapes, pools with types and offerings,
//!   DaemonSet overhead, zones and subnets.
//! - [`filter`]: kube-scheduler's node-label filters.
//! - [`engine`]: the time loop: kube-scheduler filter + score, Karpenter
//!   provisioning, CNI address allocation per node, emptiness consolidation,
//!   cost.
//! - [`bound`]: the LP lower bound on the cost of the peak.
//! - [`claims`]: a provisioning pass's NodeClaims indexed by remaining room.
//! - [`disruption`]: Karpenter's budgets, reasons, disruption cost; PDBs.
//! - [`spot`]: the Spot price model and seeded interruptions.
//! - [`result`]: the serialisable result.

pub mod bound;
pub mod claims;
pub mod disruption;
pub mod engine;
pub mod filter;
pub mod inputs;
pub mod profile;
pub mod result;
pub mod spot;
pub mod workload;

pub use engine::{Simulation, simulate};
pub use inputs::{BeyondEc2, SimError, SimInputs, Unmodelled};
pub use result::{
    CostBeyondEc2, Event, EventKind, Sample, SimResult, Summary, Unschedulable, WorkloadEvictions,
};
pub use workload::{JobArrivals, ReplicaCurve, Rollout, WorkloadCurve, WorkloadSpec};

/// How a run is carried out.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SimOptions {
    pub duration_seconds: u64,
    /// The tick (default 10 s).
    pub step_seconds: u64,
    /// Seeds the address allocators.
    pub seed: u64,
    /// From launch to Ready (default 60 s).
    pub node_startup_seconds: u64,
    /// Karpenter's batch window: it waits for pods to stop arriving for
    /// `BATCH_IDLE_DURATION` (1 s), at most `BATCH_MAX_DURATION` (10 s)
    /// (kubernetes-sigs/karpenter pkg/operator/options/options.go). Pods
    /// arriving within one tick arrive together, so a batch closes the idle
    /// window after its tick: launches happen at `tick + batch_window_seconds`.
    pub batch_window_seconds: u64,
    /// Spot price model: Spot = on-demand x this factor (default 0.35, a flat
    /// model; AWS quotes Spot "at up to a 90% discount compared to On-Demand
    /// prices", aws.amazon.com/ec2/spot/pricing/). Real Spot prices vary by
    /// pool and over time; Karpenter's Spot allocation strategy is
    /// price-capacity-optimized (karpenter.sh/docs/concepts/nodepools/,
    /// capacity type), which the simulator reduces to the cheapest price.
    pub spot_price_factor: f64,
    /// Emptiness and consolidation (Karpenter's `consolidationPolicy`,
    /// `consolidateAfter`, budgets); off: only drift, expiration and Spot
    /// interruptions remove nodes.
    pub consolidation: bool,
    /// One [`Sample`] per this many seconds (default 60).
    pub sample_every_seconds: u64,
    /// Where Spot prices come from (default: the discount factor).
    #[serde(skip)]
    pub spot_prices: spot::SpotPrices,
    /// Spot interruptions per node-hour (default 0.05 / 720: the Spot
    /// Instance Advisor's lowest band, "<5%" a month,
    /// aws.amazon.com/ec2/spot/instance-advisor/). Drawn from the seed.
    pub spot_interruptions_per_hour: f64,
}

impl Default for SimOptions {
    fn default() -> SimOptions {
        SimOptions {
            duration_seconds: 3600,
            step_seconds: 10,
            seed: 1,
            node_startup_seconds: 60,
            batch_window_seconds: 1,
            spot_price_factor: 0.35,
            consolidation: true,
            sample_every_seconds: 60,
            spot_prices: spot::SpotPrices::Discount,
            spot_interruptions_per_hour: 0.05 / 720.0,
        }
    }
}
