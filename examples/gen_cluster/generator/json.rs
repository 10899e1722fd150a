//! JSON writer: compact, keys sorted (independent of serde_json's `preserve_order` feature).

use std::io::{self, Write};
use std::sync::LazyLock;

use serde_json::{Map, Value};

/// Writes `v` as compact JSON with sorted keys.
pub(super) fn write_json<W: Write>(out: &mut W, v: &Value) -> io::Result<()> {
    match v {
        Value::Object(m) => {
            out.write_all(b"{")?;
            for (i, (key, child)) in sorted_entries(m).enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                serde_json::to_writer(&mut *out, key).map_err(io::Error::other)?;
                out.write_all(b":")?;
                write_json(out, child)?;
            }
            out.write_all(b"}")
        }
        Value::Array(items) => {
            out.write_all(b"[")?;
            for (i, child) in items.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                write_json(out, child)?;
            }
            out.write_all(b"]")
        }
        scalar => serde_json::to_writer(&mut *out, scalar).map_err(io::Error::other),
    }
}

/// Entries in key order. Without serde_json's `preserve_order` feature (this crate) `Map` is a
/// `BTreeMap` and already iterates sorted; with it (a crate that enables the feature) we sort.
pub(super) fn sorted_entries(m: &Map<String, Value>) -> impl Iterator<Item = (&String, &Value)> {
    static MAP_IS_SORTED: LazyLock<bool> = LazyLock::new(|| {
        let mut probe = Map::new();
        probe.insert("b".into(), Value::Null);
        probe.insert("a".into(), Value::Null);
        probe.keys().next().is_some_and(|k| k == "a")
    });
    let (direct, sorted) = if *MAP_IS_SORTED {
        (Some(m.iter()), None)
    } else {
        let mut entries: Vec<_> = m.iter().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        (None, Some(entries))
    };
    direct
        .into_iter()
        .flatten()
        .chain(sorted.into_iter().flatten())
}

/// `v` as compact JSON with sorted keys, in a string.
pub(super) fn compact_json(v: &Value) -> String {
    let mut buf = Vec::new();
    write_json(&mut buf, v).expect("writing to a Vec cannot fail");
    String::from_utf8(buf).expect("JSON is UTF-8")
}
