/// Bounds on hostile or accidental input. Every limit produces a clear error
/// naming the file and position; none aborts the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: usize,
    /// Largest single YAML/JSON document, in bytes.
    pub max_document_bytes: usize,
    /// Deepest nesting of sequences and mappings.
    pub max_depth: usize,
    /// Most nodes one document may have, aliases expanded.
    pub max_nodes: usize,
    /// Most nodes that alias expansion may add to one document ("billion laughs").
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 256 * 1024 * 1024,
            max_document_bytes: 64 * 1024 * 1024,
            max_depth: 128,
            max_nodes: 5_000_000,
            max_alias_nodes: 100_000,
        }
    }
}
