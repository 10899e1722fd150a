//! Command-line arguments, parsed into validated settings, and the commands that use them.

mod comment;
mod common;
mod compare;
mod limits;
mod live;
mod preflight;
mod report;
pub mod rules_cmd;
mod serve;
mod terminal;

pub use comment::CommentArgs;
pub use common::{JudgeArgs, PairArgs};
pub use limits::LimitArgs;
pub use live::LiveArgs;
pub use preflight::PreflightArgs;
pub use report::{ReportArgs, ReportFormat};
pub use serve::ServeArgs;
pub use terminal::ColorWhen;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "Examples:
  checkride compare deploy/staging deploy/prod
  checkride compare context:staging context:prod --waivers checkride/waivers.yaml -o json
  checkride comment kustomize:overlays/staging kustomize:overlays/prod --dry-run

Sides: a folder or file of manifests, a `checkride snapshot` file, `-` (stdin),
kustomize:DIR or context:NAME. docs/ explains rules, waivers, the jobs and the report.";

/// Find the ways your staging cluster lies about production.
#[derive(Debug, Parser)]
#[command(name = "checkride", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compare staging with prod: the *staging says / prod might say* table.
    Compare(CompareArgs),
    /// Write one side, normalized, as a snapshot document (JSON) to stdout.
    Snapshot(SnapshotArgs),
    /// List, explain and test the rules that judge differences.
    Rules(rules_cmd::RulesArgs),
    /// Serve a snapshot as a read-only Kubernetes API (for kubectl, checkride, tests).
    Serve(ServeArgs),
    /// Weekly drift report: store this run in a history folder and compare with earlier runs.
    Report(ReportArgs),
    /// Post the table on a pull request as one comment, updated in place on later runs.
    Comment(CommentArgs),
    /// Pre-release checklist for one release: lies to acknowledge, drills, rows to read out.
    Preflight(PreflightArgs),
}

/// Output formats of `compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// A terminal table.
    Table,
    /// The JSON report (stable contract).
    Json,
    /// GitHub-flavoured Markdown (fits a PR comment).
    Markdown,
    /// JUnit XML: a test case per finding; blocking findings fail, waived ones are skipped.
    Junit,
}

/// `checkride compare`.
#[derive(Debug, Clone, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub pair: PairArgs,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    pub output: Output,
    /// Table width in columns (default: $COLUMNS, else the terminal's, else 140); below 100
    /// each finding is a block with the object and path on lines of their own.
    #[arg(long, value_parser = clap::value_parser!(u16).range(i64::from(terminal::MIN_WIDTH)..))]
    pub width: Option<u16>,
    /// Colour verdicts in the table (lies red, cuts blue, unclassified yellow); `auto` colours
    /// a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: ColorWhen,
}

/// `checkride snapshot`.
#[derive(Debug, Clone, Args)]
pub struct SnapshotArgs {
    /// The side to capture: a folder or file of manifests, a snapshot, `-` (stdin),
    /// `kustomize:DIR` or `context:NAME` (a live cluster).
    #[arg(long_help = format!("The side to capture: {}.", common::SIDE_HELP))]
    pub side: String,
    #[command(flatten)]
    pub live: LiveArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Runs a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> crate::Result<i32> {
    crate::clock::check_env()?; // every command reads `CHECKRIDE_NOW` alike, or refuses it
    match cli.command {
        Command::Compare(args) => compare::compare(&args),
        Command::Snapshot(args) => {
            live::init_logging(args.live.verbose);
            compare::snapshot(&args)
        }
        Command::Rules(args) => rules_cmd::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Report(args) => report::report(&args),
        Command::Comment(args) => comment::comment(&args),
        Command::Preflight(args) => preflight::preflight(&args),
    }
}
