use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Reads an EKS platform from its files (Kubernetes and Helm YAML, eksctl
/// ClusterConfig, Karpenter CRDs, AWS CLI JSON), checks it against the
/// production guide, and sizes it as AWS does.
#[derive(Debug, Parser)]
#[command(name = "eksplane", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to colour output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read the inputs and print an inventory: the cluster, counts by kind,
    /// node pools, add-ons, CNI settings, access.
    Inspect(InspectArgs),
    /// Run every rule over the inputs and report findings.
    Check(CheckArgs),
    /// List the rules.
    Rules(RulesArgs),
    /// Print a rule's documentation.
    Explain(ExplainArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files or directories (recursive: .yaml, .yml, .json); `-` reads stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long, value_enum, default_value_t = InspectFormat::Human)]
    pub format: InspectFormat,
    /// Write the output to this file instead of stdout (written whole or not at all).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Exit 1 when a finding at or above this severity remains.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    /// Configuration file (ignores, severity overrides). Default: `.eksplane.yaml`
    /// in the current directory, else in the first input directory that has one.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Also list suppressed findings and the configuration used.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Write the report to this file instead of stdout (written whole or not at all).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Judge support windows as of this date (YYYY-MM-DD) instead of today.
    /// Default: the EKSPLANE_TODAY environment variable, else the system clock.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule id (`KAR001`) or name (`node-pool-without-limits`).
    pub rule: String,
}
