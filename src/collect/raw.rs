//! The compact parse target: a Kubernetes document deserialized straight into what checkride
//! keeps. Server-populated bulk (`managedFields`, `status`, uid, …) is skipped while parsing
//! instead of being built into a tree and pruned later. Every value is read through
//! [`Checked`] (budgets, duplicate keys, numbers as kubectl reads them).

use super::checked::{self, Checked, Refusal, refuse};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// Kinds whose `status` carries facts we keep.
const KINDS_WITH_KEPT_STATUS: &[&str] = &["Node"];

/// A document as parsed: the top-level fields that steer loading, and the rest as JSON values.
#[derive(Debug, Default)]
pub(crate) struct RawDoc {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    pub metadata: Option<RawMeta>,
    /// `items` of a `kind: List` (or `*List`).
    pub items: Option<Vec<RawDoc>>,
    /// `status`, kept only for kinds that carry facts there.
    pub status: Option<Value>,
    /// Every other top-level field.
    pub rest: Map<String, Value>,
    /// The line this document starts on, relative to its YAML document, when the parser
    /// knows it (items of a YAML `List`).
    pub line: Option<u32>,
}

/// The parts of `metadata` that survive: everything server-populated is skipped by serde.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawMeta {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub generate_name: Option<String>,
    #[serde(default, deserialize_with = "checked::string_map")]
    pub labels: Option<BTreeMap<String, Value>>,
    #[serde(default, deserialize_with = "checked::string_map")]
    pub annotations: Option<BTreeMap<String, Value>>,
    #[serde(default)]
    pub owner_references: Option<Vec<OwnerRef>>,
    #[serde(default, deserialize_with = "checked::value_list")]
    pub finalizers: Option<Vec<Value>>,
}

/// An owner reference: only whether a controller owns the object matters.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OwnerRef {
    #[serde(default)]
    pub controller: Option<bool>,
}

impl RawDoc {
    /// True for `kind: List` and `kind: FooList` documents with `items`.
    pub fn is_list(&self) -> bool {
        self.items.is_some()
            && self
                .kind
                .as_deref()
                .is_some_and(|k| k == "List" || k.ends_with("List"))
    }

    /// True when no field was present (an empty or `null` document, which kubectl skips).
    pub fn is_empty(&self) -> bool {
        self.api_version.is_none()
            && self.kind.is_none()
            && self.metadata.is_none()
            && self.items.is_none()
            && self.status.is_none()
            && self.rest.is_empty()
    }

    /// The documents this one stands for: its items (recursively) for a list, else itself.
    pub fn count(&self) -> u64 {
        match &self.items {
            Some(items) if self.is_list() => items.iter().map(RawDoc::count).sum(),
            _ => 1,
        }
    }
}

