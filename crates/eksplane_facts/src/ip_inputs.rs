//! From a loaded platform to the IP planner's inputs: VPC CIDRs
//! (`describe-vpcs` and `NetworkPlan`), subnets (`describe-subnets` and
//! `NetworkPlan`), what is in use (`describe-network-interfaces`), subnet CIDR
//! reservations, the CNI settings, custom networking's ENIConfigs and the
//! demand to plan for.

use crate::capacity::{cni_options, selects_subnet};
use eksplane_aws_data::Catalog;
use eksplane_ipplan::{
    Demand, InUse, NodeCount, NodeGroup, PlanInputs, Reservation, ReservationKind, SubnetInput,
    VpcInput,
};
use eksplane_model::plan::{ReservationType, SubnetRole};
use eksplane_model::{KubeObject, Platform};
use eksplane_source::{SourceDb, Span};
use std::collections::BTreeMap;

/// What the caller asks to plan for; the platform fills in what is not given.
#[derive(Debug, Clone, Default)]
pub struct TargetArgs {
    /// Peak pods.
    pub pods: Option<u32>,
    /// Instance types to spread the pods over (equal shares).
    pub instance_types: Vec<String>,
    pub pods_per_node: Option<u32>,
}

/// Where the demand came from, for the report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DemandSource {
    pub pods: String,
    pub nodes: String,
}

/// A problem with the inputs, with where it is written when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProblem {
    pub message: String,
    pub span: Option<Span>,
}

/// `what`, with where it is written when a database is given (labels in
/// error messages).
fn located(db: Option<&SourceDb>, what: &str, span: Span) -> String {
    match db {
        Some(db) if !span.is_detached() => format!("{what} ({})", db.display(span)),
        _ => what.to_string(),
    }
}

