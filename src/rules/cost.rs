//! The cost of a `when` expression, bounded before it ever runs. The CEL interpreter has no
//! runtime cost limit and a rule runs on a rayon task that cannot be interrupted, so:
//!
//! - every list or map a rule iterates (a comprehension's range, the right side of `in`, the
//!   lists the list functions go through) passes a runtime check that it holds at most
//!   [`MAX_ITERATED`] items (a rule error for that finding otherwise), and `lists.range(n)` may
//!   not make more;
//! - with that bound, the worst-case number of steps is computed from the expression: every
//!   node counts one step, times the sizes of the comprehensions around it, plus the items an
//!   `in` or a list function goes through. A rule over [`MAX_COST`] is refused when it loads,
//!   with its file and line.
//!
//! The limit is Kubernetes' own for CRD validation rules (`StaticEstimatedCostLimit`, 10
//! million). kube-cel 0.8 has a cost estimator (`validation::estimate_rule_cost`, behind its
//! `validation` feature), but it is a warning heuristic for CRD schemas: it counts only a
//! comprehension's step, not its condition, `in` or list functions, multiplies without
//! saturating, and bounds nothing at run time. Hence this module.
//!
//! String functions count one step each: they are linear in their string, and strings are
//! bounded by `--max-string-bytes` when the input is read.

use kube_cel::cel::common::ast::{CallExpr, EntryExpr, Expr, IdedExpr, LiteralValue};
use kube_cel::cel::{ExecutionError, FunctionContext, Value as Cel};

/// Items one comprehension, `in` or list function may go through.
pub const MAX_ITERATED: usize = 1_000;
/// Worst-case steps of one evaluation.
pub const MAX_COST: u64 = 10_000_000;

/// The runtime check every iterated value passes (registered on the root context).
pub const CAP: &str = "@checkride_cap";
/// The runtime check of `lists.range`'s argument.
pub const CAP_COUNT: &str = "@checkride_cap_count";

/// Functions that go through every item of a list (or map) argument or target.
const LIST_FUNCTIONS: &[&str] = &[
    "sort",
    "sum",
    "min",
    "max",
    "indexOf",
    "lastIndexOf",
    "distinct",
    "flatten",
    "join",
    "isSorted",
    "reverse",
    "slice",
    "sets.contains",
    "sets.equivalent",
    "sets.intersects",
    "minorOf",
    "envNeutral",
    "string",
];

/// `@checkride_cap(v)`: `v`, unless it is a list or map of more than [`MAX_ITERATED`] items.
pub fn cap(ftx: &FunctionContext, v: Cel) -> Result<Cel, ExecutionError> {
    let n = match &v {
        Cel::List(l) => l.len(),
        Cel::Map(m) => m.map.len(),
        _ => 0,
    };
    if n > MAX_ITERATED {
        return Err(ftx.error(format!(
            "a rule may go through at most {MAX_ITERATED} items of a list or map; this one has {n}"
        )));
    }
    Ok(v)
}

/// `@checkride_cap_count(n)`: `n`, unless it asks for more than [`MAX_ITERATED`] items.
pub fn cap_count(ftx: &FunctionContext, v: Cel) -> Result<Cel, ExecutionError> {
    match v {
        Cel::Int(n) if n > MAX_ITERATED as i64 => Err(ftx.error(format!(
            "lists.range may make at most {MAX_ITERATED} items; asked for {n}"
        ))),
        Cel::UInt(n) if n > MAX_ITERATED as u64 => Err(ftx.error(format!(
            "lists.range may make at most {MAX_ITERATED} items; asked for {n}"
        ))),
        other => Ok(other),
    }
}

/// Prefixes of namespaced functions (`lists.range(n)` parses as `range` called on `lists`).
const NAMESPACES: &[&str] = &["lists", "sets", "math", "strings", "base64", "optional"];

/// The name the interpreter resolves a call by, and whether its target is a namespace.
fn qualified(call: &CallExpr) -> (String, bool) {
    match call.target.as_deref().map(|t| &t.expr) {
        Some(Expr::Ident(prefix)) if NAMESPACES.contains(&prefix.as_str()) => {
            (format!("{prefix}.{}", call.func_name), true)
        }
        _ => (call.func_name.clone(), false),
    }
}

