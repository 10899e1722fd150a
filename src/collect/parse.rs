//! Text → raw documents. JSON (one value, a List, or a stream of objects) and multi-document
//! YAML, read within the budgets (alias expansion, documents, depth, string size). Errors name
//! file, line and column, in our own words, and never quote the input: it may be a Secret.

use super::aliases;
use super::checked::{self, Ctx, Refusal};
use super::limits::{Limit, Limits};
use super::raw::RawDoc;
use crate::error::Error;
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};

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
        match text
            .trim_start_matches(['\u{feff}'])
            .trim_start()
            .as_bytes()
            .first()
        {
            Some(b'{') | Some(b'[') => Format::Json,
            _ => Format::Yaml,
        }
    }
}

/// The budgets the files of one side are read under, and the documents read so far.
pub(crate) struct SideBudget<'a> {
    limits: &'a Limits,
    /// The side, as named on the command line (documents are counted per side).
    side: &'a str,
    docs: AtomicU64,
}

impl<'a> SideBudget<'a> {
    /// Nothing read yet.
    pub fn new(limits: &'a Limits, side: &'a str) -> Self {
        SideBudget {
            limits,
            side,
            docs: AtomicU64::new(0),
        }
    }

    /// The side holds more documents than it may: named on the side, so that the error does
    /// not depend on which of its files was read last.
    fn too_many(&self) -> Error {
        Error::file(
            self.side,
            Limit::Documents.text(self.limits(), "more documents than one side may hold"),
        )
    }

    fn limits(&self) -> &Limits {
        self.limits
    }

    /// The budgets of the next document.
    fn ctx(&self, yaml: bool) -> Ctx {
        let l = self.limits();
        Ctx {
            depth: 0,
            max_depth: l.depth,
            max_string: l.string_bytes,
            items_left: l
                .documents
                .saturating_sub(self.docs.load(Ordering::Relaxed)),
            yaml,
        }
    }

    /// Charges `n` documents to the side.
    fn charge(&self, n: u64) -> Result<(), Error> {
        let total = self.docs.fetch_add(n, Ordering::Relaxed).saturating_add(n);
        if total > self.limits().documents {
            return Err(self.too_many());
        }
        Ok(())
    }
}

/// Parses a whole file's text. `null` and empty documents are skipped, as kubectl skips them.
pub(crate) fn parse(
    file: &str,
    text: &str,
    format: Format,
    sb: &SideBudget,
) -> Result<Vec<ParsedDoc>, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        Format::Json => parse_json(file, text, sb),
        Format::Yaml => parse_yaml(file, text, sb),
    }
}

fn parse_json(file: &str, text: &str, sb: &SideBudget) -> Result<Vec<ParsedDoc>, Error> {
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
        let (next, refusal) = checked::with_ctx(sb.ctx(false), || {
            let next = stream.next();
            (next, checked::take_refusal())
        });
        match next {
            None => break,
            Some(Ok(doc)) if doc.is_empty() => {}
            Some(Ok(doc)) => {
                sb.charge(doc.count())?;
                out.push(ParsedDoc {
                    doc,
                    line: Some(line),
                });
            }
            Some(Err(_)) if refusal == Some(Refusal::Items) => return Err(sb.too_many()),
            Some(Err(e)) => return Err(json_error(file, &e, refusal, sb.limits())),
        }
    }
    Ok(out)
}

/// A JSON error in our words: the refusal behind it, or serde_json's category (its own messages
/// can quote the input).
fn json_error(file: &str, e: &serde_json::Error, refusal: Option<Refusal>, l: &Limits) -> Error {
    let (line, column) = (Some(e.line() as u64), Some(e.column() as u64));
    if let Some(r) = refusal {
        return refusal_error(file, line, column, &r, l);
    }
    let text = e.to_string();
    let message = if text.starts_with("recursion limit exceeded") {
        "mappings and lists nested deeper than the JSON reader allows (128 levels)".to_string()
    } else if let Some(field) = duplicate_field(&text) {
        duplicate_message(field)
    } else {
        use serde_json::error::Category;
        match e.classify() {
            Category::Syntax => "invalid JSON: syntax error".to_string(),
            Category::Eof => "invalid JSON: unexpected end of file".to_string(),
            Category::Data => {
                "invalid JSON: a value has the wrong type for a Kubernetes object".to_string()
            }
            Category::Io => "invalid JSON: read error".to_string(),
        }
    };
    Error::input(file, line, column, message)
}

/// The field of serde's "duplicate field `name`" (a field name, never a value).
fn duplicate_field(message: &str) -> Option<&str> {
    let rest = message.split("duplicate field `").nth(1)?;
    rest.split('`').next()
}

fn duplicate_message(key: &str) -> String {
    let shown: String = key.chars().take(64).collect();
    let more = if shown.len() < key.len() { "…" } else { "" };
    format!("duplicate key `{shown}{more}`: a key may appear once in a mapping")
}

/// A refused document, in words that name the limit (or the duplicate key).
pub(crate) fn refusal_text(r: &Refusal, l: &Limits) -> String {
    match r {
        Refusal::DuplicateKey(k) => duplicate_message(k),
        Refusal::Depth => Limit::Depth.text(l, "mappings and lists nested too deep"),
        Refusal::String(n) => Limit::StringBytes.text(l, &format!("a string of {n} bytes")),
        Refusal::Items => Limit::Documents.text(l, "more documents than one side may hold"),
    }
}

