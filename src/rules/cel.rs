//! CEL for `when`: compile once per rule (checking the variables it names and bounding its cost,
//! see [`super::cost`]), evaluate against a root context holding the Kubernetes CEL libraries
//! (kube-cel) and checkride's own functions.

use super::{cost, functions};
use crate::normalize::names::EnvTokens;
use kube_cel::KubeCelExt;
use kube_cel::cel::common::ast::{Expr, IdedExpr};
use kube_cel::cel::objects::{Key, Map as CelMap};
use kube_cel::cel::{Context, Program, Value as Cel};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// Variables a `when` expression may use (documented in docs/rules.md).
pub const VARIABLES: &[&str] = &[
    "staging",
    "prod",
    "stagingObject",
    "prodObject",
    "stagingPod",
    "prodPod",
    "stagingContainer",
    "prodContainer",
    "container",
    "key",
    "item",
    "segments",
    "path",
    "change",
    "equivalent",
    "group",
    "kind",
    "namespace",
    "name",
    "builtinKind",
    "facts",
    "related",
    "entries",
];

/// Identifiers CEL itself resolves (type names), never variables of ours.
const CEL_IDENTS: &[&str] = &[
    "int",
    "uint",
    "double",
    "bool",
    "string",
    "bytes",
    "list",
    "map",
    "null_type",
    "type",
    "dyn",
];

/// A compiled `when` condition.
#[derive(Debug)]
pub struct Condition {
    /// The expression as written.
    pub source: String,
    /// The expression with its runtime checks (see [`cost::guard`]).
    expr: IdedExpr,
    /// The variables it uses (a subset of [`VARIABLES`]), so only those are computed.
    pub uses: BTreeSet<&'static str>,
}

