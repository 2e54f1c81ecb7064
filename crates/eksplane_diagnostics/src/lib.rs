//! Findings shared by every analysis: rule ids, severities, locations, fixes
//! and suppressions. Knows no output format.

mod config;
mod edit;
mod finding;
mod note;

pub use config::{Config, ConfigError, IgnoreEntry, SeverityOverride, Suppressed};
pub use edit::{Applicability, Edit, EditError, Step, Target, YamlPath};
pub use finding::{Finding, Fix, Location, RuleId, Severity, input};
pub use note::{Note, NoteKind};
