//! From a loaded platform to the simulator's tables: pod shapes per workload,
//! NodePools with their instance types and offerings, DaemonSet overhead per
//! pool, zones and subnets. Everything the hot loop needs is precomputed
//! here into indices and bitmasks.

use crate::filter::{self, LabelSource, PodConstraints};
use crate::workload::WorkloadSpec;
use eksplane_aws_data::{Catalog, InstanceType};
use eksplane_capacity::{CniOptions, CniView, cni_view, karpenter_view};
use eksplane_facts::capacity::{
    LABEL_CAPACITY_TYPE, allowed_types, cni_options, karpenter_inputs, karpenter_settings,
    node_class_of,
};
use eksplane_facts::scheduling::untolerated_taints;
use eksplane_ipplan::{PlanInputs, SubnetSpace, build_spaces};
use eksplane_model::k8s::{PodTemplate, Taint, Workload, WorkloadKind};
use eksplane_model::karpenter::{ConsolidationPolicy, NodePool};
use eksplane_model::{KubeObject, Platform, Quantity};
use std::collections::BTreeMap;

/// The zone label (kubernetes.io/docs/reference/labels-annotations-taints/).
pub const LABEL_ZONE: &str = "topology.kubernetes.io/zone";
pub const LABEL_HOSTNAME: &str = "kubernetes.io/hostname";
pub const LABEL_NODEPOOL: &str = "karpenter.sh/nodepool";

/// Capacity types, index 0 and 1 in offering masks.
pub const CAPACITY_TYPES: [&str; 2] = ["on-demand", "spot"];

/// Why the inputs cannot be simulated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    #[error("the IP planner rejected the subnets: {0}")]
    Subnets(String),
    #[error("more than {max} zones ({found}): the simulator packs zones into a bitmask")]
    TooManyZones { found: usize, max: usize },
    #[error(
        "the workload file names {0:?}, which is not a Deployment, StatefulSet, Job or CronJob in the inputs"
    )]
    UnknownWorkload(String),
}

/// Most zones a run can have (offering masks are `u64` over zone x capacity type).
pub const MAX_ZONES: usize = 32;

/// A topology domain kind a spread constraint or anti-affinity uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topology {
    Zone,
    Hostname,
}

/// A `DoNotSchedule` topology spread constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spread {
    pub topology: Topology,
    pub max_skew: u32,
    /// Workloads whose pods the label selector counts.
    pub selects: Vec<usize>,
    /// Whether the pod itself matches (it counts once placed).
    pub self_match: bool,
}

/// Required pod affinity: the pod's node (hostname) or zone must already
/// hold a pod of `selects`; when no such pod exists anywhere and the pod
/// matches its own term, the first one may go anywhere (kube-scheduler's
/// InterPodAffinity, kubernetes/kubernetes
/// pkg/scheduler/framework/plugins/interpodaffinity/filtering.go;
/// Karpenter's topology.go does the same for new NodeClaims).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Affinity {
    pub topology: Topology,
    pub selects: Vec<usize>,
    pub self_match: bool,
}

/// The pod-to-pod and node constraints of one scheduling attempt.
#[derive(Debug, Clone, Default)]
pub struct Constraints {
    /// Topology spread constraints honoured as `DoNotSchedule`.
    pub spreads: Vec<Spread>,
    /// Pod anti-affinity on `kubernetes.io/hostname`: workloads it repels.
    pub anti_affinity: Vec<usize>,
    /// Pod anti-affinity on `topology.kubernetes.io/zone`.
    pub zone_anti_affinity: Vec<usize>,
    /// Pod affinity terms (hostname or zone).
    pub affinity: Vec<Affinity>,
    /// A preferred node-affinity term taken as required: per pool, per type,
    /// the allowed (zone, capacity type) bits, replacing [`Shape::compat`]
    /// at this level.
    pub compat: Option<Vec<Vec<u64>>>,
    /// What relaxing this level gives up, as Karpenter logs it
    /// ("removing: spec.affinity...").
    pub relaxes: Option<String>,
}

impl Constraints {
    /// Whether a zone-level constraint pins a NodeClaim to one zone.
    pub fn zone_dependent(&self) -> bool {
        self.spreads.iter().any(|x| x.topology == Topology::Zone)
            || !self.zone_anti_affinity.is_empty()
            || self.affinity.iter().any(|a| a.topology == Topology::Zone)
    }
}

/// A constraint of a workload's pods that the run does not model (or models
/// only in part), said per workload in every output.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unmodelled {
    /// `namespace/name`.
    pub workload: String,
    /// The constraint, as the pod spec states it.
    pub constraint: String,
    /// What the run does instead.
    pub treatment: String,
}

/// One workload's pods, all alike.
#[derive(Debug, Clone)]
pub struct Shape {
    /// `namespace/name`.
    pub key: String,
    pub kind: WorkloadKind,
    pub namespace: usize,
    pub cpu_millis: u64,
    pub memory_bytes: u64,
    /// Host-network pods need no pod IP.
    pub needs_ip: bool,
    pub declared_replicas: u32,
    /// Scheduling attempts from the strictest to the required constraints
    /// alone (the last): Karpenter treats preferred terms and
    /// `ScheduleAnyway` spreads as required and relaxes them one at a time
    /// while the pod cannot be scheduled (kubernetes-sigs/karpenter
    /// pkg/controllers/provisioning/scheduling/preferences.go `Relax`:
    /// preferred pod affinity, preferred pod anti-affinity, preferred node
    /// affinity, then `ScheduleAnyway` spreads; heaviest terms first).
    /// kube-scheduler filters on the last level only.
    pub levels: Vec<Constraints>,
    /// Workloads whose required hostname anti-affinity repels this one (the
    /// symmetric check).
    pub repelled_by: Vec<usize>,
    /// Workloads whose required zone anti-affinity repels this one.
    pub zone_repelled_by: Vec<usize>,
    /// Per pool, per pool type: allowed (zone, capacity type) bits
    /// (`zone * 2 + ct`); 0 when the pod cannot land.
    pub compat: Vec<Vec<u64>>,
    /// Per pool: why the pod cannot land at all (taints, labels), if so.
    pub pool_block: Vec<Option<String>>,
    /// The pod template's labels (the workload's own labels where the
    /// template does not set a key), for chargeback by label.
    pub labels: BTreeMap<String, String>,
    /// The pod template carries `karpenter.sh/do-not-disrupt: "true"`.
    pub do_not_disrupt: bool,
    /// PDBs (indices into `SimInputs::pdbs`) that select these pods.
    pub pdbs: Vec<usize>,
}