impl Condition {
    /// Compiles an expression; the error names what is wrong (syntax, an unknown variable, a
    /// worst case over [`cost::MAX_COST`] steps).
    pub fn compile(source: &str) -> Result<Condition, String> {
        let program = Program::compile(source).map_err(|e| {
            let what = e
                .errors
                .iter()
                .map(|p| format!("line {}, column {}: {}", p.pos.0, p.pos.1 + 1, p.msg))
                .collect::<Vec<_>>()
                .join("; ");
            format!("CEL does not compile: {what}")
        })?;
        let mut bound = BTreeSet::new();
        bound_names(&program.expression().expr, &mut bound);
        let refs = program.references();
        let mut uses = BTreeSet::new();
        let mut unknown = Vec::new();
        for v in refs.variables() {
            if let Some(known) = VARIABLES.iter().find(|k| **k == v) {
                uses.insert(*known);
            } else if !bound.contains(v) && !CEL_IDENTS.contains(&v) {
                unknown.push(v.to_string());
            }
        }
        if !unknown.is_empty() {
            unknown.sort();
            return Err(format!(
                "CEL does not compile: unknown variable(s) {} (known: {})",
                unknown
                    .iter()
                    .map(|u| format!("`{u}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                VARIABLES.join(", ")
            ));
        }
        let mut expr = program.expression().clone();
        cost::guard(&mut expr).map_err(|e| format!("CEL cannot be evaluated: {e}"))?;
        let steps = cost::cost(program.expression(), 1);
        if steps > cost::MAX_COST {
            return Err(format!(
                "too expensive: up to {steps} steps in the worst case, over the limit of {} \
                 (each list a rule goes through holds at most {} items, so every nested \
                 comprehension multiplies the steps by {}); test membership with `in` or \
                 iterate a literal list instead of nesting comprehensions over variables",
                cost::MAX_COST,
                cost::MAX_ITERATED,
                cost::MAX_ITERATED
            ));
        }
        Ok(Condition {
            source: source.to_string(),
            expr,
            uses,
        })
    }

    /// Evaluates to a boolean; anything else is an error.
    pub fn eval(&self, ctx: &Context) -> Result<bool, String> {
        match Cel::resolve(&self.expr, ctx) {
            Ok(Cel::Bool(b)) => Ok(b),
            Ok(other) => Err(format!(
                "`when` must give a boolean, gave a {}",
                other.type_of()
            )),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// Names bound by comprehensions (`x` in `list.exists(x, …)`): not free variables.
fn bound_names(e: &Expr, out: &mut BTreeSet<String>) {
    match e {
        Expr::Comprehension(c) => {
            out.insert(c.iter_var.clone());
            if let Some(v) = &c.iter_var2 {
                out.insert(v.clone());
            }
            out.insert(c.accu_var.clone());
            for sub in [
                &c.iter_range,
                &c.accu_init,
                &c.loop_cond,
                &c.loop_step,
                &c.result,
            ] {
                bound_names(&sub.expr, out);
            }
        }
        Expr::Call(call) => {
            if let Some(t) = &call.target {
                bound_names(&t.expr, out);
            }
            for a in &call.args {
                bound_names(&a.expr, out);
            }
        }
        Expr::List(l) => l.elements.iter().for_each(|x| bound_names(&x.expr, out)),
        Expr::Select(s) => bound_names(&s.operand.expr, out),
        _ => {}
    }
}

/// The root context of one classification run: standard CEL, kube-cel, checkride functions.
pub fn root_context(tokens: &EnvTokens) -> Context<'static> {
    let mut ctx = Context::default().with_all();
    functions::register(&mut ctx, tokens);
    ctx.add_function(cost::CAP, cost::cap);
    ctx.add_function(cost::CAP_COUNT, cost::cap_count);
    ctx
}

/// A JSON value as CEL sees it: integers as `int` (not `uint`), so `staging > 5` just works.
pub fn to_cel(v: &Value) -> Cel {
    match v {
        Value::Null => Cel::Null,
        Value::Bool(b) => Cel::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Cel::Int(i)
            } else if let Some(u) = n.as_u64() {
                Cel::UInt(u)
            } else {
                Cel::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(s) => Cel::String(Arc::new(s.clone())),
        Value::Array(a) => Cel::List(Arc::new(a.iter().map(to_cel).collect())),
        Value::Object(m) => {
            let map: HashMap<Key, Cel> = m
                .iter()
                .map(|(k, v)| (Key::String(Arc::new(k.clone())), to_cel(v)))
                .collect();
            Cel::Map(CelMap { map: Arc::new(map) })
        }
    }
}

/// A CEL map from string keys.
pub fn map(entries: Vec<(&str, Cel)>) -> Cel {
    let map: HashMap<Key, Cel> = entries
        .into_iter()
        .map(|(k, v)| (Key::String(Arc::new(k.to_string())), v))
        .collect();
    Cel::Map(CelMap { map: Arc::new(map) })
}

/// A CEL string, or null.
pub fn opt_str(s: Option<&str>) -> Cel {
    s.map(|s| Cel::String(Arc::new(s.to_string())))
        .unwrap_or(Cel::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(src: &str, vars: &[(&str, Value)]) -> Result<bool, String> {
        let root = root_context(&EnvTokens::default());
        let mut ctx = root.new_inner_scope();
        for (k, v) in vars {
            ctx.add_variable_from_value(*k, to_cel(v));
        }
        Condition::compile(src)?.eval(&ctx)
    }

    /// Kubernetes libraries (quantity, semver) and comprehensions work on JSON values.
    #[test]
    fn kubernetes_libraries() {
        use serde_json::json;
        assert_eq!(
            eval(
                "quantity(staging).compareTo(quantity(prod)) > 0",
                &[("staging", json!("2Gi")), ("prod", json!("512Mi"))]
            ),
            Ok(true)
        );
        assert_eq!(
            eval(
                "semver(staging, true).minor() != semver(prod, true).minor()",
                &[("staging", json!("v1.27.16")), ("prod", json!("1.30.4"))]
            ),
            Ok(true)
        );
        assert_eq!(
            eval(
                "staging > prod * 3 && entries.exists(e, e.key == 'a')",
                &[
                    ("staging", json!(300)),
                    ("prod", json!(5)),
                    ("entries", json!([{"key": "a"}]))
                ]
            ),
            Ok(true)
        );
    }

    /// Unknown variables are compile errors; runtime errors and non-booleans are errors.
    #[test]
    fn errors() {
        let e = Condition::compile("stagin > 1").unwrap_err();
        assert!(e.contains("`stagin`"), "{e}");
        assert!(Condition::compile("staging >").is_err());
        assert!(Condition::compile(r#"[1].exists(x, x > 0) && typeOf(staging) == "int""#).is_ok());
        assert!(eval("staging.nope == 1", &[("staging", serde_json::json!({}))]).is_err());
        assert!(eval("'a'", &[]).is_err());
    }
}
