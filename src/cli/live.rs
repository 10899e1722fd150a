//! Flags for `context:` sides (shared by every command that reads sides), and `-v` logging.

use crate::collect::live::kinds::KindFilter;
use crate::collect::live::progress::ProgressSink;
use crate::collect::live::{LiveOptions, SecretsMode, parse_duration};
use crate::error::Error;
use clap::{ArgAction, Args};
use std::path::PathBuf;
use std::time::Duration;

/// How live clusters (`context:NAME` sides) are read.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Live clusters")]
pub struct LiveArgs {
    /// Kubeconfig for context: sides (default: KUBECONFIG, else ~/.kube/config).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// Collect only these namespaces (repeatable). For manifests given to `snapshot`: the
    /// namespace of objects that name none.
    #[arg(short = 'n', long = "namespace", value_name = "NS")]
    pub namespace: Vec<String>,
    /// Collect every namespace (the default).
    #[arg(short = 'A', long, conflicts_with = "namespace")]
    pub all_namespaces: bool,
    /// Also collect these kinds, even when excluded by default (comma-separated or repeated:
    /// `events`, `Event`, `events.k8s.io/Event`, `deploy`).
    #[arg(long, value_name = "KINDS")]
    pub include_kinds: Vec<String>,
    /// Do not collect these kinds (`*` = everything but the included and platform kinds).
    #[arg(long, value_name = "KINDS")]
    pub exclude_kinds: Vec<String>,
    /// How Secrets are read (default: fingerprint).
    #[arg(long, value_enum)]
    pub secrets: Option<SecretsMode>,
    /// Requests in flight at once, per cluster.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Timeout of each request (e.g. 500ms, 30s, 2m).
    #[arg(long, default_value = "30s", value_parser = parse_timeout)]
    pub request_timeout: Duration,
    /// Objects per list page.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..))]
    pub page_size: u32,
    /// Exit 0/1 even when some kinds could not be read (they are still reported).
    #[arg(long)]
    pub allow_partial: bool,
    /// No progress display and no warnings.
    #[arg(short, long)]
    pub quiet: bool,
    /// Log requests on stderr (-vv: also the HTTP client's own logs).
    #[arg(short, long, action = ArgAction::Count)]
    pub verbose: u8,
}

fn parse_timeout(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    if d.is_zero() {
        return Err("the timeout must be more than 0".into());
    }
    Ok(d)
}

impl LiveArgs {
    /// The validated settings.
    pub fn options(&self) -> Result<LiveOptions, Error> {
        let progress = if self.verbose > 0 {
            ProgressSink::hidden()
        } else {
            ProgressSink::for_stderr(self.quiet)
        };
        Ok(LiveOptions {
            kubeconfig: self.kubeconfig.clone(),
            namespaces: self.namespace.clone(),
            kinds: KindFilter::parse(&self.include_kinds, &self.exclude_kinds)?,
            secrets: self.secrets.unwrap_or_default(),
            concurrency: usize::from(self.concurrency),
            request_timeout: self.request_timeout,
            page_size: self.page_size,
            retries: LiveOptions::default().retries,
            progress,
            quiet: self.quiet,
        })
    }
}

/// Starts logging to stderr for `-v` (once per process); every line goes through the secret
/// detectors.
pub fn init_logging(verbose: u8) {
    let filter = match verbose {
        0 => return,
        1 => "checkride=debug",
        _ => "checkride=trace,kube_client=debug",
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(crate::normalize::secrets::text::RedactingStderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}
