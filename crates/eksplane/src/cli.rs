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
    /// Max pods per instance type as AWS's max-pods calculator computes it.
    MaxPods(MaxPodsArgs),
    /// Per NodePool and allowed instance type: Karpenter's pods beside what
    /// the VPC CNI can address, the verdict, and the maxPods fix.
    Capacity(CapacityArgs),
    /// IP space: subnets, /28 prefixes and warm pools against a peak pod
    /// count; where allocation fails, with which EC2 error, and what fixes it.
    IpPlan(IpPlanArgs),
    /// Simulate the data plane: scheduling, Karpenter provisioning, CNI IP
    /// allocation and cost under the workloads (scaled by a WorkloadProfile).
    Simulate(SimulateArgs),
    /// Plan a Kubernetes upgrade one minor at a time: removed APIs, add-ons,
    /// Karpenter, control plane, nodes, drain and surge blockers, per step.
    Upgrade(UpgradeArgs),
    /// Run the guide's Verify section over snapshots with status: each item
    /// pass, fail or skipped, with its evidence (object, field, file:line).
    Verify(VerifyArgs),
    /// Plan a migration, proven safe: aws-auth to EKS access entries, IRSA to
    /// EKS Pod Identity (script, eksctl fragment, Terraform or JSON).
    #[command(subcommand)]
    Migrate(MigrateCommand),
    /// The instance catalog: import describe-instance-types output, show a type.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
    /// Write the script to this file instead of stdout (written whole or not at all).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
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
    /// Each finding with its source lines underlined, the fix and the rule's
    /// documentation link (`human` is an alias).
    #[value(name = "full", alias = "human")]
    Human,
    /// One line per finding: `file:line:col: RULE [severity] message`.
    Concise,
    /// Findings grouped under their file.
    Grouped,
    /// The versioned JSON document (docs/findings.schema.json).
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// GitHub Actions workflow commands (`::warning file=...::`): annotations
    /// on the pull request.
    Github,
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
    /// How to print the findings (`--format` is an alias).
    #[arg(long = "output-format", visible_alias = "format", value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Print the number of findings per rule instead of the findings (a JSON
    /// array with `--output-format json`).
    #[arg(long)]
    pub statistics: bool,
    /// Run only these rules: ids (`KAR001`), names (`node-pool-without-limits`)
    /// or areas (`KAR`), comma-separated or repeated.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules: ids, names or areas, comma-separated or repeated.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Print every finding: without it, past 10 findings of one rule with the
    /// same message on different objects the rest are counted in one line.
    #[arg(long)]
    pub show_all: bool,
    /// Exit 1 when a finding at or above this severity remains.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    /// Configuration file (ignores, severity overrides, the date to judge as
    /// of). Default: the nearest `.eksplane.yaml` or `eksplane.yaml` walking up
    /// from each input, else from the current directory.
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
    #[command(flatten)]
    pub catalog: CatalogArg,
    #[command(flatten)]
    pub fix: FixArgs,
}

