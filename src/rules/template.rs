//! The *staging says / prod might say* templates (minijinja). Values reach templates already
//! scrubbed, and every rendered sentence is scrubbed again: no secret can come out of a rule.
//!
//! Every render runs on a budget of [`MAX_FUEL`] (minijinja's fuel: about one per instruction and
//! one per 64 bytes of data made or worked on), which bounds both its time and its memory. A
//! template that exhausts it without any data (nested loops over `range`) is refused when the
//! rules load; one that exhausts it on a finding's data is a rule error for that finding.

use super::describe::show;
use crate::normalize::secrets::scrub;
use minijinja::value::{Value as Mj, ValueKind};
use minijinja::{Environment, ErrorKind, UndefinedBehavior};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Variables templates may use (a subset of the CEL ones, as JSON).
pub const VARIABLES: &[&str] = &[
    "staging",
    "prod",
    "stagingObject",
    "prodObject",
    "object",
    "container",
    "key",
    "item",
    "segments",
    "path",
    "change",
    "equivalent",
    "facts",
    "entries",
    "related",
];

/// The budget of one render: about this many instructions, or 64 times as many bytes of data
/// (16 MB: room to show a whole object of Kubernetes' 1.5 MiB size limit several times over).
pub const MAX_FUEL: u64 = 250_000;

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_fuel(Some(MAX_FUEL));
    env.add_filter("show", |v: Mj| show(&to_json(&v)));
    env
}

/// Compiles a template alone, for validation, and renders it once without data (every variable
/// undefined, so loops over them are empty) to refuse one whose cost does not depend on data.
/// The error names the line inside the template.
pub fn check(source: &str) -> Result<(), String> {
    let mut env = environment();
    env.set_undefined_behavior(UndefinedBehavior::Lenient);
    let t = env
        .template_from_str(source)
        .map_err(|e| format!("template does not compile: {}", describe(&e)))?;
    match t.render(()) {
        Err(e) if e.kind() == ErrorKind::OutOfFuel => Err(format!(
            "template too expensive even without data{}: {}",
            e.line().map(|l| format!(" (line {l})")).unwrap_or_default(),
            out_of_fuel()
        )),
        // Other errors depend on the data; they are rule errors when a finding is rendered.
        _ => Ok(()),
    }
}

fn out_of_fuel() -> String {
    format!(
        "used up its budget of {MAX_FUEL} steps (minijinja fuel: one per instruction or per 64 \
         bytes of data; loops nested over `range` or over large values multiply it)"
    )
}

fn describe(e: &minijinja::Error) -> String {
    let what = if e.kind() == ErrorKind::OutOfFuel {
        format!("too expensive: {}", out_of_fuel())
    } else {
        e.detail()
            .map(str::to_string)
            .unwrap_or_else(|| e.kind().to_string())
    };
    match e.line() {
        Some(l) => format!("line {l}: {what}"),
        None => what,
    }
}

/// Every rule's templates, compiled once.
pub struct Templates {
    env: Environment<'static>,
    uses: BTreeMap<String, BTreeSet<String>>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Templates({})", self.uses.len())
    }
}

/// Which of the two sentences.
#[derive(Debug, Clone, Copy)]
pub enum Which {
    /// *Staging says*.
    Staging,
    /// *Prod might say*.
    Prod,
}

fn name(rule: &str, which: Which) -> String {
    match which {
        Which::Staging => format!("{rule}/staging_says"),
        Which::Prod => format!("{rule}/prod_might_say"),
    }
}

impl Templates {
    /// No templates.
    pub fn new() -> Self {
        Templates {
            env: environment(),
            uses: BTreeMap::new(),
        }
    }

    /// Adds a rule's template (already checked by [`check`]).
    pub fn add(&mut self, rule: &str, which: Which, source: &str) -> Result<(), String> {
        let n = name(rule, which);
        self.env
            .add_template_owned(n.clone(), source.to_string())
            .map_err(|e| describe(&e))?;
        let t = self.env.get_template(&n).map_err(|e| describe(&e))?;
        let vars = t.undeclared_variables(false).into_iter().collect();
        self.uses.insert(n, vars);
        Ok(())
    }

    /// Does the rule have this template?
    pub fn has(&self, rule: &str, which: Which) -> bool {
        self.uses.contains_key(&name(rule, which))
    }

    /// The variables a rule's templates use.
    pub fn uses(&self, rule: &str) -> BTreeSet<String> {
        [Which::Staging, Which::Prod]
            .iter()
            .filter_map(|w| self.uses.get(&name(rule, *w)))
            .flatten()
            .cloned()
            .collect()
    }