impl Shape {
    /// The required constraints (the last level).
    pub fn required(&self) -> &Constraints {
        static NONE: std::sync::OnceLock<Constraints> = std::sync::OnceLock::new();
        self.levels
            .last()
            .unwrap_or_else(|| NONE.get_or_init(Constraints::default))
    }

    /// Whether the pod has constraints that depend on other pods.
    pub fn has_topology(&self) -> bool {
        self.levels.iter().any(|c| {
            !c.spreads.is_empty()
                || !c.anti_affinity.is_empty()
                || !c.zone_anti_affinity.is_empty()
                || !c.affinity.is_empty()
        }) || !self.repelled_by.is_empty()
            || !self.zone_repelled_by.is_empty()
    }

    /// Whether any level pins NodeClaims to a zone, or other pods' zone
    /// anti-affinity reaches this one.
    pub fn zone_dependent(&self) -> bool {
        self.levels.iter().any(Constraints::zone_dependent) || !self.zone_repelled_by.is_empty()
    }
}

/// A NodePool requirement's `minValues`: the NodeClaim's instance types must
/// keep at least `min` distinct values of `key` (kubernetes-sigs/karpenter
/// pkg/scheduling/requirements.go, nodeclaim.go: a pod whose addition would
/// leave fewer is not added).
#[derive(Debug, Clone)]
pub struct MinValues {
    pub key: String,
    pub min: u32,
    /// Per pool type (same order as `Pool::types`), an id of its value.
    pub value_of: Vec<u32>,
}

/// An instance type a pool may launch.
#[derive(Debug, Clone)]
pub struct TypeOption {
    pub name: String,
    /// Allocatable (Karpenter's view) minus the pool's DaemonSet requests.
    pub cpu_millis: u64,
    pub memory_bytes: u64,
    /// kubelet maxPods (Karpenter's view) minus the pool's DaemonSet pods.
    pub pods: u32,
    /// Capacity counted against NodePool limits.
    pub capacity_cpu_millis: u64,
    pub capacity_memory_bytes: u64,
    /// (zone, capacity type) bits with an offering.
    pub offerings: u64,
    pub on_demand_usd_hour: f64,
    pub cni: CniView,
}

/// A NodePool, ready for provisioning.
#[derive(Debug, Clone)]
pub struct Pool {
    pub name: String,
    pub weight: i32,
    pub types: Vec<TypeOption>,
    /// Types the pool allows that cannot be launched here (no price, no facts).
    pub skipped_types: usize,
    pub limit_cpu_millis: Option<u64>,
    pub limit_memory_bytes: Option<u64>,
    pub limit_nodes: Option<u64>,
    pub daemon_cpu_millis: u64,
    pub daemon_memory_bytes: u64,
    pub daemon_pods: u32,
    pub daemon_ip_pods: u32,
    /// DaemonSet requests by namespace, for chargeback.
    pub daemon_by_namespace: Vec<(usize, u64, u64)>,
    pub consolidation: ConsolidationPolicy,
    /// `None`: `Never`.
    pub consolidate_after_seconds: Option<u64>,
    /// Budgets, expireAfter, terminationGracePeriod, node class.
    pub disruption: crate::disruption::PoolDisruption,
    /// Requirements with `minValues` on a label of the instance type.
    pub min_values: Vec<MinValues>,
    /// A static NodePool (`spec.replicas`, Karpenter >= 1.7): this many
    /// nodes, never consolidated, no provisioning for pending pods.
    pub replicas: Option<u32>,
}

/// A subnet the simulator allocates from.
#[derive(Debug, Clone)]
pub struct Subnet {
    pub id: String,
    pub zone: usize,
    pub space: SubnetSpace,
}

/// Everything a run reads.
#[derive(Debug, Clone)]
pub struct SimInputs {
    pub shapes: Vec<Shape>,
    pub pools: Vec<Pool>,
    pub namespaces: Vec<String>,
    pub zones: Vec<String>,
    pub subnets: Vec<Subnet>,
    /// Per zone: node subnets (indices into `subnets`).
    pub node_subnets: Vec<Vec<usize>>,
    /// Per zone: pod subnets under custom networking (else empty).
    pub pod_subnets: Vec<Vec<usize>>,
    /// Whether subnets are known: without them addresses are not limited.
    pub ipam: bool,
    pub cni: CniOptions,
    pub spec: WorkloadSpec,
    /// Things in the inputs the simulator does not model, said once.
    pub notes: Vec<String>,
    /// A pod label to split chargeback by, besides the namespace.
    pub chargeback_label: Option<String>,
    /// PodDisruptionBudgets over the workloads.
    pub pdbs: Vec<crate::disruption::Pdb>,
    /// Constraints not modelled (or modelled in part), per workload.
    pub unmodelled: Vec<Unmodelled>,
    /// Labels of each namespace's Namespace object (empty without one):
    /// chargeback by label falls back to them when the pod lacks the key.
    pub namespace_labels: Vec<BTreeMap<String, String>>,
    /// Share each node's unrequested (idle) cost out to its tenants in
    /// proportion to their requests, as EKS split cost allocation can.
    pub share_idle: bool,
    /// What the cluster costs beyond EC2 nodes, per hour
    /// ([`SimInputs::price_beyond_ec2`]).
    pub beyond_ec2: Vec<BeyondEc2>,
}

