//! `compare` and `snapshot`.

use super::{CompareArgs, Output, SnapshotArgs};
use crate::collect::{self, LoadOptions, SideSpec};
use crate::diff::pair::NameMapping;
use crate::error::Error;
use crate::model::Side;
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
/// Both loaded sides come back too, so that a caller about to exit need not free them.
fn build_report(args: &CompareArgs) -> crate::Result<(crate::model::Report, (Side, Side))> {
    let mapping = name_mapping(&args.map_namespace, &args.env_token)?;
    let (rules, waivers, preview) = args.judge.load()?;
    let fp = Fingerprinter::from_env();
    let opts = |ns: &str| LoadOptions {
        default_namespace: ns.to_string(),
        fingerprinter: fp.clone(),
    };
    let (staging, prod) = (
        SideSpec::parse(&args.staging)?,
        SideSpec::parse(&args.prod)?,
    );
    let any_live = [&staging, &prod]
        .iter()
        .any(|s| matches!(s, SideSpec::Context(_)));
    if !any_live && !args.live.namespace.is_empty() {
        return Err(Error::Usage(
            "-n/--namespace selects namespaces of context: sides; for manifests use --staging-namespace / --prod-namespace".into(),
        ));
    }
    let (staging, prod) = collect::load_pair_with(
        &staging,
        &prod,
        &opts(&args.sides.staging_namespace),
        &opts(&args.sides.prod_namespace),
        &args.live.options()?,
    )?;
    let judge = crate::rules::Judge {
        rules: &rules,
        waivers: waivers.as_ref(),
        preview,
        today: super::config::today(),
    };
    let report = crate::compare_with(&staging, &prod, &mapping, &judge);
    Ok((report, (staging, prod)))
}

pub(crate) fn compare(args: &CompareArgs) -> crate::Result<i32> {
    let (report, sides) = build_report(args)?;
    // The process exits right after printing: freeing two 50k-object sides one allocation at a
    // time would cost about a tenth of the run, and the operating system reclaims them at once.
    std::mem::forget(sides);
    let started = std::time::Instant::now();
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
        Output::Table => report::table::render_styled(
            &report,
            args.show_noise,
            super::terminal::style(args.width, args.color),
        ),
    };
    crate::stage::done("rendered the report", started);
    write_stdout(&text)?;
    Ok(crate::exit_code_for(
        &report,
        args.fail_on,
        args.live.allow_partial,
    ))
}

pub(crate) fn snapshot(args: &SnapshotArgs) -> crate::Result<i32> {
    let fp = Fingerprinter::from_env();
    let keep = fp.persistent;
    let spec = SideSpec::parse(&args.side)?;
    let default_namespace = match (&spec, args.live.namespace.as_slice()) {
        (SideSpec::Context(_), _) | (_, []) => "default".to_string(),
        (_, [one]) => one.clone(),
        (_, _) => {
            return Err(Error::Usage(
                "several -n apply to context: sides only; manifests take one default namespace"
                    .into(),
            ));
        }
    };
    let side = collect::load_one_with(
        &spec,
        &LoadOptions {
            default_namespace,
            fingerprinter: fp,
        },
        &args.live.options()?,
    )?;
    write_stdout(&crate::escape::json(&collect::snapshot_io::write(
        &side, keep,
    )))?;
    Ok(if side.coverage.complete || args.live.allow_partial {
        0
    } else {
        3
    })
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
