//! Findings shared by every analysis: rule ids, severities, locations, fixes
//! and suppressions. Knows no output format.

mod config;
mod finding;
mod note;

pub use config::{Config, ConfigError, IgnoreEntry, SeverityOverride, Suppressed};
pub use finding::{Finding, Fix, Location, RuleId, Severity, input};
pub use note::{Note, NoteKind};
