//! `checkride comment`: post the table on a pull request as one comment, updated on later runs.

use super::compare::write_stdout;
use super::pair::{PairArgs, judge};
use crate::error::Error;
use crate::jobs::comment::{self, Outcome, Target, Token};
use crate::model::{FailOn, Policy};
use crate::report::markdown;
use clap::Args;

/// `checkride comment`.
#[derive(Debug, Clone, Args)]
pub struct CommentArgs {
    #[command(flatten)]
    pub pair: PairArgs,
    /// The repository, OWNER/REPO (in GitHub Actions: `${{ github.repository }}`).
    #[arg(long, value_name = "OWNER/REPO")]
    pub repo: String,
    /// The pull request number.
    #[arg(long, value_name = "N")]
    pub pr: u64,
    /// The environment variable holding the token (never the token itself).
    #[arg(long, default_value = "GITHUB_TOKEN", value_name = "NAME")]
    pub token_env: String,
    /// The REST API root (GitHub Enterprise: https://HOST/api/v3).
    #[arg(long, default_value = "https://api.github.com", value_name = "URL")]
    pub api_url: String,
    /// The cluster pair's name: one comment per name on a pull request (default: "STAGING vs PROD"
    /// as given on the command line).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Print the comment instead of posting it (needs no token, contacts nothing).
    #[arg(long)]
    pub dry_run: bool,
    /// Show noise rows too.
    #[arg(long)]
    pub show_noise: bool,
    /// Exit 1 when findings at or above this level exist (after commenting).
    #[arg(long, value_enum, default_value = "never")]
    pub fail_on: FailOn,
}

pub(crate) fn comment(args: &CommentArgs) -> crate::Result<i32> {
    let target = Target::new(&args.api_url, &args.repo, args.pr)?;
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| format!("{} vs {}", args.pair.staging, args.pair.prod));
    // Read the token before the (slow) comparison, so a missing one fails fast.
    let token = if args.dry_run {
        None
    } else {
        Some(Token::from_env(&args.token_env)?)
    };
    let judged = judge(&args.pair)?;
    let report = &judged.report;
    let marker = comment::marker(&name);
    let opts = markdown::Options {
        title: format!("checkride: {name}"),
        show_noise: args.show_noise,
        ..Default::default()
    };
    let body = comment::body(&marker, report, &opts);
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        let md = body.strip_prefix(&marker).unwrap_or(&body).trim_start();
        comment::append_step_summary(std::path::Path::new(&path), md)?;
    }
    let Some(token) = token else {
        eprintln!(
            "checkride: dry run: would create or update the comment marked `{marker}` on {} via {}",
            target.display(),
            target.api_url
        );
        write_stdout(&body)?;
        return Ok(report.exit_code(&Policy::fail_on(args.fail_on)).code());
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Other(format!("cannot start the async runtime: {e}")))?;
    let outcome = runtime.block_on(comment::upsert(&target, token, &marker, &body))?;
    let line = match outcome {
        Outcome::Created(id, url) => {
            format!("created comment {id} on {}: {url}\n", target.display())
        }
        Outcome::Updated(id, url) => {
            format!("updated comment {id} on {}: {url}\n", target.display())
        }
    };
    write_stdout(&line)?;
    Ok(report.exit_code(&Policy::fail_on(args.fail_on)).code())
}
