//! Reading and writing `kind: Snapshot` documents. Writing is deterministic, so loading a
//! snapshot and writing it again changes nothing.

use super::raw::RawDoc;
use crate::error::Error;
use crate::model::{
    API_VERSION, ApiResource, ClusterFacts, Coverage, Object, ObjectKey, Origin, Side,
    split_api_version,
};
use crate::normalize::secrets::{self, Fingerprinter, Tally, drop_fingerprints};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

/// The snapshot header as read; objects parse straight into the compact form.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SnapshotIn {
    api_version: String,
    kind: String,
    source: String,
    captured_at: String,
    tool_version: String,
    #[serde(default)]
    fingerprint_key_id: Option<String>,
    #[serde(default)]
    facts: ClusterFacts,
    #[serde(default)]
    api_resources: Vec<ApiResource>,
    coverage: Coverage,
    #[serde(default)]
    ignored: BTreeMap<String, usize>,
    objects: Vec<RawDoc>,
}

/// Loads a snapshot file's text into a side. Objects are already normalized, but a snapshot is
/// input like any other (hand-made, old, edited): every object and every free-text field is
/// checked for secrets again, and what is found is redacted and counted.
pub(crate) fn read(file: &str, text: &str) -> Result<Side, Error> {
    let mut side = read_unchecked(file, text)?;
    recheck(&mut side, &Fingerprinter::from_env());
    Ok(side)
}

/// The redaction pass of loading, run again on a snapshot's objects and header.
fn recheck(side: &mut Side, fp: &Fingerprinter) {
    let mut tally = Tally::default();
    for o in &mut side.objects {
        tally.merge(&secrets::protect_again(
            fp,
            &o.key.group,
            &o.key.kind,
            &mut o.body,
        ));
    }
    for (k, n) in tally.to_map() {
        *side.coverage.redactions.entry(k).or_default() += n;
    }
    let clean = |s: &mut String| {
        if let std::borrow::Cow::Owned(r) = secrets::redact_text(s) {
            *s = r;
        }
    };
    clean(&mut side.source);
    side.coverage.assumptions.iter_mut().for_each(clean);
    side.coverage
        .gaps
        .iter_mut()
        .for_each(|g| clean(&mut g.reason));
    for (mut why, n) in std::mem::take(&mut side.ignored) {
        clean(&mut why);
        *side.ignored.entry(why).or_default() += n;
    }
}

fn read_unchecked(file: &str, text: &str) -> Result<Side, Error> {
    let snap: SnapshotIn = serde_json::from_str(text).map_err(|e| {
        Error::input(
            file,
            Some(e.line() as u64),
            Some(e.column() as u64),
            format!("invalid snapshot: {}", strip_location(&e)),
        )
    })?;
    if snap.api_version != API_VERSION || snap.kind != "Snapshot" {
        return Err(Error::file(
            file,
            format!("not a checkride snapshot of version {API_VERSION}"),
        ));
    }
    let file: Arc<str> = Arc::from(file);
    let mut objects = Vec::with_capacity(snap.objects.len());
    for (i, doc) in snap.objects.into_iter().enumerate() {
        let fail = |m: &str| Error::file(file.to_string(), format!("object #{}: {m}", i + 1));
        let api_version = doc.api_version.ok_or_else(|| fail("no apiVersion"))?;
        let kind = doc.kind.ok_or_else(|| fail("no kind"))?;
        let meta = doc.metadata.ok_or_else(|| fail("no metadata"))?;
        let name = meta.name.ok_or_else(|| fail("no metadata.name"))?;
        let mut body = doc.rest;
        let mut m = Map::new();
        if let Some(l) = meta.labels {
            m.insert("labels".into(), Value::Object(l.into_iter().collect()));
        }
        if let Some(a) = meta.annotations {
            m.insert("annotations".into(), Value::Object(a.into_iter().collect()));
        }
        if let Some(f) = meta.finalizers {
            m.insert("finalizers".into(), Value::Array(f));
        }
        if !m.is_empty() {
            body.insert("metadata".into(), Value::Object(m));
        }
        let (group, _) = split_api_version(&api_version);
        objects.push(Object {
            key: ObjectKey {
                group: group.to_string(),
                kind,
                namespace: meta.namespace,
                name,
            },
            api_version: api_version.clone(),
            body,
            origin: Origin {
                file: file.clone(),
                line: None,
            },
        });
    }
    objects.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(Side {
        source: snap.source,
        captured_at: snap.captured_at,
        tool_version: snap.tool_version,
        fingerprint_key_id: snap.fingerprint_key_id,
        facts: snap.facts,
        api_resources: snap.api_resources,
        coverage: snap.coverage,
        ignored: snap.ignored,
        objects,
    })
}

fn strip_location(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.find(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Writes a side as a snapshot: a header field per line, one object per line, all keys sorted.
/// Fingerprints are kept only when `keep_fingerprints` (the key is persistent).
pub fn write(side: &Side, keep_fingerprints: bool) -> String {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Header<'a> {
        api_version: &'a str,
        kind: &'a str,
        source: &'a str,
        captured_at: &'a str,
        tool_version: &'a str,
        fingerprint_key_id: Option<&'a str>,
        facts: &'a ClusterFacts,
        api_resources: &'a [ApiResource],
        coverage: &'a Coverage,
        ignored: &'a BTreeMap<String, usize>,
    }
    let header = Header {
        api_version: API_VERSION,
        kind: "Snapshot",
        source: &side.source,
        captured_at: &side.captured_at,
        tool_version: &side.tool_version,
        fingerprint_key_id: if keep_fingerprints {
            side.fingerprint_key_id.as_deref()
        } else {
            None
        },
        facts: &side.facts,
        api_resources: &side.api_resources,
        coverage: &side.coverage,
        ignored: &side.ignored,
    };
    let mut out = String::with_capacity(side.objects.len() * 1024 + 4096);
    out.push_str("{\n");
    let Value::Object(fields) = serde_json::to_value(&header).unwrap_or_default() else {
        unreachable!("a struct serializes to an object")
    };
    // Keep the documented field order (apiVersion and kind first, so snapshots are recognizable).
    for name in [
        "apiVersion",
        "kind",
        "source",
        "capturedAt",
        "toolVersion",
        "fingerprintKeyId",
        "facts",
        "apiResources",
        "coverage",
        "ignored",
    ] {
        let v = &fields[name];
        let _ = writeln!(
            out,
            "  \"{name}\": {},",
            serde_json::to_string(v).unwrap_or_default()
        );
    }
    out.push_str("  \"objects\": [");
    for (i, o) in side.objects.iter().enumerate() {
        let mut m = o.to_manifest();
        if !keep_fingerprints {
            drop_fingerprints(&mut m);
        }
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        out.push_str(&serde_json::to_string(&m).unwrap_or_default());
    }
    out.push_str(if side.objects.is_empty() {
        "]\n}\n"
    } else {
        "\n  ]\n}\n"
    });
    out
}
