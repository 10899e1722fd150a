//! `compare` and `snapshot`.

use super::{CompareArgs, Output, SnapshotArgs};
use crate::collect::{self, LoadOptions, SideSpec};
use crate::diff::pair::NameMapping;
use crate::error::Error;
use crate::normalize::secrets::Fingerprinter;
use crate::report;
use std::io::Write;

/// Builds the name mapping from the command line.
pub(crate) fn name_mapping(
    map_namespace: &[String],
    env_token: &[String],
) -> crate::Result<NameMapping> {
    let mut m = NameMapping::default();
    for pair in map_namespace {
        let (s, p) = pair
            .split_once('=')
            .filter(|(s, p)| !s.is_empty() && !p.is_empty())
            .ok_or_else(|| {
                Error::Usage(format!(
                    "--map-namespace expects STAGING_NS=PROD_NS, got `{pair}`"
                ))
            })?;
        m.namespaces.insert(s.to_string(), p.to_string());
    }
    for pair in env_token {
        m.tokens.add_pair(pair).map_err(Error::Usage)?;
    }
    Ok(m)
}

/// Loads, diffs and judges: the report `compare` prints.
pub(crate) fn build_report(args: &CompareArgs) -> crate::Result<crate::model::Report> {
    let mapping = name_mapping(&args.map_namespace, &args.env_token)?;
    let fp = Fingerprinter::from_env();
    let opts = |ns: &str| LoadOptions {
        default_namespace: ns.to_string(),
        fingerprinter: fp.clone(),
    };
    let (staging, prod) = collect::load_pair(
        &SideSpec::parse(&args.staging)?,
        &SideSpec::parse(&args.prod)?,
        &opts(&args.sides.staging_namespace),
        &opts(&args.sides.prod_namespace),
    )?;
    Ok(crate::compare(&staging, &prod, &mapping))
}

pub(crate) fn compare(args: &CompareArgs) -> crate::Result<i32> {
    let report = build_report(args)?;
    let text = match args.output {
        Output::Json => report::json::render(&report),
        Output::Markdown => report::markdown::render(
            &report,
            &report::markdown::Options {
                show_noise: args.show_noise,
                ..Default::default()
            },
        ),
        Output::Junit => report::junit::render(&report),
        Output::Table => report::table::render(
            &report,
            args.show_noise,
            args.width.unwrap_or(terminal_width()),
        ),
    };
    write_stdout(&text)?;
    Ok(crate::exit_code(&report, args.fail_on))
}

pub(crate) fn snapshot(args: &SnapshotArgs) -> crate::Result<i32> {
    let fp = Fingerprinter::from_env();
    let keep = fp.persistent;
    let side = collect::load_one(
        &SideSpec::parse(&args.side)?,
        &LoadOptions {
            default_namespace: args.namespace.clone(),
            fingerprinter: fp,
        },
    )?;
    write_stdout(&collect::snapshot_io::write(&side, keep))?;
    Ok(if side.coverage.complete { 0 } else { 3 })
}

fn terminal_width() -> u16 {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal()
        && let Some((w, _)) = terminal_size()
    {
        return w;
    }
    report::table::DEFAULT_WIDTH
}

fn terminal_size() -> Option<(u16, u16)> {
    let cols = std::env::var("COLUMNS").ok()?.parse().ok()?;
    Some((cols, 0))
}

/// Writes to stdout; a closed pipe is not an error worth a panic.
pub(crate) fn write_stdout(text: &str) -> crate::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Other(format!("cannot write output: {e}"))),
    }
}
