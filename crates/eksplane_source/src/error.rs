use crate::span::Span;

/// Why a file or document could not be read. Each carries the span where it
/// was detected (the file's start for whole-file problems).
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum SourceError {
    #[error("cannot read: {message}")]
    Io { span: Span, message: String },
    #[error("binary file (contains {what}); expected YAML or JSON text")]
    Binary { span: Span, what: &'static str },
    #[error("file is {size} bytes, over the limit of {limit} bytes")]
    FileTooLarge {
        span: Span,
        size: usize,
        limit: usize,
    },
    #[error("document is over the limit of {limit} bytes")]
    DocumentTooLarge { span: Span, limit: usize },
    #[error("{syntax} syntax error: {message}")]
    Syntax {
        span: Span,
        syntax: &'static str,
        message: String,
    },
    #[error("nesting deeper than {limit} levels")]
    TooDeep { span: Span, limit: usize },
    #[error("alias expansion over the limit of {limit} nodes (possible \"billion laughs\" input)")]
    AliasBomb { span: Span, limit: usize },
    #[error("document has more than {limit} nodes")]
    TooManyNodes { span: Span, limit: usize },
    /// Go template actions where YAML is expected: a Helm chart's template,
    /// not yet rendered.
    #[error(
        "unrendered Helm template: `{action}` is Go template syntax, not YAML; render it first: helm template <release> <chart-dir> > rendered.yaml, then check the output"
    )]
    UnrenderedTemplate { span: Span, action: String },
    #[error("alias *{name} refers to an unknown anchor")]
    UnknownAlias { span: Span, name: String },
}

impl SourceError {
    pub(crate) fn span_mut(&mut self) -> &mut Span {
        match self {
            SourceError::Io { span, .. }
            | SourceError::Binary { span, .. }
            | SourceError::FileTooLarge { span, .. }
            | SourceError::DocumentTooLarge { span, .. }
            | SourceError::Syntax { span, .. }
            | SourceError::TooDeep { span, .. }
            | SourceError::AliasBomb { span, .. }
            | SourceError::TooManyNodes { span, .. }
            | SourceError::UnrenderedTemplate { span, .. }
            | SourceError::UnknownAlias { span, .. } => span,
        }
    }

    pub fn span(&self) -> Span {
        match self {
            SourceError::Io { span, .. }
            | SourceError::Binary { span, .. }
            | SourceError::FileTooLarge { span, .. }
            | SourceError::DocumentTooLarge { span, .. }
            | SourceError::Syntax { span, .. }
            | SourceError::TooDeep { span, .. }
            | SourceError::AliasBomb { span, .. }
            | SourceError::TooManyNodes { span, .. }
            | SourceError::UnrenderedTemplate { span, .. }
            | SourceError::UnknownAlias { span, .. } => *span,
        }
    }
}
