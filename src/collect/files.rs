//! Side specifications and reading files: a folder (recursive), a file, `-` for stdin.

use super::parse::{self, Format, ParsedDoc, SideBudget};
use crate::error::Error;
use rayon::prelude::*;
use std::io::Read;
use std::path::{Path, PathBuf};

/// What a side argument names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SideSpec {
    /// A folder or a file of manifests, dumps or a snapshot.
    Path(PathBuf),
    /// Standard input.
    Stdin,
    /// A kubeconfig context (live cluster).
    Context(String),
    /// A kustomize overlay rendered with `kubectl kustomize`.
    Kustomize(PathBuf),
}

impl SideSpec {
    /// Parses the grammar `DIR | FILE | - | context:NAME | kustomize:DIR`.
    pub fn parse(s: &str) -> Result<SideSpec, Error> {
        if s == "-" {
            return Ok(SideSpec::Stdin);
        }
        if let Some(name) = s.strip_prefix("context:") {
            if name.is_empty() {
                return Err(Error::Usage(
                    "`context:` needs a context name, e.g. context:prod".into(),
                ));
            }
            return Ok(SideSpec::Context(name.to_string()));
        }
        if let Some(dir) = s.strip_prefix("kustomize:") {
            return Ok(SideSpec::Kustomize(PathBuf::from(dir)));
        }
        Ok(SideSpec::Path(PathBuf::from(s)))
    }

    /// How the side is named in reports.
    pub fn display(&self) -> String {
        match self {
            SideSpec::Path(p) => p.display().to_string(),
            SideSpec::Stdin => "-".into(),
            SideSpec::Context(c) => format!("context:{c}"),
            SideSpec::Kustomize(p) => format!("kustomize:{}", p.display()),
        }
    }
}

/// A file's text, read whole.
pub(crate) struct InputFile {
    pub name: String,
    pub text: String,
    pub format: Format,
}

fn format_of(path: &Path) -> Option<Format> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("json") => Some(Format::Json),
        Some("yaml") | Some("yml") => Some(Format::Yaml),
        _ => None,
    }
}

/// Kustomize's own config files: not objects.
fn is_kustomize_config(path: &Path) -> bool {
    matches!(
        path.file_name().and_then(|n| n.to_str()),
        Some("kustomization.yaml" | "kustomization.yml" | "Kustomization")
    )
}

/// Lists the manifest files of a path, sorted, and the kustomize config files skipped.
pub(crate) fn discover(path: &Path) -> Result<(Vec<PathBuf>, Vec<PathBuf>), Error> {
    let meta = std::fs::metadata(path).map_err(|e| {
        Error::file(
            path.display().to_string(),
            format!("cannot read: {}", io_reason(&e)),
        )
    })?;
    if meta.is_file() {
        return Ok((vec![path.to_path_buf()], Vec::new()));
    }
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for entry in walkdir::WalkDir::new(path)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| {
            let p = e
                .path()
                .map_or(path.display().to_string(), |p| p.display().to_string());
            Error::file(
                p,
                format!(
                    "cannot read: {}",
                    e.io_error().map_or("loop in links".to_string(), io_reason)
                ),
            )
        })?;
        let hidden = entry.depth() > 0
            && entry
                .file_name()
                .to_str()
                .is_some_and(|n| n.starts_with('.'));
        if hidden || !entry.file_type().is_file() {
            continue;
        }
        let p = entry.path();
        if format_of(p).is_none() {
            continue;
        }
        if is_kustomize_config(p) {
            skipped.push(p.to_path_buf());
        } else {
            files.push(p.to_path_buf());
        }
    }
    Ok((files, skipped))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Reads files (in parallel).
pub(crate) fn read_files(paths: &[PathBuf]) -> Result<Vec<InputFile>, Error> {
    paths
        .par_iter()
        .map(|p| {
            let name = p.display().to_string();
            let bytes = std::fs::read(p)
                .map_err(|e| Error::file(&name, format!("cannot read: {}", io_reason(&e))))?;
            let text = String::from_utf8(bytes).map_err(|e| {
                Error::file(
                    &name,
                    format!(
                        "not UTF-8 text (invalid byte at offset {})",
                        e.utf8_error().valid_up_to()
                    ),
                )
            })?;
            let format = format_of(p).unwrap_or_else(|| Format::sniff(&text));
            Ok(InputFile { name, text, format })
        })
        .collect()
}

/// Reads standard input.
pub(crate) fn read_stdin() -> Result<InputFile, Error> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Error::file("-", format!("cannot read standard input: {e}")))?;
    let format = Format::sniff(&text);
    Ok(InputFile {
        name: "-".into(),
        text,
        format,
    })
}

/// Parses every file (in parallel), keeping file order, within the side's budgets.
pub(crate) fn parse_files(
    files: &[InputFile],
    budget: &SideBudget,
) -> Result<Vec<(usize, Vec<ParsedDoc>)>, Error> {
    files
        .par_iter()
        .enumerate()
        .map(|(i, f)| parse::parse(&f.name, &f.text, f.format, budget).map(|d| (i, d)))
        .collect()
}

/// True when a file's text is a checkride snapshot (checked on its first bytes only).
pub(crate) fn looks_like_snapshot(text: &str) -> bool {
    let head: String = text.chars().take(512).collect();
    head.contains("checkride.dev/") && head.contains("Snapshot")
}
