//! Karpenter's disruption, once per tick (its controller polls every 10 s,
//! kubernetes-sigs/karpenter pkg/controllers/disruption/controller.go).
//!
//! - **Expiration**: a node older than its pool's `expireAfter` is deleted
//!   without a budget; its drain honours PDBs and do-not-disrupt until the
//!   pool's `terminationGracePeriod` (pkg/controllers/nodeclaim/expiration,
//!   karpenter.sh/docs/concepts/disruption/ "Forceful Methods").
//! - **Graceful methods in Karpenter's order** (controller.go `NewMethods`):
//!   emptiness, drift, multi-node consolidation, single-node consolidation;
//!   the first that yields a command acts this tick. Candidates are Ready
//!   nodes not already disrupting, without `karpenter.sh/do-not-disrupt`
//!   pods and whose pods' PDBs allow an eviction (disruption/types.go
//!   `NewCandidate`), ordered by disruption cost (pods x lifetime remaining,
//!   pkg/utils/disruption `ReschedulingCost`, `LifetimeRemaining`).
//! - **Budgets** per NodePool and reason: the smallest active budget, minus
//!   the pool's nodes already disrupting (helpers.go
//!   `BuildDisruptionBudgetMapping`).
//! - **Emptiness**: nodes without pods for `consolidateAfter` since the last
//!   pod event, deleted together within the budget (emptiness.go).
//! - **Drift**: nodes launched before their EC2NodeClass changed
//!   (`nodeClassChanges` in the WorkloadProfile); one candidate per tick,
//!   its replacements launched first (drift.go).
//! - **Consolidation** (`WhenEmptyOrUnderutilized`/`Balanced` pools, after
//!   `consolidateAfter`): a scheduling simulation moves the candidates' pods
//!   onto the other nodes, then onto new NodeClaims; the command is a delete
//!   (no new claim) or a replace by one claim cheaper than the candidates
//!   (consolidation.go `computeConsolidation`). Multi-node: the largest
//!   prefix of the first 100 candidates that consolidates, by binary search
//!   (multinodeconsolidation.go `firstNConsolidationOption`); single-node:
//!   the first candidate that does. Karpenter's 15 s re-validation and
//!   spot-to-spot rules are not modelled.
//! - **Orchestration**: the candidate is tainted at once, replacements launch
//!   and must be Ready before it drains (orchestration/queue.go); the drain
//!   evicts every pod whose PDBs allow it, each tick, and do-not-disrupt pods
//!   stay until `terminationGracePeriod` has passed, after which pods are
//!   deleted regardless (counted as beyond their PDB). Evicted pods are
//!   recreated by their controller and scheduled like any pending pod.

use super::*;
use crate::disruption::{Reason, allowed_disruptions, disruption_cost};

/// A node chosen for disruption.
#[derive(Debug, Clone)]
pub(super) struct Disrupting {
    /// `Empty`, `Drifted`, `Underutilized`, `Expired`, `Interrupted`.
    cause: &'static str,
    /// A Spot notice's end: the instance is gone then, whatever is left.
    deadline: Option<u64>,
    /// Replacement nodes that must be Ready before the drain.
    replacements: Vec<usize>,
    drain_started: Option<u64>,
}

/// Evictions of one workload.
#[derive(Debug, Clone, Default)]
pub(super) struct Evictions {
    pub(super) evicted: u32,
    pub(super) max_at_once: u32,
    pub(super) without_pdb: u32,
    pub(super) beyond_pdb: u32,
}

/// Up to this many candidates per multi-node command (multinodeconsolidation.go).
const MAX_MULTI_NODE: usize = 100;

