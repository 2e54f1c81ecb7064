//! The time loop. Each tick, in order: nodes that finished starting become
//! Ready and their nominated pods bind; Jobs finish; controllers reconcile
//! replicas (curves, Job arrivals, rollouts); kube-scheduler places pending
//! pods on Ready nodes; the CNI gives bound pods addresses; Karpenter
//! provisions for what is still pending; empty nodes are consolidated; cost
//! and samples are taken.
//!
//! **kube-scheduler** (kubernetes/kubernetes pkg/scheduler): filters
//! NodeResourcesFit (requests vs allocatable; DaemonSet requests are taken
//! off every node's allocatable up front), NodeAffinity (nodeSelector,
//! required terms), TaintToleration (NoSchedule/NoExecute), PodTopologySpread
//! (zone and hostname, `DoNotSchedule`; domains are the zones of Ready nodes
//! that pass the pod's node affinity, `nodeAffinityPolicy: Honor`),
//! InterPodAffinity (required anti-affinity on hostname, both directions),
//! and the node's pod limit. Score: NodeResourcesFit `LeastAllocated`, the
//! default scoring strategy (pkg/scheduler/apis/config/v1 defaults), alone:
//! BalancedAllocation, ImageLocality and the preferred terms are left out;
//! ties go to the first node scanned. Like kube-scheduler it stops after
//! `numFeasibleNodesToFind` feasible nodes (schedule_one.go: all nodes below
//! 100, else max(100, n x max(5, 50 - n/125) %)), scanning from where the
//! last pod stopped. Pods are taken in arrival order (activeQ without
//! priorities).
//!
//! **Karpenter** (kubernetes-sigs/karpenter
//! pkg/controllers/provisioning/scheduling/): pending pods are sorted by CPU
//! then memory, descending (queue.go); each goes to an in-flight node (a
//! launched, not yet Ready node: `ExistingNode`), else to a NodeClaim of this
//! pass (`NodeClaim.Add`), else to a new NodeClaim from the first NodePool,
//! by weight, that can take it (scheduler.go). Adding a pod keeps every
//! instance type that still fits the cumulative requests plus DaemonSet
//! overhead and has an offering in the claim's zones and capacity types
//! (nodeclaim.go `filterInstanceTypesByRequirements`). NodePool limits drop
//! instance types whose capacity exceeds what is left (scheduler.go
//! `filterByRemainingResources`), in-flight claims counted at their largest
//! type. At launch the cheapest available offering is taken: on-demand at
//! its price, Spot by the run's price model (`spot.rs`: price-capacity-
//! optimized reduced to price while every pool has one interruption rate).
//! A pass's claims are indexed by remaining room (`claims.rs`). Simplified: a pod nominated
//! to an in-flight node binds there when it is Ready (kube-scheduler would
//! honour the nomination unless room appears elsewhere); a zone topology
//! spread pins the claim to the least-populated zone (Karpenter keeps the set
//! of zones that satisfy the skew and pins at launch); `minValues`, host
//! ports, preferred affinities and volume topology are not modelled.
//!
//! **VPC CNI**: when a node starts, its primary IP comes from a node subnet of
//! its zone (round-robin); as pods bind, the node's addresses grow to
//! `eksplane_ipplan::node_addresses` (the warm-pool rules of
//! `eksplane_capacity::warm_pool`) through the IP planner's allocator: single
//! IPs, or /28 prefixes that need a wholly free aligned block, in the node
//! subnet or, under custom networking, the zone's pod subnet. A pod that
//! cannot get an address stays `ContainerCreating` with the CNI's error and
//! retries each tick. Holdings do not shrink while a node lives; a deleted
//! node's addresses return to its subnets (released blocks are reused as
//! blocks, released single addresses as singles).
//!
//! **Disruption** (`engine/disrupt.rs`): expiration, then Karpenter's
//! graceful methods in its order (emptiness, drift, multi-node and
//! single-node consolidation) within NodePool budgets, PDBs and
//! do-not-disrupt; replacements Ready before the drain; Spot interruptions
//! drawn from the seed (`spot.rs`). `--no-consolidation` turns off emptiness
//! and consolidation (drift, expiration and interruptions remain).
//! Scale-down removes pending pods first, then pods without an IP, then the
//! newest (the ReplicaSet controller's ranking, kubernetes/kubernetes
//! pkg/controller/replicaset; co-location ranking left out).
//!
//! **Cost**: node-seconds x price per hour / 3600, from launch to deletion;
//! each node's cost is split over namespaces by their share of its
//! allocatable (mean of the CPU and memory shares of requests, DaemonSets
//! included), the rest `(idle)`: EKS split cost allocation's spirit
//! (docs.aws.amazon.com/cur/latest/userguide/split-cost-allocation-data.html)
//! with requests only.

use crate::SimOptions;
use crate::claims::{Room, RoomTree};
use crate::inputs::{CAPACITY_TYPES, Pool, SimInputs, Topology};
use crate::result::{Event, EventKind, Sample, SimResult, Summary, Unschedulable};
use eksplane_capacity::IpMode;
use eksplane_ipplan::{Allocator, Policy, Shortage, node_addresses};
use eksplane_model::k8s::WorkloadKind;
use std::collections::BTreeMap;

mod disrupt;

/// Runs the whole simulation.
pub fn simulate(inputs: &SimInputs, opts: &SimOptions) -> SimResult {
    let mut sim = Simulation::new(inputs, opts);
    while sim.now() < opts.duration_seconds {
        sim.tick();
    }
    sim.finish()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PodState {
    Pending,
    Nominated(u32),
    Bound { node: u32, ip: bool },
    Gone,
}

#[derive(Debug, Clone)]
struct Pod {
    shape: u32,
    generation: u32,
    state: PodState,
    /// Jobs: how long the pod runs once started; when it ends.
    run_seconds: Option<u64>,
    ends_at: Option<u64>,
}

#[derive(Debug, Clone, Copy)]
enum Held {
    Single(usize, u32),
    Block(usize, u32),
}

#[derive(Debug, Clone)]
struct Node {
    name: String,
    pool: usize,
    ty: usize,
    zone: usize,
    ct: usize,
    bit: u64,
    usd_per_hour: f64,
    ready_at: u64,
    ready: bool,
    alive: bool,
    used_cpu: u64,
    used_mem: u64,
    pods: u32,
    counts: Vec<u32>,
    ns_req: Vec<(usize, u64, u64)>,
    node_subnet: Option<usize>,
    pod_subnet: Option<usize>,
    held: Vec<Held>,
    trunk: u32,
    extra_enis: u32,
    secondary: u32,
    prefixes: u32,
    /// Pod IPs in use (DaemonSet pods included).
    ips_used: u32,
    waiting_ip: Vec<u32>,
    nominated: Vec<u32>,
    ip_error: Option<String>,
    /// Launch time, for expireAfter and disruption cost.
    created_at: u64,
    /// The pool's drift generation at launch; behind it: drifted.
    drift_gen: u32,
    /// Pods placed here (nominated or bound).
    residents: Vec<u32>,
    /// The last time a pod was placed or removed (Karpenter's
    /// `lastPodEventTime`, for consolidateAfter).
    last_pod_event: u64,
    /// Chosen for disruption: cordoned, draining once replacements are Ready.
    disrupting: Option<disrupt::Disrupting>,
}

#[derive(Debug, Clone)]
struct SubnetState {
    alloc: Allocator,
    returned_singles: Vec<u32>,
    returned_blocks: Vec<u32>,
    used: u32,
}

impl SubnetState {
    fn take_single(&mut self) -> Result<u32, Shortage> {
        let r = match self.returned_singles.pop() {
            Some(o) => Ok(o),
            None => self.alloc.take_single(),
        };
        if r.is_ok() {
            self.used += 1;
        }
        r
    }
    fn take_block(&mut self) -> Result<u32, Shortage> {
        let r = match self.returned_blocks.pop() {
            Some(b) => Ok(b),
            None => self.alloc.take_block(),
        };
        if r.is_ok() {
            self.used += 16;
        }
        r
    }
}

/// A NodeClaim being packed in one provisioning pass.
#[derive(Debug, Clone)]
struct Claim {
    pool: usize,
    types: Vec<u32>,
    mask: u64,
    cpu: u64,
    mem: u64,
    pods: u32,
    max_cpu: u64,
    max_mem: u64,
    max_pods: u32,
    /// The largest capacity among `types`, counted against NodePool limits.
    max_capacity_cpu: u64,
    max_capacity_mem: u64,
    counts: Vec<(usize, u32)>,
    members: Vec<u32>,
    /// (shape, zone) of each pod whose zone constraint pinned the claim,
    /// counted in `zone_counts` while the claim is packed.
    pinned: Vec<(u32, u32)>,
    /// A disruption replacement: the nodes it replaces, for the event.
    replaces: Option<String>,
}

/// Why a claim refused a pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// Resources, instance types, anti-affinity or a hostname spread: the
    /// claim only fills during a pass, so it will refuse the workload again.
    ForThePass,
    /// A zone spread's skew: it may accept once other zones fill.
    ForNow,
}

impl Claim {
    /// What the claim's largest remaining type can still take.
    fn room(&self) -> Room {
        (
            self.max_cpu.saturating_sub(self.cpu),
            self.max_mem.saturating_sub(self.mem),
            self.max_pods.saturating_sub(self.pods),
        )
    }
    fn count(&self, shapes: &[usize]) -> u32 {
        self.counts
            .iter()
            .filter(|(s, _)| shapes.contains(s))
            .map(|(_, c)| *c)
            .sum()
    }
    fn refresh_max(&mut self, pool: &Pool) {
        self.max_cpu = 0;
        self.max_mem = 0;
        self.max_pods = 0;
        self.max_capacity_cpu = 0;
        self.max_capacity_mem = 0;
        for &t in &self.types {
            let t = &pool.types[t as usize];
            self.max_capacity_cpu = self.max_capacity_cpu.max(t.capacity_cpu_millis);
            self.max_capacity_mem = self.max_capacity_mem.max(t.capacity_memory_bytes);
            self.max_cpu = self.max_cpu.max(t.cpu_millis);
            self.max_mem = self.max_mem.max(t.memory_bytes);
            self.max_pods = self.max_pods.max(t.pods);
        }
    }
}