/// A cost beyond the EC2 nodes, billed per hour for the whole run.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BeyondEc2 {
    /// `EKS control plane (1.29, extended support)`, `Application Load Balancers`.
    pub item: String,
    pub quantity: u32,
    pub usd_per_hour_each: f64,
    /// How it was decided, with the price's source.
    pub source: String,
}

fn quantity(q: &k8s_openapi::apimachinery::pkg::api::resource::Quantity) -> Option<Quantity> {
    Quantity::parse(&q.0).ok()
}

/// Requests of one pod: the sum over containers, or the largest init
/// container when larger (kube-scheduler's `computePodResourceRequest`,
/// kubernetes/kubernetes pkg/scheduler/framework/types.go), plus overhead.
pub fn pod_requests(tpl: &PodTemplate) -> (u64, u64) {
    let req = |c: &k8s_openapi::api::core::v1::Container, key: &str, milli: bool| -> u64 {
        c.resources
            .as_ref()
            .and_then(|r| r.requests.as_ref())
            .and_then(|m| m.get(key))
            .and_then(quantity)
            .map(|q| if milli { q.milli() } else { q.units_ceil() })
            .and_then(|v| u64::try_from(v).ok())
            .unwrap_or(0)
    };
    let spec = &tpl.spec;
    let mut cpu: u64 = spec.containers.iter().map(|c| req(c, "cpu", true)).sum();
    let mut mem: u64 = spec
        .containers
        .iter()
        .map(|c| req(c, "memory", false))
        .sum();
    for c in spec.init_containers.iter().flatten() {
        cpu = cpu.max(req(c, "cpu", true));
        mem = mem.max(req(c, "memory", false));
    }
    if let Some(o) = &spec.overhead {
        cpu += o
            .get("cpu")
            .and_then(quantity)
            .and_then(|q| u64::try_from(q.milli()).ok())
            .unwrap_or(0);
        mem += o
            .get("memory")
            .and_then(quantity)
            .and_then(|q| u64::try_from(q.units_ceil()).ok())
            .unwrap_or(0);
    }
    (cpu, mem)
}

/// `"30s"`, `"5m"`, `"1h"`, `"1h30m"`; `Never` is `None`.
pub fn parse_duration(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("never") {
        return None;
    }
    let mut total = 0u64;
    let mut num = String::new();
    for ch in s.chars() {
        if ch.is_ascii_digit() {
            num.push(ch);
        } else {
            let n: u64 = num.parse().ok()?;
            num.clear();
            total += n * match ch {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                _ => return None,
            };
        }
    }
    if !num.is_empty() {
        total += num.parse::<u64>().ok()?;
    }
    Some(total)
}

/// `namespace/name` of a workload.
pub fn workload_key(w: &Workload) -> String {
    format!("{}/{}", w.namespace().unwrap_or("default"), w.name())
}

fn label_quantity(q: &Quantity, milli: bool) -> Option<u64> {
    u64::try_from(if milli { q.milli() } else { q.units_ceil() }).ok()
}

