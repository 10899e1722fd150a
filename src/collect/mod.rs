//! The only code that reads manifests, dumps and snapshots (and, in `live`, clusters).

pub mod build;
pub mod files;
pub mod kustomize;
pub mod live;
pub(crate) mod parse;
pub(crate) mod raw;
pub mod scope;
pub mod snapshot_io;

pub use build::LoadOptions;
pub use files::SideSpec;
pub use live::{LiveOptions, SecretsMode};

use crate::error::Error;
use crate::model::Side;
use build::RawSide;
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
        ))),
        _ => None,
    }
}

fn finish_read(spec: &SideSpec, started: Option<Started>) -> Result<Read, Error> {
    match started {
        Some(handle) => match live::runtime().block_on(handle) {
            Ok(r) => r.map(|l| Read::Live(Box::new(l))),
            Err(e) => Err(Error::Other(format!(
                "{}: collection stopped unexpectedly: {e}",
                spec.display()
            ))),
        },
        None => read_side(spec),
    }
}

/// Reads a side's source.
pub(crate) fn read_side(spec: &SideSpec) -> Result<Read, Error> {
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
                default_namespace: "default".into(),
                fingerprinter: crate::normalize::secrets::Fingerprinter::from_env(),
            };
            let started = start_live(spec, &opts, &Arc::new(LiveOptions::default()));
            return finish_read(spec, started);
        }
        SideSpec::Kustomize(dir) => (vec![kustomize::render(dir)?], Vec::new()),
    };
    if inputs.len() == 1 && files::looks_like_snapshot(&inputs[0].text) {
        return snapshot_io::read(&inputs[0].name, &inputs[0].text)
            .map(|s| Read::Built(Box::new(s)));
    }
    let parsed = files::parse_files(&inputs)?;
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
    let (s, p) = rayon::join(|| finish_read(staging, ls), || finish_read(prod, lp));
    let (s, p) = (Parsed(s?), Parsed(p?));
    crate::stage::done("read and parsed both sides", started);
    build_pair(s, p, staging_opts, prod_opts)
}

/// A side read and parsed, not yet normalized: the first half of [`load_pair`].
pub struct Parsed(Read);

/// Reads and parses a file or folder side (not `context:`), without normalizing it.
pub fn parse_side(spec: &SideSpec) -> Result<Parsed, Error> {
    read_side(spec).map(Parsed)
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
    Ok((s?, p?))
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
    let r = finish_read(spec, started)?;
    let mut scopes = ScopeTable::default();
    register(&r, &mut scopes);
    build_read(r, &scopes, opts)
}