    /// Renders a sentence (scrubbed, trimmed, whitespace collapsed).
    pub fn render(
        &self,
        rule: &str,
        which: Which,
        vars: &BTreeMap<String, Value>,
    ) -> Result<String, String> {
        let t = self
            .env
            .get_template(&name(rule, which))
            .map_err(|e| describe(&e))?;
        let ctx: BTreeMap<String, Mj> = vars.iter().map(|(k, v)| (k.clone(), to_mj(v))).collect();
        let text = t.render(Mj::from(ctx)).map_err(|e| describe(&e))?;
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        Ok(cap(&scrub(&text)))
    }
}

/// Longest sentence kept; longer ones are cut with an ellipsis.
const MAX_SENTENCE: usize = 320;

fn cap(text: &str) -> String {
    if text.chars().count() <= MAX_SENTENCE {
        return text.to_string();
    }
    let mut s: String = text.chars().take(MAX_SENTENCE - 1).collect();
    s.push('…');
    s
}

impl Default for Templates {
    fn default() -> Self {
        Self::new()
    }
}

/// JSON → template value.
pub fn to_mj(v: &Value) -> Mj {
    match v {
        Value::Null => Mj::from(()),
        Value::Bool(b) => Mj::from(*b),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Mj::from(i),
            (None, Some(f)) => Mj::from(f),
            _ => Mj::from(n.to_string()),
        },
        Value::String(s) => Mj::from(s.as_str()),
        Value::Array(a) => Mj::from(a.iter().map(to_mj).collect::<Vec<_>>()),
        Value::Object(m) => Mj::from(
            m.iter()
                .map(|(k, v)| (k.clone(), to_mj(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}

/// Template value → JSON (for the `show` filter).
fn to_json(v: &Mj) -> Value {
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => Value::Null,
        ValueKind::Bool => Value::Bool(v.is_true()),
        ValueKind::Number => i64::try_from(v.clone())
            .map(Value::from)
            .or_else(|_| f64::try_from(v.clone()).map(Value::from))
            .unwrap_or(Value::Null),
        ValueKind::String => Value::String(v.as_str().unwrap_or("").to_string()),
        ValueKind::Seq | ValueKind::Iterable => Value::Array(
            v.try_iter()
                .map(|it| it.map(|x| to_json(&x)).collect())
                .unwrap_or_default(),
        ),
        ValueKind::Map => {
            let mut m = serde_json::Map::new();
            if let Ok(keys) = v.try_iter() {
                for k in keys {
                    let val = v.get_item(&k).unwrap_or_default();
                    m.insert(k.to_string(), to_json(&val));
                }
            }
            Value::Object(m)
        }
        _ => Value::String(v.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Templates render values, filters and conditions; secrets never come out.
    #[test]
    fn renders_and_scrubs() {
        let mut t = Templates::new();
        t.add("r", Which::Staging, "Ready after {{ staging }} s{% if container %} ({{ container }}){% endif %}: {{ prod | show }}")
            .unwrap();
        let vars: BTreeMap<String, Value> = [
            ("staging".to_string(), json!(300)),
            ("container".to_string(), json!("api")),
            ("prod".to_string(), json!({"a": "x‹redacted:ab12:ffff›"})),
        ]
        .into_iter()
        .collect();
        let out = t.render("r", Which::Staging, &vars).unwrap();
        assert_eq!(out, "Ready after 300 s (api): {\"a\":\"x‹redacted›\"}");
        assert!(check("{{ staging ").is_err());
        assert!(t.uses("r").contains("container"));
    }

    /// Nested `range` loops are refused when checked (they cost the same on any data), in a
    /// bounded time; a loop over the data that goes over the budget is a render error naming
    /// the budget; ordinary templates pass.
    #[test]
    fn bounded_by_fuel() {
        let nested = "{% for i in range(100000) %}{% for j in range(100000) %}{{ i * j }}{% endfor %}{% endfor %}";
        let started = std::time::Instant::now();
        let e = check(nested).unwrap_err();
        assert!(e.contains("too expensive") && e.contains("250000"), "{e}");
        assert!(started.elapsed() < std::time::Duration::from_secs(30));
        assert!(check("{{ staging }}{% for e in entries %}{{ e.key }}{% endfor %}").is_ok());
        assert!(
            check("{{ staging ")
                .unwrap_err()
                .starts_with("template does not compile")
        );

        let mut t = Templates::new();
        t.add(
            "r",
            Which::Prod,
            "{% for a in entries %}{% for b in entries %}{{ a }}{{ b }}{% endfor %}{% endfor %}",
        )
        .unwrap();
        let few: BTreeMap<String, Value> = [("entries".to_string(), json!([1, 2, 3]))].into();
        assert_eq!(
            t.render("r", Which::Prod, &few).unwrap(),
            "111213212223313233"
        );
        let many: BTreeMap<String, Value> =
            [("entries".to_string(), json!((0..2000).collect::<Vec<_>>()))].into();
        let e = t.render("r", Which::Prod, &many).unwrap_err();
        assert!(e.contains("too expensive"), "{e}");
    }
}
