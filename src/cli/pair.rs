//! The two sides every job compares, read and judged the way `compare` does.

use super::{LimitArgs, SideArgs};
use crate::collect::{self, LoadOptions, SideSpec};
use crate::model::{Report, Side};
use crate::normalize::secrets::Fingerprinter;
use clap::Args;

/// STAGING and PROD, and how to read and pair them (as for `compare`).
#[derive(Debug, Clone, Args)]
pub struct PairArgs {
    /// Staging: a folder, a file, `-`, a snapshot or `kustomize:DIR`.
    pub staging: String,
    /// Prod: a folder, a file, `-`, a snapshot or `kustomize:DIR`.
    pub prod: String,
    #[command(flatten)]
    pub sides: SideArgs,
    /// Pair a staging namespace with a prod one (STAGING_NS=PROD_NS); repeatable.
    #[arg(long = "map-namespace", value_name = "STAGING=PROD")]
    pub map_namespace: Vec<String>,
    /// An extra environment-name pair (STAGING=PROD, e.g. qa=live); repeatable.
    #[arg(long = "env-token", value_name = "STAGING=PROD")]
    pub env_token: Vec<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Both sides, loaded, and the report judging them.
pub(crate) struct Judged {
    pub staging: Side,
    pub prod: Side,
    pub report: Report,
}

/// Loads both sides and judges them.
pub(crate) fn judge(args: &PairArgs) -> crate::Result<Judged> {
    let mapping = super::compare::name_mapping(&args.map_namespace, &args.env_token)?;
    let fp = Fingerprinter::from_env();
    let opts = |ns: &str| LoadOptions {
        limits: args.limits.limits(),
        allow_empty: args.limits.allow_empty,
        ..LoadOptions::new(ns, fp.clone())
    };
    let (staging, prod) = collect::load_pair(
        &SideSpec::parse(&args.staging)?,
        &SideSpec::parse(&args.prod)?,
        &opts(&args.sides.staging_namespace),
        &opts(&args.sides.prod_namespace),
    )?;
    let report = crate::compare(&staging, &prod, &mapping);
    Ok(Judged {
        staging,
        prod,
        report,
    })
}