impl Simulation<'_> {
    pub(super) fn disrupt(&mut self, t: u64) {
        self.apply_node_class_changes(t);
        self.interrupt(t);
        self.expire(t);
        self.progress_drains(t);
        let mut allowed = self.budgets(t);
        if self.opts.consolidation && self.emptiness(t, &mut allowed) {
            return;
        }
        if self.drift(t, &mut allowed) {
            return;
        }
        if self.opts.consolidation {
            // Consolidation is skipped while nothing changed since it last
            // found nothing; the state renews itself every 5 minutes
            // (consolidation.go `IsConsolidated`, state/cluster.go
            // `ConsolidationState`).
            if t.saturating_sub(self.cluster_state) >= 300 {
                self.cluster_state = t;
            }
            // A node whose consolidateAfter just ran out becomes
            // Consolidatable, a NodeClaim change that marks the cluster
            // unconsolidated (pkg/controllers/nodeclaim/disruption/consolidation.go).
            let step = self.opts.step_seconds;
            let became = self.nodes.iter().any(|n| {
                n.alive
                    && n.ready
                    && self.inp.pools[n.pool]
                        .consolidate_after_seconds
                        .is_some_and(|a| {
                            let at = n.last_pod_event + a;
                            at <= t && at + step > t
                        })
            });
            if became {
                self.cluster_state = t;
            }
            let state = self.cluster_state;
            if self.consolidated_state == Some(state) {
                return;
            }
            if self.multi_node(t, &allowed) || self.single_node(t, &allowed) {
                return;
            }
            // A budget at 0 held candidates back: not "consolidated", so the
            // sweep runs again when the budget opens.
            if allowed.iter().all(|a| a[2] > 0) {
                self.consolidated_state = Some(state);
            }
        }
    }

    fn apply_node_class_changes(&mut self, t: u64) {
        let inp = self.inp;
        let step = self.opts.step_seconds;
        for ch in &inp.spec.node_class_changes {
            if !(ch.at_seconds <= t && ch.at_seconds + step > t) {
                continue;
            }
            let mut pools = Vec::new();
            for (pi, p) in inp.pools.iter().enumerate() {
                if p.disruption.node_class.as_deref() == Some(ch.node_class.as_str()) {
                    self.pool_gen[pi] += 1;
                    pools.push(p.name.clone());
                }
            }
            let msg = format!(
                "EC2NodeClass {}: {}; nodes of {} drift",
                ch.node_class,
                ch.change,
                if pools.is_empty() {
                    "no NodePool".to_string()
                } else {
                    format!("nodepool {}", pools.join(", "))
                }
            );
            self.event(EventKind::NodeClassChanged, msg);
        }
    }

    /// Spot interruptions drawn from the seed (`spot.rs`).
    fn interrupt(&mut self, t: u64) {
        let rate = self.opts.spot_interruptions_per_hour;
        let p = crate::spot::chance(rate, self.opts.step_seconds);
        if p <= 0.0 {
            return;
        }
        let tick = t / self.opts.step_seconds;
        for ni in 0..self.nodes.len() {
            let n = &self.nodes[ni];
            if !n.alive || !n.ready || n.ct != 1 {
                continue;
            }
            if n.disrupting.as_ref().is_some_and(|d| d.deadline.is_some()) {
                continue;
            }
            if crate::spot::draw(self.opts.seed, ni as u64, tick) >= p {
                continue;
            }
            let (pool, ty, zone) = (n.pool, n.ty, n.zone);
            self.unavailable
                .insert((pool, ty, zone), t + crate::spot::UNAVAILABLE_SECONDS);
            self.nodes[ni].disrupting = Some(Disrupting {
                cause: "Interrupted",
                replacements: Vec::new(),
                drain_started: Some(t),
                deadline: Some(t + crate::spot::NOTICE_SECONDS),
            });
            self.spot_interruptions += 1;
            *self.disrupted.entry("Interrupted".into()).or_insert(0) += 1;
            let msg = format!(
                "{}: {} spot in {}: interruption notice, terminated at +{}s; draining",
                self.nodes[ni].name,
                self.inp.pools[pool].types[ty].name,
                self.inp.zones[zone],
                crate::spot::NOTICE_SECONDS
            );
            self.event(EventKind::SpotInterruption, msg);
        }
    }

    fn expire(&mut self, t: u64) {
        for ni in 0..self.nodes.len() {
            let n = &self.nodes[ni];
            if !n.alive || !n.ready || n.disrupting.is_some() {
                continue;
            }
            let Some(e) = self.inp.pools[n.pool].disruption.expire_after_seconds else {
                continue;
            };
            if t.saturating_sub(n.created_at) < e {
                continue;
            }
            self.nodes[ni].disrupting = Some(Disrupting {
                cause: "Expired",
                replacements: Vec::new(),
                drain_started: Some(t),
                deadline: None,
            });
            *self.disrupted.entry("Expired".into()).or_insert(0) += 1;
            let msg = format!(
                "{}: expired (expireAfter {}s), draining",
                self.nodes[ni].name, e
            );
            self.event(EventKind::Disruption, msg);
        }
    }

    /// Allowed disruptions per pool and reason this tick.
    fn budgets(&self, t: u64) -> Vec<[u32; 3]> {
        let inp = self.inp;
        let mut num = vec![0u32; inp.pools.len()];
        let mut busy = vec![0u32; inp.pools.len()];
        for n in self.nodes.iter().filter(|n| n.alive && n.ready) {
            num[n.pool] += 1;
            if n.disrupting.is_some() {
                busy[n.pool] += 1;
            }
        }
        (0..inp.pools.len())
            .map(|pi| {
                let b = &inp.pools[pi].disruption.budgets;
                [Reason::Empty, Reason::Drifted, Reason::Underutilized].map(|r| {
                    allowed_disruptions(b, num[pi], r, t)
                        .unwrap_or(u32::MAX)
                        .saturating_sub(busy[pi])
                })
            })
            .collect()
    }

    /// Running pods of the workloads a PDB selects, and the controllers' scale.
    fn pdb_health(&self, k: usize) -> (u32, u32) {
        let pdb = &self.inp.pdbs[k];
        let (mut healthy, mut expected) = (0u32, 0u32);
        for &s in &pdb.selects {
            expected += self.desired[s];
            let needs_ip = self.inp.shapes[s].needs_ip;
            for &pid in &self.by_shape[s] {
                if let PodState::Bound { ip, .. } = self.pods[pid as usize].state
                    && (ip || !needs_ip)
                {
                    healthy += 1;
                }
            }
        }
        (healthy, expected)
    }

    /// Whether graceful disruption may pick the node (types.go `NewCandidate`:
    /// no do-not-disrupt pod, every pod's PDBs allow an eviction).
    fn candidate_ok(&self, ni: usize, pdb_cache: &mut BTreeMap<usize, u32>) -> bool {
        let n = &self.nodes[ni];
        for &pid in &n.residents {
            let s = self.pods[pid as usize].shape as usize;
            let sh = &self.inp.shapes[s];
            if sh.do_not_disrupt {
                return false;
            }
            for &k in &sh.pdbs {
                let allowed = *pdb_cache.entry(k).or_insert_with(|| {
                    let (h, e) = self.pdb_health(k);
                    self.inp.pdbs[k].allowed(h, e)
                });
                if allowed == 0 {
                    return false;
                }
            }
        }
        true
    }

    /// Ready, undisrupted nodes by disruption cost, then index.
    fn candidates(&self, t: u64, keep: impl Fn(&Node) -> bool) -> Vec<usize> {
        let mut pdb_cache = BTreeMap::new();
        let mut c: Vec<(f64, usize)> = (0..self.nodes.len())
            .filter(|&i| {
                let n = &self.nodes[i];
                n.alive && n.ready && n.disrupting.is_none() && keep(n)
            })
            .filter(|&i| self.candidate_ok(i, &mut pdb_cache))
            .map(|i| {
                let n = &self.nodes[i];
                let cost = disruption_cost(
                    n.residents.len() as u32,
                    t.saturating_sub(n.created_at),
                    self.inp.pools[n.pool].disruption.expire_after_seconds,
                );
                (cost, i)
            })
            .collect();
        c.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        c.into_iter().map(|(_, i)| i).collect()
    }

    fn emptiness(&mut self, t: u64, allowed: &mut [[u32; 3]]) -> bool {
        let inp = self.inp;
        let cands = self.candidates(t, |n| {
            n.residents.is_empty()
                && inp.pools[n.pool].replicas.is_none()
                && inp.pools[n.pool]
                    .consolidate_after_seconds
                    .is_some_and(|a| t.saturating_sub(n.last_pod_event) >= a)
        });
        let mut any = false;
        for ni in cands {
            let pool = self.nodes[ni].pool;
            if allowed[pool][0] == 0 {
                continue;
            }
            allowed[pool][0] -= 1;
            *self.disrupted.entry("Empty".into()).or_insert(0) += 1;
            self.delete_node(ni, "empty, consolidated (Empty)");
            any = true;
        }
        any
    }

    fn drift(&mut self, t: u64, allowed: &mut [[u32; 3]]) -> bool {
        let gens = self.pool_gen.clone();
        let cands = self.candidates(t, |n| n.drift_gen < gens[n.pool]);
        let mut any = false;
        for ni in cands {
            let pool = self.nodes[ni].pool;
            if allowed[pool][1] == 0 {
                continue;
            }
            if self.nodes[ni].residents.is_empty() {
                allowed[pool][1] -= 1;
                *self.disrupted.entry("Drifted".into()).or_insert(0) += 1;
                self.delete_node(ni, "drifted, empty, deleted (Drifted)");
                any = true;
                continue;
            }
            if any {
                // Empty drifted nodes go together; a non-empty one alone.
                break;
            }
            let Some((claims, _)) = self.simulate_scheduling(&[ni]) else {
                continue;
            };
            allowed[pool][1] -= 1;
            self.start(t, &[ni], claims, "Drifted");
            return true;
        }
        any
    }

    fn consolidatable(&self, t: u64, allowed: &[[u32; 3]]) -> Vec<usize> {
        let inp = self.inp;
        self.candidates(t, |n| {
            let p = &inp.pools[n.pool];
            !n.residents.is_empty()
                && p.replicas.is_none()
                && allowed[n.pool][2] > 0
                && p.consolidation.consolidates_underutilized()
                && p.consolidate_after_seconds
                    .is_some_and(|a| t.saturating_sub(n.last_pod_event) >= a)
        })
    }

    /// A command for `cands`: `Some(claims)` when their pods fit on the other
    /// nodes plus at most one new claim cheaper than the candidates.
    fn consolidation(&mut self, cands: &[usize]) -> Option<Vec<Claim>> {
        let price: f64 = cands.iter().map(|&i| self.nodes[i].usd_per_hour).sum();
        let (claims, new_price) = self.simulate_scheduling(cands)?;
        match claims.len() {
            0 => Some(claims),
            1 if new_price < price => Some(claims),
            _ => None,
        }
    }

    fn multi_node(&mut self, t: u64, allowed: &[[u32; 3]]) -> bool {
        let mut cands = self.consolidatable(t, allowed);
        // Within each pool's budget, in order.
        let mut left: Vec<u32> = allowed.iter().map(|a| a[2]).collect();
        cands.retain(|&i| {
            let p = self.nodes[i].pool;
            if left[p] == 0 {
                return false;
            }
            left[p] -= 1;
            true
        });
        cands.truncate(MAX_MULTI_NODE);
        if cands.len() < 2 {
            return false;
        }
        // Binary search for the largest prefix that consolidates.
        let (mut lo, mut hi) = (1usize, cands.len() - 1);
        let mut best: Option<(usize, Vec<Claim>)> = None;
        while lo <= hi {
            let mid = (lo + hi) / 2;
            match self.consolidation(&cands[..=mid]) {
                Some(c) => {
                    best = Some((mid, c));
                    lo = mid + 1;
                }
                None => {
                    if mid == 0 {
                        break;
                    }
                    hi = mid - 1;
                }
            }
        }
        let Some((mid, claims)) = best else {
            return false;
        };
        let chosen: Vec<usize> = cands[..=mid].to_vec();
        self.start(t, &chosen, claims, "Underutilized");
        true
    }

    fn single_node(&mut self, t: u64, allowed: &[[u32; 3]]) -> bool {
        for ni in self.consolidatable(t, allowed) {
            if let Some(claims) = self.consolidation(&[ni]) {
                self.start(t, &[ni], claims, "Underutilized");
                return true;
            }
        }
        false
    }

    /// Taints the candidates and launches their replacements.
    fn start(&mut self, t: u64, cands: &[usize], claims: Vec<Claim>, cause: &'static str) {
        let mut per_zone = vec![0u32; self.inp.zones.len()];
        for n in self.nodes.iter().filter(|n| n.alive) {
            per_zone[n.zone] += 1;
        }
        let mut replacements = Vec::new();
        let names: Vec<String> = cands.iter().map(|&i| self.nodes[i].name.clone()).collect();
        for mut c in claims {
            c.members.clear();
            c.pinned.clear();
            c.replaces = Some(names.join(", "));
            let before = self.nodes.len();
            self.launch(c, t, &mut per_zone);
            if self.nodes.len() > before {
                replacements.push(self.nodes.len() - 1);
            }
        }
        let with: Vec<String> = replacements
            .iter()
            .map(|&i| self.nodes[i].name.clone())
            .collect();
        for &ni in cands {
            self.nodes[ni].disrupting = Some(Disrupting {
                cause,
                replacements: replacements.clone(),
                drain_started: None,
                deadline: None,
            });
            *self.disrupted.entry(cause.into()).or_insert(0) += 1;
        }
        let msg = format!(
            "{} ({cause}): {}",
            names.join(", "),
            if with.is_empty() {
                "delete, pods fit on other nodes".to_string()
            } else {
                format!("replace with {}", with.join(", "))
            }
        );
        self.event(EventKind::Disruption, msg);
    }

    fn progress_drains(&mut self, t: u64) {
        let inp = self.inp;
        let mut evicted_now: BTreeMap<usize, u32> = BTreeMap::new();
        let mut pdb_left: BTreeMap<usize, u32> = BTreeMap::new();
        for ni in 0..self.nodes.len() {
            let Some(d) = self.nodes[ni].disrupting.clone() else {
                continue;
            };
            if !self.nodes[ni].alive {
                continue;
            }
            let started = match d.drain_started {
                Some(s) => s,
                None => {
                    let ready = d
                        .replacements
                        .iter()
                        .all(|&r| self.nodes[r].alive && self.nodes[r].ready);
                    if !ready {
                        continue;
                    }
                    if let Some(x) = self.nodes[ni].disrupting.as_mut() {
                        x.drain_started = Some(t);
                    }
                    t
                }
            };
            let grace = inp.pools[self.nodes[ni].pool]
                .disruption
                .termination_grace_seconds;
            let forced =
                grace.is_some_and(|g| t >= started + g) || d.deadline.is_some_and(|e| t >= e);
            let mut blocked = 0u32;
            for pid in self.nodes[ni].residents.clone() {
                let s = self.pods[pid as usize].shape as usize;
                let sh = &inp.shapes[s];
                let mut pdb_blocks = false;
                for &k in &sh.pdbs {
                    let left = *pdb_left.entry(k).or_insert_with(|| {
                        let (h, e) = self.pdb_health(k);
                        inp.pdbs[k].allowed(h, e)
                    });
                    if left == 0 {
                        pdb_blocks = true;
                    }
                }
                if !forced && (pdb_blocks || sh.do_not_disrupt) {
                    blocked += 1;
                    continue;
                }
                for &k in &sh.pdbs {
                    if let Some(l) = pdb_left.get_mut(&k) {
                        *l = l.saturating_sub(1);
                    }
                }
                let run = self.pods[pid as usize].run_seconds;
                let ends = self.pods[pid as usize].ends_at;
                self.delete_pod(pid);
                // A Job's pod is recreated by the Job controller with the
                // work left; other controllers' pods by `reconcile`.
                if inp.shapes[s].kind == WorkloadKind::Job {
                    let left = match (run, ends) {
                        (Some(_), Some(e)) => Some(e.saturating_sub(t).max(1)),
                        (r, _) => r,
                    };
                    self.new_pod(s, left);
                }
                let e = self.evictions.entry(s).or_default();
                e.evicted += 1;
                if sh.pdbs.is_empty() {
                    e.without_pdb += 1;
                }
                if pdb_blocks {
                    e.beyond_pdb += 1;
                }
                *evicted_now.entry(s).or_insert(0) += 1;
            }
            if self.nodes[ni].residents.is_empty() {
                let why = format!("drained, deleted ({})", d.cause);
                self.delete_node(ni, &why);
            } else if blocked > 0 && started == t {
                let msg = format!(
                    "{}: {blocked} pods wait (PodDisruptionBudget or karpenter.sh/do-not-disrupt){}",
                    self.nodes[ni].name,
                    match grace {
                        Some(g) => format!("; terminationGracePeriod {g}s"),
                        None => "; no terminationGracePeriod: the node waits".to_string(),
                    }
                );
                self.event(EventKind::DisruptionBlocked, msg);
            }
        }
        for (s, n) in evicted_now {
            let key = inp.shapes[s].key.clone();
            if let Some(e) = self.evictions.get_mut(&s) {
                e.max_at_once = e.max_at_once.max(n);
            }
            self.event(EventKind::Eviction, format!("{key}: {n} pods evicted"));
        }
    }

    /// Deletes an empty node: its addresses return to their subnets.
    pub(super) fn delete_node(&mut self, ni: usize, why: &str) {
        let n = &mut self.nodes[ni];
        n.alive = false;
        let held = std::mem::take(&mut n.held);
        let name = n.name.clone();
        for h in held {
            match h {
                Held::Single(si, o) => {
                    self.subnets[si].returned_singles.push(o);
                    self.subnets[si].used = self.subnets[si].used.saturating_sub(1);
                }
                Held::Block(si, b) => {
                    self.subnets[si].returned_blocks.push(b);
                    self.subnets[si].used = self.subnets[si].used.saturating_sub(16);
                }
            }
        }
        self.nodes_deleted += 1;
        self.cluster_state = self.now;
        self.event(EventKind::NodeDeleted, format!("{name}: {why}"));
    }

    /// Karpenter's `SimulateScheduling` (disruption/helpers.go): the pending
    /// pods, the candidates' pods and the pods of nodes already being
    /// deleted, onto the other nodes (first fit), the rest onto new
    /// NodeClaims as provisioning packs them. `None` when a candidate's or a
    /// deleting node's pod fits nowhere (a pending pod that fits nowhere does
    /// not stop the command). Leaves the simulation as it found it.
    fn simulate_scheduling(&mut self, cands: &[usize]) -> Option<(Vec<Claim>, f64)> {
        let inp = self.inp;
        let mut moved: Vec<(u32, usize)> = Vec::new();
        let deleting: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| {
                self.nodes[i].alive && self.nodes[i].disrupting.is_some() && !cands.contains(&i)
            })
            .collect();
        for &ni in cands.iter().chain(&deleting) {
            for pid in self.nodes[ni].residents.clone() {
                self.unplace(pid, ni);
                moved.push((pid, ni));
            }
        }
        let pending: Vec<u32> = self
            .pending
            .iter()
            .copied()
            .filter(|&p| self.pods[p as usize].state == PodState::Pending)
            .collect();
        let mut order: Vec<u32> = moved
            .iter()
            .map(|m| m.0)
            .chain(pending.iter().copied())
            .collect();
        order.sort_by(|&a, &b| {
            let sa = &inp.shapes[self.pods[a as usize].shape as usize];
            let sb = &inp.shapes[self.pods[b as usize].shape as usize];
            sb.cpu_millis
                .cmp(&sa.cpu_millis)
                .then(sb.memory_bytes.cmp(&sa.memory_bytes))
                .then(a.cmp(&b))
        });
        let targets: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| {
                let n = &self.nodes[i];
                n.alive && n.disrupting.is_none() && !cands.contains(&i)
            })
            .collect();
        // Trial placements are not pod events.
        let saved: Vec<(usize, u64)> = targets
            .iter()
            .chain(cands)
            .map(|&i| (i, self.nodes[i].last_pod_event))
            .collect();
        let mut temp: Vec<(u32, usize)> = Vec::new();
        let mut claims: Vec<Claim> = Vec::new();
        let mut usage: Vec<(u64, u64, u64)> = vec![(0, 0, 0); inp.pools.len()];
        for n in self.nodes.iter().filter(|n| n.alive) {
            let ty = &inp.pools[n.pool].types[n.ty];
            let u = &mut usage[n.pool];
            u.0 += ty.capacity_cpu_millis;
            u.1 += ty.capacity_memory_bytes;
            u.2 += 1;
        }
        let mut claims_in_pool = vec![0u64; inp.pools.len()];
        let mut cursor = vec![0usize; inp.shapes.len()];
        let mut ok = true;
        for &pid in &order {
            let s = self.pods[pid as usize].shape as usize;
            let sh = &inp.shapes[s];
            let zones = if sh
                .levels
                .iter()
                .any(|c| c.spreads.iter().any(|x| x.topology == Topology::Zone))
            {
                self.ready_zones(s)
            } else {
                0
            };
            // A constraint whose answer moves as pods are placed (zone
            // domains, pod affinity) rescans the nodes from the start.
            if sh.zone_dependent() || sh.levels.iter().any(|c| !c.affinity.is_empty()) {
                cursor[s] = 0;
            }
            let levels = sh.levels.len().max(1);
            let mut added = false;
            'levels: for lv in 0..levels {
                let last = lv + 1 == levels;
                // Existing nodes, first fit; under the required constraints
                // a workload's cursor only moves on (nodes only fill during
                // the simulation).
                let mut host_mins = vec![None; sh.levels.get(lv).map_or(0, |c| c.spreads.len())];
                let mut k = if last { cursor[s] } else { 0 };
                while k < targets.len() {
                    let ni = targets[k];
                    if self.feasible(s, lv, ni, zones, &mut host_mins) {
                        self.place(pid, ni);
                        temp.push((pid, ni));
                        added = true;
                        break;
                    }
                    k += 1;
                    if last {
                        cursor[s] = k;
                    }
                }
                if added {
                    break 'levels;
                }
                for c in claims.iter_mut() {
                    if self.claim_try(c, s, lv, zones).is_ok() {
                        c.members.push(pid);
                        added = true;
                        break 'levels;
                    }
                }
                for pi in 0..inp.pools.len() {
                    if let Ok(mut c) = self.new_claim(pi, s, lv, &usage, &claims, &claims_in_pool)
                        && self.claim_try(&mut c, s, lv, zones).is_ok()
                    {
                        c.members.push(pid);
                        claims.push(c);
                        claims_in_pool[pi] += 1;
                        added = true;
                        break 'levels;
                    }
                }
            }
            if !added && !pending.contains(&pid) {
                ok = false;
                break;
            }
        }
        // Undo: temporary placements, zone pins of the claims, the moves.
        self.in_claims.iter_mut().for_each(|c| *c = 0);
        for &(pid, ni) in temp.iter().rev() {
            self.unplace(pid, ni);
        }
        for c in &claims {
            self.unpin(c);
        }
        for &(pid, ni) in &moved {
            self.place(pid, ni);
        }
        for (i, e) in saved {
            self.nodes[i].last_pod_event = e;
        }
        if !ok {
            return None;
        }
        let mut price = 0.0;
        for c in &claims {
            price += self.claim_price(c)?;
        }
        Some((claims, price))
    }

    /// The cheapest offering a claim could launch as.
    fn claim_price(&self, c: &Claim) -> Option<f64> {
        let inp = self.inp;
        let pool = &inp.pools[c.pool];
        let mut best: Option<f64> = None;
        for &ti in &c.types {
            let ty = &pool.types[ti as usize];
            let mut bits = ty.offerings & c.mask;
            for &(s, _) in &c.counts {
                bits &= inp.shapes[s].compat[c.pool][ti as usize];
            }
            for z in 0..inp.zones.len() {
                for ct in 0..CAPACITY_TYPES.len() {
                    if bits & (1 << (z * 2 + ct)) != 0 {
                        let p = self.offering_price(ty, z, ct);
                        best = Some(best.map_or(p, |b: f64| b.min(p)));
                    }
                }
            }
        }
        best
    }
}
