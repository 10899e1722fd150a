//! Entry points of the `cargo fuzz` targets in `fuzz/` and of `tests/fuzz_corpus.rs`, which
//! replays their seeds and every crash they ever found. Each takes arbitrary bytes, runs one
//! reader of untrusted input the way a command does, and must return (an `Err` is fine) without
//! panicking, looping or allocating without bound. Not an API: hidden from the docs.

use crate::collect::Limits;
use crate::collect::build::{self, LoadOptions, RawSide};
use crate::collect::parse::{self, Format, SideBudget};
use crate::collect::scope::ScopeTable;
use crate::normalize::secrets::Fingerprinter;
use std::sync::Arc;

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

fn options() -> LoadOptions {
    LoadOptions::new("default", Fingerprinter::from_secret("fuzz"))
}

/// Parses a manifest file and normalizes it into a side, as `compare DIR` does.
fn manifests(data: &[u8], file: &str, format: Format) {
    let Some(text) = text(data) else { return };
    let limits = Limits::default();
    let Ok(docs) = parse::parse(file, text, format, &SideBudget::new(&limits, file)) else {
        return;
    };
    let name: Arc<str> = Arc::from(file);
    let raw = RawSide {
        source: file.to_string(),
        docs: docs.into_iter().map(|d| (name.clone(), d)).collect(),
        skipped_files: Vec::new(),
    };
    let mut scopes = ScopeTable::default();
    raw.register_crds(&mut scopes);
    let _ = build::build(raw, &scopes, &options());
}

/// A YAML manifest file (multi-document, Lists, CRDs).
pub fn manifests_yaml(data: &[u8]) {
    manifests(data, "fuzz.yaml", Format::Yaml);
}

/// A JSON manifest file (one value, a List, or a stream of objects).
pub fn manifests_json(data: &[u8]) {
    manifests(data, "fuzz.json", Format::Json);
}

/// A `kind: Snapshot` file; when it loads, it is written back out and read again, and the two
/// reads must agree (a snapshot is a round-trippable contract).
pub fn snapshot(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let Ok(side) = crate::collect::snapshot_io::read("fuzz.json", text) else {
        return;
    };
    let written = crate::collect::snapshot_io::write(&side, true);
    let again = crate::collect::snapshot_io::read("again.json", &written)
        .unwrap_or_else(|e| panic!("a written snapshot must read back: {e}"));
    assert_eq!(
        side.objects.len(),
        again.objects.len(),
        "a snapshot keeps its objects through write and read"
    );
}

/// A rule file: parsed, validated, its CEL and templates compiled, as `--rules DIR` does.
pub fn rule(data: &[u8]) {
    let Some(text) = text(data) else { return };
    // Named after its own `id:` so validation goes past the file-name check.
    let stem = text
        .lines()
        .find_map(|l| l.strip_prefix("id:"))
        .map(|id| id.trim().to_string())
        .unwrap_or_else(|| "fuzz-rule".into());
    let source = crate::rules::load::RuleSource {
        file: format!("rules/fuzz/{stem}.yaml"),
        stem,
        folder: "fuzz".into(),
        text: text.to_string(),
        builtin: false,
    };
    let _ = crate::rules::RuleSet::from_sources(vec![source]);
}

/// A rule file when the first byte is even, a waivers file when odd; the rest is the text.
pub fn rules_or_waivers(data: &[u8]) {
    match data.split_first() {
        Some((b, rest)) if b % 2 == 0 => rule(rest),
        Some((_, rest)) => waivers(rest),
        None => {}
    }
}

/// A waivers file.
pub fn waivers(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let _ = crate::rules::Waivers::parse("waivers.yaml", text);
}

/// One request to `serve`: the first line is `METHOD TARGET` (path and query), the second,
/// when present, the `Accept` header. Answered from a small fixed snapshot; must answer with
/// a status, never panic. Selector text that parses must print back to an equal selector.
pub fn serve_request(data: &[u8]) {
    let Some(text) = text(data) else { return };
    crate::serve::fuzz_one(text);
    selector(data);
}

/// Selector text alone: parsing never panics, and what parses prints (kube-core's `Display`)
/// to text that parses to the same selector.
pub fn selector(data: &[u8]) {
    let Some(text) = text(data) else { return };
    if let Ok(sel) = crate::model::selector::parse(text) {
        let printed = sel.to_string();
        let again = crate::model::selector::parse(&printed)
            .unwrap_or_else(|e| panic!("`{printed}` (printed from `{text}`) must parse: {e}"));
        assert_eq!(again, sel, "`{text}` → `{printed}` must read back the same");
    }
}