/// A running simulation, tick by tick.
#[derive(Debug)]
pub struct Simulation<'a> {
    inp: &'a SimInputs,
    opts: SimOptions,
    now: u64,
    pods: Vec<Pod>,
    by_shape: Vec<Vec<u32>>,
    alive_by_shape: Vec<u32>,
    generation: Vec<u32>,
    rollout_active: Vec<Option<u32>>,
    pending: Vec<u32>,
    /// Job pods that have started, with an end time.
    jobs_running: Vec<u32>,
    nodes: Vec<Node>,
    subnets: Vec<SubnetState>,
    /// Usable addresses per subnet.
    usable: Vec<u32>,
    zone_counts: Vec<Vec<u32>>,
    zone_rr: Vec<usize>,
    next_start: usize,
    claim_seq: BTreeMap<usize, u32>,
    events: Vec<Event>,
    unschedulable: BTreeMap<usize, String>,
    limit_hit: Vec<bool>,
    ip_errors: BTreeMap<String, u32>,
    // Accounting.
    cost: f64,
    node_seconds: BTreeMap<String, f64>,
    cost_by_ns: BTreeMap<String, f64>,
    cost_by_label: BTreeMap<String, f64>,
    pending_seconds: f64,
    stuck_seconds: f64,
    max_pending: u32,
    max_stuck: u32,
    peak_nodes: u32,
    series: Vec<Sample>,
    // Disruption.
    pool_gen: Vec<u32>,
    /// Each workload's desired replicas (its controller's scale), for PDBs.
    desired: Vec<u32>,
    evictions: BTreeMap<usize, disrupt::Evictions>,
    disrupted: BTreeMap<String, u32>,
    nodes_launched: u32,
    nodes_deleted: u32,
    /// Spot offerings (pool, type, zone) unavailable until a time.
    unavailable: BTreeMap<(usize, usize, usize), u64>,
    spot_interruptions: u32,
    /// The last time pods or nodes changed (Karpenter's cluster
    /// `ConsolidationState`), and the state consolidation last found nothing in.
    cluster_state: u64,
    consolidated_state: Option<u64>,
    /// Pods per workload packed into NodeClaims of the current pass (the
    /// pod-affinity "first pod" rule looks here too).
    in_claims: Vec<u32>,
    /// The highest hourly price of the nodes alive, when, and the pods per
    /// workload (not deleted) then: the peak the packing bound is for.
    peak_rate: f64,
    peak_at: u64,
    peak_demand: Vec<u32>,
}

fn count_in(counts: &[u32], shapes: &[usize]) -> u32 {
    shapes.iter().map(|&s| counts[s]).sum()
}

/// kube-scheduler's `numFeasibleNodesToFind` (pkg/scheduler/schedule_one.go)
/// with the default `percentageOfNodesToScore`.
fn feasible_to_find(n: usize) -> usize {
    if n < 100 {
        return n;
    }
    let pct = (50i64 - (n as i64) / 125).max(5) as usize;
    (n * pct / 100).max(100)
}