enum Field {
    ApiVersion,
    Kind,
    Metadata,
    Items,
    Status,
    Other(String),
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl Visitor<'_> for FieldVisitor {
            type Value = Field;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Field, E> {
                Ok(match v {
                    "apiVersion" => Field::ApiVersion,
                    "kind" => Field::Kind,
                    "metadata" => Field::Metadata,
                    "items" => Field::Items,
                    "status" => Field::Status,
                    other => Field::Other(other.to_string()),
                })
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Field, E> {
                Ok(match v.as_str() {
                    "apiVersion" | "kind" | "metadata" | "items" | "status" => {
                        return self.visit_str(&v);
                    }
                    _ => Field::Other(v),
                })
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Field, E> {
                Ok(Field::Other(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Field, E> {
                Ok(Field::Other(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Field, E> {
                Ok(Field::Other(v.to_string()))
            }
        }
        d.deserialize_identifier(FieldVisitor)
    }
}

/// `status` is parsed only when the kind keeps it (or when the kind is not known yet).
struct StatusSeed<'a>(Option<&'a str>, Checked);

impl<'de> DeserializeSeed<'de> for StatusSeed<'_> {
    type Value = Option<Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        match self.0 {
            Some(kind) if !KINDS_WITH_KEPT_STATUS.contains(&kind) => {
                IgnoredAny::deserialize(d)?;
                Ok(None)
            }
            _ => self.1.deserialize(d).map(Some),
        }
    }
}

/// `items` is a list of documents; anything else under that name is kept as a plain value.
enum Items {
    Docs(Vec<RawDoc>),
    Other(Value),
}

/// The `items` of a document at `depth`: each item is a document nested two levels deeper,
/// charged against the side's documents.
struct ItemsSeed(Checked);

impl<'de> DeserializeSeed<'de> for ItemsSeed {
    type Value = Items;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Items, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemsSeed {
    type Value = Items;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of objects")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Items, A::Error> {
        let ctx = self.0.ctx;
        checked::check_depth(self.0.depth, &ctx)?;
        let mut docs = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        checked::set_depth(self.0.depth);
        loop {
            // Items of a YAML list know their line (for errors that name one item).
            let next = if ctx.yaml {
                seq.next_element::<serde_saphyr::Spanned<RawDoc>>()?
                    .map(|s| {
                        let mut doc = s.value;
                        let line = s.referenced.line();
                        doc.line = (line > 0).then(|| u32::try_from(line).unwrap_or(u32::MAX));
                        doc
                    })
            } else {
                seq.next_element::<RawDoc>()?
            };
            match next {
                // A nested list's own items were charged as they were read.
                Some(doc) if checked::take_items(u64::from(!doc.is_list())) => docs.push(doc),
                Some(_) => return Err(refuse(Refusal::Items)),
                None => break,
            }
        }
        checked::set_depth(self.0.depth - 2);
        Ok(Items::Docs(docs))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Items, E> {
        Ok(Items::Docs(Vec::new()))
    }
    fn visit_none<E: de::Error>(self) -> Result<Items, E> {
        Ok(Items::Docs(Vec::new()))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Items, E> {
        self.0.visit_bool(v).map(Items::Other)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Items, E> {
        self.0.visit_i64(v).map(Items::Other)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Items, E> {
        self.0.visit_u64(v).map(Items::Other)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Items, E> {
        self.0.visit_f64(v).map(Items::Other)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Items, E> {
        self.0.visit_str(v).map(Items::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Items, A::Error> {
        self.0.visit_map(map).map(Items::Other)
    }
}

/// A top-level field seen twice (`kind` in JSON, where the parser would keep the last).
fn once<T, E: de::Error>(slot: &Option<T>, name: &str) -> Result<(), E> {
    match slot {
        Some(_) => Err(refuse(Refusal::DuplicateKey(name.to_string()))),
        None => Ok(()),
    }
}

impl<'de> Deserialize<'de> for RawDoc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let ctx = checked::ctx();
        // This document's own mapping, and the values directly inside it.
        let depth = ctx.depth + 1;
        struct DocVisitor {
            inner: Checked,
        }
        impl<'de> Visitor<'de> for DocVisitor {
            type Value = RawDoc;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a Kubernetes object (a mapping with apiVersion and kind)")
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawDoc, E> {
                Ok(RawDoc::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<RawDoc, E> {
                Ok(RawDoc::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawDoc, A::Error> {
                let inner = self.inner;
                checked::check_depth(inner.depth - 1, &inner.ctx)?;
                let mut doc = RawDoc::default();
                while let Some(field) = map.next_key::<Field>()? {
                    match field {
                        Field::ApiVersion => {
                            once(&doc.api_version, "apiVersion")?;
                            doc.api_version = Some(map.next_value_seed(Text(inner))?);
                        }
                        Field::Kind => {
                            once(&doc.kind, "kind")?;
                            doc.kind = Some(map.next_value_seed(Text(inner))?);
                        }
                        Field::Metadata => {
                            once(&doc.metadata, "metadata")?;
                            doc.metadata = map.next_value()?;
                        }
                        Field::Items => {
                            if doc.items.is_some() || doc.rest.contains_key("items") {
                                return Err(refuse(Refusal::DuplicateKey("items".into())));
                            }
                            match map.next_value_seed(ItemsSeed(inner))? {
                                Items::Docs(items) => doc.items = Some(items),
                                Items::Other(v) => {
                                    doc.rest.insert("items".into(), v);
                                }
                            }
                        }
                        Field::Status => {
                            once(&doc.status, "status")?;
                            doc.status =
                                map.next_value_seed(StatusSeed(doc.kind.as_deref(), inner))?;
                        }
                        Field::Other(name) => {
                            let v = map.next_value_seed(inner)?;
                            checked::insert_unique(&mut doc.rest, name, v)?;
                        }
                    }
                }
                Ok(doc)
            }
        }
        d.deserialize_any(DocVisitor {
            inner: Checked {
                depth: depth + 1,
                ctx,
            },
        })
    }
}

/// `apiVersion` and `kind`: strings (a number or a mapping there is an error).
struct Text(Checked);

impl<'de> DeserializeSeed<'de> for Text {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        match self.0.deserialize(d)? {
            Value::String(s) => Ok(s),
            _ => Err(de::Error::custom("expected a string")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// managedFields and status are gone after parsing; spec survives; Node status survives.
    #[test]
    fn skips_server_bulk_while_parsing() {
        let json = r#"{"apiVersion":"v1","kind":"List","items":[
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","uid":"x",
             "managedFields":[{"manager":"kubectl"}],"labels":{"app":"a"}},
             "spec":{"replicas":2},"status":{"replicas":2}},
            {"kind":"Node","apiVersion":"v1","metadata":{"name":"n1"},"status":{"nodeInfo":{}}}]}"#;
        let doc: RawDoc = serde_json::from_str(json).unwrap();
        assert!(doc.is_list());
        let items = doc.items.unwrap();
        assert_eq!(items.len(), 2);
        assert!(items[0].status.is_none());
        assert_eq!(items[0].rest["spec"]["replicas"], 2);
        assert_eq!(
            items[0].metadata.as_ref().unwrap().name.as_deref(),
            Some("a")
        );
        assert!(items[1].status.is_some());
    }

    /// A status that comes before kind is kept for later decision rather than lost.
    #[test]
    fn status_before_kind_is_kept() {
        let doc: RawDoc =
            serde_json::from_str(r#"{"status":{"a":1},"kind":"Node","apiVersion":"v1"}"#).unwrap();
        assert!(doc.status.is_some());
    }
}
