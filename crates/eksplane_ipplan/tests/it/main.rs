//! The one integration test binary: space, fragment, demand, plan, properties.

mod demand;
mod fragment;
mod occupancy;
mod plan;
mod props;
mod space;
mod util;
