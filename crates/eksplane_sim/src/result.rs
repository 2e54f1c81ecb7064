//! What a run produces. Maps are `BTreeMap`s and lists are built in a fixed
//! order, so the same inputs and seed serialise byte for byte the same.

use serde::Serialize;
use std::collections::BTreeMap;

/// A whole run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimResult {
    pub summary: Summary,
    pub series: Vec<Sample>,
    pub events: Vec<Event>,
}

/// The run in figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub total_cost_usd: f64,
    /// Most nodes alive at once (launching included).
    pub peak_nodes: u32,
    /// Sum over time of pods waiting for a node (Pending), in pod-seconds.
    pub pending_pod_seconds: f64,
    pub max_pending_pods: u32,
    /// Most pods at once bound to a node but without an IP
    /// (`ContainerCreating` for the CNI's error).
    pub pods_stuck_without_ip: u32,
    /// Sum over time of pods stuck without an IP, in pod-seconds.
    pub stuck_pod_seconds: f64,
    /// Node-hours by instance type (`m6i.large`) and capacity type
    /// (`m6i.large/spot`).
    pub node_hours_by_type: BTreeMap<String, f64>,
    /// Cost by namespace, by requested share of each node; the unrequested
    /// rest of each node is `(idle)`.
    pub cost_by_namespace: BTreeMap<String, f64>,
    /// The pod label chargeback is also split by (`SimInputs::chargeback_label`).
    pub chargeback_label: Option<String>,
    /// Chargeback by that label's value (`key=value`, `(key unset)`,
    /// `(daemonsets)`, `(idle)`); empty without a label.
    pub cost_by_label: BTreeMap<String, f64>,
    /// Workloads with pods no NodePool could take, with the reason per pool.
    pub unschedulable: Vec<Unschedulable>,
    /// Errors the CNI reported, by message, counted once per node.
    pub ip_errors: BTreeMap<String, u32>,
    pub events_count: u64,
    /// Nodes launched and deleted over the run (node churn).
    pub nodes_launched: u32,
    pub nodes_deleted: u32,
    /// Nodes Karpenter disrupted, by reason (`Empty`, `Drifted`,
    /// `Underutilized`, `Expired`).
    pub nodes_disrupted: BTreeMap<String, u32>,
    /// Pods evicted by node disruption, per workload (only workloads with
    /// evictions).
    pub evictions: Vec<WorkloadEvictions>,
    /// What in the inputs the run did not model (`SimInputs::notes`).
    pub notes: Vec<String>,
    /// Constraints of workloads the run did not model, or modelled in part
    /// (`SimInputs::unmodelled`).
    pub unmodelled: Vec<crate::inputs::Unmodelled>,
    /// The nodes' hourly price at its peak against the LP lower bound for
    /// the pods of that moment (`bound.rs`); `None` without nodes.
    pub packing: Option<crate::bound::PackingBound>,
    /// Costs beyond the EC2 nodes over the run (control plane, ALBs);
    /// `total_cost_usd` is the nodes' alone.
    pub beyond_ec2: Vec<CostBeyondEc2>,
    /// Whether idle cost was shared out to tenants pro rata.
    pub idle_shared: bool,
    /// Spot interruptions (two-minute notices) over the run.
    pub spot_interruptions: u32,
    /// The price model: on-demand source and the Spot model.
    pub price_model: String,
}

/// A cost beyond EC2 over the run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostBeyondEc2 {
    pub item: String,
    pub quantity: u32,
    pub usd_per_hour_each: f64,
    pub usd: f64,
    pub source: String,
}

/// What node disruption did to one workload's pods.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WorkloadEvictions {
    /// `namespace/name`.
    pub workload: String,
    pub evicted: u32,
    /// Most of its pods evicted in one tick.
    pub max_evicted_at_once: u32,
    /// Evicted with no PodDisruptionBudget selecting the pods.
    pub without_pdb: u32,
    /// Deleted although their PDB allowed no disruption (the node's
    /// terminationGracePeriod ran out). 0 while PDBs are honoured.
    pub beyond_pdb: u32,
    /// The PDB(s) that select the pods.
    pub pdbs: Vec<String>,
}

/// A workload whose pods Karpenter could not provision for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unschedulable {
    /// `namespace/name`.
    pub workload: String,
    pub reason: String,
}

/// The cluster at one moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sample {
    pub t_seconds: u64,
    pub nodes_by_type: BTreeMap<String, u32>,
    pub pending_pods: u32,
    pub stuck_pods: u32,
    pub running_pods: u32,
    /// Addresses the simulated nodes hold per subnet (prefixes at 16 each).
    pub subnet_ips_used: BTreeMap<String, u32>,
    /// Addresses in use per subnet by every ENI: the inputs' other ENIs and
    /// the simulated nodes (usable minus free).
    pub subnet_ips_in_use: BTreeMap<String, u32>,
    /// Wholly free aligned /28 blocks per subnet: what prefix delegation
    /// needs, and what runs out first when single IPs fragment a subnet.
    pub subnet_free_prefixes: BTreeMap<String, u32>,
    /// Cost so far.
    pub cost_usd: f64,
}

/// Something that happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub t_seconds: u64,
    pub kind: EventKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    NodeLaunched,
    NodeReady,
    NodeDeleted,
    LaunchFailed,
    NodePoolLimit,
    Unschedulable,
    IpAllocationFailed,
    RolloutStarted,
    RolloutFinished,
    /// Karpenter chose a node to disrupt (emptiness, drift, consolidation,
    /// expiration).
    Disruption,
    /// Pods evicted from a draining node.
    Eviction,
    /// An eviction refused (PDB, do-not-disrupt) or a budget that stopped
    /// disruption.
    DisruptionBlocked,
    /// An EC2NodeClass changed (a WorkloadProfile `nodeClassChanges` step).
    NodeClassChanged,
    /// A Spot interruption notice.
    SpotInterruption,
}