/// Builds the planner's inputs. Subnets that are IPv6-only are problems;
/// everything else the planner validates itself (overlaps, containment).
/// With `db`, subnet labels name the file and line they come from.
pub fn plan_inputs(
    p: &Platform,
    db: Option<&SourceDb>,
    catalog: &Catalog,
    target: &TargetArgs,
) -> Result<(PlanInputs, DemandSource), Vec<InputProblem>> {
    let mut problems = Vec::new();
    let mut vpcs: Vec<VpcInput> = Vec::new();
    for v in &p.aws.vpcs {
        let id = v
            .value
            .vpc_id
            .as_ref()
            .map(|s| s.value.clone())
            .unwrap_or_default();
        vpcs.push(VpcInput {
            id,
            cidrs: v.value.ipv4_cidrs().iter().map(|c| c.value.net()).collect(),
        });
    }
    let mut subnets: Vec<SubnetInput> = Vec::new();
    let mut node_subnets: Vec<String> = Vec::new();
    let mut pod_subnets: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in &p.aws.subnets {
        let Some(id) = s.value.id() else { continue };
        let Some(cidr) = s.value.ipv4_cidr() else {
            problems.push(InputProblem {
                message: format!("subnet {id} has no IPv4 CIDR (IPv6-only): the IPv4 planner cannot place pods in it"),
                span: Some(s.span),
            });
            continue;
        };
        let zone = s.value.az().map(str::to_string);
        subnets.push(SubnetInput {
            id: id.to_string(),
            cidr: cidr.value.net(),
            zone: zone.clone(),
            vpc_id: s.value.vpc_id.as_ref().map(|v| v.value.clone()),
            label: located(
                db,
                &format!("{id} ({})", zone.as_deref().unwrap_or("no zone")),
                cidr.span,
            ),
            // issue 10 item 9: the known free count when there is no ENI snapshot.
            available_ip_address_count: s
                .value
                .available_ip_address_count
                .as_ref()
                .and_then(|c| u32::try_from(c.value).ok()),
        });
    }
    for plan in &p.network_plans {
        let spec = &plan.spec;
        if let Some(v) = &spec.vpc {
            let id = v
                .value
                .id
                .as_ref()
                .map_or_else(|| format!("{} (plan)", plan.name()), |i| i.value.clone());
            match vpcs.iter_mut().find(|x| x.id == id) {
                Some(x) => {
                    for c in &v.value.cidrs {
                        if !x.cidrs.contains(&c.value.net()) {
                            x.cidrs.push(c.value.net());
                        }
                    }
                }
                None => vpcs.push(VpcInput {
                    id: id.clone(),
                    cidrs: v.value.cidrs.iter().map(|c| c.value.net()).collect(),
                }),
            }
        }
        let vpc_id = spec.vpc.as_ref().map(|v| {
            v.value
                .id
                .as_ref()
                .map_or_else(|| format!("{} (plan)", plan.name()), |i| i.value.clone())
        });
        for s in &spec.subnets {
            let Some(key) = s.value.key().map(str::to_string) else {
                continue;
            };
            if subnets.iter().any(|x| x.id == key) {
                // A planned subnet that the snapshots already hold.
            } else {
                subnets.push(SubnetInput {
                    id: key.clone(),
                    cidr: s.value.cidr.value.net(),
                    zone: Some(s.value.zone.value.clone()),
                    vpc_id: vpc_id.clone(),
                    label: located(db, &format!("{key} ({})", s.value.zone.value), s.span),
                    // A planned subnet: not created yet, empty.
                    available_ip_address_count: None,
                });
            }
            match Some(s.value.role.value) {
                Some(SubnetRole::Node) => node_subnets.push(key),
                Some(SubnetRole::Pod) => pod_subnets
                    .entry(s.value.zone.value.clone())
                    .or_default()
                    .push(key),
                _ => {}
            }
        }
        for (zone, sub) in &spec.eni_configs {
            let id = plan
                .subnet(&sub.value)
                .and_then(|s| s.value.key().map(str::to_string))
                .unwrap_or_else(|| sub.value.clone());
            let e = pod_subnets.entry(zone.clone()).or_default();
            if !e.contains(&id) {
                e.push(id);
            }
        }
    }
    // Node subnets from the snapshots: those the EC2NodeClasses select, else
    // the private ones (no public IP on launch).
    if node_subnets.is_empty() {
        for s in &p.aws.subnets {
            let Some(id) = s.value.id() else { continue };
            let selected = p.node_classes.iter().any(|c| {
                c.spec
                    .subnet_selector_terms
                    .iter()
                    .any(|t| selects_subnet(&t.value, &s.value))
            });
            if selected {
                node_subnets.push(id.to_string());
            }
        }
    }
    if node_subnets.is_empty() {
        node_subnets = p
            .aws
            .subnets
            .iter()
            .filter(|s| {
                !s.value
                    .map_public_ip_on_launch
                    .as_ref()
                    .is_some_and(|b| b.value)
            })
            .filter_map(|s| s.value.id().map(str::to_string))
            .filter(|id| !pod_subnets.values().flatten().any(|x| x == id))
            .collect();
    }
    // Custom networking: ENIConfigs named after zones give each zone's pod subnet.
    let (cni, _) = cni_options(p);
    if cni.custom_networking {
        for e in &p.eni_configs {
            if let Some(sub) = &e.spec.subnet {
                let zone = subnets
                    .iter()
                    .find(|s| s.id == sub.value)
                    .and_then(|s| s.zone.clone())
                    .unwrap_or_else(|| e.name().to_string());
                let v = pod_subnets.entry(zone).or_default();
                if !v.contains(&sub.value) {
                    v.push(sub.value.clone());
                }
            }
        }
    }
    let mut in_use: BTreeMap<String, InUse> = BTreeMap::new();
    for eni in &p.aws.network_interfaces {
        let Some(sub) = eni.value.subnet() else {
            continue;
        };
        let u = in_use.entry(sub.to_string()).or_insert_with(|| InUse {
            subnet_id: sub.to_string(),
            private_ips: Vec::new(),
            prefixes: Vec::new(),
        });
        u.private_ips
            .extend(eni.value.ipv4_addresses().iter().map(|a| a.value));
        u.prefixes
            .extend(eni.value.ipv4_prefix_cidrs().iter().map(|c| c.value.net()));
    }
    let mut reservations = Vec::new();
    for r in &p.aws.subnet_cidr_reservations {
        if let (Some(sub), Some(cidr)) = (r.value.subnet(), r.value.ipv4_cidr()) {
            reservations.push(Reservation {
                subnet_id: sub.to_string(),
                cidr: cidr.net(),
                kind: if r.value.is_prefix() {
                    ReservationKind::Prefix
                } else {
                    ReservationKind::Explicit
                },
            });
        }
    }
    for plan in &p.network_plans {
        for r in &plan.spec.reservations {
            let id = plan
                .subnet(&r.value.subnet.value)
                .and_then(|s| s.value.key().map(str::to_string))
                .unwrap_or_else(|| r.value.subnet.value.clone());
            let dup = reservations
                .iter()
                .any(|x: &Reservation| x.subnet_id == id && x.cidr == r.value.cidr.value.net());
            if !dup {
                reservations.push(Reservation {
                    subnet_id: id,
                    cidr: r.value.cidr.value.net(),
                    kind: match r.value.reservation_type.value {
                        ReservationType::Prefix => ReservationKind::Prefix,
                        ReservationType::Explicit => ReservationKind::Explicit,
                    },
                });
            }
        }
    }
    let (demand, source) = demand(p, catalog, target, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok((
        PlanInputs {
            vpcs,
            subnets,
            in_use: in_use.into_values().collect(),
            reservations,
            cni,
            node_subnets,
            pod_subnets,
            demand,
        },
        source,
    ))
}

/// The demand: `--pods`, else the NetworkPlan's target, else the workloads
/// in the inputs at their replicas (Deployments, StatefulSets; DaemonSets
/// are per node and mostly host-network, left out). Node types: given, else
/// the NetworkPlan's nodes, else each NodePool's smallest allowed type
/// (Karpenter may launch it: the most nodes, so the most primary IPs and
/// warm pools), else m6i.xlarge.
fn demand(
    p: &Platform,
    catalog: &Catalog,
    target: &TargetArgs,
    problems: &mut Vec<InputProblem>,
) -> (Demand, DemandSource) {
    let plan_target = p.network_plans.iter().find_map(|n| n.spec.target.as_ref());
    let (pods, pods_from) = if let Some(n) = target.pods {
        (n, "--pods".to_string())
    } else if let Some(t) = plan_target.and_then(|t| t.value.pods.as_ref()) {
        (t.value, "the NetworkPlan target".to_string())
    } else {
        let n: u32 = p
            .workloads
            .iter()
            .filter(|w| {
                matches!(
                    w.kind,
                    eksplane_model::k8s::WorkloadKind::Deployment
                        | eksplane_model::k8s::WorkloadKind::StatefulSet
                )
            })
            .filter(|w| !w.template.spec.host_network.unwrap_or(false))
            .map(|w| u32::try_from(w.effective_replicas().unwrap_or(1).max(0)).unwrap_or(0))
            .sum();
        (n, "the workloads' replicas in the inputs".to_string())
    };
    let pods_per_node = target
        .pods_per_node
        .or_else(|| plan_target.and_then(|t| t.value.pods_per_node.as_ref().map(|v| v.value)));
    let mut groups = Vec::new();
    let nodes_from: String;
    if !target.instance_types.is_empty() {
        nodes_from = "--instance-type".to_string();
        for t in &target.instance_types {
            if catalog.get(t).is_none() {
                problems.push(InputProblem {
                    message: format!("unknown instance type {t:?} (not in the catalog)"),
                    span: None,
                });
            }
            groups.push(NodeGroup {
                instance_type: t.clone(),
                nodes: NodeCount::Share(1),
                pods_per_node,
                subnets: None,
            });
        }
    } else if let Some(t) = plan_target.filter(|t| !t.value.nodes.is_empty()) {
        nodes_from = "the NetworkPlan target".to_string();
        for n in &t.value.nodes {
            if catalog.get(&n.value.instance_type.value).is_none() {
                problems.push(InputProblem {
                    message: format!(
                        "unknown instance type {:?} (not in the catalog)",
                        n.value.instance_type.value
                    ),
                    span: Some(n.value.instance_type.span),
                });
            }
            groups.push(NodeGroup {
                instance_type: n.value.instance_type.value.clone(),
                nodes: NodeCount::Fixed(n.value.count.value),
                pods_per_node,
                subnets: None,
            });
        }
    } else {
        // Every node source (crate::nodes): Karpenter pools by their smallest
        // allowed type (shares of the demand), node groups by their desired
        // (else minimum) size of their first known type.
        let mut names: Vec<String> = Vec::new();
        let mut fixed: Vec<(String, u32)> = Vec::new();
        for src in crate::nodes::node_sources(p) {
            let (types, _) = crate::capacity::source_types(&src, catalog);
            let smallest = types
                .iter()
                .filter(|t| t.vcpus.is_some())
                .min_by(|a, b| a.vcpus.cmp(&b.vcpus).then_with(|| a.name.cmp(&b.name)));
            if src.kind.is_karpenter() && src.kind != crate::nodes::NodeSourceKind::KarpenterStatic
            {
                if let Some(t) = smallest
                    && !names.contains(&t.name)
                {
                    names.push(t.name.clone());
                }
                continue;
            }
            let count = src
                .scaling
                .and_then(|sc| sc.desired.or(sc.min))
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(0);
            // A node group uses its first named type; a static NodePool its
            // smallest allowed one.
            let t = if src.kind == crate::nodes::NodeSourceKind::KarpenterStatic {
                smallest
            } else {
                types.first()
            };
            if let Some(t) = t
                && count > 0
            {
                fixed.push((t.name.clone(), count));
            }
        }
        nodes_from = match (names.is_empty(), fixed.is_empty()) {
            (true, true) => {
                names.push("m6i.xlarge".to_string());
                "a default (m6i.xlarge): no node source or --instance-type".to_string()
            }
            (false, true) => "each NodePool's smallest allowed type".to_string(),
            (true, false) => "the node groups' desired sizes".to_string(),
            (false, false) => {
                "the node groups' desired sizes and each NodePool's smallest allowed type"
                    .to_string()
            }
        };
        // Share groups first: callers look groups up by instance type, and a
        // NodePool's growth is what they ask about; fixed groups take pods
        // first whatever their order (eksplane_ipplan::NodeCount).
        for n in names {
            groups.push(NodeGroup {
                instance_type: n,
                nodes: NodeCount::Share(1),
                pods_per_node,
                subnets: None,
            });
        }
        for (t, n) in fixed {
            groups.push(NodeGroup {
                instance_type: t,
                nodes: NodeCount::Fixed(n),
                pods_per_node,
                subnets: None,
            });
        }
    }
    (
        Demand {
            target_pods: pods,
            groups,
        },
        DemandSource {
            pods: format!("{pods} pods from {pods_from}"),
            nodes: format!(
                "node types from {nodes_from}{}",
                pods_per_node.map_or(String::new(), |n| format!(", {n} pods per node"))
            ),
        },
    )
}
