//! Values read the way kubectl reads them, within the budgets: every mapping, sequence and string
//! of a document goes through [`Checked`], which refuses nesting past `--max-depth`, strings past
//! `--max-string-bytes`, lists past `--max-documents` and a key given twice (JSON, like YAML),
//! and turns numbers into what kubectl's JSON would hold (`3.0` → `3`; integers past `i64` →
//! floats). The checks are a comparison per node: no extra pass over the input.
//!
//! The budgets of the document being read sit in a thread-local [`Ctx`] (each document is parsed
//! on one thread, start to end); a refusal is recorded there too, so the caller can word it
//! instead of showing the parser's message.

use super::limits::Limits;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt;

/// The budgets of the document being read, and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ctx {
    /// Containers enclosing the next document to start (0 at the top of a file).
    pub depth: u32,
    /// `--max-depth`.
    pub max_depth: u32,
    /// `--max-string-bytes`.
    pub max_string: u64,
    /// Documents (list items) the side may still take.
    pub items_left: u64,
    /// The input is YAML (keys may be numbers or booleans; items know their line).
    pub yaml: bool,
}

impl Ctx {
    /// The default budgets, for values read outside a budgeted parse.
    pub const DEFAULT: Ctx = Ctx {
        depth: 0,
        max_depth: Limits::DEFAULT.depth,
        max_string: Limits::DEFAULT.string_bytes,
        items_left: Limits::DEFAULT.documents,
        yaml: false,
    };
}

/// Why a document was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Nesting deeper than `--max-depth`.
    Depth,
    /// A string of this many bytes.
    String(usize),
    /// More list items than the side may hold.
    Items,
    /// A key given twice in one mapping.
    DuplicateKey(String),
}

thread_local! {
    static CTX: Cell<Ctx> = const { Cell::new(Ctx::DEFAULT) };
    static REFUSED: RefCell<Option<Refusal>> = const { RefCell::new(None) };
}

/// Runs `f` (one parse) with `ctx` as the budgets; clears any earlier refusal first.
pub(crate) fn with_ctx<R>(ctx: Ctx, f: impl FnOnce() -> R) -> R {
    REFUSED.with(|r| r.borrow_mut().take());
    let before = CTX.replace(ctx);
    let out = f();
    CTX.set(before);
    out
}

/// The budgets in force on this thread.
pub(crate) fn ctx() -> Ctx {
    CTX.get()
}

/// Sets the containers enclosing the next document (list items are nested documents).
pub(crate) fn set_depth(depth: u32) {
    let mut c = CTX.get();
    c.depth = depth;
    CTX.set(c);
}

/// Charges `n` list items; false when the side has no room for them.
pub(crate) fn take_items(n: u64) -> bool {
    let mut c = CTX.get();
    if n > c.items_left {
        return false;
    }
    c.items_left -= n;
    CTX.set(c);
    true
}

/// The refusal behind the last parse error on this thread, if it was one.
pub(crate) fn take_refusal() -> Option<Refusal> {
    REFUSED.with(|r| r.borrow_mut().take())
}

/// Records a refusal and returns the error that stops the parser.
pub(crate) fn refuse<E: de::Error>(r: Refusal) -> E {
    let msg = match &r {
        Refusal::Depth => "nested too deep".to_string(),
        Refusal::String(n) => format!("a string of {n} bytes"),
        Refusal::Items => "too many documents".to_string(),
        Refusal::DuplicateKey(k) => format!("duplicate key {k}"),
    };
    REFUSED.with(|slot| *slot.borrow_mut() = Some(r));
    E::custom(msg)
}

fn check_string<E: de::Error>(s: &str, ctx: &Ctx) -> Result<(), E> {
    if s.len() as u64 > ctx.max_string {
        return Err(refuse(Refusal::String(s.len())));
    }
    Ok(())
}

/// Checks that a container at `depth` is allowed.
pub(crate) fn check_depth<E: de::Error>(depth: u32, ctx: &Ctx) -> Result<(), E> {
    if depth > ctx.max_depth {
        return Err(refuse(Refusal::Depth));
    }
    Ok(())
}

/// A JSON value read within the budgets; `depth` is the nesting of a container read here.
#[derive(Clone, Copy)]
pub(crate) struct Checked {
    pub depth: u32,
    pub ctx: Ctx,
}