impl<'a> Simulation<'a> {
    pub fn new(inp: &'a SimInputs, opts: &SimOptions) -> Simulation<'a> {
        let subnets = inp
            .subnets
            .iter()
            .enumerate()
            .map(|(i, s)| SubnetState {
                alloc: Allocator::new(
                    &s.space,
                    Policy::Random,
                    opts.seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
                ),
                returned_singles: Vec::new(),
                returned_blocks: Vec::new(),
                used: 0,
            })
            .collect();
        let n = inp.shapes.len();
        let mut opts = opts.clone();
        opts.step_seconds = opts.step_seconds.max(1);
        opts.sample_every_seconds = opts.sample_every_seconds.max(1);
        Simulation {
            inp,
            opts,
            now: 0,
            pods: Vec::new(),
            by_shape: vec![Vec::new(); n],
            alive_by_shape: vec![0; n],
            generation: vec![0; n],
            rollout_active: vec![None; n],
            pending: Vec::new(),
            jobs_running: Vec::new(),
            nodes: Vec::new(),
            subnets,
            usable: inp
                .subnets
                .iter()
                .map(|s| s.space.counts().usable)
                .collect(),
            zone_counts: vec![vec![0; inp.zones.len()]; n],
            zone_rr: vec![0; inp.zones.len()],
            next_start: 0,
            claim_seq: BTreeMap::new(),
            events: Vec::new(),
            unschedulable: BTreeMap::new(),
            limit_hit: vec![false; inp.pools.len()],
            ip_errors: BTreeMap::new(),
            cost: 0.0,
            node_seconds: BTreeMap::new(),
            cost_by_ns: BTreeMap::new(),
            cost_by_label: BTreeMap::new(),
            pending_seconds: 0.0,
            stuck_seconds: 0.0,
            max_pending: 0,
            max_stuck: 0,
            peak_nodes: 0,
            series: Vec::new(),
            pool_gen: vec![0; inp.pools.len()],
            desired: vec![0; n],
            evictions: BTreeMap::new(),
            disrupted: BTreeMap::new(),
            nodes_launched: 0,
            nodes_deleted: 0,
            unavailable: BTreeMap::new(),
            spot_interruptions: 0,
            cluster_state: 0,
            consolidated_state: None,
            in_claims: vec![0; n],
            peak_rate: 0.0,
            peak_at: 0,
            peak_demand: Vec::new(),
        }
    }

    /// The start of the next tick.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// Pods waiting for a node (nominated to a launching node included).
    pub fn pending_pods(&self) -> u32 {
        self.pods
            .iter()
            .filter(|p| matches!(p.state, PodState::Pending | PodState::Nominated(_)))
            .count() as u32
    }

    /// Pods waiting for a node with no node nominated.
    pub fn unplaced_pods(&self) -> u32 {
        self.pods
            .iter()
            .filter(|p| p.state == PodState::Pending)
            .count() as u32
    }

    /// Pods bound to or nominated for a node, by the node's zone.
    pub fn pods_by_zone(&self) -> BTreeMap<String, u32> {
        let mut m = BTreeMap::new();
        for p in &self.pods {
            let ni = match p.state {
                PodState::Nominated(n) | PodState::Bound { node: n, .. } => n as usize,
                _ => continue,
            };
            *m.entry(self.inp.zones[self.nodes[ni].zone].clone())
                .or_insert(0) += 1;
        }
        m
    }

    /// Each placed pod (bound or nominated) as (workload, node, zone), in
    /// pod order.
    pub fn placements(&self) -> Vec<(String, String, String)> {
        self.pods
            .iter()
            .filter_map(|p| match p.state {
                PodState::Nominated(n) | PodState::Bound { node: n, .. } => {
                    let node = &self.nodes[n as usize];
                    Some((
                        self.inp.shapes[p.shape as usize].key.clone(),
                        node.name.clone(),
                        self.inp.zones[node.zone].clone(),
                    ))
                }
                _ => None,
            })
            .collect()
    }

    /// Nodes chosen for disruption and not yet deleted.
    pub fn disrupting_count(&self) -> u32 {
        self.nodes
            .iter()
            .filter(|n| n.alive && n.disrupting.is_some())
            .count() as u32
    }

    /// Names of the nodes alive.
    pub fn node_names(&self) -> Vec<String> {
        self.nodes
            .iter()
            .filter(|n| n.alive)
            .map(|n| n.name.clone())
            .collect()
    }

    /// Nodes alive (launching included).
    pub fn node_count(&self) -> u32 {
        self.nodes.iter().filter(|n| n.alive).count() as u32
    }

    fn event(&mut self, kind: EventKind, message: String) {
        self.events.push(Event {
            t_seconds: self.now,
            kind,
            message,
        });
    }

    /// One tick.
    pub fn tick(&mut self) {
        let t = self.now;
        self.ready_nodes(t);
        self.finish_jobs(t);
        self.reconcile(t);
        self.kube_schedule();
        self.assign_ips(t);
        self.provision(t);
        self.disrupt(t);
        self.account(t);
        self.now = t + self.opts.step_seconds;
    }

    // ---- pods -------------------------------------------------------------

    fn new_pod(&mut self, shape: usize, run_seconds: Option<u64>) {
        let id = self.pods.len() as u32;
        self.pods.push(Pod {
            shape: shape as u32,
            generation: self.generation[shape],
            state: PodState::Pending,
            run_seconds,
            ends_at: None,
        });
        self.by_shape[shape].push(id);
        self.alive_by_shape[shape] += 1;
        self.pending.push(id);
    }

    fn place(&mut self, pid: u32, node: usize) {
        let s = self.pods[pid as usize].shape as usize;
        let sh = &self.inp.shapes[s];
        let n = &mut self.nodes[node];
        n.used_cpu += sh.cpu_millis;
        n.used_mem += sh.memory_bytes;
        n.pods += 1;
        n.counts[s] += 1;
        match n.ns_req.iter_mut().find(|x| x.0 == sh.namespace) {
            Some(x) => {
                x.1 += sh.cpu_millis;
                x.2 += sh.memory_bytes;
            }
            None => n
                .ns_req
                .push((sh.namespace, sh.cpu_millis, sh.memory_bytes)),
        }
        n.residents.push(pid);
        n.last_pod_event = self.now;
        let z = n.zone;
        self.zone_counts[s][z] += 1;
    }

    fn unplace(&mut self, pid: u32, node: usize) {
        let s = self.pods[pid as usize].shape as usize;
        let sh = &self.inp.shapes[s];
        let n = &mut self.nodes[node];
        n.used_cpu = n.used_cpu.saturating_sub(sh.cpu_millis);
        n.used_mem = n.used_mem.saturating_sub(sh.memory_bytes);
        n.pods = n.pods.saturating_sub(1);
        n.counts[s] = n.counts[s].saturating_sub(1);
        if let Some(x) = n.ns_req.iter_mut().find(|x| x.0 == sh.namespace) {
            x.1 = x.1.saturating_sub(sh.cpu_millis);
            x.2 = x.2.saturating_sub(sh.memory_bytes);
        }
        if let Some(k) = n.residents.iter().position(|&p| p == pid) {
            n.residents.swap_remove(k);
        }
        n.last_pod_event = self.now;
        let z = n.zone;
        self.zone_counts[s][z] = self.zone_counts[s][z].saturating_sub(1);
    }

    fn delete_pod(&mut self, pid: u32) {
        self.cluster_state = self.now;
        let st = self.pods[pid as usize].state;
        match st {
            PodState::Gone => return,
            PodState::Pending => {}
            PodState::Nominated(n) => self.unplace(pid, n as usize),
            PodState::Bound { node, ip } => {
                self.unplace(pid, node as usize);
                let s = self.pods[pid as usize].shape as usize;
                if ip && self.inp.shapes[s].needs_ip {
                    let n = &mut self.nodes[node as usize];
                    n.ips_used = n.ips_used.saturating_sub(1);
                }
            }
        }
        let s = self.pods[pid as usize].shape as usize;
        self.pods[pid as usize].state = PodState::Gone;
        self.alive_by_shape[s] = self.alive_by_shape[s].saturating_sub(1);
    }

    fn finish_jobs(&mut self, t: u64) {
        let running = std::mem::take(&mut self.jobs_running);
        let mut keep = Vec::with_capacity(running.len());
        for pid in running {
            let p = &self.pods[pid as usize];
            if p.state == PodState::Gone {
                continue;
            }
            if p.ends_at.is_some_and(|e| e <= t) {
                self.delete_pod(pid);
            } else {
                keep.push(pid);
            }
        }
        self.jobs_running = keep;
    }

    fn reconcile(&mut self, t: u64) {
        let inp = self.inp;
        let step = self.opts.step_seconds;
        // Job arrivals.
        for j in &inp.spec.jobs {
            let Some(s) = inp.shape(&j.workload) else {
                continue;
            };
            let every = j.every_seconds.max(1);
            // An arrival at `start + k x every`, on the first tick at or after it.
            let Some(r) = t.checked_sub(j.start_seconds) else {
                continue;
            };
            let due = r < step || r / every > (r - step) / every;
            if due {
                for _ in 0..j.parallelism {
                    self.new_pod(s, Some(j.duration_seconds));
                }
            }
        }
        // Rollouts starting.
        for r in &inp.spec.rollouts {
            let Some(s) = inp.shape(&r.workload) else {
                continue;
            };
            if r.at_seconds <= t && r.at_seconds + step > t && self.rollout_active[s].is_none() {
                self.generation[s] += 1;
                self.rollout_active[s] = Some(r.max_surge.max(1));
                self.event(
                    EventKind::RolloutStarted,
                    format!(
                        "{}: rollout, maxSurge {}",
                        inp.shapes[s].key,
                        r.max_surge.max(1)
                    ),
                );
            }
        }
        for s in 0..inp.shapes.len() {
            let sh = &inp.shapes[s];
            let desired = match sh.kind {
                WorkloadKind::Deployment | WorkloadKind::StatefulSet | WorkloadKind::Pod => {
                    match inp.spec.curves.iter().find(|c| c.workload == sh.key) {
                        Some(c) => c.replicas.at(t),
                        None => sh.declared_replicas,
                    }
                }
                WorkloadKind::Job => {
                    if t == 0 && !inp.spec.jobs.iter().any(|j| j.workload == sh.key) {
                        for _ in 0..sh.declared_replicas {
                            self.new_pod(s, None);
                        }
                    }
                    continue;
                }
                _ => continue,
            };
            self.reconcile_shape(s, desired);
        }
    }

    fn reconcile_shape(&mut self, s: usize, desired: u32) {
        self.desired[s] = desired;
        let gen_now = self.generation[s];
        if let Some(surge) = self.rollout_active[s] {
            let (mut old, mut new, mut running_old, mut running_new) = (0u32, 0u32, 0u32, 0u32);
            for &pid in &self.by_shape[s] {
                let p = &self.pods[pid as usize];
                let running = matches!(p.state, PodState::Bound { ip: true, .. })
                    || (matches!(p.state, PodState::Bound { .. }) && !self.inp.shapes[s].needs_ip);
                match p.state {
                    PodState::Gone => continue,
                    _ if p.generation == gen_now => {
                        new += 1;
                        running_new += u32::from(running);
                    }
                    _ => {
                        old += 1;
                        running_old += u32::from(running);
                    }
                }
            }
            if old == 0 {
                self.rollout_active[s] = None;
                let key = self.inp.shapes[s].key.clone();
                self.event(
                    EventKind::RolloutFinished,
                    format!("{key}: rollout finished"),
                );
            } else {
                // maxUnavailable 0: delete old pods while the running count
                // stays at the desired count.
                let running = running_old + running_new;
                let mut del = running.saturating_sub(desired).min(old);
                // Old pods that are not running can go at once.
                let not_running_old = old - running_old;
                del = del.max(not_running_old.min(old));
                let victims = self.pick_victims(s, del, Some(gen_now));
                for v in victims {
                    self.delete_pod(v);
                }
                let total = self.alive_by_shape[s];
                let room = (desired + surge).saturating_sub(total);
                let create = room.min(desired.saturating_sub(new));
                for _ in 0..create {
                    self.new_pod(s, None);
                }
                return;
            }
        }
        let alive = self.alive_by_shape[s];
        if alive < desired {
            for _ in 0..desired - alive {
                self.new_pod(s, None);
            }
        } else if alive > desired {
            let victims = self.pick_victims(s, alive - desired, None);
            for v in victims {
                self.delete_pod(v);
            }
        }
        if self.by_shape[s].len() > 64
            && self.by_shape[s].len() > 2 * self.alive_by_shape[s] as usize
        {
            let pods = &self.pods;
            self.by_shape[s].retain(|&p| pods[p as usize].state != PodState::Gone);
        }
    }

    /// Scale-down victims: pending, then without an IP, then the newest.
    /// With `not_generation`, only pods of older generations.
    fn pick_victims(&self, s: usize, k: u32, not_generation: Option<u32>) -> Vec<u32> {
        let mut out = Vec::new();
        if k == 0 {
            return out;
        }
        let eligible =
            |p: &Pod| p.state != PodState::Gone && not_generation.is_none_or(|g| p.generation != g);
        let classes: [&dyn Fn(&Pod) -> bool; 3] = [
            &|p: &Pod| matches!(p.state, PodState::Pending | PodState::Nominated(_)),
            &|p: &Pod| matches!(p.state, PodState::Bound { ip: false, .. }),
            &|_: &Pod| true,
        ];
        for class in classes {
            for &pid in self.by_shape[s].iter().rev() {
                if out.len() as u32 >= k {
                    return out;
                }
                let p = &self.pods[pid as usize];
                if eligible(p) && class(p) && !out.contains(&pid) {
                    out.push(pid);
                }
            }
        }
        out
    }

    // ---- kube-scheduler ---------------------------------------------------

    /// Whether a pod of `s` passes the filters on node `ni` under the
    /// constraints of level `lv` (`Shape::levels`); `zones`: the
    /// topology-spread zone domains (bitmask over zones); `host_mins`: per
    /// spread, the hostname minimum once computed (constant while one pod
    /// scans the nodes; the caller starts each pod with `None`s).
    fn feasible(
        &self,
        s: usize,
        lv: usize,
        ni: usize,
        zones: u64,
        host_mins: &mut [Option<u32>],
    ) -> bool {
        let sh = &self.inp.shapes[s];
        let cons = &sh.levels[lv.min(sh.levels.len().saturating_sub(1))];
        let compat = cons.compat.as_ref().unwrap_or(&sh.compat);
        let n = &self.nodes[ni];
        let ty = &self.inp.pools[n.pool].types[n.ty];
        if compat[n.pool][n.ty] & n.bit == 0
            || n.pods + 1 > ty.pods
            || n.used_cpu + sh.cpu_millis > ty.cpu_millis
            || n.used_mem + sh.memory_bytes > ty.memory_bytes
        {
            return false;
        }
        if cons.anti_affinity.iter().any(|&a| n.counts[a] > 0)
            || sh.repelled_by.iter().any(|&r| n.counts[r] > 0)
            || cons
                .zone_anti_affinity
                .iter()
                .any(|&a| self.zone_counts[a][n.zone] > 0)
            || sh
                .zone_repelled_by
                .iter()
                .any(|&r| self.zone_counts[r][n.zone] > 0)
        {
            return false;
        }
        for a in &cons.affinity {
            let here = match a.topology {
                Topology::Hostname => count_in(&n.counts, &a.selects) > 0,
                Topology::Zone => self.zone_count(&a.selects, n.zone) > 0,
            };
            // The first pod of a self-matching term may go anywhere.
            let first = a.self_match && !self.any_placed(&a.selects);
            if !here && !first {
                return false;
            }
        }
        for (k, sp) in cons.spreads.iter().enumerate() {
            let me = u32::from(sp.self_match);
            match sp.topology {
                Topology::Zone => {
                    let c = self.zone_count(&sp.selects, n.zone);
                    let min = self.zone_min(&sp.selects, zones);
                    if c + me > min + sp.max_skew {
                        return false;
                    }
                }
                Topology::Hostname => {
                    let c = count_in(&n.counts, &sp.selects);
                    // New nodes (in-flight or Ready) hold 0: the minimum is 0
                    // whenever an eligible node is empty of the selection;
                    // computing it exactly costs a scan of every node.
                    let min = match host_mins.get(k).copied().flatten() {
                        Some(m) => m,
                        None => {
                            let m = self.host_min(s, &sp.selects);
                            if let Some(slot) = host_mins.get_mut(k) {
                                *slot = Some(m);
                            }
                            m
                        }
                    };
                    if c + me > min + sp.max_skew {
                        return false;
                    }
                }
            }
        }
        true
    }

    /// Whether any pod of `selects` is placed on a node or packed into a
    /// NodeClaim of the current pass (the pod-affinity "first pod" rule).
    fn any_placed(&self, selects: &[usize]) -> bool {
        selects
            .iter()
            .any(|&s| self.in_claims[s] > 0 || self.zone_counts[s].iter().any(|&c| c > 0))
    }

    fn zone_count(&self, selects: &[usize], z: usize) -> u32 {
        selects.iter().map(|&s| self.zone_counts[s][z]).sum()
    }

    fn zone_min(&self, selects: &[usize], zones: u64) -> u32 {
        (0..self.inp.zones.len())
            .filter(|z| zones & (1 << z) != 0)
            .map(|z| self.zone_count(selects, z))
            .min()
            .unwrap_or(0)
    }

    fn host_min(&self, s: usize, selects: &[usize]) -> u32 {
        let sh = &self.inp.shapes[s];
        // The minimum over eligible nodes; 0 cannot be beaten, so stop there.
        let mut min: Option<u32> = None;
        for n in &self.nodes {
            if !n.alive || sh.compat[n.pool][n.ty] & n.bit == 0 {
                continue;
            }
            let c = count_in(&n.counts, selects);
            if c == 0 {
                return 0;
            }
            min = Some(min.map_or(c, |m| m.min(c)));
        }
        min.unwrap_or(0)
    }

    /// Zones of Ready nodes the pod's node affinity allows.
    fn ready_zones(&self, s: usize) -> u64 {
        let sh = &self.inp.shapes[s];
        let mut m = 0u64;
        for n in &self.nodes {
            if n.alive && n.ready && sh.compat[n.pool][n.ty] & n.bit != 0 {
                m |= 1 << n.zone;
            }
        }
        m
    }

    fn kube_schedule(&mut self) {
        // A node chosen for disruption is tainted `karpenter.sh/disrupted:
        // NoSchedule` (pkg/controllers/disruption/orchestration): no new pods.
        let ready: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| {
                self.nodes[i].alive && self.nodes[i].ready && self.nodes[i].disrupting.is_none()
            })
            .collect();
        let queue = std::mem::take(&mut self.pending);
        if ready.is_empty() {
            self.pending = queue
                .into_iter()
                .filter(|&p| self.pods[p as usize].state == PodState::Pending)
                .collect();
            return;
        }
        let mut failed = vec![false; self.inp.shapes.len()];
        let mut zones_cache: Vec<Option<u64>> = vec![None; self.inp.shapes.len()];
        let want = feasible_to_find(ready.len());
        let mut still = Vec::new();
        for pid in queue {
            if self.pods[pid as usize].state != PodState::Pending {
                continue;
            }
            let s = self.pods[pid as usize].shape as usize;
            if failed[s] {
                still.push(pid);
                continue;
            }
            let sh = &self.inp.shapes[s];
            let lv = sh.levels.len().saturating_sub(1);
            let zones = if sh
                .required()
                .spreads
                .iter()
                .any(|x| x.topology == Topology::Zone)
            {
                *zones_cache[s].get_or_insert_with(|| self.ready_zones(s))
            } else {
                0
            };
            let mut host_mins = vec![None; sh.required().spreads.len()];
            let mut best: Option<(u64, usize)> = None;
            let mut found = 0;
            let start = self.next_start % ready.len();
            let mut scanned = 0;
            for k in 0..ready.len() {
                let ni = ready[(start + k) % ready.len()];
                scanned = k + 1;
                if !self.feasible(s, lv, ni, zones, &mut host_mins) {
                    continue;
                }
                found += 1;
                let n = &self.nodes[ni];
                let ty = &self.inp.pools[n.pool].types[n.ty];
                // LeastAllocated: mean of free CPU and memory fractions, x1000.
                let fc = (ty.cpu_millis - n.used_cpu - sh.cpu_millis) * 1000 / ty.cpu_millis.max(1);
                let fm = (ty.memory_bytes - n.used_mem - sh.memory_bytes) * 1000
                    / ty.memory_bytes.max(1);
                let score = (fc + fm) / 2;
                if best.is_none_or(|(b, _)| score > b) {
                    best = Some((score, ni));
                }
                if found >= want {
                    break;
                }
            }
            self.next_start = (start + scanned) % ready.len();
            match best {
                Some((_, ni)) => {
                    self.place(pid, ni);
                    self.bind(pid, ni);
                }
                None => {
                    failed[s] = true;
                    still.push(pid);
                }
            }
        }
        self.pending = still;
    }