impl SimInputs {
    /// Builds the tables. `spot_price_factor` prices Spot offerings (see
    /// [`crate::SimOptions::spot_price_factor`]); it is applied at launch, so
    /// it is not needed here.
    pub fn new(p: &Platform, catalog: &Catalog, spec: WorkloadSpec) -> Result<SimInputs, SimError> {
        let mut notes = Vec::new();
        let (cni, _) = cni_options(p);

        // Subnets and zones: the IP planner's inputs from the platform.
        let target = eksplane_facts::ip_inputs::TargetArgs::default();
        let plan = eksplane_facts::ip_inputs::plan_inputs(p, None, catalog, &target)
            .map(|(pi, _)| pi)
            .unwrap_or_else(|problems| {
                for pr in problems {
                    notes.push(pr.message);
                }
                PlanInputs {
                    vpcs: Vec::new(),
                    subnets: Vec::new(),
                    in_use: Vec::new(),
                    reservations: Vec::new(),
                    cni,
                    node_subnets: Vec::new(),
                    pod_subnets: BTreeMap::new(),
                    demand: eksplane_ipplan::Demand {
                        target_pods: 0,
                        groups: Vec::new(),
                    },
                }
            });
        let spaces = build_spaces(&plan).map_err(|e| SimError::Subnets(e.to_string()))?;
        let mut zones: Vec<String> = Vec::new();
        let zone_of = |z: &Option<String>| z.clone().unwrap_or_else(|| "zone-unknown".into());
        for id in &plan.node_subnets {
            if let Some(s) = spaces.iter().find(|s| &s.id == id) {
                let z = zone_of(&s.zone);
                if !zones.contains(&z) {
                    zones.push(z);
                }
            }
        }
        let ipam = !zones.is_empty();
        if !ipam {
            // No subnets: zones from the pools' zone requirements, addresses
            // unlimited.
            for np in &p.node_pools {
                for r in &np.spec.template.spec.requirements {
                    if r.value.key == LABEL_ZONE
                        && r.value.operator == eksplane_model::karpenter::Operator::In
                    {
                        for v in &r.value.values {
                            if !zones.contains(v) {
                                zones.push(v.clone());
                            }
                        }
                    }
                }
            }
            if zones.is_empty() {
                zones.push("zone-unknown".into());
            }
            notes.push("no node subnets in the inputs: IP addresses are not simulated".to_string());
        }
        zones.sort();
        if zones.len() > MAX_ZONES {
            return Err(SimError::TooManyZones {
                found: zones.len(),
                max: MAX_ZONES,
            });
        }
        let mut subnets = Vec::new();
        let mut node_subnets = vec![Vec::new(); zones.len()];
        let mut pod_subnets = vec![Vec::new(); zones.len()];
        if ipam {
            for s in &spaces {
                let z = zone_of(&s.zone);
                let Some(zi) = zones.iter().position(|x| *x == z) else {
                    continue;
                };
                let is_node = plan.node_subnets.contains(&s.id);
                let is_pod = cni.custom_networking
                    && plan.pod_subnets.get(&z).is_some_and(|v| v.contains(&s.id));
                if !is_node && !is_pod {
                    continue;
                }
                let idx = subnets.len();
                subnets.push(Subnet {
                    id: s.id.clone(),
                    zone: zi,
                    space: s.clone(),
                });
                if is_node {
                    node_subnets[zi].push(idx);
                }
                if is_pod {
                    pod_subnets[zi].push(idx);
                }
            }
        }

        // Namespaces and workloads.
        let mut namespaces: Vec<String> = Vec::new();
        let mut ns_index = |n: &str| -> usize {
            match namespaces.iter().position(|x| x == n) {
                Some(i) => i,
                None => {
                    namespaces.push(n.to_string());
                    namespaces.len() - 1
                }
            }
        };
        let pod_workloads: Vec<&Workload> = p
            .workloads
            .iter()
            .filter(|w| {
                matches!(
                    w.kind,
                    WorkloadKind::Deployment
                        | WorkloadKind::StatefulSet
                        | WorkloadKind::Job
                        | WorkloadKind::CronJob
                        | WorkloadKind::Pod
                )
            })
            .collect();
        for name in spec
            .curves
            .iter()
            .map(|c| &c.workload)
            .chain(spec.jobs.iter().map(|j| &j.workload))
            .chain(spec.rollouts.iter().map(|r| &r.workload))
        {
            if !pod_workloads.iter().any(|w| &workload_key(w) == name) {
                return Err(SimError::UnknownWorkload(name.clone()));
            }
        }

        // Pools, by weight (highest first), then name: Karpenter orders
        // NodePools by weight (karpenter.sh/docs/concepts/scheduling/
        // "Weighted NodePools"; kubernetes-sigs/karpenter
        // pkg/controllers/provisioning/provisioner.go sorts by weight).
        let mut nps: Vec<&NodePool> = p.node_pools.iter().collect();
        nps.sort_by(|a, b| {
            let wa = a.spec.weight.as_ref().map_or(0, |w| w.value);
            let wb = b.spec.weight.as_ref().map_or(0, |w| w.value);
            wb.cmp(&wa).then_with(|| a.name().cmp(b.name()))
        });
        let daemonsets: Vec<&Workload> = p
            .workloads
            .iter()
            .filter(|w| w.kind == WorkloadKind::DaemonSet)
            .collect();
        let mut pools = Vec::new();
        for np in &nps {
            let class = node_class_of(p, np);
            let mut kin = karpenter_inputs(class);
            kin.settings = karpenter_settings(p);
            // DaemonSet overhead: the DaemonSets whose pods land on the
            // pool's nodes (Karpenter's `getDaemonOverhead`,
            // pkg/controllers/provisioning/provisioner.go).
            let (mut dcpu, mut dmem, mut dpods, mut dip) = (0u64, 0u64, 0u32, 0u32);
            let mut by_ns: Vec<(usize, u64, u64)> = Vec::new();
            for ds in &daemonsets {
                if !eksplane_facts::scheduling::can_land(&ds.template, np) {
                    continue;
                }
                let (c, m) = pod_requests(&ds.template);
                dcpu += c;
                dmem += m;
                dpods += 1;
                if !ds.template.spec.host_network.unwrap_or(false) {
                    dip += 1;
                }
                let ni = ns_index(ds.namespace().unwrap_or("default"));
                match by_ns.iter_mut().find(|x| x.0 == ni) {
                    Some(x) => {
                        x.1 += c;
                        x.2 += m;
                    }
                    None => by_ns.push((ni, c, m)),
                }
            }
            let reqs = &np.spec.template.spec.requirements;
            let has_ct = reqs.iter().any(|r| r.value.key == LABEL_CAPACITY_TYPE);
            let mut types = Vec::new();
            let mut skipped = 0;
            for t in allowed_types(np, catalog) {
                let (Ok(kv), Some(price)) = (karpenter_view(t, &kin), t.on_demand_price_usd) else {
                    skipped += 1;
                    continue;
                };
                let mut offerings = 0u64;
                for (zi, z) in zones.iter().enumerate() {
                    let zone_ok = reqs
                        .iter()
                        .filter(|r| r.value.key == LABEL_ZONE)
                        .all(|r| r.value.matches(Some(z)));
                    if !zone_ok {
                        continue;
                    }
                    for (ci, ct) in CAPACITY_TYPES.iter().enumerate() {
                        let supported = if ci == 0 {
                            t.supports_on_demand()
                        } else {
                            t.supports_spot()
                        };
                        // No capacity-type requirement: on-demand, as
                        // `allowed_types` documents.
                        let allowed = if has_ct {
                            reqs.iter()
                                .filter(|r| r.value.key == LABEL_CAPACITY_TYPE)
                                .all(|r| r.value.matches(Some(ct)))
                        } else {
                            ci == 0
                        };
                        if supported && allowed {
                            offerings |= 1 << (zi * 2 + ci);
                        }
                    }
                }
                if offerings == 0 {
                    skipped += 1;
                    continue;
                }
                types.push(TypeOption {
                    name: t.name.clone(),
                    cpu_millis: kv.allocatable_cpu_millis.saturating_sub(dcpu),
                    memory_bytes: kv.allocatable_memory_bytes.saturating_sub(dmem),
                    pods: kv.pods.saturating_sub(dpods),
                    capacity_cpu_millis: kv.capacity_cpu_millis,
                    capacity_memory_bytes: kv.capacity_memory_bytes,
                    offerings,
                    on_demand_usd_hour: price,
                    // The warm pool stops at the node's max pods (ipamd
                    // isDatastorePoolTooLow; eksplane_capacity::warm_pool).
                    cni: cni_view(t, &cni).with_node_max_pods(kv.pods),
                });
            }
            // Cheapest first, then name: the order launches are priced in.
            types.sort_by(|a, b| {
                a.on_demand_usd_hour
                    .total_cmp(&b.on_demand_usd_hour)
                    .then_with(|| a.name.cmp(&b.name))
            });
            let min_values = min_values_of(np, &types, catalog, &mut notes);
            let limits = np.spec.limits.as_ref();
            let lim = |k: &str, milli: bool| {
                limits
                    .and_then(|l| l.get(k))
                    .and_then(|q| label_quantity(&q.value, milli))
            };
            let disruption = np.spec.disruption.as_ref();
            pools.push(Pool {
                name: np.name().to_string(),
                weight: np.spec.weight.as_ref().map_or(0, |w| w.value),
                types,
                skipped_types: skipped,
                limit_cpu_millis: lim("cpu", true),
                limit_memory_bytes: lim("memory", false),
                limit_nodes: lim("nodes", false),
                daemon_cpu_millis: dcpu,
                daemon_memory_bytes: dmem,
                daemon_pods: dpods,
                daemon_ip_pods: dip,
                daemon_by_namespace: by_ns,
                consolidation: np.consolidation_policy(),
                // Karpenter v1 requires consolidateAfter; `0s` when absent
                // here (karpenter.sh/docs/concepts/disruption/).
                consolidate_after_seconds: match disruption
                    .and_then(|d| d.consolidate_after.as_ref())
                {
                    Some(s) => parse_duration(&s.value),
                    None => Some(0),
                },
                disruption: crate::disruption::PoolDisruption::from_node_pool(np, &mut notes),
                min_values,
                replicas: np
                    .spec
                    .replicas
                    .as_ref()
                    .map(|r| u32::try_from(r.value.max(0)).unwrap_or(u32::MAX)),
            });
        }

        // Shapes.
        let mut shapes: Vec<Shape> = Vec::new();
        for w in &pod_workloads {
            let (cpu, mem) = pod_requests(&w.template);
            let ns = ns_index(w.namespace().unwrap_or("default"));
            shapes.push(Shape {
                key: workload_key(w),
                kind: w.kind,
                namespace: ns,
                cpu_millis: cpu,
                memory_bytes: mem,
                needs_ip: !w.template.spec.host_network.unwrap_or(false),
                declared_replicas: u32::try_from(w.effective_replicas().unwrap_or(0).max(0))
                    .unwrap_or(0),
                levels: Vec::new(),
                repelled_by: Vec::new(),
                zone_repelled_by: Vec::new(),
                compat: Vec::new(),
                pool_block: Vec::new(),
                do_not_disrupt: w
                    .pod_annotation(crate::disruption::DO_NOT_DISRUPT)
                    .is_some_and(|v| v.value == "true"),
                pdbs: Vec::new(),
                labels: {
                    let mut l: BTreeMap<String, String> = w
                        .metadata
                        .labels
                        .iter()
                        .map(|(k, v)| (k.clone(), v.value.clone()))
                        .collect();
                    l.extend(
                        w.template
                            .metadata
                            .labels
                            .iter()
                            .map(|(k, v)| (k.clone(), v.value.clone())),
                    );
                    l
                },
            });
        }
        // Selectors between workloads (the pod's namespace, or a term's
        // `namespaces`; template labels).
        let mut unmodelled: Vec<Unmodelled> = Vec::new();
        let mut preferences: Vec<Vec<Preference>> = vec![Vec::new(); pod_workloads.len()];
        let mut required: Vec<Constraints> = vec![Constraints::default(); pod_workloads.len()];
        for (i, w) in pod_workloads.iter().enumerate() {
            let key = workload_key(w);
            let own_ns = w.namespace().unwrap_or("default").to_string();
            let selects = |sel: Option<&eksplane_model::k8s::LabelSelector>,
                           namespaces: &[String]|
             -> Vec<usize> {
                pod_workloads
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| {
                        let ns = o.namespace().unwrap_or("default");
                        if namespaces.is_empty() {
                            ns == own_ns
                        } else {
                            namespaces.iter().any(|n| n == ns)
                        }
                    })
                    .filter(|(_, o)| {
                        sel.is_some_and(|s| {
                            filter::selector_matches(s, &o.template.metadata.labels)
                        })
                    })
                    .map(|(j, _)| j)
                    .collect()
            };
            let mut note = |constraint: String, treatment: &str| {
                unmodelled.push(Unmodelled {
                    workload: key.clone(),
                    constraint,
                    treatment: treatment.to_string(),
                });
            };
            let mut req = Constraints::default();
            let mut prefs: Vec<Preference> = Vec::new();
            let mut anyway: Vec<Preference> = Vec::new();
            for c in w.template.spec.topology_spread_constraints.iter().flatten() {
                let topology = match c.topology_key.as_str() {
                    LABEL_ZONE => Topology::Zone,
                    LABEL_HOSTNAME => Topology::Hostname,
                    other => {
                        note(
                            format!("topology spread on {other} ({})", c.when_unsatisfiable),
                            "ignored: only zone and hostname domains are simulated",
                        );
                        continue;
                    }
                };
                if c.min_domains.is_some() {
                    note(
                        format!("topology spread on {}: minDomains", c.topology_key),
                        "ignored: the spread's domains are the zones the pod can use",
                    );
                }
                if c.match_label_keys.as_ref().is_some_and(|k| !k.is_empty()) {
                    note(
                        format!("topology spread on {}: matchLabelKeys", c.topology_key),
                        "ignored: the label selector alone picks the pods counted",
                    );
                }
                if c.node_taints_policy.as_deref() == Some("Honor") {
                    note(
                        format!(
                            "topology spread on {}: nodeTaintsPolicy Honor",
                            c.topology_key
                        ),
                        "ignored: nodes count whatever their taints (the default, Ignore)",
                    );
                }
                let sel = selects(c.label_selector.as_ref(), &[]);
                let sp = Spread {
                    topology,
                    max_skew: u32::try_from(c.max_skew.max(1)).unwrap_or(1),
                    self_match: sel.contains(&i),
                    selects: sel,
                };
                if c.when_unsatisfiable == "DoNotSchedule" {
                    req.spreads.push(sp);
                } else {
                    anyway.push(Preference::Spread(
                        sp,
                        format!(
                            "topology spread on {} (ScheduleAnyway, maxSkew {})",
                            c.topology_key, c.max_skew
                        ),
                    ));
                }
            }
            let aff = w.template.spec.affinity.as_ref();
            let term_of = |t: &k8s_openapi::api::core::v1::PodAffinityTerm,
                           note: &mut dyn FnMut(String, &str),
                           what: &str|
             -> Option<(Topology, Vec<usize>, bool)> {
                let topology = match t.topology_key.as_str() {
                    LABEL_ZONE => Topology::Zone,
                    LABEL_HOSTNAME => Topology::Hostname,
                    other => {
                        note(
                            format!("{what} on {other}"),
                            "ignored: only zone and hostname domains are simulated",
                        );
                        return None;
                    }
                };
                if t.namespace_selector.is_some() {
                    note(
                        format!("{what} on {}: namespaceSelector", t.topology_key),
                        "the term selects pods of the pod's own namespace (and its namespaces list) only",
                    );
                }
                if t.match_label_keys.as_ref().is_some_and(|k| !k.is_empty())
                    || t.mismatch_label_keys
                        .as_ref()
                        .is_some_and(|k| !k.is_empty())
                {
                    note(
                        format!(
                            "{what} on {}: matchLabelKeys/mismatchLabelKeys",
                            t.topology_key
                        ),
                        "ignored: the label selector alone picks the pods",
                    );
                }
                let sel = selects(
                    t.label_selector.as_ref(),
                    t.namespaces.as_deref().unwrap_or(&[]),
                );
                Some((topology, sel.clone(), sel.contains(&i)))
            };
            // Required pod affinity.
            for t in aff
                .and_then(|a| a.pod_affinity.as_ref())
                .and_then(|a| {
                    a.required_during_scheduling_ignored_during_execution
                        .as_ref()
                })
                .into_iter()
                .flatten()
            {
                if let Some((topology, selects, self_match)) =
                    term_of(t, &mut note, "required pod affinity")
                {
                    req.affinity.push(Affinity {
                        topology,
                        selects,
                        self_match,
                    });
                }
            }
            // Required pod anti-affinity.
            for t in aff
                .and_then(|a| a.pod_anti_affinity.as_ref())
                .and_then(|a| {
                    a.required_during_scheduling_ignored_during_execution
                        .as_ref()
                })
                .into_iter()
                .flatten()
            {
                if let Some((topology, sel, _)) =
                    term_of(t, &mut note, "required pod anti-affinity")
                {
                    let into = match topology {
                        Topology::Hostname => &mut req.anti_affinity,
                        Topology::Zone => &mut req.zone_anti_affinity,
                    };
                    for j in sel {
                        if !into.contains(&j) {
                            into.push(j);
                        }
                    }
                }
            }
            // Preferred terms, heaviest first within each kind, in
            // Karpenter's relaxation order.
            let weighted =
                |terms: Option<&Vec<k8s_openapi::api::core::v1::WeightedPodAffinityTerm>>,
                 anti: bool,
                 note: &mut dyn FnMut(String, &str)|
                 -> Vec<Preference> {
                    let mut ts: Vec<&k8s_openapi::api::core::v1::WeightedPodAffinityTerm> =
                        terms.into_iter().flatten().collect();
                    ts.sort_by_key(|t| std::cmp::Reverse(t.weight));
                    let what = if anti {
                        "preferred pod anti-affinity"
                    } else {
                        "preferred pod affinity"
                    };
                    ts.into_iter()
                        .filter_map(|t| {
                            let (topology, selects, self_match) =
                                term_of(&t.pod_affinity_term, note, what)?;
                            let text = format!(
                                "{what} on {} (weight {})",
                                t.pod_affinity_term.topology_key, t.weight
                            );
                            Some(if anti {
                                Preference::Anti(topology, selects, text)
                            } else {
                                Preference::Affinity(
                                    Affinity {
                                        topology,
                                        selects,
                                        self_match,
                                    },
                                    text,
                                )
                            })
                        })
                        .collect()
                };
            prefs.extend(weighted(
                aff.and_then(|a| a.pod_affinity.as_ref()).and_then(|a| {
                    a.preferred_during_scheduling_ignored_during_execution
                        .as_ref()
                }),
                false,
                &mut note,
            ));
            prefs.extend(weighted(
                aff.and_then(|a| a.pod_anti_affinity.as_ref())
                    .and_then(|a| {
                        a.preferred_during_scheduling_ignored_during_execution
                            .as_ref()
                    }),
                true,
                &mut note,
            ));
            let mut node_terms: Vec<&k8s_openapi::api::core::v1::PreferredSchedulingTerm> = aff
                .and_then(|a| a.node_affinity.as_ref())
                .and_then(|a| {
                    a.preferred_during_scheduling_ignored_during_execution
                        .as_ref()
                })
                .into_iter()
                .flatten()
                .collect();
            node_terms.sort_by_key(|t| std::cmp::Reverse(t.weight));
            for t in node_terms {
                prefs.push(Preference::Node(
                    t.preference.clone(),
                    format!("preferred node affinity (weight {})", t.weight),
                ));
            }
            prefs.extend(anyway);
            for pref in &prefs {
                note(
                    pref.text().to_string(),
                    "in part: Karpenter takes it as required and relaxes it when unsatisfiable; kube-scheduler's scoring of it is not simulated",
                );
            }
            required[i] = req;
            preferences[i] = prefs;
        }
        for (i, r) in required.iter().enumerate() {
            for &j in &r.anti_affinity {
                if !shapes[j].repelled_by.contains(&i) {
                    shapes[j].repelled_by.push(i);
                }
            }
            for &j in &r.zone_anti_affinity {
                if !shapes[j].zone_repelled_by.contains(&i) {
                    shapes[j].zone_repelled_by.push(i);
                }
            }
        }
        // Compatibility: pod constraints against every (pool, type, zone,
        // capacity type) a node could be.
        for (i, w) in pod_workloads.iter().enumerate() {
            let pc = PodConstraints::from_template(&w.template);
            let mut compat = Vec::with_capacity(pools.len());
            let mut block = Vec::with_capacity(pools.len());
            for (pi, np) in nps.iter().enumerate() {
                let untolerated = untolerated_taints(&w.template, np);
                if let Some(t) = untolerated.first() {
                    compat.push(vec![0; pools[pi].types.len()]);
                    block.push(Some(format!("did not tolerate taint {}", taint_text(t))));
                    continue;
                }
                let row = compat_row(&pc, np, &pools[pi], catalog, &zones, None);
                let any = row.iter().any(|b| *b != 0);
                compat.push(row);
                block.push(if any || pools[pi].types.is_empty() {
                    None
                } else {
                    Some("incompatible with the pool's labels and requirements (nodeSelector or required node affinity)".to_string())
                });
            }
            shapes[i].compat = compat;
            shapes[i].pool_block = block;
        }
        // Levels: the strictest (every preference taken as required) first,
        // the required constraints alone last.
        for i in 0..shapes.len() {
            let prefs = std::mem::take(&mut preferences[i]);
            let req = std::mem::take(&mut required[i]);
            let mut levels = Vec::with_capacity(prefs.len() + 1);
            for k in 0..prefs.len() {
                let mut c = req.clone();
                let mut node_term = false;
                for pref in &prefs[k..] {
                    match pref {
                        Preference::Spread(sp, _) => c.spreads.push(sp.clone()),
                        Preference::Affinity(a, _) => c.affinity.push(a.clone()),
                        Preference::Anti(topology, sel, _) => {
                            let into = match topology {
                                Topology::Hostname => &mut c.anti_affinity,
                                Topology::Zone => &mut c.zone_anti_affinity,
                            };
                            for &j in sel {
                                if !into.contains(&j) {
                                    into.push(j);
                                }
                            }
                        }
                        // Karpenter adds the heaviest remaining preferred
                        // node-affinity term to the pod's requirements
                        // (pkg/scheduling/requirements.go
                        // `NewPodRequirements`).
                        Preference::Node(term, _) if !node_term => {
                            node_term = true;
                            let pc = PodConstraints::from_template(&node_term_template(term));
                            c.compat = Some(
                                nps.iter()
                                    .enumerate()
                                    .map(|(pi, np)| {
                                        compat_row(
                                            &pc,
                                            np,
                                            &pools[pi],
                                            catalog,
                                            &zones,
                                            shapes[i].compat.get(pi),
                                        )
                                    })
                                    .collect(),
                            );
                        }
                        Preference::Node(..) => {}
                    }
                }
                c.relaxes = Some(prefs[k].text().to_string());
                levels.push(c);
            }
            levels.push(req);
            shapes[i].levels = levels;
        }
        let namespace_labels = namespaces
            .iter()
            .map(|n| {
                p.namespaces
                    .iter()
                    .find(|ns| ns.name() == n)
                    .map(|ns| {
                        ns.metadata
                            .labels
                            .iter()
                            .map(|(k, v)| (k.clone(), v.value.clone()))
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect();
        let pdbs = crate::disruption::pdbs(&p.pdbs, &pod_workloads);
        for (k, pdb) in pdbs.iter().enumerate() {
            for &s in &pdb.selects {
                shapes[s].pdbs.push(k);
            }
        }
        Ok(SimInputs {
            pdbs,
            shapes,
            pools,
            namespaces,
            zones,
            subnets,
            node_subnets,
            pod_subnets,
            ipam,
            cni,
            spec,
            notes,
            chargeback_label: None,
            unmodelled,
            namespace_labels,
            share_idle: false,
            beyond_ec2: Vec::new(),
        })
    }

    /// Prices what the cluster costs beyond EC2 on `on`: the EKS control
    /// plane at its standard or extended-support rate by the cluster's
    /// version, and one ALB per IngressGroup and per ungrouped ALB Ingress
    /// (the count ING001 makes), each with its source
    /// (`eksplane_facts::costs`).
    pub fn price_beyond_ec2(&mut self, p: &Platform, on: eksplane_aws_data::eks_versions::Date) {
        use eksplane_facts::costs;
        let cp = costs::control_plane(p, on);
        self.beyond_ec2 = vec![BeyondEc2 {
            item: format!(
                "EKS control plane ({}, {} support)",
                cp.version,
                if cp.extended { "extended" } else { "standard" }
            ),
            quantity: 1,
            usd_per_hour_each: cp.usd_per_hour,
            source: cp.basis,
        }];
        let albs = costs::alb_count(p);
        if albs > 0 {
            self.beyond_ec2.push(BeyondEc2 {
                item: "Application Load Balancers (one per IngressGroup and per ungrouped Ingress)"
                    .into(),
                quantity: u32::try_from(albs).unwrap_or(u32::MAX),
                usd_per_hour_each: costs::ALB_HOURLY_USD,
                source: format!(
                    "us-east-1 ALB-hour, LCUs not included ({})",
                    costs::SRC_ELB_PRICING
                ),
            });
        }
    }

    /// The shape index of `namespace/name`.
    pub fn shape(&self, key: &str) -> Option<usize> {
        self.shapes.iter().position(|s| s.key == key)
    }
}

/// The pool's `minValues` requirements on labels of the instance type; a
/// `minValues` on another key (zone, capacity type) is said in `notes`.
fn min_values_of(
    np: &NodePool,
    types: &[TypeOption],
    catalog: &Catalog,
    notes: &mut Vec<String>,
) -> Vec<MinValues> {
    let mut out = Vec::new();
    for r in &np.spec.template.spec.requirements {
        let Some(min) = r.value.min_values else {
            continue;
        };
        let key = r.value.key.as_str();
        let per_type = key == "node.kubernetes.io/instance-type"
            || key == "kubernetes.io/arch"
            || key.starts_with("karpenter.k8s.aws/");
        if !per_type {
            notes.push(format!(
                "nodepool {}: minValues {min} on {key} is not simulated (only instance-type labels are)",
                np.name()
            ));
            continue;
        }
        let mut ids: Vec<String> = Vec::new();
        let value_of = types
            .iter()
            .map(|t| {
                let v = match key {
                    "node.kubernetes.io/instance-type" => Some(t.name.clone()),
                    _ => catalog.get(&t.name).and_then(|it| {
                        if key == "kubernetes.io/arch" {
                            it.architectures.first().cloned()
                        } else {
                            it.karpenter_label(key)
                        }
                    }),
                }
                .unwrap_or_default();
                match ids.iter().position(|x| *x == v) {
                    Some(k) => k as u32,
                    None => {
                        ids.push(v);
                        (ids.len() - 1) as u32
                    }
                }
            })
            .collect();
        out.push(MinValues {
            key: key.to_string(),
            min,
            value_of,
        });
    }
    out
}

/// A preferred term, before relaxation.
#[derive(Debug, Clone)]
enum Preference {
    Affinity(Affinity, String),
    Anti(Topology, Vec<usize>, String),
    Node(k8s_openapi::api::core::v1::NodeSelectorTerm, String),
    Spread(Spread, String),
}

impl Preference {
    fn text(&self) -> &str {
        match self {
            Preference::Affinity(_, t)
            | Preference::Anti(_, _, t)
            | Preference::Node(_, t)
            | Preference::Spread(_, t) => t,
        }
    }
}

/// A pod template whose only node constraint is `term`, required.
fn node_term_template(term: &k8s_openapi::api::core::v1::NodeSelectorTerm) -> PodTemplate {
    use k8s_openapi::api::core::v1::{Affinity as K8sAffinity, NodeAffinity, NodeSelector};
    let mut t = PodTemplate::default();
    t.spec.affinity = Some(K8sAffinity {
        node_affinity: Some(NodeAffinity {
            required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                node_selector_terms: vec![term.clone()],
            }),
            ..NodeAffinity::default()
        }),
        ..K8sAffinity::default()
    });
    t
}

/// Per type of `pool`: the (zone, capacity type) bits whose node labels
/// satisfy `pc`, within `within` (a row already computed) when given.
fn compat_row(
    pc: &PodConstraints,
    np: &NodePool,
    pool: &Pool,
    catalog: &Catalog,
    zones: &[String],
    within: Option<&Vec<u64>>,
) -> Vec<u64> {
    let mut row = Vec::with_capacity(pool.types.len());
    for (ti, t) in pool.types.iter().enumerate() {
        let it = catalog.get(&t.name);
        let allowed = within.map_or(t.offerings, |w| w.get(ti).copied().unwrap_or(0));
        let mut bits = 0u64;
        for (zi, z) in zones.iter().enumerate() {
            for (ci, ct) in CAPACITY_TYPES.iter().enumerate() {
                let bit = 1u64 << (zi * 2 + ci);
                if allowed & bit == 0 {
                    continue;
                }
                let labels = NodeLabels {
                    pool: np,
                    instance: it,
                    zone: z,
                    capacity_type: ct,
                };
                if pc.matches(&labels) {
                    bits |= bit;
                }
            }
        }
        row.push(bits);
    }
    row
}

fn taint_text(t: &Taint) -> String {
    match &t.value {
        Some(v) => format!("{}={}:{}", t.key, v, t.effect),
        None => format!("{}:{}", t.key, t.effect),
    }
}

/// The labels a node of (pool, type, zone, capacity type) carries: the
/// pool's template labels, single-valued `In` requirements, the well-known
/// labels (karpenter.sh/docs/concepts/scheduling/ "Well-Known Labels") and
/// the instance type's `karpenter.k8s.aws/*` labels.
struct NodeLabels<'a> {
    pool: &'a NodePool,
    instance: Option<&'a InstanceType>,
    zone: &'a str,
    capacity_type: &'a str,
}

