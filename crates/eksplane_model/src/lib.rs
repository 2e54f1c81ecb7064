//! The typed platform model: one module per object kind, no I/O.
