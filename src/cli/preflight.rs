//! `checkride preflight`: the pre-release checklist for one release.

use super::PairArgs;
use super::compare::write_stdout;
use crate::error::Error;
use crate::jobs::preflight::{self, render, select::Release};
use crate::settings::Job;
use clap::Args;
use std::path::PathBuf;

/// `checkride preflight`.
#[derive(Debug, Clone, Args)]
pub struct PreflightArgs {
    #[command(flatten)]
    pub pair: PairArgs,
    /// The release: a label selector when it contains `=` (app=checkout), else kind/name
    /// (deployment/checkout).
    #[arg(long, value_name = "SELECTOR")]
    pub release: String,
    /// Acknowledge a lie by its finding id; repeatable.
    #[arg(long = "ack", value_name = "ID")]
    pub ack: Vec<String>,
    /// Write a Markdown debrief template, pre-filled with the table, to FILE.
    #[arg(long, value_name = "FILE")]
    pub debrief: Option<PathBuf>,
}

pub(crate) fn preflight(args: &PreflightArgs) -> crate::Result<i32> {
    let release = Release::parse(&args.release)?;
    let (settings, judged) = args.pair.run(Job::Preflight)?;
    let policy = preflight::release_policy(&settings.policy(), &args.ack);
    let b = preflight::brief(
        &judged.report,
        &judged.staging,
        &judged.prod,
        &args.release,
        &release,
        policy,
    );
    if b.selected.0.is_empty() && b.selected.1.is_empty() {
        return Err(Error::Usage(format!(
            "--release `{}` selects no object in staging or prod",
            args.release
        )));
    }
    write_stdout(&crate::escape::visible(&render::text_brief(&b)))?;
    if let Some(path) = &args.debrief {
        let date = crate::clock::today().to_string();
        std::fs::write(path, render::debrief(&b, &date))
            .map_err(|e| Error::file(path.display().to_string(), format!("cannot write: {e}")))?;
        eprintln!(
            "checkride: wrote the debrief template to {}",
            path.display()
        );
    }
    Ok(b.exit_code().code())
}
