//! Findings, severities, rule ids, locations, fixes and suppressions; knows no output format.