    fn bind(&mut self, pid: u32, ni: usize) {
        let s = self.pods[pid as usize].shape as usize;
        self.cluster_state = self.now;
        self.nodes[ni].last_pod_event = self.now;
        if self.inp.shapes[s].needs_ip {
            self.pods[pid as usize].state = PodState::Bound {
                node: ni as u32,
                ip: false,
            };
            self.nodes[ni].waiting_ip.push(pid);
        } else {
            self.pods[pid as usize].state = PodState::Bound {
                node: ni as u32,
                ip: true,
            };
            self.start_running(pid);
        }
    }

    fn start_running(&mut self, pid: u32) {
        let p = &mut self.pods[pid as usize];
        if let Some(d) = p.run_seconds {
            p.ends_at = Some(self.now + d);
            self.jobs_running.push(pid);
        }
    }

    // ---- CNI --------------------------------------------------------------

    fn assign_ips(&mut self, t: u64) {
        for ni in 0..self.nodes.len() {
            if !self.nodes[ni].alive
                || !self.nodes[ni].ready
                || self.nodes[ni].waiting_ip.is_empty()
            {
                continue;
            }
            let waiting: Vec<u32> = std::mem::take(&mut self.nodes[ni].waiting_ip)
                .into_iter()
                .filter(|&p| {
                    matches!(
                        self.pods[p as usize].state,
                        PodState::Bound { ip: false, .. }
                    )
                })
                .collect();
            let want = self.nodes[ni].ips_used + waiting.len() as u32;
            let cap = self.grow_ips(ni, want, t);
            let mut rest = Vec::new();
            for pid in waiting {
                if self.nodes[ni].ips_used < cap {
                    self.nodes[ni].ips_used += 1;
                    if let PodState::Bound { node, .. } = self.pods[pid as usize].state {
                        self.pods[pid as usize].state = PodState::Bound { node, ip: true };
                    }
                    self.start_running(pid);
                } else {
                    rest.push(pid);
                }
            }
            self.nodes[ni].waiting_ip = rest;
        }
    }

    /// Grows the node's addresses towards what `want` pod IPs need; returns
    /// how many pod IPs it has.
    fn grow_ips(&mut self, ni: usize, want: u32, t: u64) -> u32 {
        let inp = self.inp;
        let n = &self.nodes[ni];
        let ty = &inp.pools[n.pool].types[n.ty];
        let view = &ty.cni;
        let prefix = view.mode == IpMode::Prefixes;
        let have = |n: &Node| -> u32 {
            let ips = if prefix { n.prefixes * 16 } else { n.secondary };
            ips.min(view.pod_ips)
        };
        if !inp.ipam {
            // No subnets: addresses are not simulated (a note says so), so
            // no pod waits for one. Capping at the ENI-limited pod IPs here
            // counted the two host-network slots of the max-pods formula
            // (aws-node, kube-proxy) as pods stuck without an IP (issue 14).
            return want;
        }
        let target = node_addresses(view, &inp.cni, want);
        let (Some(node_sub), pod_sub) = (n.node_subnet, n.pod_subnet) else {
            return 0;
        };
        let pod_side = pod_sub.unwrap_or(node_sub);
        let mut error: Option<String> = None;
        // Trunk ENI (node subnet), extra ENIs' primaries and secondaries or
        // prefixes (pod side).
        while self.nodes[ni].trunk < target.trunk_eni && error.is_none() {
            match self.hold(ni, node_sub, false) {
                Ok(()) => self.nodes[ni].trunk += 1,
                Err(e) => error = Some(e),
            }
        }
        while self.nodes[ni].extra_enis < target.extra_enis && error.is_none() {
            match self.hold(ni, pod_side, false) {
                Ok(()) => self.nodes[ni].extra_enis += 1,
                Err(e) => error = Some(e),
            }
        }
        while self.nodes[ni].secondary < target.secondary_ips && error.is_none() {
            match self.hold(ni, pod_side, false) {
                Ok(()) => self.nodes[ni].secondary += 1,
                Err(e) => error = Some(e),
            }
        }
        while self.nodes[ni].prefixes < target.prefixes && error.is_none() {
            match self.hold(ni, pod_side, true) {
                Ok(()) => self.nodes[ni].prefixes += 1,
                Err(e) => error = Some(e),
            }
        }
        let cap = have(&self.nodes[ni]);
        if error.is_none() && want > view.pod_ips {
            error = Some(format!(
                "failed to assign an IP address to container: {} can address {} pod IPs ({} mode) and kubelet admits more",
                ty.name,
                view.pod_ips,
                if prefix { "prefix" } else { "secondary IP" }
            ));
        }
        match error {
            Some(e) if want > cap => {
                if self.nodes[ni].ip_error.as_deref() != Some(e.as_str()) {
                    self.nodes[ni].ip_error = Some(e.clone());
                    *self.ip_errors.entry(e.clone()).or_insert(0) += 1;
                    let name = self.nodes[ni].name.clone();
                    self.events.push(Event {
                        t_seconds: t,
                        kind: EventKind::IpAllocationFailed,
                        message: format!("{name}: {e}"),
                    });
                }
            }
            _ => self.nodes[ni].ip_error = None,
        }
        cap
    }

    // ---- Karpenter --------------------------------------------------------