/// Wraps `e` in a call to a runtime check.
fn wrap(e: &mut IdedExpr, function: &str) {
    let inner = std::mem::take(e);
    e.id = inner.id;
    e.expr = Expr::Call(CallExpr {
        func_name: function.to_string(),
        target: None,
        args: vec![inner],
    });
}

/// Adds the runtime checks to an expression; an error for what cannot be evaluated safely.
pub fn guard(e: &mut IdedExpr) -> Result<(), String> {
    match &mut e.expr {
        Expr::Comprehension(c) => {
            guard(&mut c.iter_range)?;
            wrap(&mut c.iter_range, CAP);
            for sub in [
                &mut c.accu_init,
                &mut c.loop_cond,
                &mut c.loop_step,
                &mut c.result,
            ] {
                guard(sub)?;
            }
        }
        Expr::Call(call) => {
            if let Some(t) = call.target.as_deref_mut() {
                guard(t)?;
            }
            for a in &mut call.args {
                guard(a)?;
            }
            let (name, namespaced) = qualified(call);
            if name == "@in" && call.args.len() == 2 {
                wrap(&mut call.args[1], CAP);
            } else if name == "lists.range" {
                for a in &mut call.args {
                    wrap(a, CAP_COUNT);
                }
            } else if LIST_FUNCTIONS.contains(&name.as_str()) {
                if let Some(t) = call.target.as_deref_mut().filter(|_| !namespaced) {
                    wrap(t, CAP);
                }
                for a in &mut call.args {
                    wrap(a, CAP);
                }
            }
        }
        Expr::List(l) => {
            for x in &mut l.elements {
                guard(x)?;
            }
        }
        Expr::Map(m) => {
            for entry in &mut m.entries {
                if let EntryExpr::MapEntry(me) = &mut entry.expr {
                    guard(&mut me.key)?;
                    guard(&mut me.value)?;
                }
            }
        }
        Expr::Select(s) => guard(&mut s.operand)?,
        Expr::Struct(_) => return Err("message literals (`Type{…}`) are not supported".into()),
        Expr::Unspecified => return Err("an incomplete expression".into()),
        Expr::Ident(_) | Expr::Literal(_) => {}
    }
    Ok(())
}

/// The most items `e` can hold when iterated: a literal's size, else [`MAX_ITERATED`].
fn bound(e: &IdedExpr) -> u64 {
    match &e.expr {
        Expr::List(l) => l.elements.len() as u64,
        Expr::Map(m) => m.entries.len() as u64,
        Expr::Call(c) if qualified(c).0 == "lists.range" => match c.args.first().map(|a| &a.expr) {
            Some(Expr::Literal(LiteralValue::Int(n))) => {
                (*n.inner()).clamp(0, MAX_ITERATED as i64) as u64
            }
            _ => MAX_ITERATED as u64,
        },
        Expr::Call(c) if c.func_name == CAP || c.func_name == CAP_COUNT => {
            c.args.first().map_or(MAX_ITERATED as u64, bound)
        }
        _ => MAX_ITERATED as u64,
    }
}

