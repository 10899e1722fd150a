//! Command-line arguments, parsed into validated settings, and the commands that use them.

mod comment;
mod compare;
pub mod config;
mod live;
mod pair;
mod preflight;
mod report;
pub mod rules_cmd;
mod serve;
mod terminal;

pub use comment::CommentArgs;
pub use live::LiveArgs;
pub use pair::PairArgs;
pub use preflight::PreflightArgs;
pub use report::{ReportArgs, ReportFormat};
pub use serve::ServeArgs;
pub use terminal::ColorWhen;

use crate::model::FailOn;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Find the ways your staging cluster lies about production.
#[derive(Debug, Parser)]
#[command(name = "checkride", version, about, long_about = None)]
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
    /// JUnit XML: a test case per finding, lies fail, waived are skipped.
    Junit,
}

/// How each side is read.
#[derive(Debug, Clone, Args)]
pub struct SideArgs {
    /// Namespace for staging objects that name none (as `kubectl apply -n`).
    #[arg(long, default_value = "default", value_name = "NS")]
    pub staging_namespace: String,
    /// Namespace for prod objects that name none.
    #[arg(long, default_value = "default", value_name = "NS")]
    pub prod_namespace: String,
}

/// `checkride compare`.
#[derive(Debug, Clone, Args)]
pub struct CompareArgs {
    /// Staging: a folder, a file, `-` (stdin), a snapshot or context:NAME.
    pub staging: String,
    /// Prod: a folder, a file, `-` (stdin), a snapshot or context:NAME.
    pub prod: String,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    pub output: Output,
    #[command(flatten)]
    pub sides: SideArgs,
    /// Pair a staging namespace with a prod one (STAGING_NS=PROD_NS); repeatable.
    #[arg(long = "map-namespace", value_name = "STAGING=PROD")]
    pub map_namespace: Vec<String>,
    /// An extra environment-name pair (STAGING=PROD, e.g. qa=live); repeatable.
    #[arg(long = "env-token", value_name = "STAGING=PROD")]
    pub env_token: Vec<String>,
    /// Exit 1 when findings at or above this level exist.
    #[arg(long, value_enum, default_value = "lie")]
    pub fail_on: FailOn,
    #[command(flatten)]
    pub judge: config::JudgeArgs,
    /// Show noise rows too.
    #[arg(long)]
    pub show_noise: bool,
    /// Table width in columns (default: $COLUMNS, else the terminal's, else 140); below 100
    /// each finding is a block with the object and path on lines of their own.
    #[arg(long, value_parser = clap::value_parser!(u16).range(i64::from(terminal::MIN_WIDTH)..))]
    pub width: Option<u16>,
    /// Colour verdicts in the table (lies red, cuts blue, unclassified yellow); `auto` colours
    /// a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: ColorWhen,
    #[command(flatten)]
    pub live: LiveArgs,
}

/// `checkride snapshot`.
#[derive(Debug, Clone, Args)]
pub struct SnapshotArgs {
    /// The side to capture: a folder, a file, `-`, a snapshot or context:NAME.
    pub side: String,
    #[command(flatten)]
    pub live: LiveArgs,
}

/// Runs a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> crate::Result<i32> {
    match cli.command {
        Command::Compare(args) => {
            live::init_logging(args.live.verbose);
            compare::compare(&args)
        }
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