#[derive(Debug, Args)]
pub struct CatalogArg {
    /// Instance catalog to use instead of the embedded one: `aws ec2
    /// describe-instance-types --output json` output, or a file written by
    /// `eksplane catalog import`.
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MaxPodsFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct MaxPodsArgs {
    /// Instance types (`m6i.4xlarge`).
    #[arg(value_name = "TYPE")]
    pub types: Vec<String>,
    /// Every type in the catalog.
    #[arg(long)]
    pub all: bool,
    /// Inputs (files or directories) whose NodePools' allowed instance types
    /// to compute, each NodePool's requirements against the catalog.
    #[arg(long = "node-pool", value_name = "PATH", num_args = 1..)]
    pub node_pool: Vec<PathBuf>,
    /// VPC CNI version (default: the newest release eksplane knows,
    /// `CniVersion::CURRENT_RELEASE`); prefix delegation needs 1.9.0 or later.
    #[arg(long, value_name = "X.Y.Z",
          default_value_t = eksplane_capacity::CniVersion::CURRENT_RELEASE,
          value_parser = parse_cni_version)]
    pub cni_version: eksplane_capacity::CniVersion,
    /// Prefix delegation (/28 prefixes per ENI slot; Nitro types only).
    #[arg(long, visible_alias = "cni-prefix-delegation-enabled")]
    pub prefix_delegation: bool,
    /// Custom networking: the primary ENI carries no pod IPs.
    #[arg(long, visible_alias = "cni-custom-networking-enabled")]
    pub custom_networking: bool,
    /// Cap on the ENIs the CNI uses (MAX_ENI).
    #[arg(long, value_name = "N")]
    pub cni_max_eni: Option<u32>,
    /// Also show the raw maximum before the 110/250 recommendation cap (always
    /// in JSON and CSV, as `max_allowed`).
    #[arg(long)]
    pub show_max_allowed: bool,
    /// Also show AL2023 nodeadm's default: the per-IP figure, whatever the
    /// prefix delegation setting, with no 110/250 cap.
    #[arg(long)]
    pub nodeadm: bool,
    /// Evaluate a nodeadm `maxPodsExpression` per type (nodeadm's variables:
    /// default_enis, ips_per_eni, max_pods; any other name is an error).
    #[arg(long, value_name = "EXPR")]
    pub max_pods_expression: Option<String>,
    /// Print each figure's formula with the numbers and the source of each rule.
    #[arg(long)]
    pub explain: bool,
    #[arg(long, value_enum, default_value_t = MaxPodsFormat::Table)]
    pub format: MaxPodsFormat,
    #[command(flatten)]
    pub catalog: CatalogArg,
    /// Write the output to this file instead of stdout (written whole or not at all).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

fn parse_cni_version(s: &str) -> Result<eksplane_capacity::CniVersion, String> {
    s.parse()
        .map_err(|e: eksplane_capacity::VersionError| e.to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CapacityFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct CapacityArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long, value_enum, default_value_t = CapacityFormat::Human)]
    pub format: CapacityFormat,
    /// Print every allowed instance type (large sets are summarised: counts
    /// per verdict and the worst cases).
    #[arg(long)]
    pub all_types: bool,
    #[command(flatten)]
    pub catalog: CatalogArg,
    /// Write the output to this file instead of stdout (written whole or not at all).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IpPlanFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct IpPlanArgs {
    /// The platform plus subnets: `describe-subnets`, `describe-vpcs`,
    /// `describe-network-interfaces`, `get-subnet-cidr-reservations` output
    /// and/or a NetworkPlan file.
    #[command(flatten)]
    pub input: InputArgs,
    /// Peak pods to plan for. Default: the NetworkPlan's target, else the
    /// workloads in the inputs at their replicas.
    #[arg(long, value_name = "N")]
    pub pods: Option<u32>,
    /// Instance types the pods spread over (repeatable). Default: the
    /// NetworkPlan's nodes, else each NodePool's smallest allowed type.
    #[arg(long, value_name = "TYPE")]
    pub instance_type: Vec<String>,
    /// Pods per node. Default: what the CNI can give the type, capped at
    /// AWS's recommended max pods.
    #[arg(long, value_name = "N")]
    pub pods_per_node: Option<u32>,
    /// Skip the remedies (faster).
    #[arg(long)]
    pub no_remedies: bool,
    #[arg(long, value_enum, default_value_t = IpPlanFormat::Human)]
    pub format: IpPlanFormat,
    /// Also write an SVG map of each subnet's /28 blocks into this directory.
    #[arg(long, value_name = "DIR")]
    pub svg: Option<PathBuf>,
    #[command(flatten)]
    pub catalog: CatalogArg,
    /// Write the output to this file instead of stdout (written whole or not at all).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UpgradeFormat {
    /// A numbered runbook, blockers first, with the exact commands.
    Human,
    /// Markdown for a change ticket.
    Markdown,
    /// The versioned JSON document (`format: eksplane-upgrade`).
    Json,
}

