//! The facts this crate reads, from the facts layer (`eksplane_facts`): one
//! place, shared with the rules, `ip-plan` and the simulator.

use eksplane_aws_data::{Catalog, InstanceType};
use eksplane_ipplan::PlanInputs;
use eksplane_model::Platform;
use eksplane_model::k8s::Workload;
use eksplane_model::karpenter::NodePool;

/// The IP planner's inputs for the platform as it runs (demand: the
/// workloads at their replicas). `Err`: the problems, as messages.
pub fn ip_plan_inputs(p: &Platform, catalog: &Catalog) -> Result<PlanInputs, Vec<String>> {
    let target = eksplane_facts::ip_inputs::TargetArgs::default();
    eksplane_facts::ip_inputs::plan_inputs(p, None, catalog, &target)
        .map(|(inputs, _)| inputs)
        .map_err(|ps| ps.into_iter().map(|p| p.message).collect())
}

/// The instance types a NodePool allows, per the catalog.
pub fn allowed_types<'c>(pool: &NodePool, catalog: &'c Catalog) -> Vec<&'c InstanceType> {
    eksplane_facts::capacity::allowed_types(pool, catalog)
}

/// The Karpenter controller Deployment in the inputs.
pub fn karpenter_deployment(p: &Platform) -> Option<&Workload> {
    eksplane_facts::capacity::karpenter_deployment(p)
}