    /// Static NodePools (`spec.replicas`): Karpenter keeps that many nodes
    /// of the pool, whatever the pods (karpenter.sh/docs/concepts/nodepools/,
    /// `spec.replicas`, Karpenter >= 1.7): a node that goes (drift, expiry, interruption)
    /// is launched again; consolidation never takes them.
    fn keep_static(&mut self, t: u64) {
        let inp = self.inp;
        for (pi, pool) in inp.pools.iter().enumerate() {
            let Some(want) = pool.replicas else {
                continue;
            };
            if pool.types.is_empty() {
                continue;
            }
            let have = self
                .nodes
                .iter()
                .filter(|n| n.alive && n.pool == pi && n.disrupting.is_none())
                .count() as u32;
            if have >= want {
                continue;
            }
            let mut per_zone = vec![0u32; inp.zones.len()];
            for n in self.nodes.iter().filter(|n| n.alive) {
                per_zone[n.zone] += 1;
            }
            for _ in have..want {
                let mut c = Claim {
                    pool: pi,
                    types: (0..pool.types.len() as u32).collect(),
                    mask: u64::MAX,
                    cpu: 0,
                    mem: 0,
                    pods: 0,
                    max_cpu: 0,
                    max_mem: 0,
                    max_pods: 0,
                    max_capacity_cpu: 0,
                    max_capacity_mem: 0,
                    counts: Vec::new(),
                    members: Vec::new(),
                    pinned: Vec::new(),
                    replaces: None,
                };
                c.refresh_max(pool);
                self.launch(c, t, &mut per_zone);
            }
        }
    }

