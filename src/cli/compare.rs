//! `compare` and `snapshot`.

use super::{CompareArgs, Output, SnapshotArgs};
use crate::collect::{self, LoadOptions, SideSpec};
use crate::error::Error;
use crate::normalize::secrets::Fingerprinter;
use crate::report;
use crate::settings::Job;
use std::io::Write;

pub(crate) fn compare(args: &CompareArgs) -> crate::Result<i32> {
    let (settings, judged) = args.pair.run(Job::Compare)?;
    let report = judged.report;
    // The process exits right after printing: freeing two 50k-object sides one allocation at a
    // time would cost about a tenth of the run, and the operating system reclaims them at once.
    std::mem::forget((judged.staging, judged.prod));
    let policy = settings.policy();
    let show_noise = settings.judging.show_noise;
    let started = std::time::Instant::now();
    let text = match args.output {
        Output::Json => report::json::render(&report),
        Output::Markdown => report::markdown::render(
            &report,
            &report::markdown::Options {
                show_noise,
                ..Default::default()
            },
        ),
        Output::Junit => report::junit::render(&report, &policy),
        Output::Table => report::table::render_styled(
            &report,
            show_noise,
            super::terminal::style(args.width, args.color),
        ),
    };
    crate::stage::done("rendered the report", started);
    write_stdout(&text)?;
    Ok(report.exit_code(&policy).code())
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
            limits: args.limits.limits(),
            allow_empty: args.limits.allow_empty,
            ..LoadOptions::new(&default_namespace, fp)
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
