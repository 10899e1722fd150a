//! Text → raw documents. JSON (one value, a List, or a stream of objects) and multi-document
//! YAML. Errors name file, line and column and never quote the input: it may be a Secret.

use super::raw::RawDoc;
use crate::error::Error;
use rayon::prelude::*;

/// A parsed document and the 1-based line it starts on (when known).
pub(crate) struct ParsedDoc {
    pub doc: RawDoc,
    pub line: Option<u32>,
}

/// Input format, by extension or by sniffing stdin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Yaml,
}

impl Format {
    /// JSON when the first non-blank character opens an object or array, else YAML.
    pub fn sniff(text: &str) -> Format {
        match text.trim_start().as_bytes().first() {
            Some(b'{') | Some(b'[') => Format::Json,
            _ => Format::Yaml,
        }
    }
}

/// Parses a whole file's text.
pub(crate) fn parse(file: &str, text: &str, format: Format) -> Result<Vec<ParsedDoc>, Error> {
    match format {
        Format::Json => parse_json(file, text),
        Format::Yaml => parse_yaml(file, text),
    }
}

fn parse_json(file: &str, text: &str) -> Result<Vec<ParsedDoc>, Error> {
    let mut out = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<RawDoc>();
    let mut line = 1u32;
    let mut counted_to = 0usize;
    loop {
        // The document starts at the first non-blank byte after the previous one.
        let start = stream.byte_offset();
        let skip = text[start..]
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(text.len() - start);
        let doc_start = start + skip;
        line += text.as_bytes()[counted_to..doc_start.min(text.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u32;
        counted_to = doc_start.min(text.len());
        match stream.next() {
            None => break,
            Some(Ok(doc)) => out.push(ParsedDoc {
                doc,
                line: Some(line),
            }),
            Some(Err(e)) => {
                return Err(Error::input(
                    file,
                    Some(e.line() as u64),
                    Some(e.column() as u64),
                    format!("invalid JSON: {}", json_error_kind(&e)),
                ));
            }
        }
    }
    Ok(out)
}

/// serde_json's message without its "at line X column Y" tail (we print our own) and without
/// any quoted input.
fn json_error_kind(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax => "syntax error".to_string(),
        Category::Eof => "unexpected end of file".to_string(),
        Category::Data => "a value has the wrong type for a Kubernetes object".to_string(),
        Category::Io => "read error".to_string(),
    }
}

/// One YAML document's text and the line it starts on.
struct Piece<'a> {
    text: &'a str,
    first_line: u32,
}

/// Splits a multi-document YAML stream at `---` lines so documents parse in parallel and each
/// knows its starting line.
fn split_documents(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1u32;
    let mut offset = 0usize;
    for (line_no, line) in (1u32..).zip(text.split_inclusive('\n')) {
        let trimmed = line.trim_end_matches(['\n', '\r']);
        let is_separator = trimmed == "---"
            || trimmed.starts_with("--- ")
            || trimmed.starts_with("---\t")
            || trimmed == "...";
        if is_separator {
            pieces.push(Piece {
                text: &text[start..offset],
                first_line: start_line,
            });
            // Content after `--- ` on the same line (e.g. `--- # comment`) stays with the next doc.
            let rest = &trimmed[3.min(trimmed.len())..];
            if trimmed != "..." && !rest.trim().is_empty() && !rest.trim_start().starts_with('#') {
                start = offset + 3;
                start_line = line_no;
            } else {
                start = offset + line.len();
                start_line = line_no + 1;
            }
        }
        offset += line.len();
    }
    pieces.push(Piece {
        text: &text[start..],
        first_line: start_line,
    });
    pieces.retain(|p| !is_blank_yaml(p.text));
    pieces
}

fn is_blank_yaml(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t.starts_with('%')
    })
}

fn yaml_options() -> serde_saphyr::Options {
    // Budgets guard against YAML bombs; a 50k-document dump is not one.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = usize::MAX;
    budget.max_nodes = usize::MAX;
    budget.max_documents = usize::MAX;
    budget.max_total_scalar_bytes = usize::MAX;
    budget.max_reader_input_bytes = None;
    serde_saphyr::options! {
        budget: Some(budget),
        with_snippet: false,
    }
}

fn parse_yaml(file: &str, text: &str) -> Result<Vec<ParsedDoc>, Error> {
    let pieces = split_documents(text);
    let parsed: Vec<Result<ParsedDoc, Error>> = pieces
        .par_iter()
        .map(|piece| {
            serde_saphyr::from_str_with_options::<RawDoc>(piece.text, yaml_options())
                .map(|doc| ParsedDoc {
                    doc,
                    line: Some(piece.first_line),
                })
                .map_err(|e| yaml_error(file, piece.first_line, &e))
        })
        .collect();
    parsed.into_iter().collect()
}

fn yaml_error(file: &str, first_line: u32, e: &serde_saphyr::Error) -> Error {
    let (line, column) = match e.location() {
        Some(loc) if loc.line() > 0 => {
            (Some(first_line as u64 + loc.line() - 1), Some(loc.column()))
        }
        _ => (Some(first_line as u64), None),
    };
    Error::input(
        file,
        line,
        column,
        format!("invalid YAML: {}", yaml_error_kind(e)),
    )
}

/// The error's first line, with anything quoted removed (it may be secret input).
fn yaml_error_kind(e: &serde_saphyr::Error) -> String {
    let msg = e.to_string();
    let first = msg.lines().next().unwrap_or("parse error");
    let mut out = String::new();
    let mut in_quote: Option<char> = None;
    for c in first.chars() {
        match in_quote {
            Some(q) if c == q => in_quote = None,
            Some(_) => {}
            None if c == '`' || c == '"' || c == '\'' => {
                in_quote = Some(c);
                out.push('…');
            }
            None => out.push(c),
        }
    }
    // Drop serde-saphyr's own location suffix; we print file:line:column ourselves.
    let cleaned = match out.find(" at line ") {
        Some(i) => out[..i].to_string(),
        None => out,
    };
    cleaned.trim().trim_end_matches(':').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Documents split at `---` keep their starting line; blank documents disappear.
    #[test]
    fn yaml_documents_know_their_line() {
        let text = "# header\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n";
        let docs = parse("f.yaml", text, Format::Yaml).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].line, Some(3));
        assert_eq!(docs[1].line, Some(9));
        assert_eq!(docs[1].doc.kind.as_deref(), Some("Secret"));
    }

    /// A YAML error names the line in the whole file and quotes nothing.
    #[test]
    fn yaml_error_has_file_line_and_no_input() {
        let text = "apiVersion: v1\nkind: Secret\n---\napiVersion: v1\nkind: Secret\nstringData:\n  password: \"hunter2-secret\n  x: [\n";
        let err = parse("s.yaml", text, Format::Yaml)
            .err()
            .unwrap()
            .to_string();
        assert!(err.starts_with("s.yaml:"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        let line: u64 = err.split(':').nth(1).unwrap().parse().unwrap();
        assert!(line >= 4, "{err}");
    }

    /// JSON streams of several objects parse, with the line of each.
    #[test]
    fn json_stream_and_errors() {
        let docs = parse(
            "x.json",
            "{\"kind\":\"A\"}\n\n{\"kind\":\"B\"}",
            Format::Json,
        )
        .unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].line, Some(3));
        let err = parse("x.json", "{\"kind\":\n \"sk_live_abc", Format::Json)
            .err()
            .unwrap()
            .to_string();
        assert!(err.starts_with("x.json:2:"), "{err}");
        assert!(!err.contains("sk_live"), "{err}");
    }
}
