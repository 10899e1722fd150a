//! Redaction of a whole object body, at the innermost value: Secret data and annotations become
//! fingerprints; elsewhere values under secret-named keys (or env entries) are fingerprinted
//! whole, flag values in argument lists are, and every other string keeps all but the secrets
//! [`scan`](super::scan::scan) finds in it.

use super::Fingerprinter;
use super::names::is_secret_name_in;
use super::patterns::Span;
use super::policy::{Policy, policy};
use super::scan::{self, scan};
use super::token::is_token;
use base64::Engine;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Detector ids of the structural detectors.
pub(crate) const KEY_NAME: &str = "key-name";
/// See [`KEY_NAME`].
pub(crate) const SECRET_DATA: &str = "secret-data";
/// See [`KEY_NAME`].
pub(crate) const SECRET_ANNOTATION: &str = "secret-annotation";

/// Redactions made, counted per detector (pattern ids and the structural detectors).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally(pub BTreeMap<&'static str, u64>);

impl Tally {
    fn add(&mut self, detector: &'static str, n: u64) {
        if n > 0 {
            *self.0.entry(detector).or_default() += n;
        }
    }

    /// Takes back another tally's counts (values that were tokens already).
    pub(crate) fn take_back(&mut self, other: &Tally) {
        for (detector, n) in &other.0 {
            if let Some(c) = self.0.get_mut(detector) {
                *c = c.saturating_sub(*n);
                if *c == 0 {
                    self.0.remove(detector);
                }
            }
        }
    }

    /// Adds another tally.
    pub fn merge(&mut self, other: &Tally) {
        for (k, v) in &other.0 {
            self.add(k, *v);
        }
    }

    /// The counts with owned keys (for the model).
    pub fn to_map(&self) -> BTreeMap<String, u64> {
        self.0.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }
}

/// A value's token; a value that already is one token (read back from a snapshot or from
/// `checkride serve`) stays as it is, so normalizing twice changes nothing.
fn token_once(fp: &Fingerprinter, bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) if is_token(text) => text.to_string(),
        _ => fp.token(bytes),
    }
}

/// Annotation key prefixes of Secrets whose values are names, never values (kept, but still
/// scanned like any string).
const SECRET_ANNOTATIONS_KEPT: &[&str] = &[
    "kubernetes.io/service-account.",
    "cert-manager.io/",
    "replicator.v1.mittwald.de/",
    "reflector.v1.k8s.emberstack.com/",
    "sealedsecrets.bitnami.com/",
    "helm.sh/",
    "meta.helm.sh/",
    "tekton.dev/",
];

/// True when a Secret's annotation keeps its (scanned) value.
pub fn kept_secret_annotation(key: &str) -> bool {
    SECRET_ANNOTATIONS_KEPT.iter().any(|p| key.starts_with(p))
}

/// Top-level fields of a Secret that hold no value (`data`/`stringData` maps are handled first).
const SECRET_FIELDS: &[&str] = &["apiVersion", "kind", "metadata", "type", "immutable"];

/// Turns a Secret's `data` (base64) and `stringData` into one `data` map of tokens, and its
/// annotations (any of which may copy a value: `kapp.k14s.io/original`, a note) into tokens.
pub fn fingerprint_secret(fp: &Fingerprinter, body: &mut Map<String, Value>) -> Tally {
    let mut tally = Tally::default();
    let mut merged = Map::new();
    if let Some(Value::Object(data)) = body.get("data") {
        let data = data.clone();
        body.remove("data");
        for (k, v) in data {
            let bytes = match &v {
                Value::String(s) => base64::engine::general_purpose::STANDARD
                    .decode(s.trim())
                    .unwrap_or_else(|_| s.as_bytes().to_vec()),
                other => other.to_string().into_bytes(),
            };
            merged.insert(k, Value::String(token_once(fp, &bytes)));
        }
    }
    if let Some(Value::Object(data)) = body.get("stringData") {
        let data = data.clone();
        body.remove("stringData");
        for (k, v) in data {
            let bytes = match &v {
                Value::String(s) => s.as_bytes().to_vec(),
                other => other.to_string().into_bytes(),
            };
            merged.insert(k, Value::String(token_once(fp, &bytes)));
        }
    }
    // Anything else a Secret carries outside its known fields (`data` that is not a map, a
    // misspelt `stringdata:`, an unknown field) may hold a value: fingerprinted whole.
    let mut other = 0;
    for (k, v) in body.iter_mut() {
        if SECRET_FIELDS.contains(&k.as_str()) || v.is_null() {
            continue;
        }
        let text = match &*v {
            Value::String(s) => s.clone(),
            o => o.to_string(),
        };
        *v = Value::String(token_once(fp, text.as_bytes()));
        other += 1;
    }
    tally.add(SECRET_DATA, merged.len() as u64 + other);
    if !merged.is_empty() {
        body.insert("data".into(), Value::Object(merged));
    }
    if let Some(Value::Object(meta)) = body.get_mut("metadata")
        && let Some(Value::Object(notes)) = meta.get_mut("annotations")
    {
        let n = mask_secret_annotations(notes.iter_mut(), |b| token_once(fp, b));
        tally.add(SECRET_ANNOTATION, n);
    }
    tally
}