fn refusal_error(
    file: &str,
    line: Option<u64>,
    column: Option<u64>,
    r: &Refusal,
    l: &Limits,
) -> Error {
    let column = match r {
        Refusal::DuplicateKey(_) => column,
        _ => None,
    };
    Error::input(file, line, column, refusal_text(r, l))
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

fn yaml_options(l: &Limits) -> serde_saphyr::Options {
    // Our own budgets (aliases counted before parsing, documents, depth, strings) come first;
    // the parser's are a backstop. A 50k-document dump is not a bomb.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = usize::MAX;
    budget.max_nodes = usize::MAX;
    budget.max_documents = usize::MAX;
    budget.max_total_scalar_bytes = usize::MAX;
    budget.max_reader_input_bytes = None;
    budget.max_depth = l.depth as usize + 2;
    let mut aliases = serde_saphyr::options::AliasLimits::default();
    aliases.max_total_replayed_events =
        usize::try_from(l.alias_nodes_per_file.saturating_mul(4)).unwrap_or(usize::MAX);
    serde_saphyr::options! {
        budget: Some(budget),
        alias_limits: aliases,
        // YAML 1.1 integers, as kubectl reads them: `0400` is 256.
        legacy_octal_numbers: true,
        with_snippet: false,
    }
}

fn parse_yaml(file: &str, text: &str, sb: &SideBudget) -> Result<Vec<ParsedDoc>, Error> {
    let pieces = split_documents(text);
    if pieces.len() as u64 > sb.limits().documents {
        return Err(sb.too_many());
    }
    let parsed: Vec<Result<Option<ParsedDoc>, Error>> = pieces
        .par_iter()
        .map(|piece| parse_piece(file, piece, sb))
        .collect();
    parsed.into_iter().filter_map(Result::transpose).collect()
}

/// Parses one YAML document (its aliases were charged by [`alias_counts`] beforehand).
fn parse_piece(file: &str, piece: &Piece, sb: &SideBudget) -> Result<Option<ParsedDoc>, Error> {
    let (parsed, refusal) = checked::with_ctx(sb.ctx(true), || {
        let r =
            serde_saphyr::from_str_with_options::<RawDoc>(piece.text, yaml_options(sb.limits()));
        (r, checked::take_refusal())
    });
    let mut doc = match parsed {
        Ok(doc) => doc,
        Err(_) if refusal == Some(Refusal::Items) => return Err(sb.too_many()),
        Err(e) => return Err(yaml_error(file, piece.first_line, &e, refusal, sb.limits())),
    };
    if doc.is_empty() {
        return Ok(None);
    }
    shift_item_lines(&mut doc, piece.first_line - 1);
    sb.charge(doc.count())?;
    Ok(Some(ParsedDoc {
        doc,
        line: Some(piece.first_line),
    }))
}

/// Item lines are relative to their YAML document; make them lines of the file.
fn shift_item_lines(doc: &mut RawDoc, by: u32) {
    for item in doc.items.iter_mut().flatten() {
        item.line = item.line.map(|l| l.saturating_add(by));
        shift_item_lines(item, by);
    }
}

/// What the aliases of each YAML document of a file add, in document order: `(line, nodes)`
/// for each document that adds any. A document that alone adds more than a file may hold is
/// an error at the alias that passes the limit.
pub(crate) fn alias_counts(file: &str, text: &str, l: &Limits) -> Result<Vec<(u32, u64)>, Error> {
    let pieces = split_documents(text);
    let counted: Vec<Result<Option<(u32, u64)>, Error>> = pieces
        .par_iter()
        .filter(|p| aliases::may_expand(p.text))
        .map(
            |p| match aliases::added_nodes(p.text, l.alias_nodes_per_file) {
                Ok(Some(n)) if n > 0 => Ok(Some((p.first_line, n))),
                Ok(_) => Ok(None),
                Err(over) => Err(Limit::AliasNodesPerFile.error(
                    l,
                    file,
                    Some(u64::from(p.first_line) + over.line.saturating_sub(1)),
                    "YAML aliases expand past what one file may hold",
                )),
            },
        )
        .collect();
    counted.into_iter().filter_map(Result::transpose).collect()
}

fn yaml_error(
    file: &str,
    first_line: u32,
    e: &serde_saphyr::Error,
    refusal: Option<Refusal>,
    l: &Limits,
) -> Error {
    let (line, column) = match e.location() {
        Some(loc) if loc.line() > 0 => {
            (Some(first_line as u64 + loc.line() - 1), Some(loc.column()))
        }
        _ => (Some(first_line as u64), None),
    };
    if let Some(r) = refusal {
        return refusal_error(file, line, column, &r, l);
    }
    match super::yaml_errors::describe(e) {
        super::yaml_errors::Described::Depth => {
            refusal_error(file, line, column, &Refusal::Depth, l)
        }
        super::yaml_errors::Described::Aliases => Limit::AliasNodesPerFile.error(
            l,
            file,
            line,
            "YAML aliases expand past what one file may hold",
        ),
        super::yaml_errors::Described::Text(message) => {
            Error::input(file, line, column, format!("invalid YAML: {message}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses with the default budgets (or `limits`).
    fn parse_with(
        file: &str,
        text: &str,
        format: Format,
        limits: &Limits,
    ) -> Result<Vec<ParsedDoc>, Error> {
        let sb = SideBudget::new(limits, file);
        super::parse(file, text, format, &sb)
    }

    fn parse(file: &str, text: &str, format: Format) -> Result<Vec<ParsedDoc>, Error> {
        parse_with(file, text, format, &Limits::default())
    }

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
