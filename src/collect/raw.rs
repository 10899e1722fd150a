//! The compact parse target: a Kubernetes document deserialized straight into what checkride
//! keeps. Server-populated bulk (`managedFields`, `status`, uid, …) is skipped while parsing
//! instead of being built into a tree and pruned later.

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
    #[serde(default)]
    pub labels: Option<BTreeMap<String, Value>>,
    #[serde(default)]
    pub annotations: Option<BTreeMap<String, Value>>,
    #[serde(default)]
    pub owner_references: Option<Vec<OwnerRef>>,
    #[serde(default)]
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

    /// True when no field was present (an empty YAML document).
    pub fn is_empty(&self) -> bool {
        self.api_version.is_none()
            && self.kind.is_none()
            && self.metadata.is_none()
            && self.items.is_none()
            && self.rest.is_empty()
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
struct StatusSeed<'a>(Option<&'a str>);

impl<'de> DeserializeSeed<'de> for StatusSeed<'_> {
    type Value = Option<Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        match self.0 {
            Some(kind) if !KINDS_WITH_KEPT_STATUS.contains(&kind) => {
                IgnoredAny::deserialize(d)?;
                Ok(None)
            }
            _ => Value::deserialize(d).map(Some),
        }
    }
}

/// `items` is a list of documents; anything else under that name is kept as a plain value.
enum Items {
    Docs(Vec<RawDoc>),
    Other(Value),
}

impl<'de> Deserialize<'de> for Items {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ItemsVisitor;
        impl<'de> Visitor<'de> for ItemsVisitor {
            type Value = Items;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of objects")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Items, A::Error> {
                let mut docs = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(doc) = seq.next_element::<RawDoc>()? {
                    docs.push(doc);
                }
                Ok(Items::Docs(docs))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Items, E> {
                Ok(Items::Docs(Vec::new()))
            }
            fn visit_none<E: de::Error>(self) -> Result<Items, E> {
                Ok(Items::Docs(Vec::new()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Items, E> {
                Ok(Items::Other(Value::String(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Items, E> {
                Ok(Items::Other(Value::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Items, E> {
                Ok(Items::Other(Value::from(v)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Items, E> {
                Ok(Items::Other(Value::Bool(v)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Items, A::Error> {
                let v = Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Items::Other(v))
            }
        }
        d.deserialize_any(ItemsVisitor)
    }
}

impl<'de> Deserialize<'de> for RawDoc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct DocVisitor;
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
                let mut doc = RawDoc::default();
                while let Some(field) = map.next_key::<Field>()? {
                    match field {
                        Field::ApiVersion => doc.api_version = map.next_value()?,
                        Field::Kind => doc.kind = map.next_value()?,
                        Field::Metadata => doc.metadata = map.next_value()?,
                        Field::Items => match map.next_value::<Items>()? {
                            Items::Docs(items) => doc.items = Some(items),
                            Items::Other(v) => {
                                doc.rest.insert("items".into(), v);
                            }
                        },
                        Field::Status => {
                            doc.status = map.next_value_seed(StatusSeed(doc.kind.as_deref()))?;
                        }
                        Field::Other(name) => {
                            let v: Value = map.next_value()?;
                            doc.rest.insert(name, v);
                        }
                    }
                }
                Ok(doc)
            }
        }
        d.deserialize_map(DocVisitor)
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
