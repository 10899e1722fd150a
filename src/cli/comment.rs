//! `checkride comment`: post the table on a pull request as one comment, updated on later runs.

use super::PairArgs;
use super::compare::write_stdout;
use crate::error::Error;
use crate::jobs::comment::{self, Outcome, Target, Token};
use crate::report::markdown;
use crate::settings::Job;
use clap::Args;

/// `checkride comment`.
#[derive(Debug, Clone, Args)]
pub struct CommentArgs {
    #[command(flatten)]
    pub pair: PairArgs,
    /// The repository, OWNER/REPO (in GitHub Actions: `${{ github.repository }}`); not needed
    /// with --dry-run.
    #[arg(long, value_name = "OWNER/REPO", required_unless_present = "dry_run")]
    pub repo: Option<String>,
    /// The pull request number; not needed with --dry-run.
    #[arg(long, value_name = "N", required_unless_present = "dry_run")]
    pub pr: Option<u64>,
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
    /// Print the comment instead of posting it (needs no token, repository or pull request;
    /// contacts nothing).
    #[arg(long)]
    pub dry_run: bool,
}

pub(crate) fn comment(args: &CommentArgs) -> crate::Result<i32> {
    let target = match (&args.repo, args.pr) {
        (Some(repo), Some(pr)) => Some(Target::new(&args.api_url, repo, pr)?),
        _ if args.dry_run => None,
        _ => {
            return Err(Error::Usage(
                "--repo and --pr are needed to post (or use --dry-run)".into(),
            ));
        }
    };
    // Read the token before the (slow) comparison, so a missing one fails fast.
    let token = if args.dry_run {
        None
    } else {
        Some(Token::from_env(&args.token_env)?)
    };
    let (settings, judged) = args.pair.run(Job::Comment)?;
    let policy = settings.policy();
    let name = args.name.clone().unwrap_or_else(|| {
        format!(
            "{} vs {}",
            settings.input.staging_text, settings.input.prod_text
        )
    });
    let report = &judged.report;
    let marker = comment::marker(&name);
    let opts = markdown::Options {
        title: format!("checkride: {name}"),
        show_noise: settings.judging.show_noise,
        ..Default::default()
    };
    let body = comment::body(&marker, report, &opts);
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        let md = body.strip_prefix(&marker).unwrap_or(&body).trim_start();
        comment::append_step_summary(std::path::Path::new(&path), md)?;
    }
    let (Some(token), Some(target)) = (token, target.clone()) else {
        match &target {
            Some(t) => eprintln!(
                "checkride: dry run: would create or update the comment marked `{marker}` on {} via {}",
                t.display(),
                t.api_url
            ),
            None => eprintln!(
                "checkride: dry run: would create or update the comment marked `{marker}`"
            ),
        }
        write_stdout(&body)?;
        return Ok(report.exit_code(&policy).code());
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
    Ok(report.exit_code(&policy).code())
}
