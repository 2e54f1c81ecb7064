//! IP space planner for EKS with the VPC CNI: exact subnet address and /28
//! arithmetic, how IPs fragment a subnet, what nodes and their warm pools take
//! at a target, the pod count at which allocation fails (and with which
//! error), and remedies with their effect computed. Pure: no I/O, no clock.
//!
//! - [`space`]: per-subnet bitmaps, AWS-reserved addresses, reservations,
//!   free addresses and wholly free aligned /28s, block states for a map.
//! - [`fragment`]: the seeded fragmentation model and its analytic bounds.
//! - [`demand`]: per-node addresses (reusing `eksplane_capacity::warm_pool`).
//! - [`plan`]: the arrival model, failure points, headroom, the verdict.
//! - [`remedy`]: remedies, each re-running the plan.
//!
//! Every AWS fact is cited where applied; the sources are in [`sources`].

pub mod demand;
pub mod error;
pub mod fragment;
pub mod input;
pub mod plan;
pub mod remedy;
pub mod sources;
pub mod space;

pub use demand::{GroupDemand, Mode, NodeAddresses, ResolvedGroup, node_addresses};
pub use error::PlanError;
pub use fragment::{
    Allocator, FragmentOutcome, Policy, Shortage, SplitMix64, bounds_after_singles,
    expected_free_blocks, fragment_after_singles,
};
pub use input::{
    Demand, InUse, NodeCount, NodeGroup, PlanInputs, Reservation, ReservationKind, SubnetInput,
    VpcInput,
};
pub use plan::{
    AllocError, ClusterVerdict, FailureKind, Plan, PlanOptions, SubnetAtTarget, SubnetPlan,
    SubnetRole, TargetVerdict, ZonePlan, plan,
};
pub use remedy::{EnvSetting, NewSubnet, Remedy, RemedyKind, RemedyOutcome};
pub use space::{
    BlockState, Occupancy, SpaceCounts, SubnetSpace, UnknownLayout, any_count_only, build_spaces,
    build_spaces_with,
};