    fn provision(&mut self, t: u64) {
        self.keep_static(t);
        let inp = self.inp;
        let mut queue: Vec<u32> = self
            .pending
            .iter()
            .copied()
            .filter(|&p| self.pods[p as usize].state == PodState::Pending)
            .collect();
        if queue.is_empty() {
            return;
        }
        // Karpenter's queue order: CPU then memory, descending (queue.go
        // `byCPUAndMemoryDescending`); arrival order breaks ties.
        queue.sort_by(|&a, &b| {
            let sa = &inp.shapes[self.pods[a as usize].shape as usize];
            let sb = &inp.shapes[self.pods[b as usize].shape as usize];
            sb.cpu_millis
                .cmp(&sa.cpu_millis)
                .then(sb.memory_bytes.cmp(&sa.memory_bytes))
                .then(a.cmp(&b))
        });
        let inflight: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| self.nodes[i].alive && !self.nodes[i].ready)
            .collect();
        let mut claims: Vec<Claim> = Vec::new();
        let mut claims_in_pool = vec![0u64; inp.pools.len()];
        let mut room = RoomTree::new();
        let mut cursor = vec![0usize; inp.shapes.len()];
        let mut failed: Vec<Option<String>> = vec![None; inp.shapes.len()];
        let mut pool_zone_cache: Vec<Option<u64>> = vec![None; inp.shapes.len()];
        // Pool usage: nodes alive (capacity), for limits.
        let mut usage: Vec<(u64, u64, u64)> = vec![(0, 0, 0); inp.pools.len()];
        for n in self.nodes.iter().filter(|n| n.alive) {
            let ty = &inp.pools[n.pool].types[n.ty];
            let u = &mut usage[n.pool];
            u.0 += ty.capacity_cpu_millis;
            u.1 += ty.capacity_memory_bytes;
            u.2 += 1;
        }
        for pid in queue {
            let s = self.pods[pid as usize].shape as usize;
            if failed[s].is_some() {
                continue;
            }
            let sh = &inp.shapes[s];
            // Karpenter's topology domains: every zone a pool offers the pod.
            let zones = *pool_zone_cache[s].get_or_insert_with(|| {
                let mut m = 0u64;
                for row in &sh.compat {
                    for bits in row {
                        for z in 0..inp.zones.len() {
                            if bits & (0b11 << (z * 2)) != 0 {
                                m |= 1 << z;
                            }
                        }
                    }
                }
                m
            });
            // Karpenter's preferences: every level from the strictest, each
            // relaxing one more preferred term (preferences.go `Relax`).
            let levels = sh.levels.len().max(1);
            let mut reasons = Vec::new();
            let mut added = false;
            'levels: for lv in 0..levels {
                let last = lv + 1 == levels;
                // 1. In-flight nodes.
                let mut host_mins = vec![None; sh.levels.get(lv).map_or(0, |c| c.spreads.len())];
                if let Some(&ni) = inflight
                    .iter()
                    .find(|&&ni| self.feasible(s, lv, ni, zones, &mut host_mins))
                {
                    self.place(pid, ni);
                    self.pods[pid as usize].state = PodState::Nominated(ni as u32);
                    self.nodes[ni].nominated.push(pid);
                    added = true;
                    break 'levels;
                }
                // 2. Claims of this pass, first fit in creation order
                // (scheduler.go `add` walks `newNodeClaims`). The room index
                // skips claims without room; `cursor[s]` skips claims that
                // refused this workload (under its required constraints)
                // for a reason that lasts the pass.
                let need = (sh.cpu_millis, sh.memory_bytes, 1);
                let mut from = if last { cursor[s] } else { 0 };
                let mut contiguous = last;
                while let Some(i) = room.first_fitting(from, need) {
                    match self.claim_try(&mut claims[i], s, lv, zones) {
                        Ok(()) => {
                            claims[i].members.push(pid);
                            room.set(i, claims[i].room());
                            if contiguous {
                                cursor[s] = i;
                            }
                            added = true;
                            break 'levels;
                        }
                        Err(Refusal::ForThePass) => {
                            if contiguous {
                                cursor[s] = i + 1;
                            }
                        }
                        Err(Refusal::ForNow) => contiguous = false,
                    }
                    from = i + 1;
                }
                if contiguous {
                    cursor[s] = claims.len();
                }
                // 3. A new claim from the first pool that can take it.
                for pi in 0..inp.pools.len() {
                    match self.new_claim(pi, s, lv, &usage, &claims, &claims_in_pool) {
                        Ok(mut c) => {
                            if self.claim_try(&mut c, s, lv, zones).is_ok() {
                                c.members.push(pid);
                                room.push(c.room());
                                claims.push(c);
                                claims_in_pool[pi] += 1;
                                added = true;
                                break 'levels;
                            }
                            if last {
                                reasons.push(format!(
                                    "{}: no instance type satisfies the pod's requirements and topology",
                                    inp.pools[pi].name
                                ));
                            }
                        }
                        Err((reason, limit)) => {
                            if limit && !self.limit_hit[pi] {
                                self.limit_hit[pi] = true;
                                self.event(
                                    EventKind::NodePoolLimit,
                                    format!("nodepool {}: {reason}", inp.pools[pi].name),
                                );
                            }
                            if last {
                                reasons.push(format!("{}: {reason}", inp.pools[pi].name));
                            }
                        }
                    }
                }
            }
            if !added {
                let reason = if reasons.is_empty() {
                    "no NodePool in the inputs".to_string()
                } else {
                    reasons.join("; ")
                };
                failed[s] = Some(reason);
            }
        }
        for (s, r) in failed.into_iter().enumerate() {
            if let Some(r) = r
                && self.unschedulable.get(&s) != Some(&r)
            {
                self.event(
                    EventKind::Unschedulable,
                    format!("{}: {r}", inp.shapes[s].key),
                );
                self.unschedulable.insert(s, r);
            }
        }
        let mut per_zone = vec![0u32; inp.zones.len()];
        for n in self.nodes.iter().filter(|n| n.alive) {
            per_zone[n.zone] += 1;
        }
        self.in_claims.iter_mut().for_each(|c| *c = 0);
        for c in claims {
            self.launch(c, t, &mut per_zone);
        }
    }

    fn new_claim(
        &self,
        pi: usize,
        s: usize,
        lv: usize,
        usage: &[(u64, u64, u64)],
        claims: &[Claim],
        claims_in_pool: &[u64],
    ) -> Result<Claim, (String, bool)> {
        let inp = self.inp;
        let pool = &inp.pools[pi];
        let sh = &inp.shapes[s];
        if let Some(b) = &sh.pool_block[pi] {
            return Err((b.clone(), false));
        }
        if pool.replicas.is_some() {
            // A static NodePool keeps its replica count; Karpenter does
            // not provision it for pending pods (karpenter.sh/docs/concepts/
            // nodepools/ "Static NodePools").
            return Err((
                "static NodePool (spec.replicas): no nodes are provisioned for pending pods".into(),
                false,
            ));
        }
        let compat_rows = sh
            .levels
            .get(lv)
            .and_then(|c| c.compat.as_ref())
            .unwrap_or(&sh.compat);
        if pool.types.is_empty() {
            return Err(("no instance type the NodePool allows can be launched (requirements x catalog x offerings is empty)".into(), false));
        }
        // Remaining limits: alive nodes plus this pass's claims at their
        // largest type.
        let (mut cpu, mut mem, mut nodes) = usage[pi];
        nodes += claims_in_pool[pi];
        if pool.limit_cpu_millis.is_some() || pool.limit_memory_bytes.is_some() {
            for c in claims.iter().filter(|c| c.pool == pi) {
                cpu += c.max_capacity_cpu;
                mem += c.max_capacity_mem;
            }
        }
        if pool.limit_nodes.is_some_and(|l| nodes + 1 > l) {
            return Err((
                format!(
                    "all available instance types exceed limits for nodepool (nodes: {nodes} of {})",
                    pool.limit_nodes.unwrap_or(0)
                ),
                true,
            ));
        }
        let mut types = Vec::new();
        let mut any_compat = false;
        let mut any_fit = false;
        for (ti, ty) in pool.types.iter().enumerate() {
            let compat = compat_rows[pi][ti] != 0;
            let fits = sh.cpu_millis <= ty.cpu_millis
                && sh.memory_bytes <= ty.memory_bytes
                && ty.pods >= 1;
            any_compat |= compat;
            any_fit |= fits;
            let within = pool
                .limit_cpu_millis
                .is_none_or(|l| cpu + ty.capacity_cpu_millis <= l)
                && pool
                    .limit_memory_bytes
                    .is_none_or(|l| mem + ty.capacity_memory_bytes <= l);
            if compat && within {
                types.push(ti as u32);
            }
        }
        if types.is_empty() {
            return Err(if !any_compat {
                (
                    "no instance type met the scheduling requirements".into(),
                    false,
                )
            } else if !any_fit {
                (
                    format!(
                        "no instance type has enough resources (pod requests cpu {}m, memory {}Mi; DaemonSets take cpu {}m, memory {}Mi)",
                        sh.cpu_millis,
                        sh.memory_bytes >> 20,
                        pool.daemon_cpu_millis,
                        pool.daemon_memory_bytes >> 20
                    ),
                    false,
                )
            } else {
                (
                    "all available instance types exceed limits for nodepool".into(),
                    true,
                )
            });
        }
        let mut c = Claim {
            pool: pi,
            types,
            mask: u64::MAX,
            cpu: 0,
            mem: 0,
            pods: 0,
            max_cpu: 0,
            max_mem: 0,
            max_pods: 0,
            max_capacity_cpu: 0,
            max_capacity_mem: 0,
            counts: Vec::new(),
            members: Vec::new(),
            pinned: Vec::new(),
            replaces: None,
        };
        if !min_values_met(pool, &c.types) {
            return Err((
                format!(
                    "minValues not met: the instance types left cannot satisfy {}",
                    pool.min_values
                        .iter()
                        .map(|m| format!("{} >= {}", m.key, m.min))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                false,
            ));
        }
        c.refresh_max(pool);
        if !c.types.iter().any(|&t| {
            let ty = &pool.types[t as usize];
            sh.cpu_millis <= ty.cpu_millis && sh.memory_bytes <= ty.memory_bytes && ty.pods >= 1
        }) {
            return Err((
                format!(
                    "no instance type has enough resources (pod requests cpu {}m, memory {}Mi; DaemonSets take cpu {}m, memory {}Mi)",
                    sh.cpu_millis,
                    sh.memory_bytes >> 20,
                    pool.daemon_cpu_millis,
                    pool.daemon_memory_bytes >> 20
                ),
                !any_fit,
            ));
        }
        Ok(c)
    }

    /// `NodeClaim.Add` (nodeclaim.go): keeps the instance types that still
    /// fit, under the constraints of level `lv`. Within a pass a claim only
    /// fills and narrows, so a refusal lasts the pass unless it came from a
    /// zone constraint or a pod affinity, which other pods' placement moves.
    fn claim_try(&mut self, c: &mut Claim, s: usize, lv: usize, zones: u64) -> Result<(), Refusal> {
        let inp = self.inp;
        let sh = &inp.shapes[s];
        let cons = &sh.levels[lv.min(sh.levels.len().saturating_sub(1))];
        let pool = &inp.pools[c.pool];
        let (cpu, mem, pods) = (c.cpu + sh.cpu_millis, c.mem + sh.memory_bytes, c.pods + 1);
        if cpu > c.max_cpu || mem > c.max_mem || pods > c.max_pods {
            return Err(Refusal::ForThePass);
        }
        if cons.anti_affinity.iter().any(|&a| c.count(&[a]) > 0)
            || sh.repelled_by.iter().any(|&r| c.count(&[r]) > 0)
        {
            return Err(Refusal::ForThePass);
        }
        for a in &cons.affinity {
            let first = a.self_match && !self.any_placed(&a.selects);
            if a.topology == Topology::Hostname && c.count(&a.selects) == 0 && !first {
                return Err(Refusal::ForNow);
            }
        }
        let zone_bound = cons.zone_dependent() || !sh.zone_repelled_by.is_empty();
        let mut mask = c.mask;
        let mut pin: Option<usize> = None;
        if zone_bound {
            // Zones the pod's zone affinity and anti-affinity allow.
            let mut allowed = 0u64;
            for z in 0..inp.zones.len() {
                if mask & (0b11 << (z * 2)) == 0 {
                    continue;
                }
                let repelled = cons
                    .zone_anti_affinity
                    .iter()
                    .chain(&sh.zone_repelled_by)
                    .any(|&a| self.zone_counts[a][z] > 0);
                let attracted = cons.affinity.iter().all(|a| {
                    a.topology != Topology::Zone
                        || self.zone_count(&a.selects, z) > 0
                        || (a.self_match && !self.any_placed(&a.selects))
                });
                if !repelled && attracted {
                    allowed |= 1 << z;
                }
            }
            let spreads: Vec<&crate::inputs::Spread> = cons
                .spreads
                .iter()
                .filter(|x| x.topology == Topology::Zone)
                .collect();
            let mut best: Option<(u32, usize)> = None;
            for z in 0..inp.zones.len() {
                if allowed & (1 << z) == 0 {
                    continue;
                }
                // The zone with the fewest pods of the first zone spread
                // that every zone spread's skew allows.
                let mut fits = true;
                let mut key = 0u32;
                for (k, sp) in spreads.iter().enumerate() {
                    if zones & (1 << z) == 0 {
                        fits = false;
                        break;
                    }
                    let me = u32::from(sp.self_match);
                    let cz = self.zone_count(&sp.selects, z);
                    if cz + me > self.zone_min(&sp.selects, zones) + sp.max_skew {
                        fits = false;
                        break;
                    }
                    if k == 0 {
                        key = cz;
                    }
                }
                if fits && best.is_none_or(|(b, _)| key < b) {
                    best = Some((key, z));
                }
            }
            let Some((_, z)) = best else {
                return Err(Refusal::ForNow);
            };
            mask &= 0b11 << (z * 2);
            pin = Some(z);
        }
        for sp in &cons.spreads {
            if sp.topology == Topology::Hostname {
                // A new node's domain: the minimum is 0.
                let me = u32::from(sp.self_match);
                if c.count(&sp.selects) + me > sp.max_skew {
                    return Err(Refusal::ForThePass);
                }
            }
        }
        let row = &cons.compat.as_ref().unwrap_or(&sh.compat)[c.pool];
        let keep = |t: &u32| {
            let ty = &pool.types[*t as usize];
            cpu <= ty.cpu_millis
                && mem <= ty.memory_bytes
                && pods <= ty.pods
                && row[*t as usize] & mask & ty.offerings != 0
        };
        let refusal = if zone_bound {
            Refusal::ForNow
        } else {
            Refusal::ForThePass
        };
        if !c.types.iter().any(keep) {
            return Err(refusal);
        }
        if !pool.min_values.is_empty() {
            let kept: Vec<u32> = c.types.iter().copied().filter(|t| keep(t)).collect();
            if !min_values_met(pool, &kept) {
                return Err(refusal);
            }
            c.types = kept;
        } else {
            c.types.retain(keep);
        }
        let mut union = 0u64;
        for &t in &c.types {
            union |= row[t as usize];
        }
        c.mask = mask & union;
        c.cpu = cpu;
        c.mem = mem;
        c.pods = pods;
        c.refresh_max(pool);
        match c.counts.iter_mut().find(|x| x.0 == s) {
            Some(x) => x.1 += 1,
            None => c.counts.push((s, 1)),
        }
        self.in_claims[s] += 1;
        if let Some(z) = pin {
            c.pinned.push((s as u32, z as u32));
            self.zone_counts[s][z] += 1;
        }
        Ok(())
    }

    /// The hourly price of an offering: on-demand from the catalog, Spot
    /// from the run's price model (`spot.rs`).
    fn offering_price(&self, ty: &crate::inputs::TypeOption, z: usize, ct: usize) -> f64 {
        if ct == 1 {
            self.opts.spot_prices.price(
                &ty.name,
                &self.inp.zones[z],
                ty.on_demand_usd_hour,
                self.opts.spot_price_factor,
            )
        } else {
            ty.on_demand_usd_hour
        }
    }

    /// Gives back the zone counts a claim's zone-pinned pods took while it
    /// was packed.
    fn unpin(&mut self, c: &Claim) {
        for &(s, z) in &c.pinned {
            let (s, z) = (s as usize, z as usize);
            self.zone_counts[s][z] = self.zone_counts[s][z].saturating_sub(1);
        }
    }

    /// Launches a claim; `per_zone`: nodes alive per zone, counted here.
    fn launch(&mut self, c: Claim, t: u64, per_zone: &mut [u32]) {
        let inp = self.inp;
        let pool = &inp.pools[c.pool];
        // Offerings, cheapest first; equal prices: the zone with the fewest
        // nodes, then catalog order. Only each zone's cheapest offering can
        // be launched (a zone is given up whole when its subnets are out of
        // addresses), so the candidates are one per zone.
        let mut best: Vec<Option<(f64, usize, usize)>> = vec![None; inp.zones.len()];
        for &ti in &c.types {
            let ty = &pool.types[ti as usize];
            let mut bits = ty.offerings & c.mask;
            for &(s, _) in &c.counts {
                bits &= inp.shapes[s].compat[c.pool][ti as usize];
            }
            for (z, slot) in best.iter_mut().enumerate() {
                for (ct, _) in CAPACITY_TYPES.iter().enumerate() {
                    if bits & (1 << (z * 2 + ct)) != 0 {
                        if ct == 1
                            && self
                                .unavailable
                                .get(&(c.pool, ti as usize, z))
                                .is_some_and(|&until| until > t)
                        {
                            continue;
                        }
                        let price = self.offering_price(ty, z, ct);
                        let cand = (price, ti as usize, ct);
                        let better = slot.is_none_or(|b| {
                            cand.0
                                .total_cmp(&b.0)
                                .then(cand.1.cmp(&b.1))
                                .then(cand.2.cmp(&b.2))
                                .is_lt()
                        });
                        if better {
                            *slot = Some(cand);
                        }
                    }
                }
            }
        }
        let mut options: Vec<(f64, usize, usize, usize)> = best
            .iter()
            .enumerate()
            .filter_map(|(z, b)| b.map(|(price, ti, ct)| (price, ti, z, ct)))
            .collect();
        options.sort_by(|a, b| {
            a.0.total_cmp(&b.0)
                .then(per_zone[a.2].cmp(&per_zone[b.2]))
                .then(a.1.cmp(&b.1))
                .then(a.2.cmp(&b.2))
                .then(a.3.cmp(&b.3))
        });
        // Unpin zone counts taken during packing; `place` counts them again.
        self.unpin(&c);
        for (price, ti, z, ct) in options {
            // The node's primary IP, from a node subnet of the zone.
            let mut node_subnet = None;
            let mut pod_subnet = None;
            let mut primary = None;
            if inp.ipam {
                let subs = &inp.node_subnets[z];
                for k in 0..subs.len() {
                    let si = subs[(self.zone_rr[z] + k) % subs.len()];
                    if let Ok(o) = self.subnets[si].take_single() {
                        node_subnet = Some(si);
                        primary = Some(o);
                        self.zone_rr[z] = (self.zone_rr[z] + k + 1) % subs.len();
                        break;
                    }
                }
                if node_subnet.is_none() {
                    let msg = format!(
                        "nodepool {}: {} in {}: InsufficientFreeAddressesInSubnet (no node subnet of the zone has a free address)",
                        pool.name, pool.types[ti].name, inp.zones[z]
                    );
                    self.event(EventKind::LaunchFailed, msg);
                    continue;
                }
                let ps = &inp.pod_subnets[z];
                if !ps.is_empty() {
                    pod_subnet = Some(ps[self.nodes.len() % ps.len()]);
                }
            }
            let seq = self.claim_seq.entry(c.pool).or_insert(0);
            *seq += 1;
            let name = format!("{}-{:05}", pool.name, seq);
            let ty = &pool.types[ti];
            let mut node = Node {
                name: name.clone(),
                pool: c.pool,
                ty: ti,
                zone: z,
                ct,
                bit: 1 << (z * 2 + ct),
                usd_per_hour: price,
                ready_at: t + self.opts.batch_window_seconds + self.opts.node_startup_seconds,
                ready: false,
                alive: true,
                used_cpu: 0,
                used_mem: 0,
                pods: 0,
                counts: vec![0; inp.shapes.len()],
                ns_req: Vec::new(),
                node_subnet,
                pod_subnet,
                held: Vec::new(),
                trunk: 0,
                extra_enis: 0,
                secondary: 0,
                prefixes: 0,
                ips_used: 0,
                waiting_ip: Vec::new(),
                nominated: Vec::new(),
                ip_error: None,
                created_at: t,
                drift_gen: self.pool_gen[c.pool],
                residents: Vec::new(),
                last_pod_event: t,
                disrupting: None,
            };
            if let (Some(si), Some(o)) = (node_subnet, primary) {
                node.held.push(Held::Single(si, o));
            }
            self.nodes.push(node);
            self.nodes_launched += 1;
            self.cluster_state = t;
            per_zone[z] += 1;
            let ni = self.nodes.len() - 1;
            for &pid in &c.members {
                self.place(pid, ni);
                self.pods[pid as usize].state = PodState::Nominated(ni as u32);
            }
            self.nodes[ni].nominated = c.members.clone();
            let purpose = match &c.replaces {
                Some(r) => format!("to replace {r}"),
                None if pool.replicas.is_some() => format!(
                    "as a replica of static nodepool {} ({} replicas)",
                    pool.name,
                    pool.replicas.unwrap_or(0)
                ),
                None => format!("for {} pods", c.members.len()),
            };
            let msg = format!(
                "{name}: {} {} in {} {purpose} (${:.4}/h; {} types fit)",
                ty.name,
                CAPACITY_TYPES[ct],
                inp.zones[z],
                price,
                c.types.len()
            );
            self.event(EventKind::NodeLaunched, msg);
            return;
        }
        // No zone could take it: the pods stay pending.
    }

    fn ready_nodes(&mut self, t: u64) {
        for ni in 0..self.nodes.len() {
            let n = &self.nodes[ni];
            if !n.alive || n.ready || n.ready_at > t {
                continue;
            }
            self.nodes[ni].ready = true;
            self.cluster_state = t;
            // consolidateAfter counts from initialization until a pod event
            // (pkg/utils/disruption `IsUnderConsolidateAfter`): a replacement
            // is not "empty for consolidateAfter" the moment it is Ready.
            self.nodes[ni].last_pod_event = t;
            // DaemonSet pods take their addresses first.
            let ds_ip = self.inp.pools[self.nodes[ni].pool].daemon_ip_pods;
            let cap = self.grow_ips(ni, ds_ip, t);
            self.nodes[ni].ips_used = ds_ip.min(cap);
            let name = self.nodes[ni].name.clone();
            self.event(EventKind::NodeReady, format!("{name} Ready"));
            for pid in std::mem::take(&mut self.nodes[ni].nominated) {
                if self.pods[pid as usize].state == PodState::Nominated(ni as u32) {
                    self.bind(pid, ni);
                }
            }
        }
    }

    // ---- accounting -------------------------------------------------------

    fn account(&mut self, t: u64) {
        let inp = self.inp;
        let dt = self
            .opts
            .step_seconds
            .min(self.opts.duration_seconds.saturating_sub(t)) as f64;
        let (mut pending, mut stuck, mut running) = (0u32, 0u32, 0u32);
        for p in &self.pods {
            match p.state {
                PodState::Pending | PodState::Nominated(_) => pending += 1,
                PodState::Bound { ip: false, .. } => stuck += 1,
                PodState::Bound { ip: true, .. } => running += 1,
                PodState::Gone => {}
            }
        }
        let mut alive = 0u32;
        let mut rate = 0.0;
        let mut by_type: BTreeMap<String, u32> = BTreeMap::new();
        for n in self.nodes.iter().filter(|n| n.alive) {
            alive += 1;
            rate += n.usd_per_hour;
            let pool = &inp.pools[n.pool];
            let ty = &pool.types[n.ty];
            let cost = n.usd_per_hour * dt / 3600.0;
            self.cost += cost;
            *self
                .node_seconds
                .entry(format!("{}/{}", ty.name, CAPACITY_TYPES[n.ct]))
                .or_insert(0.0) += dt;
            *self.node_seconds.entry(ty.name.clone()).or_insert(0.0) += dt;
            *by_type.entry(ty.name.clone()).or_insert(0) += 1;
            // Chargeback by requested share of the node's allocatable.
            let acpu = (ty.cpu_millis + pool.daemon_cpu_millis).max(1) as f64;
            let amem = (ty.memory_bytes + pool.daemon_memory_bytes).max(1) as f64;
            let mut shared = 0.0;
            let mut split: Vec<(usize, f64)> = Vec::new();
            for &(ns, c, m) in n.ns_req.iter().chain(pool.daemon_by_namespace.iter()) {
                if c == 0 && m == 0 {
                    continue;
                }
                split.push((ns, request_share(c, m, acpu, amem, &mut shared)));
            }
            // Idle shared out pro rata (split cost allocation's option), or
            // kept as `(idle)`.
            let scale = if inp.share_idle && shared > 0.0 {
                1.0 / shared
            } else {
                1.0
            };
            for (ns, share) in split {
                *self
                    .cost_by_ns
                    .entry(inp.namespaces[ns].clone())
                    .or_insert(0.0) += cost * share * scale;
            }
            *self.cost_by_ns.entry("(idle)".to_string()).or_insert(0.0) +=
                cost * (1.0 - shared * scale).max(0.0);
            // The same split by the value of one label (EKS split cost
            // allocation groups by labels the same way), when asked: the
            // pod's label, else its Namespace's.
            if let Some(key) = &inp.chargeback_label {
                let mut shared = 0.0;
                let mut split: Vec<(String, f64)> = Vec::new();
                for (sidx, &count) in n.counts.iter().enumerate() {
                    if count == 0 {
                        continue;
                    }
                    let sh = &inp.shapes[sidx];
                    let c = sh.cpu_millis.saturating_mul(u64::from(count));
                    let m = sh.memory_bytes.saturating_mul(u64::from(count));
                    if c == 0 && m == 0 {
                        continue;
                    }
                    let share = request_share(c, m, acpu, amem, &mut shared);
                    let value = sh
                        .labels
                        .get(key)
                        .or_else(|| {
                            inp.namespace_labels
                                .get(sh.namespace)
                                .and_then(|l| l.get(key))
                        })
                        .map_or_else(|| format!("({key} unset)"), |v| format!("{key}={v}"));
                    split.push((value, share));
                }
                for &(_, c, m) in &pool.daemon_by_namespace {
                    let share = request_share(c, m, acpu, amem, &mut shared);
                    split.push(("(daemonsets)".to_string(), share));
                }
                let scale = if inp.share_idle && shared > 0.0 {
                    1.0 / shared
                } else {
                    1.0
                };
                for (value, share) in split {
                    *self.cost_by_label.entry(value).or_insert(0.0) += cost * share * scale;
                }
                *self
                    .cost_by_label
                    .entry("(idle)".to_string())
                    .or_insert(0.0) += cost * (1.0 - shared * scale).max(0.0);
            }
        }
        if rate > self.peak_rate {
            self.peak_rate = rate;
            self.peak_at = t;
            self.peak_demand.clone_from(&self.alive_by_shape);
        }
        self.pending_seconds += f64::from(pending) * dt;
        self.stuck_seconds += f64::from(stuck) * dt;
        self.max_pending = self.max_pending.max(pending);
        self.max_stuck = self.max_stuck.max(stuck);
        self.peak_nodes = self.peak_nodes.max(alive);
        if t % self.opts.sample_every_seconds < self.opts.step_seconds {
            let subnet_ips_used = inp
                .subnets
                .iter()
                .zip(&self.subnets)
                .map(|(s, st)| (s.id.clone(), st.used))
                .collect();
            let mut subnet_ips_in_use = BTreeMap::new();
            let mut subnet_free_prefixes = BTreeMap::new();
            for ((s, st), usable) in inp.subnets.iter().zip(&self.subnets).zip(&self.usable) {
                let blocks = st.alloc.free_blocks() + st.returned_blocks.len() as u32;
                let free = st.alloc.free_singles()
                    + 16 * st.alloc.free_reserved_blocks()
                    + st.returned_singles.len() as u32
                    + 16 * st.returned_blocks.len() as u32;
                subnet_ips_in_use.insert(s.id.clone(), usable.saturating_sub(free));
                subnet_free_prefixes.insert(s.id.clone(), blocks);
            }
            self.series.push(Sample {
                subnet_ips_in_use,
                subnet_free_prefixes,
                t_seconds: t,
                nodes_by_type: by_type,
                pending_pods: pending,
                stuck_pods: stuck,
                running_pods: running,
                subnet_ips_used,
                cost_usd: self.cost,
            });
        }
    }

    /// The result so far.
    /// Takes one address (`block`: a /28 prefix) from subnet `sub` for node
    /// `ni` and records it as held; the CNI's error text when none is left.
    fn hold(&mut self, ni: usize, sub: usize, block: bool) -> Result<(), String> {
        let taken = if block {
            self.subnets[sub].take_block().map(|b| Held::Block(sub, b))
        } else {
            self.subnets[sub]
                .take_single()
                .map(|o| Held::Single(sub, o))
        };
        match taken {
            Ok(h) => {
                self.nodes[ni].held.push(h);
                Ok(())
            }
            Err(e) => Err(shortage_text(e, &self.inp.subnets[sub].id)),
        }
    }

    /// The LP lower bound for the pods of the peak (`bound.rs`) against the
    /// nodes' hourly price then; `Err` says why there is none.
    pub fn packing_bound(&self) -> Result<Option<crate::bound::PackingBound>, String> {
        use crate::bound::{Class, Offering, PackingBound, lower_bound};
        let inp = self.inp;
        if self.peak_rate <= 0.0 {
            return Ok(None);
        }
        // Offerings: (pool, type, capacity type) at the cheapest zone.
        let mut offerings: Vec<Offering> = Vec::new();
        let mut index: BTreeMap<(usize, usize, usize), usize> = BTreeMap::new();
        for (pi, pool) in inp.pools.iter().enumerate() {
            for (ti, ty) in pool.types.iter().enumerate() {
                for (ct, ct_name) in CAPACITY_TYPES.iter().enumerate() {
                    let price = (0..inp.zones.len())
                        .filter(|z| ty.offerings & (1 << (z * 2 + ct)) != 0)
                        .map(|z| self.offering_price(ty, z, ct))
                        .reduce(f64::min);
                    let Some(price) = price else { continue };
                    index.insert((pi, ti, ct), offerings.len());
                    offerings.push(Offering {
                        name: format!("{}/{}/{ct_name}", pool.name, ty.name),
                        cpu_millis: ty.cpu_millis,
                        memory_bytes: ty.memory_bytes,
                        pods: ty.pods,
                        usd_per_hour: price,
                    });
                }
            }
        }
        // Classes: workloads that may use the same offerings.
        let mut classes: Vec<Class> = Vec::new();
        let mut by_sig: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
        let (mut pods, mut left_out) = (0u64, 0u64);
        for (s, &n) in self.peak_demand.iter().enumerate() {
            if n == 0 {
                continue;
            }
            let sh = &inp.shapes[s];
            let mut sig = Vec::new();
            for (pi, pool) in inp.pools.iter().enumerate() {
                if sh.pool_block[pi].is_some() {
                    continue;
                }
                for (ti, ty) in pool.types.iter().enumerate() {
                    if sh.cpu_millis > ty.cpu_millis
                        || sh.memory_bytes > ty.memory_bytes
                        || ty.pods == 0
                    {
                        continue;
                    }
                    for ct in 0..CAPACITY_TYPES.len() {
                        let any = (0..inp.zones.len())
                            .any(|z| sh.compat[pi][ti] & (1 << (z * 2 + ct)) != 0);
                        if any && let Some(&o) = index.get(&(pi, ti, ct)) {
                            sig.push(o);
                        }
                    }
                }
            }
            if sig.is_empty() {
                left_out += u64::from(n);
                continue;
            }
            pods += u64::from(n);
            let k = *by_sig.entry(sig.clone()).or_insert_with(|| {
                classes.push(Class {
                    cpu_millis: 0,
                    memory_bytes: 0,
                    pods: 0,
                    offerings: sig,
                });
                classes.len() - 1
            });
            let c = &mut classes[k];
            c.cpu_millis += sh.cpu_millis * u64::from(n);
            c.memory_bytes += sh.memory_bytes * u64::from(n);
            c.pods += u64::from(n);
        }
        let b = lower_bound(&offerings, &classes).map_err(|e| e.to_string())?;
        let within = if b.usd_per_hour > 0.0 {
            100.0 * (self.peak_rate - b.usd_per_hour) / b.usd_per_hour
        } else {
            0.0
        };
        Ok(Some(PackingBound {
            t_seconds: self.peak_at,
            pods,
            pods_left_out: left_out,
            provisioned_usd_per_hour: self.peak_rate,
            bound_usd_per_hour: b.usd_per_hour,
            within_percent: within,
            classes: classes.len(),
            offerings_used: b.offerings_used,
            offerings_given: b.offerings_given,
        }))
    }

    pub fn finish(self) -> SimResult {
        let inp = self.inp;
        let (packing, packing_error) = match self.packing_bound() {
            Ok(p) => (p, None),
            Err(e) => (None, Some(format!("no packing bound: {e}"))),
        };
        let unschedulable = self
            .unschedulable
            .iter()
            .map(|(&s, r)| Unschedulable {
                workload: inp.shapes[s].key.clone(),
                reason: r.clone(),
            })
            .collect();
        SimResult {
            summary: Summary {
                total_cost_usd: self.cost,
                peak_nodes: self.peak_nodes,
                pending_pod_seconds: self.pending_seconds,
                max_pending_pods: self.max_pending,
                pods_stuck_without_ip: self.max_stuck,
                stuck_pod_seconds: self.stuck_seconds,
                node_hours_by_type: self
                    .node_seconds
                    .iter()
                    .map(|(k, v)| (k.clone(), v / 3600.0))
                    .collect(),
                cost_by_namespace: self.cost_by_ns,
                chargeback_label: inp.chargeback_label.clone(),
                cost_by_label: self.cost_by_label,
                unschedulable,
                ip_errors: self.ip_errors,
                events_count: self.events.len() as u64,
                nodes_launched: self.nodes_launched,
                nodes_deleted: self.nodes_deleted,
                nodes_disrupted: self.disrupted,
                notes: inp.notes.iter().cloned().chain(packing_error).collect(),
                unmodelled: inp.unmodelled.clone(),
                packing,
                idle_shared: inp.share_idle,
                beyond_ec2: inp
                    .beyond_ec2
                    .iter()
                    .map(|b| crate::result::CostBeyondEc2 {
                        item: b.item.clone(),
                        quantity: b.quantity,
                        usd_per_hour_each: b.usd_per_hour_each,
                        usd: f64::from(b.quantity)
                            * b.usd_per_hour_each
                            * self.opts.duration_seconds as f64
                            / 3600.0,
                        source: b.source.clone(),
                    })
                    .collect(),
                spot_interruptions: self.spot_interruptions,
                price_model: format!(
                    "on-demand: the embedded catalog's Linux prices for {} (a catalog from --catalog may carry others); {}",
                    eksplane_aws_data::PRICE_REGION,
                    self.opts.spot_prices.describe(self.opts.spot_price_factor)
                ),
                evictions: self
                    .evictions
                    .iter()
                    .map(|(&s, e)| crate::result::WorkloadEvictions {
                        workload: inp.shapes[s].key.clone(),
                        evicted: e.evicted,
                        max_evicted_at_once: e.max_at_once,
                        without_pdb: e.without_pdb,
                        beyond_pdb: e.beyond_pdb,
                        pdbs: inp.shapes[s]
                            .pdbs
                            .iter()
                            .map(|&k| inp.pdbs[k].key.clone())
                            .collect(),
                    })
                    .collect(),
            },
            series: self.series,
            events: self.events,
        }
    }
}