impl LabelSource for NodeLabels<'_> {
    fn label(&self, key: &str) -> Option<String> {
        match key {
            LABEL_ZONE => return Some(self.zone.to_string()),
            LABEL_CAPACITY_TYPE => return Some(self.capacity_type.to_string()),
            LABEL_NODEPOOL => return Some(self.pool.name().to_string()),
            "kubernetes.io/os" => return Some("linux".to_string()),
            // Every node has a hostname; its value is unique.
            LABEL_HOSTNAME => return Some("(node)".to_string()),
            _ => {}
        }
        if let Some(t) = self.instance {
            match key {
                "node.kubernetes.io/instance-type" => return Some(t.name.clone()),
                "kubernetes.io/arch" => {
                    return t.architectures.iter().find_map(|a| match a.as_str() {
                        "x86_64" => Some("amd64".to_string()),
                        "arm64" => Some("arm64".to_string()),
                        _ => None,
                    });
                }
                k if k.starts_with("karpenter.k8s.aws/") => return t.karpenter_label(k),
                _ => {}
            }
        }
        if let Some(v) = self.pool.spec.template.metadata.labels.get(key) {
            return Some(v.value.clone());
        }
        self.pool
            .spec
            .template
            .spec
            .requirements
            .iter()
            .find(|r| {
                r.value.key == key
                    && r.value.operator == eksplane_model::karpenter::Operator::In
                    && !r.value.values.is_empty()
            })
            .and_then(|r| r.value.values.first().cloned())
    }
}
