//! Platform facts: what every analysis needs to know about a loaded platform,
//! derived in one place beneath the rules, the simulator, the planners and
//! the reports (none of which derive them again).

pub mod capacity;
pub mod ip_inputs;
pub mod scheduling;
