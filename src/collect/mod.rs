//! The only code that reads manifests, dumps and snapshots (and, in `live`, clusters).

pub mod build;
pub mod files;
pub mod kustomize;
pub(crate) mod parse;
pub(crate) mod raw;
pub mod scope;
pub mod snapshot_io;

pub use build::LoadOptions;
pub use files::SideSpec;

use crate::error::Error;
use crate::model::Side;
use build::RawSide;
use scope::ScopeTable;
use std::sync::Arc;

/// A side read from its source: either raw manifests (built once both sides' CRDs are known)
/// or an already normalized snapshot.
pub(crate) enum Read {
    Raw(RawSide),
    Built(Box<Side>),
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
        SideSpec::Context(name) => {
            return Err(Error::Usage(format!(
                "context:{name}: this build of checkride reads manifests and snapshots; live clusters are read by `checkride snapshot context:…` in builds with the live collector"
            )));
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
    if *staging == SideSpec::Stdin && *prod == SideSpec::Stdin {
        return Err(Error::Usage(
            "only one side can be read from standard input (`-`)".into(),
        ));
    }
    let (s, p) = rayon::join(|| read_side(staging), || read_side(prod));
    let (s, p) = (s?, p?);
    let mut scopes = ScopeTable::default();
    for r in [&s, &p] {
        if let Read::Raw(raw) = r {
            raw.register_crds(&mut scopes);
        }
    }
    let finish = |r: Read, opts: &LoadOptions| match r {
        Read::Raw(raw) => build::build(raw, &scopes, opts),
        Read::Built(side) => Ok(*side),
    };
    let (s, p) = rayon::join(|| finish(s, staging_opts), || finish(p, prod_opts));
    Ok((s?, p?))
}

/// Loads one side (for `snapshot`).
pub fn load_one(spec: &SideSpec, opts: &LoadOptions) -> Result<Side, Error> {
    match read_side(spec)? {
        Read::Built(side) => Ok(*side),
        Read::Raw(raw) => {
            let mut scopes = ScopeTable::default();
            raw.register_crds(&mut scopes);
            build::build(raw, &scopes, opts)
        }
    }
}
