//! The history folder: one `run-<time>.json` file per run, written atomically, read back sorted
//! by run time. Other files in the folder (the HTML report, a README) are left alone.

use crate::error::Error;
use crate::model::API_VERSION;
use crate::model::drift::{RUN_KIND, Run};
use std::path::{Path, PathBuf};

/// Reads every stored run in `dir`, oldest first. A missing folder holds no runs.
pub fn load(dir: &Path) -> Result<Vec<Run>, Error> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(Error::file(
                dir.display().to_string(),
                format!("cannot read the history folder: {e}"),
            ));
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| is_run_file(p))
        .collect();
    files.sort();
    let mut runs = Vec::with_capacity(files.len());
    for path in files {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Error::file(&name, format!("cannot read: {e}")))?;
        let run: Run = serde_json::from_str(&text).map_err(|e| {
            Error::input(
                &name,
                Some(e.line() as u64),
                Some(e.column() as u64),
                "not a stored checkride run (delete or move the file)",
            )
        })?;
        if run.api_version != API_VERSION || run.kind != RUN_KIND {
            return Err(Error::file(
                &name,
                format!("not a {RUN_KIND} of version {API_VERSION}"),
            ));
        }
        let at = crate::clock::parse(&run.at)
            .map_err(|m| Error::file(&name, format!("field `at`: {m}")))?;
        runs.push((at, path, run));
    }
    runs.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    Ok(runs.into_iter().map(|(_, _, r)| r).collect())
}

fn is_run_file(p: &Path) -> bool {
    p.is_file()
        && p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("run-") && n.ends_with(".json"))
}

/// Stores a run as `run-<time>.json` (a `-N` suffix when that name is taken), without its
/// sentences ([`Run::for_storage`]); returns the path.
pub fn store(dir: &Path, run: &Run) -> Result<PathBuf, Error> {
    let shown = dir.display().to_string();
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::file(&shown, format!("cannot create the history folder: {e}")))?;
    let stem: String = run
        .at
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut path = dir.join(format!("run-{stem}.json"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("run-{stem}-{n}.json"));
        n += 1;
    }
    let mut text = serde_json::to_string_pretty(&run.for_storage())
        .map_err(|e| Error::Other(format!("cannot encode the run: {e}")))?;
    text.push('\n');
    let tmp = dir.join(format!(
        ".{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("run")
    ));
    let write = |p: &Path| std::fs::write(p, &text);
    write(&tmp)
        .and_then(|_| std::fs::rename(&tmp, &path))
        .map_err(|e| Error::file(path.display().to_string(), format!("cannot write: {e}")))?;
    Ok(path)
}
