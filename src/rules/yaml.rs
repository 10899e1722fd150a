//! Reading a YAML file the compiler way: every unknown key first (all at once, with lines),
//! then serde with `deny_unknown_fields`; errors carry file, line and field.

use super::keys::{self, Node};
use crate::error::Error;

/// Collects the errors of one file.
pub(crate) struct Problems<'a> {
    file: &'a str,
    pub errors: Vec<Error>,
}

impl<'a> Problems<'a> {
    pub fn new(file: &'a str) -> Self {
        Problems {
            file,
            errors: Vec::new(),
        }
    }

    /// An error at a line (0 = unknown), about a field.
    pub fn at(&mut self, line: u64, field: &str, message: impl std::fmt::Display) {
        let line = (line > 0).then_some(line);
        self.errors.push(Error::input(
            self.file,
            line,
            None,
            format!("`{field}`: {message}"),
        ));
    }
}

/// Parses YAML into `T` (`deny_unknown_fields`). When that fails, a second pass over the keys
/// reports *every* unknown key with its line; only when there is none is serde's error shown.
pub(crate) fn parse_checked<T: serde::de::DeserializeOwned>(
    text: &str,
    shape: &keys::Shape,
    p: &mut Problems,
) -> Option<T> {
    let err = match serde_saphyr::from_str::<T>(text) {
        Ok(v) => return Some(v),
        Err(e) => e,
    };
    if let Ok(node) = serde_saphyr::from_str::<Node>(text) {
        for e in keys::check(&node, shape) {
            p.at(e.line, &e.field, e.message);
        }
    }
    if p.errors.is_empty() {
        p.errors.push(yaml_error(p.file, &err));
    }
    None
}

fn yaml_error(file: &str, e: &serde_saphyr::Error) -> Error {
    let msg = e.to_string();
    let first = msg.lines().next().unwrap_or("invalid YAML");
    let first = first.split(" at line ").next().unwrap_or(first);
    let first = first.trim_start_matches("error: ");
    // serde-saphyr may prefix its own "line L column C: "; we print file:line:column already.
    let first = match first.strip_prefix("line ").and_then(|r| r.split_once(": ")) {
        Some((_, rest)) => rest,
        None => first,
    };
    let (line, col) = match e.location() {
        Some(l) if l.line() > 0 => (Some(l.line()), Some(l.column())),
        _ => (None, None),
    };
    Error::input(file, line, col, first.trim().to_string())
}