#[derive(Debug, Args)]
pub struct UpgradeArgs {
    /// The platform: eksctl ClusterConfig or `describe-cluster` (the current
    /// version), manifests, Karpenter objects, add-on snapshots, subnets.
    #[command(flatten)]
    pub input: InputArgs,
    /// Target Kubernetes version (`1.33`) or `latest` (the newest in the EKS
    /// calendar).
    #[arg(long, value_name = "VERSION")]
    pub to: String,
    #[arg(long, value_enum, default_value_t = UpgradeFormat::Human)]
    pub format: UpgradeFormat,
    /// Judge support windows as of this date (YYYY-MM-DD) instead of today.
    /// Default: the EKSPLANE_TODAY environment variable, else the system clock.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    #[command(flatten)]
    pub catalog: CatalogArg,
    /// Write the output to this file instead of stdout (written whole or not at all).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimulateFormat {
    Human,
    Json,
    /// The time series.
    Csv,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The platform: workloads, NodePools, EC2NodeClasses, aws-node, subnets.
    #[command(flatten)]
    pub input: InputArgs,
    /// WorkloadProfile file(s) scaling the workloads over time (see
    /// docs/workload-profile.md); without one, workloads run at their replicas.
    #[arg(long, value_name = "FILE")]
    pub workload: Vec<PathBuf>,
    /// Simulated time (Go duration: 90m, 24h).
    #[arg(long, default_value = "24h")]
    pub duration: String,
    /// Simulation tick.
    #[arg(long, default_value = "10s")]
    pub step: String,
    /// Seed: the same inputs and seed give byte-identical outputs.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Seconds from launch until a node runs pods.
    #[arg(long, default_value_t = 60)]
    pub node_startup_seconds: u64,
    /// Do not remove empty nodes.
    #[arg(long)]
    pub no_consolidation: bool,
    /// Also split chargeback by this label (e.g. `team`), besides the
    /// namespace: the pod's label, else its Namespace's.
    #[arg(long, value_name = "KEY")]
    pub chargeback_label: Option<String>,
    /// Share each node's idle (unrequested) cost out to its tenants in
    /// proportion to their requests, instead of reporting it as `(idle)`.
    #[arg(long)]
    pub share_idle: bool,
    /// Price the EKS control plane (standard or extended support) as of this
    /// date (YYYY-MM-DD). Default: the EKSPLANE_TODAY environment variable,
    /// else the system clock.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// Run each PATH as its own platform variant (same --workload, seed and
    /// options) and print them side by side: cost, peak nodes, pending
    /// pod-seconds, pods stuck without IP, evictions, node churn.
    #[arg(long)]
    pub compare: bool,
    /// Spot prices from `aws ec2 describe-spot-price-history` JSON (the latest
    /// per type and zone); default: on-demand x 0.35.
    #[arg(long, value_name = "FILE")]
    pub spot_prices: Option<PathBuf>,
    /// Spot interruptions per node-hour, drawn from the seed (default 0.05/720:
    /// the Spot Instance Advisor's "<5%" a month band).
    #[arg(long, value_name = "RATE")]
    pub spot_interruption_rate: Option<f64>,
    #[arg(long, value_enum, default_value_t = SimulateFormat::Human)]
    pub format: SimulateFormat,
    /// Also write a self-contained HTML report with charts.
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
    #[command(flatten)]
    pub catalog: CatalogArg,
    /// Write the output to this file instead of stdout (written whole or not at all).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Read `aws ec2 describe-instance-types --output json` files, merge them
    /// (a later file's type replaces an earlier one's) and write the catalog
    /// format `--catalog` reads.
    Import(CatalogImportArgs),
    /// Every fact and Karpenter label of one instance type.
    Show(CatalogShowArgs),
}

#[derive(Debug, Args)]
pub struct CatalogImportArgs {
    /// describe-instance-types JSON files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The catalog file to write (written whole or not at all).
    #[arg(long, short = 'o', value_name = "OUT", required = true)]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct CatalogShowArgs {
    /// Instance type (`m6i.4xlarge`).
    #[arg(value_name = "TYPE")]
    pub instance_type: String,
    #[command(flatten)]
    pub catalog: CatalogArg,
}

