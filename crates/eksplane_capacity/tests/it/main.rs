//! eksplane_capacity integration tests (one binary).

mod calculator;
mod calculator_script;
mod cni;
mod compare;
mod eni_max_pods;
mod karpenter;
mod karpenter_table;
mod nodeadm;
mod props;
mod support;
