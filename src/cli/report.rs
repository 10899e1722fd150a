//! `checkride report`: the weekly drift report. Stores this run in the history folder, compares
//! it with the runs before, and renders Markdown, HTML or JSON.

use super::PairArgs;
use super::compare::write_stdout;
use crate::error::Error;
use crate::jobs::history::{self, DEFAULT_EXPIRING_DAYS, DEFAULT_OPEN_WEEKS};
use crate::model::drift::Run;
use crate::report;
use crate::settings::Job;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Output formats of `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Markdown, for Slack, e-mail or a wiki.
    Markdown,
    /// One self-contained HTML page with a trend chart.
    Html,
    /// The drift report as JSON.
    Json,
}

/// `checkride report`.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub pair: PairArgs,
    /// Folder keeping one JSON file per run (created when missing).
    #[arg(long, value_name = "DIR")]
    pub history: PathBuf,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "markdown")]
    pub output: ReportFormat,
    /// Write the output to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// List lies open for at least this many weeks.
    #[arg(long, default_value_t = DEFAULT_OPEN_WEEKS, value_name = "N")]
    pub open_weeks: u32,
    /// List waivers expiring within this many days.
    #[arg(long, default_value_t = DEFAULT_EXPIRING_DAYS, value_name = "DAYS")]
    pub expiring_days: u32,
    /// Compare with the history without storing this run.
    #[arg(long)]
    pub no_store: bool,
}

pub(crate) fn report(args: &ReportArgs) -> crate::Result<i32> {
    let (settings, judged) = args.pair.run(Job::Report)?;
    let at = crate::clock::now_rfc3339();
    let r = &judged.report;
    let earlier = history::store::load(&args.history)?;
    let run = Run::from_report(r, &at, report::coverage_lines(r), &judged.rule_titles);
    let drift = history::drift(&run, &earlier, args.open_weeks, args.expiring_days)
        .map_err(Error::Usage)?;
    if !args.no_store {
        let path = history::store::store(&args.history, &run)?;
        eprintln!("checkride: stored this run as {}", path.display());
    }
    let text = match args.output {
        ReportFormat::Markdown => report::drift_markdown::render(&drift),
        ReportFormat::Html => report::html::render(&drift),
        ReportFormat::Json => {
            let mut s = serde_json::to_string_pretty(&drift)
                .map_err(|e| Error::Other(format!("cannot encode the report: {e}")))?;
            s.push('\n');
            s
        }
    };
    match &args.out {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| Error::file(path.display().to_string(), format!("cannot write: {e}")))?,
        None => write_stdout(&text)?,
    }
    Ok(r.exit_code(&settings.policy()).code())
}
