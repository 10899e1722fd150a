//! The rule file as written: serde structs with `deny_unknown_fields` and source locations.
//! `load` validates them into [`super::Rule`]s.

use super::keys::Shape;
use crate::model::ClusterFacts;
use serde::Deserialize;
use serde_json::Value;
use serde_saphyr::Spanned;

/// The shape of a rule file: every key it may hold, nested.
pub(crate) const RULE_SHAPE: Shape = Shape::Map(&[
    ("id", Shape::Any),
    ("title", Shape::Any),
    ("category", Shape::Any),
    ("verdict", Shape::Any),
    ("severity", Shape::Any),
    ("status", Shape::Any),
    ("enabled", Shape::Any),
    ("match", MATCH_SHAPE),
    ("when", Shape::Any),
    ("staging_says", Shape::Any),
    ("prod_might_say", Shape::Any),
    ("rationale", Shape::Any),
    ("examples", Shape::List(&EXAMPLE_SHAPE)),
    ("overrides", Shape::Any),
    ("replaced_by", Shape::Any),
]);
const MATCH_SHAPE: Shape = Shape::Map(&[
    ("kinds", Shape::Any),
    ("names", Shape::Any),
    ("namespaces", Shape::Any),
    ("path", Shape::Any),
    ("object", Shape::Any),
    ("change", Shape::Any),
]);
const EXAMPLE_SHAPE: Shape = Shape::Map(&[
    ("name", Shape::Any),
    ("expect", Shape::Any),
    ("path", Shape::Any),
    ("staging", Shape::Any),
    ("prod", Shape::Any),
    (
        "facts",
        Shape::Map(&[("staging", Shape::Any), ("prod", Shape::Any)]),
    ),
]);

/// A string or a list of strings.
#[derive(Debug, Clone, Default)]
pub(crate) struct OneOrMany(pub Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut s: A,
            ) -> Result<OneOrMany, A::Error> {
                let mut out = Vec::new();
                while let Some(x) = s.next_element::<String>()? {
                    out.push(x);
                }
                Ok(OneOrMany(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A rule file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    pub id: Option<Spanned<String>>,
    pub title: Option<Spanned<String>>,
    pub category: Option<Spanned<String>>,
    pub verdict: Option<Spanned<String>>,
    pub severity: Option<Spanned<String>>,
    pub status: Option<Spanned<String>>,
    pub enabled: Option<bool>,
    #[serde(rename = "match")]
    pub match_: Option<Spanned<RawMatch>>,
    pub when: Option<Spanned<String>>,
    pub staging_says: Option<Spanned<String>>,
    pub prod_might_say: Option<Spanned<String>>,
    pub rationale: Option<Spanned<String>>,
    #[serde(default)]
    pub examples: Vec<Spanned<RawExample>>,
    /// Rule ids this rule outranks when both match.
    pub overrides: Option<Spanned<OneOrMany>>,
    /// A retired rule's successor.
    pub replaced_by: Option<Spanned<String>>,
}

/// `match:`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMatch {
    pub kinds: Option<Spanned<OneOrMany>>,
    pub names: Option<Spanned<OneOrMany>>,
    pub namespaces: Option<Spanned<OneOrMany>>,
    pub path: Option<Spanned<OneOrMany>>,
    pub object: Option<bool>,
    pub change: Option<Spanned<OneOrMany>>,
}

/// One example.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExample {
    pub name: Option<String>,
    pub expect: Spanned<String>,
    pub path: Option<String>,
    #[serde(default)]
    pub staging: Vec<Value>,
    #[serde(default)]
    pub prod: Vec<Value>,
    pub facts: Option<RawExampleFacts>,
}

/// An example's cluster facts, per side.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExampleFacts {
    pub staging: Option<ClusterFacts>,
    pub prod: Option<ClusterFacts>,
}
