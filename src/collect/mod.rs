//! The only code that reads manifests, dumps and snapshots (and, in `live`, clusters).

mod aliases;
pub mod build;
pub(crate) mod checked;
pub mod files;
pub mod kustomize;
pub mod limits;
pub mod live;
mod locate;
pub(crate) mod parse;
pub(crate) mod raw;
pub mod scope;
pub mod snapshot_io;
mod yaml_errors;

pub use build::LoadOptions;
pub use files::SideSpec;
pub use limits::{Limit, Limits};
pub use live::{LiveOptions, SecretsMode};

use crate::error::Error;
use crate::model::Side;
use build::RawSide;
use limits::Spent;
use parse::SideBudget;
use scope::ScopeTable;
use std::sync::Arc;

/// A side read from its source: raw manifests or a live cluster's documents (built once both
/// sides' CRDs are known), or an already normalized snapshot.
pub(crate) enum Read {
    Raw(RawSide),
    Built(Box<Side>),
    Live(Box<live::LiveRead>),
}

/// A live side's collection, started on the live runtime as soon as the command line is read
/// so that two live sides collect at the same time.
type Started = tokio::task::JoinHandle<Result<live::LiveRead, Error>>;

fn start_live(spec: &SideSpec, opts: &LoadOptions, live: &Arc<LiveOptions>) -> Option<Started> {
    match spec {
        SideSpec::Context(name) => Some(live::runtime().spawn(live::collect(
            name.clone(),
            live.clone(),
            opts.fingerprinter.clone(),
            opts.limits,
        ))),
        _ => None,
    }
}

/// A side's source, read (files in memory, a live cluster collected) and not yet parsed.
pub(crate) enum Source {
    /// Manifest files (or stdin, or a kustomize render).
    Files {
        source: String,
        inputs: Vec<files::InputFile>,
        skipped: Vec<std::path::PathBuf>,
    },
    /// A snapshot or a live cluster: nothing left to parse.
    Done(Read),
}

fn finish_source(
    spec: &SideSpec,
    started: Option<Started>,
    limits: &Limits,
) -> Result<Source, Error> {
    match started {
        Some(handle) => match live::runtime().block_on(handle) {
            Ok(r) => r.map(|l| Source::Done(Read::Live(Box::new(l)))),
            Err(e) => Err(Error::Other(format!(
                "{}: collection stopped unexpectedly: {e}",
                spec.display()
            ))),
        },
        None => read_source(spec, limits),
    }
}

/// Reads a side's source (a `context:` side is collected with default live settings).
fn read_source(spec: &SideSpec, limits: &Limits) -> Result<Source, Error> {
    let source = spec.display();
    let (inputs, skipped) = match spec {
        SideSpec::Stdin => (vec![files::read_stdin()?], Vec::new()),
        SideSpec::Path(p) => {
            let (paths, skipped) = files::discover(p)?;
            if paths.is_empty() {
                return Err(Error::file(
                    source,
                    "no *.yaml, *.yml or *.json files found",
                ));
            }
            (files::read_files(&paths)?, skipped)
        }
        SideSpec::Context(_) => {
            let opts = LoadOptions {
                limits: *limits,
                ..LoadOptions::new(
                    "default",
                    crate::normalize::secrets::Fingerprinter::from_env(),
                )
            };
            let started = start_live(spec, &opts, &Arc::new(LiveOptions::default()));
            return finish_source(spec, started, limits);
        }
        SideSpec::Kustomize(dir) => (vec![kustomize::render(dir)?], Vec::new()),
    };
    if inputs.len() == 1 && files::looks_like_snapshot(&inputs[0].text) {
        return snapshot_io::read(&inputs[0].name, &inputs[0].text)
            .map(|s| Source::Done(Read::Built(Box::new(s))));
    }
    Ok(Source::Files {
        source,
        inputs,
        skipped,
    })
}