/// How many of the values [`fingerprint_secret`] counts are tokens already in `body` (a Secret
/// read back from a snapshot): they were counted by the run that made them.
pub(crate) fn tokens_held(body: &Map<String, Value>) -> Tally {
    let token = |v: &Value| v.as_str().is_some_and(is_token);
    let mut data = 0;
    for (k, v) in body {
        match (k.as_str(), v) {
            ("data" | "stringData", Value::Object(m)) => {
                data += m.values().filter(|v| token(v)).count() as u64;
            }
            (k, v) if !SECRET_FIELDS.contains(&k) && token(v) => data += 1,
            _ => {}
        }
    }
    let notes = body
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(Value::as_object)
        .map_or(0, |a| {
            a.iter()
                .filter(|(k, v)| !kept_secret_annotation(k) && token(v))
                .count() as u64
        });
    let mut t = Tally::default();
    t.add(SECRET_DATA, data);
    t.add(SECRET_ANNOTATION, notes);
    t
}

/// Replaces the values of a Secret's annotations (all but the name-only ones) with `with(value)`;
/// returns how many. Used on manifests and on live pages as they are read.
pub fn mask_secret_annotations<'a>(
    notes: impl Iterator<Item = (&'a String, &'a mut Value)>,
    with: impl Fn(&[u8]) -> String,
) -> u64 {
    let mut n = 0;
    for (k, v) in notes {
        if kept_secret_annotation(k) {
            continue;
        }
        let text = match &*v {
            Value::String(s) => s.clone(),
            Value::Null => continue,
            other => other.to_string(),
        };
        if text.is_empty() {
            continue;
        }
        *v = Value::String(with(text.as_bytes()));
        n += 1;
    }
    n
}

/// Redacts secret-looking literals anywhere in a non-Secret body (and the rest of a Secret).
pub fn redact_tree(fp: &Fingerprinter, map: &mut Map<String, Value>) -> Tally {
    let mut tally = Tally::default();
    walk_map(policy(), fp, map, &mut tally);
    tally
}

fn walk_map(p: &'static Policy, fp: &Fingerprinter, map: &mut Map<String, Value>, t: &mut Tally) {
    // Env-style entries: {name: DB_PASSWORD, value: "..."} (also `key:`).
    let entry_secret = ["name", "key"].iter().any(|k| {
        map.get(*k)
            .and_then(Value::as_str)
            .is_some_and(|n| is_secret_name_in(p, n))
    });
    for (k, v) in map.iter_mut() {
        let secret = (entry_secret && k == "value") || is_secret_name_in(p, k);
        walk_value(p, fp, secret, v, t);
    }
}

fn walk_value(p: &'static Policy, fp: &Fingerprinter, secret: bool, v: &mut Value, t: &mut Tally) {
    match v {
        Value::String(s) if secret => secret_string(p, fp, s, t),
        Value::String(s) => {
            redact_in_place(p, fp, s, t);
        }
        Value::Number(n) if secret && !p.allows(&n.to_string()) => {
            *v = Value::String(fp.token(n.to_string().as_bytes()));
            t.add(KEY_NAME, 1);
        }
        Value::Object(m) => walk_map(p, fp, m, t),
        Value::Array(items) => {
            flag_pairs(p, fp, items, t);
            for item in items.iter_mut() {
                walk_value(p, fp, secret, item, t);
            }
        }
        _ => {}
    }
}

/// A value under a secret name: a URL or connection string keeps its other parts when a
/// credential component is found in it; any other value is fingerprinted whole.
fn secret_string(p: &'static Policy, fp: &Fingerprinter, s: &mut String, t: &mut Tally) {
    if s.trim().is_empty() || is_token(s) || p.allows(s) {
        return;
    }
    let structured = s.contains("://") || (s.contains('=') && s.contains(';'));
    if structured && redact_in_place(p, fp, s, t) {
        return;
    }
    *s = fp.token(s.as_bytes());
    t.add(KEY_NAME, 1);
}

/// `["--token", "VALUE"]`: the element after a secret-named flag is a secret.
fn flag_pairs(p: &'static Policy, fp: &Fingerprinter, items: &mut [Value], t: &mut Tally) {
    for i in 1..items.len() {
        let flag = match &items[i - 1] {
            Value::String(f) if f.starts_with('-') && !f.contains('=') => f.trim_start_matches('-'),
            _ => continue,
        };
        if flag.is_empty() || !is_secret_name_in(p, flag) {
            continue;
        }
        if let Value::String(s) = &mut items[i]
            && !s.starts_with('-')
            && !s.is_empty()
            && !is_token(s)
            && !p.allows(s)
        {
            *s = fp.token(s.as_bytes());
            t.add(scan::FLAG_VALUE, 1);
        }
    }
}

/// Replaces the secrets found in `s` with tokens. True when something was replaced.
fn redact_in_place(p: &'static Policy, fp: &Fingerprinter, s: &mut String, t: &mut Tally) -> bool {
    let spans = scan(p, s);
    if spans.is_empty() {
        return false;
    }
    *s = replace(s, &spans, |v| fp.token(v.as_bytes()), t);
    true
}

/// `text` with each span replaced by `with(span text)`, counted per detector.
pub(crate) fn replace(
    text: &str,
    spans: &[Span],
    with: impl Fn(&str) -> String,
    t: &mut Tally,
) -> String {
    let mut out = String::with_capacity(text.len() + spans.len() * 48);
    let mut at = 0;
    for s in spans {
        out.push_str(&text[at..s.start]);
        out.push_str(&with(&text[s.start..s.end]));
        t.add(s.detector, 1);
        at = s.end;
    }
    out.push_str(&text[at..]);
    out
}