/// A float as kubectl's JSON holds it: whole numbers are integers.
pub(crate) fn number_from_f64(f: f64) -> Value {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53: every integer below is exact
    if f.is_finite() && f.fract() == 0.0 && f.abs() <= EXACT {
        return Value::Number(Number::from(f as i64));
    }
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

impl<'de> DeserializeSeed<'de> for Checked {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Checked {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        // kubectl reads integers past int64 as float64.
        if v > i64::MAX as u64 {
            return Ok(number_from_f64(v as f64));
        }
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(number_from_f64(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        check_string(v, &self.ctx)?;
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        check_string(&v, &self.ctx)?;
        Ok(Value::String(v))
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        check_depth(self.depth, &self.ctx)?;
        let inner = Checked {
            depth: self.depth + 1,
            ctx: self.ctx,
        };
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(v) = seq.next_element_seed(inner)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        check_depth(self.depth, &self.ctx)?;
        let inner = Checked {
            depth: self.depth + 1,
            ctx: self.ctx,
        };
        let mut out = Map::new();
        while let Some(k) = map.next_key_seed(Key(self.ctx))? {
            let v = map.next_value_seed(inner)?;
            insert_unique(&mut out, k, v)?;
        }
        Ok(Value::Object(out))
    }
}

/// Inserts a key once; a second time is a refusal (kubectl would silently keep the last).
pub(crate) fn insert_unique<E: de::Error>(
    m: &mut Map<String, Value>,
    k: String,
    v: Value,
) -> Result<(), E> {
    use serde_json::map::Entry;
    match m.entry(k) {
        Entry::Vacant(e) => {
            e.insert(v);
            Ok(())
        }
        Entry::Occupied(e) => Err(refuse(Refusal::DuplicateKey(e.key().clone()))),
    }
}

/// A mapping key. In YAML, kubectl turns a plain `true`/`yes`, `0x10` or `1.5` key into the
/// text of the value it reads (`"true"`, `"16"`, `"1.5"`).
pub(crate) struct Key(pub Ctx);

impl<'de> DeserializeSeed<'de> for Key {
    type Value = String;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        if self.0.yaml {
            d.deserialize_any(self)
        } else {
            d.deserialize_string(self)
        }
    }
}

impl Visitor<'_> for Key {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        check_string(v, &self.0)?;
        Ok(v.to_string())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        check_string(&v, &self.0)?;
        Ok(v)
    }
    fn visit_bool<E>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E>(self, v: f64) -> Result<String, E> {
        Ok(match number_from_f64(v) {
            Value::Number(n) => n.to_string(),
            _ => v.to_string(),
        })
    }
    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".to_string())
    }
}

/// `labels` and `annotations`: a mapping of checked values (or nothing).
pub(crate) fn string_map<'de, D: de::Deserializer<'de>>(
    d: D,
) -> Result<Option<BTreeMap<String, Value>>, D::Error> {
    struct V(Ctx);
    impl<'de> Visitor<'de> for V {
        type Value = Option<BTreeMap<String, Value>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a mapping")
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            // metadata (depth + 1) holds this mapping (depth + 2).
            let here = self.0.depth + 3;
            check_depth(here, &self.0)?;
            let inner = Checked {
                depth: here + 1,
                ctx: self.0,
            };
            let mut out = BTreeMap::new();
            while let Some(k) = map.next_key_seed(Key(self.0))? {
                let v = map.next_value_seed(inner)?;
                if out.contains_key(&k) {
                    return Err(refuse(Refusal::DuplicateKey(k)));
                }
                out.insert(k, v);
            }
            Ok(Some(out))
        }
    }
    d.deserialize_option(V(ctx()))
}

/// `finalizers`: a list of checked values (or nothing).
pub(crate) fn value_list<'de, D: de::Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<Value>>, D::Error> {
    let c = ctx();
    let seed = Checked {
        depth: c.depth + 3,
        ctx: c,
    };
    match seed.deserialize(d)? {
        Value::Null => Ok(None),
        Value::Array(a) => Ok(Some(a)),
        _ => Err(de::Error::custom("finalizers must be a list")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, ctx: Ctx) -> (Result<Value, serde_json::Error>, Option<Refusal>) {
        with_ctx(ctx, || {
            let seed = Checked { depth: 1, ctx };
            let r = seed.deserialize(&mut serde_json::Deserializer::from_str(text));
            (r, take_refusal())
        })
    }

    /// Depth, string size and duplicate keys are refused, and the refusal is recorded.
    #[test]
    fn refuses_past_the_budgets() {
        let ctx = Ctx {
            max_depth: 3,
            max_string: 5,
            ..Ctx::DEFAULT
        };
        assert!(read(r#"{"a":[{"b":1}]}"#, ctx).0.is_ok());
        assert_eq!(read(r#"{"a":[{"b":[1]}]}"#, ctx).1, Some(Refusal::Depth));
        assert_eq!(read(r#"{"a":"123456"}"#, ctx).1, Some(Refusal::String(6)));
        assert_eq!(read(r#"{"123456":1}"#, ctx).1, Some(Refusal::String(6)));
        assert_eq!(
            read(r#"{"a":1,"a":2}"#, ctx).1,
            Some(Refusal::DuplicateKey("a".into()))
        );
        assert_eq!(read(r#"{"a":"12345"}"#, ctx).1, None);
    }

    /// Numbers come out as kubectl's JSON holds them.
    #[test]
    fn numbers_as_kubectl_reads_them() {
        let (v, _) = read(
            r#"[3.0, 2.5, 9223372036854775808, -4, 1e3, 18446744073709551615]"#,
            Ctx::DEFAULT,
        );
        assert_eq!(
            v.unwrap().to_string(),
            "[3,2.5,9.223372036854776e+18,-4,1000,1.8446744073709552e+19]"
        );
    }
}