/// Worst-case steps of `e` when it runs `times` times.
pub fn cost(e: &IdedExpr, times: u64) -> u64 {
    let sum = |items: &mut dyn Iterator<Item = &IdedExpr>, times: u64| {
        items.fold(0u64, |acc, x| acc.saturating_add(cost(x, times)))
    };
    let mine = match &e.expr {
        Expr::Comprehension(c) => {
            let n = bound(&c.iter_range);
            let each = times.saturating_mul(n);
            // `map` and `filter` grow their list one item at a time: a copy per step.
            let growing = match &c.accu_init.expr {
                Expr::List(_) => each.saturating_mul(n),
                _ => 0,
            };
            cost(&c.iter_range, times)
                .saturating_add(cost(&c.accu_init, times))
                .saturating_add(cost(&c.result, times))
                .saturating_add(cost(&c.loop_cond, each))
                .saturating_add(cost(&c.loop_step, each))
                .saturating_add(growing)
        }
        Expr::Call(call) => {
            let (name, _) = qualified(call);
            let through = if name == "@in" {
                call.args.get(1).map_or(0, bound)
            } else if name == "lists.range" {
                bound(e)
            } else if LIST_FUNCTIONS.contains(&name.as_str()) {
                MAX_ITERATED as u64
            } else {
                0
            };
            times
                .saturating_mul(through)
                .saturating_add(call.target.as_deref().map_or(0, |t| cost(t, times)))
                .saturating_add(sum(&mut call.args.iter(), times))
        }
        Expr::List(l) => sum(&mut l.elements.iter(), times),
        Expr::Map(m) => m.entries.iter().fold(0u64, |acc, entry| match &entry.expr {
            EntryExpr::MapEntry(me) => acc
                .saturating_add(cost(&me.key, times))
                .saturating_add(cost(&me.value, times)),
            EntryExpr::StructField(f) => acc.saturating_add(cost(&f.value, times)),
        }),
        Expr::Select(s) => cost(&s.operand, times),
        _ => 0,
    };
    times.saturating_add(mine)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::names::EnvTokens;
    use crate::rules::cel::{Condition, root_context, to_cel};
    use kube_cel::cel::Program;
    use serde_json::json;

    fn steps(src: &str) -> u64 {
        let p = Program::compile(src).unwrap();
        cost(&p.expression().clone(), 1)
    }

    /// One level of comprehension over a variable is cheap; `in` inside one is admitted;
    /// nested comprehensions over variables multiply by the cap and go over the limit;
    /// literal lists count their own size.
    #[test]
    fn nesting_multiplies() {
        let one = steps("entries.exists(e, e.key == 'a')");
        assert!(
            one > MAX_ITERATED as u64 && one < 20 * MAX_ITERATED as u64,
            "{one}"
        );
        let with_in = steps("prod.exists(c, !(c in staging))");
        assert!(with_in > 1_000_000 && with_in < MAX_COST, "{with_in}");
        let two = steps("entries.exists(e, entries.exists(f, e.key == f.key))");
        assert!(two > MAX_COST, "{two}");
        let three = steps("entries.all(a, entries.all(b, entries.all(c, a == b && b == c)))");
        assert!(three > 1000 * MAX_COST, "{three}");
        assert!(steps("[1, 2, 3].map(x, [4, 5].map(y, x * y))") < 200);
        assert!(steps("lists.range(3).all(i, lists.range(4).all(j, i != j || i == j))") < 200);
    }

    /// Message literals cannot be evaluated (the interpreter would panic): refused. Ranges of
    /// comprehensions and the right side of `in` are wrapped in the runtime check.
    #[test]
    fn refuses_what_cannot_run() {
        let p = Program::compile("Foo{a: 1} == staging").unwrap();
        assert!(guard(&mut p.expression().clone()).is_err());
        let p = Program::compile("staging.exists(x, x in prod)").unwrap();
        let mut e = p.expression().clone();
        assert!(guard(&mut e).is_ok());
        assert_eq!(format!("{e:?}").matches(CAP).count(), 2, "{e:?}");
    }

    /// The nested-comprehension example (57 s before) is refused by `compile`, naming the
    /// limit; at run time a list over the cap is an error, not a long evaluation.
    #[test]
    fn bounded_at_compile_and_at_run() {
        let e = Condition::compile(
            "entries.all(a, entries.all(b, entries.all(c, a.key == b.key || b.key != c.key)))",
        )
        .unwrap_err();
        assert!(e.contains("too expensive") && e.contains("10000000"), "{e}");
        let root = root_context(&EnvTokens::default());
        let mut ctx = root.new_inner_scope();
        let many: Vec<_> = (0..=MAX_ITERATED)
            .map(|i| json!({"key": format!("k{i}")}))
            .collect();
        ctx.add_variable_from_value("entries", to_cel(&json!(many)));
        ctx.add_variable_from_value("staging", to_cel(&json!(many)));
        for src in ["entries.exists(e, e.key == 'zz')", "'zz' in staging"] {
            let e = Condition::compile(src).unwrap().eval(&ctx).unwrap_err();
            assert!(e.contains("at most 1000 items"), "{src}: {e}");
        }
        // Namespaced functions are not variables rules may name today; guarded all the same.
        let mut e = Program::compile("lists.range(100000).exists(i, i < 0)")
            .unwrap()
            .expression()
            .clone();
        guard(&mut e).unwrap();
        let err = kube_cel::cel::Value::resolve(&e, &ctx).unwrap_err();
        assert!(err.to_string().contains("at most 1000 items"), "{err}");
        let few: Vec<_> = many[..MAX_ITERATED].to_vec();
        ctx.add_variable_from_value("entries", to_cel(&json!(few)));
        let ok = Condition::compile("entries.exists(e, e.key == 'k999')").unwrap();
        assert_eq!(ok.eval(&ctx), Ok(true));
    }
}
