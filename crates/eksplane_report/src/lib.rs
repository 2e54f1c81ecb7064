//! Output formats: human, JSON, SARIF; renders, never computes.
