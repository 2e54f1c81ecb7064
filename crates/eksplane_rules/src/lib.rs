//! The rule registry and one module per lint rule.
