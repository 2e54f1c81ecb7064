//! Errors of reading catalog inputs. Every variant names what is wrong and
//! where; none of the readers panics on malformed or hostile input.

use thiserror::Error;

/// A catalog input (describe-instance-types JSON, the compact catalog text,
/// or one of the price / VPC-limits tables) that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CatalogError {
    /// The text is not JSON.
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    /// The JSON is valid but is none of the accepted shapes.
    #[error(
        "unexpected JSON shape: {found}; expected the output of `aws ec2 describe-instance-types --output json` \
         (an object with \"InstanceTypes\"), a list of InstanceTypeInfo objects, or an object keyed by instance type"
    )]
    Shape { found: String },
    /// One InstanceTypeInfo object could not be decoded.
    #[error("instance type #{index}{}: {message}", name_suffix(.instance_type))]
    InvalidType {
        /// Position in the input (0-based).
        index: usize,
        instance_type: Option<String>,
        message: String,
    },
    /// A fact that every catalog entry needs is missing.
    #[error("instance type {instance_type:?}: missing {field}")]
    MissingField {
        instance_type: String,
        field: &'static str,
    },
    /// A fact has a value that cannot be right.
    #[error("instance type {instance_type:?}: {field} = {value}: {reason}")]
    InvalidValue {
        instance_type: String,
        field: &'static str,
        value: String,
        reason: &'static str,
    },
    /// The same instance type appears twice in one input.
    #[error("instance type {instance_type:?} appears more than once")]
    Duplicate { instance_type: String },
    /// The input holds no instance type at all.
    #[error("the input holds no instance types")]
    Empty,
    /// A line of the compact catalog text or of a table is malformed.
    #[error("line {line}: {message}")]
    Line { line: usize, message: String },
}

fn name_suffix(name: &Option<String>) -> String {
    match name {
        Some(n) => format!(" ({n:?})"),
        None => String::new(),
    }
}