/// Charges what YAML aliases add, per file and to the run, before anything is parsed: counted
/// in parallel, charged in order (staging's files, then prod's), so the same input always
/// fails at the same place.
fn charge_aliases(sides: &[(&Source, &Limits)], spent: &Spent) -> Result<(), Error> {
    use rayon::prelude::*;
    for (src, limits) in sides {
        let Source::Files { inputs, .. } = src else {
            continue;
        };
        let counts: Vec<Result<Vec<(u32, u64)>, Error>> = inputs
            .par_iter()
            .map(|f| match f.format {
                parse::Format::Yaml => parse::alias_counts(&f.name, &f.text, limits),
                parse::Format::Json => Ok(Vec::new()),
            })
            .collect();
        for (f, counts) in inputs.iter().zip(counts) {
            let mut in_file = 0u64;
            for (line, n) in counts? {
                in_file = in_file.saturating_add(n);
                let at = Some(u64::from(line));
                if in_file > limits.alias_nodes_per_file {
                    return Err(Limit::AliasNodesPerFile.error(
                        limits,
                        &f.name,
                        at,
                        "YAML aliases expand past what one file may hold",
                    ));
                }
                if spent.alias_nodes(n) > limits.alias_nodes_per_run {
                    return Err(Limit::AliasNodesPerRun.error(
                        limits,
                        &f.name,
                        at,
                        "YAML aliases expand past what one run may hold",
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Parses a side's files within the run's budgets.
fn parse_source(src: Source, limits: &Limits) -> Result<Read, Error> {
    let (source, inputs, skipped) = match src {
        Source::Done(read) => return Ok(read),
        Source::Files {
            source,
            inputs,
            skipped,
        } => (source, inputs, skipped),
    };
    let parsed = files::parse_files(&inputs, &SideBudget::new(limits, &source))?;
    let mut docs = Vec::new();
    for (i, file_docs) in parsed {
        let name: Arc<str> = Arc::from(inputs[i].name.as_str());
        docs.extend(file_docs.into_iter().map(|d| (name.clone(), d)));
    }
    Ok(Read::Raw(RawSide {
        source,
        docs,
        skipped_files: skipped.iter().map(|p| p.display().to_string()).collect(),
    }))
}

/// Reads, charges and parses one side alone.
fn read_one(spec: &SideSpec, started: Option<Started>, limits: &Limits) -> Result<Read, Error> {
    let spent = Spent::default();
    let src = finish_source(spec, started, limits)?;
    charge_aliases(&[(&src, limits)], &spent)?;
    parse_source(src, limits)
}

/// Loads both sides concurrently. Custom kinds are scoped by the CRDs found on either side.
pub fn load_pair(
    staging: &SideSpec,
    prod: &SideSpec,
    staging_opts: &LoadOptions,
    prod_opts: &LoadOptions,
) -> Result<(Side, Side), Error> {
    load_pair_with(
        staging,
        prod,
        staging_opts,
        prod_opts,
        &LiveOptions::default(),
    )
}

/// [`load_pair`], with settings for `context:` sides.
pub fn load_pair_with(
    staging: &SideSpec,
    prod: &SideSpec,
    staging_opts: &LoadOptions,
    prod_opts: &LoadOptions,
    live: &LiveOptions,
) -> Result<(Side, Side), Error> {
    if *staging == SideSpec::Stdin && *prod == SideSpec::Stdin {
        return Err(Error::Usage(
            "only one side can be read from standard input (`-`)".into(),
        ));
    }
    let live = Arc::new(live.clone());
    let (ls, lp) = (
        start_live(staging, staging_opts, &live),
        start_live(prod, prod_opts, &live),
    );
    let started = std::time::Instant::now();
    let (ls_, lp_) = (&staging_opts.limits, &prod_opts.limits);
    let (s, p) = rayon::join(
        || finish_source(staging, ls, ls_),
        || finish_source(prod, lp, lp_),
    );
    let (s, p) = (s?, p?);
    // Budgets that span files (alias expansion) are the run's: both sides charge them.
    let spent = Spent::default();
    charge_aliases(&[(&s, ls_), (&p, lp_)], &spent)?;
    let (s, p) = rayon::join(|| parse_source(s, ls_), || parse_source(p, lp_));
    let (s, p) = (Parsed(s?), Parsed(p?));
    crate::stage::done("read and parsed both sides", started);
    build_pair(s, p, staging_opts, prod_opts)
}

/// A side read and parsed, not yet normalized: the first half of [`load_pair`].
pub struct Parsed(Read);

/// Reads and parses a file or folder side (not `context:`), without normalizing it, within
/// the default budgets.
pub fn parse_side(spec: &SideSpec) -> Result<Parsed, Error> {
    read_one(spec, None, &Limits::default()).map(Parsed)
}

/// Normalizes two parsed sides: the second half of [`load_pair`]. Custom kinds are scoped by
/// the CRDs found on either side.
pub fn build_pair(
    staging: Parsed,
    prod: Parsed,
    staging_opts: &LoadOptions,
    prod_opts: &LoadOptions,
) -> Result<(Side, Side), Error> {
    let started = std::time::Instant::now();
    let (s, p) = (staging.0, prod.0);
    let mut scopes = ScopeTable::default();
    for r in [&s, &p] {
        register(r, &mut scopes);
    }
    let (s, p) = rayon::join(
        || build_read(s, &scopes, staging_opts),
        || build_read(p, &scopes, prod_opts),
    );
    crate::stage::done("normalized both sides", started);
    let (s, p) = (s?, p?);
    not_empty(&s, "staging", staging_opts)?;
    not_empty(&p, "prod", prod_opts)?;
    Ok((s, p))
}

/// A side that read no object at all is an error (unless `--allow-empty`): comparing it would
/// report everything as deleted, or nothing at all. Objects ignored on purpose, Nodes and an
/// incomplete live side do not count as empty.
fn not_empty(side: &Side, role: &str, opts: &LoadOptions) -> Result<(), Error> {
    let empty = side.objects.is_empty()
        && side.ignored.is_empty()
        && side.facts.nodes.is_empty()
        && side.coverage.gaps.is_empty();
    if !empty || opts.allow_empty {
        return Ok(());
    }
    let which = if role.is_empty() {
        "the side".to_string()
    } else {
        format!("the {role} side")
    };
    Err(Error::file(
        &side.source,
        format!(
            "{which} holds no Kubernetes object (empty input); pass --allow-empty if it is meant to be empty"
        ),
    ))
}

fn register(r: &Read, scopes: &mut ScopeTable) {
    match r {
        Read::Raw(raw) => raw.register_crds(scopes),
        Read::Live(l) => {
            l.register_scopes(scopes);
            l.raw.register_crds(scopes);
        }
        Read::Built(_) => {}
    }
}

fn build_read(r: Read, scopes: &ScopeTable, opts: &LoadOptions) -> Result<Side, Error> {
    match r {
        Read::Raw(raw) => build::build(raw, scopes, opts),
        Read::Built(side) => Ok(*side),
        Read::Live(l) => {
            let (raw, extras) = l.split();
            let mut side = build::build(raw, scopes, opts)?;
            extras.apply(&mut side);
            Ok(side)
        }
    }
}

/// Loads one side (for `snapshot`).
pub fn load_one(spec: &SideSpec, opts: &LoadOptions) -> Result<Side, Error> {
    load_one_with(spec, opts, &LiveOptions::default())
}

/// [`load_one`], with settings for a `context:` side.
pub fn load_one_with(
    spec: &SideSpec,
    opts: &LoadOptions,
    live: &LiveOptions,
) -> Result<Side, Error> {
    let started = start_live(spec, opts, &Arc::new(live.clone()));
    let r = read_one(spec, started, &opts.limits)?;
    let mut scopes = ScopeTable::default();
    register(&r, &mut scopes);
    let side = build_read(r, &scopes, opts)?;
    not_empty(&side, "", opts)?;
    Ok(side)
}
