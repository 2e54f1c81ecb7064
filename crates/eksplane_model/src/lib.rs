//! The typed platform model: one module per object kind, and [`Platform`], the
//! merged view of one cluster. No I/O: the loader fills it, analyses read it.
//!
//! Every fact an analysis may point at is a [`eksplane_source::Spanned`] value
//! or reachable through an object's [`meta::Origin`].

pub mod aws;
pub mod cidr;
pub mod cni;
pub mod duration;
pub mod eksctl;
pub mod ingress;
pub mod k8s;
pub mod karpenter;
pub mod kustomize;
pub mod meta;
pub mod plan;
pub mod platform;
pub mod quantity;
pub mod vocab;

pub use cidr::Ipv4Cidr;
pub use duration::GoDuration;
pub use meta::{KubeObject, ObjectMeta, ObjectRef, Origin};
pub use platform::*;
pub use quantity::Quantity;