#[derive(Debug, Subcommand)]
pub enum MigrateCommand {
    /// aws-auth (mapRoles, mapUsers, mapAccounts) to access entries, in
    /// phases; exit 1 when the lockout proof refuses the switch to API.
    AccessEntries(MigrateAccessArgs),
    /// IRSA-annotated ServiceAccounts to Pod Identity associations, or the
    /// reason each stays on IRSA.
    PodIdentity(MigratePodIdentityArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MigrateFormat {
    /// The plan, the proof and the decisions left to you.
    Human,
    /// A bash script of guarded aws/kubectl phases (`set -euo pipefail`).
    Script,
    /// An eksctl ClusterConfig fragment.
    Eksctl,
    /// Terraform resources.
    Terraform,
    /// The versioned JSON document.
    Json,
}

#[derive(Debug, Args)]
pub struct MigrateAccessArgs {
    /// The platform: aws-auth, eksctl ClusterConfig or describe-cluster (the
    /// mode), access entries (eksctl or `aws eks` snapshots), RBAC.
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long, value_enum, default_value_t = MigrateFormat::Human)]
    pub format: MigrateFormat,
    /// Accept that this principal (ARN) or mapAccounts account (ID) loses
    /// access: its narrowing is your decision. Repeatable.
    #[arg(long, value_name = "PRINCIPAL")]
    pub accept_loss: Vec<String>,
    /// A decisions file: one principal ARN or account ID per line whose loss
    /// you accept (`#` starts a comment).
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,
    /// Write the output to this file instead of stdout (written whole or not at all).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MigratePodIdentityArgs {
    /// The platform: ServiceAccounts, workloads, eksctl ClusterConfig, add-on,
    /// Pod Identity and `iam get-role` snapshots.
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long, value_enum, default_value_t = MigrateFormat::Human)]
    pub format: MigrateFormat,
    /// Write the output to this file instead of stdout (written whole or not at all).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `check --fix`, `--diff`, `--unsafe-fixes` (applied by the binary's `commands::fix`).
#[derive(Debug, Args, Default, Clone)]
pub struct FixArgs {
    /// Apply the safe fixes to the input files (each written atomically),
    /// then check again and report what remains.
    #[arg(long)]
    pub fix: bool,
    /// Print the fixes as a unified diff and write nothing (exit 1 when there
    /// is a change to make).
    #[arg(long)]
    pub diff: bool,
    /// Also apply unsafe fixes: exact edits that change what runs (node rolls
    /// through Karpenter drift, new load balancers). Implies --fix unless
    /// --diff is given.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Fixes applied by earlier passes (rule -> count): a fix can make
    /// another possible (a NodePool copy made from a class another fix
    /// changes), so `--fix` runs until a pass applies nothing.
    #[arg(skip)]
    pub applied_before: std::collections::BTreeMap<String, usize>,
    #[arg(skip)]
    pub pass: u32,
}

impl FixArgs {
    pub fn requested(&self) -> bool {
        self.fix || self.diff || self.unsafe_fixes
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifyFormat {
    /// One line per item, its checks and their evidence (file:line).
    Human,
    /// Markdown for a ticket or a pull request.
    Markdown,
    /// The versioned JSON document (`format: eksplane-verify`).
    Json,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// One cluster's snapshots: `aws ... --output json` files (describe-cluster,
    /// list/describe access entries and their policies, Pod Identity
    /// associations, list-addons/describe-addon/describe-addon-versions,
    /// describe-network-interfaces) and `kubectl get ... -o yaml` output
    /// (aws-auth, DaemonSets, Deployments, ServiceAccounts, NodePools,
    /// EC2NodeClasses, NodeClaims, Ingresses) with their status.
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long, value_enum, default_value_t = VerifyFormat::Human)]
    pub format: VerifyFormat,
    /// Exit 1 unless every item passed: a skipped item (missing input) fails.
    #[arg(long)]
    pub strict: bool,
    /// Write the output to this file instead of stdout (written whole or not at all).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}
