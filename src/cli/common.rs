//! The flags `compare`, `comment`, `report` and `preflight` share: the two sides, how they are
//! read, paired and judged, and how live clusters are read. They resolve, once, into
//! [`Settings`] (see `settings` for the per-command defaults).

use super::LimitArgs;
use super::live::{LiveArgs, init_logging};
use crate::error::Error;
use crate::model::FailOn;
use crate::pipeline::{self, Judged};
use crate::settings::{Flags, Job, Settings};
use clap::Args;
use std::path::PathBuf;

/// Help for a side: every kind of side a command accepts.
pub(crate) const SIDE_HELP: &str = "a folder or file of manifests (YAML or JSON, `kubectl get -o yaml` \
dumps included), a `checkride snapshot` file, `-` (standard input), `kustomize:DIR` (rendered with \
`kubectl kustomize`) or `context:NAME` (a live cluster of your kubeconfig)";

/// STAGING and PROD, and how to read, pair and judge them.
#[derive(Debug, Clone, Args)]
pub struct PairArgs {
    /// Staging: a folder or file of manifests, a snapshot, `-` (stdin), `kustomize:DIR` or
    /// `context:NAME` (a live cluster). May come from --config (`input.staging`).
    #[arg(value_name = "STAGING", long_help = format!("Staging: {SIDE_HELP}. May come from --config (`input.staging`)."))]
    pub staging: Option<String>,
    /// Prod: a folder or file of manifests, a snapshot, `-` (stdin), `kustomize:DIR` or
    /// `context:NAME` (a live cluster). May come from --config (`input.prod`).
    #[arg(value_name = "PROD", long_help = format!("Prod: {SIDE_HELP}. May come from --config (`input.prod`)."))]
    pub prod: Option<String>,
    /// Namespace for staging objects that name none (as `kubectl apply -n`; default `default`).
    #[arg(long, value_name = "NS", help_heading = "Input")]
    pub staging_namespace: Option<String>,
    /// Namespace for prod objects that name none (default `default`).
    #[arg(long, value_name = "NS", help_heading = "Input")]
    pub prod_namespace: Option<String>,
    /// Pair a staging namespace with a prod one (STAGING_NS=PROD_NS); repeatable.
    #[arg(
        long = "map-namespace",
        value_name = "STAGING=PROD",
        help_heading = "Pairing"
    )]
    pub map_namespace: Vec<String>,
    /// An extra environment-name pair (STAGING=PROD, e.g. qa=live); repeatable.
    #[arg(
        long = "env-token",
        value_name = "STAGING=PROD",
        help_heading = "Pairing"
    )]
    pub env_token: Vec<String>,
    #[command(flatten)]
    pub judge: JudgeArgs,
    #[command(flatten)]
    pub live: LiveArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// How findings are judged and what blocks.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Judging")]
pub struct JudgeArgs {
    /// A checkride.yaml holding these flags' settings (see docs/rules.md); the command line wins.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A folder of rule files on top of the built-in pack (repeatable); user rules outrank
    /// built-in ones.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// A waivers file: findings accepted on purpose, until a date.
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
    /// Let `preview` rules block like stable ones.
    #[arg(long)]
    pub preview: bool,
    /// Exit 1 when findings at or above this level block (default: `lie` for compare and
    /// preflight, `never` for comment and report).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// Show noise rows too.
    #[arg(long)]
    pub show_noise: bool,
}

impl PairArgs {
    /// The validated settings of `job` (the config file read, defaults applied).
    pub fn settings(&self, job: Job) -> Result<Settings, Error> {
        let l = &self.live;
        Settings::resolve(
            job,
            Flags {
                staging: self.staging.clone(),
                prod: self.prod.clone(),
                staging_namespace: self.staging_namespace.clone(),
                prod_namespace: self.prod_namespace.clone(),
                map_namespace: self.map_namespace.clone(),
                env_token: self.env_token.clone(),
                config: self.judge.config.clone(),
                rules: self.judge.rules.clone(),
                waivers: self.judge.waivers.clone(),
                preview: self.judge.preview,
                fail_on: self.judge.fail_on,
                show_noise: self.judge.show_noise,
                allow_partial: l.allow_partial,
                kubeconfig: l.kubeconfig.clone(),
                namespaces: l.namespace.clone(),
                include_kinds: l.include_kinds.clone(),
                exclude_kinds: l.exclude_kinds.clone(),
                secrets: l.secrets,
                live: l.options()?,
                limits: self.limits.limits(),
                allow_empty: self.limits.allow_empty,
            },
        )
    }

    /// Resolves the settings of `job` and runs the pipeline; warnings go to stderr.
    pub(crate) fn run(&self, job: Job) -> Result<(Settings, Judged), Error> {
        init_logging(self.live.verbose);
        let settings = self.settings(job)?;
        let judged = pipeline::run(&settings)?;
        if !self.live.quiet {
            for w in &judged.warnings {
                eprintln!("checkride: warning: {w}");
            }
        }
        Ok((settings, judged))
    }
}