/// The share of a node's cost that requests of `c` millicores and `m` bytes
/// take (the mean of the CPU and memory shares of its allocatable), capped so
/// the shares handed out on one node never pass 1; `shared` accumulates them.
fn request_share(c: u64, m: u64, acpu: f64, amem: f64, shared: &mut f64) -> f64 {
    let share = ((c as f64 / acpu) + (m as f64 / amem)) / 2.0;
    let share = share.min(1.0 - *shared).max(0.0);
    *shared += share;
    share
}

/// Whether `types` keep at least `minValues` distinct values of every
/// such requirement of the pool.
fn min_values_met(pool: &Pool, types: &[u32]) -> bool {
    pool.min_values.iter().all(|m| {
        let mut seen: Vec<u32> = Vec::new();
        for &t in types {
            let v = m.value_of.get(t as usize).copied().unwrap_or(u32::MAX);
            if !seen.contains(&v) {
                seen.push(v);
                if seen.len() as u32 >= m.min {
                    return true;
                }
            }
        }
        seen.len() as u32 >= m.min
    })
}

fn shortage_text(e: Shortage, subnet: &str) -> String {
    // ipamd's errors as EC2 returns them (amazon-vpc-cni-k8s pkg/awsutils).
    match e {
        Shortage::Address => {
            format!("InsufficientFreeAddressesInSubnet: subnet {subnet} has no free address")
        }
        Shortage::Block => format!(
            "InsufficientCidrBlocks: The specified subnet does not have enough free cidr blocks to satisfy the request ({subnet})"
        ),
    }
}
