//! Label selectors: the one parser of selector *text* (`labelSelector=` of `serve`, `--release`
//! of `preflight`), reading the API server's grammar (`a=b`, `a==b`, `a!=b`, `a in (x,y)`,
//! `a notin (x)`, `a`, `!a`) with its validation of keys and values; and the reading of
//! selector *objects* (`{matchLabels, matchExpressions}` or a Service's plain map). Matching is
//! kube-core's ([`Selector`], [`SelectorExt`]): no second copy of the semantics lives here.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
pub use kube::core::{Expression, Selector, SelectorExt};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Longest label value and label name (the part after the prefix), as the API server checks.
const MAX_NAME: usize = 63;
/// Longest label key prefix (a DNS subdomain).
const MAX_PREFIX: usize = 253;
/// Most requirements in one selector text (the text is bounded by `serve`'s query limit
/// already; this keeps a pathological selector from costing more than a scan per requirement).
pub const MAX_REQUIREMENTS: usize = 256;

/// Parses selector text as the API server does (`k8s.io/apimachinery/pkg/labels.Parse`).
/// The error says what was found where; it quotes the text, which is the user's own query.
/// The `>` and `<` operators of the API server are refused: kube-core has no such expression.
pub fn parse(text: &str) -> Result<Selector, String> {
    let tokens = lex(text);
    let mut p = Parser {
        tokens: &tokens,
        at: 0,
    };
    let mut exprs = Vec::new();
    if tokens.is_empty() {
        return Ok(Selector::default());
    }
    loop {
        if exprs.len() >= MAX_REQUIREMENTS {
            return Err(format!(
                "more than {MAX_REQUIREMENTS} requirements in one selector"
            ));
        }
        exprs.push(p.requirement()?);
        match p.next() {
            None => break,
            Some(Tok::Comma) => {
                if p.peek().is_none() {
                    return Err("found end of selector, expected a requirement after ','".into());
                }
            }
            Some(t) => {
                return Err(format!(
                    "found '{}', expected ',' or end of selector",
                    t.text()
                ));
            }
        }
    }
    Ok(exprs.into_iter().collect())
}

/// A selector object as Kubernetes writes it in a spec: `{matchLabels, matchExpressions}`
/// (Deployments, PDBs, NetworkPolicies, ServiceMonitors) or, with `plain_map`, a bare
/// `{key: value}` map (a Service's `spec.selector`). `None` when the value is not a valid
/// selector (an unknown operator, a non-string value): it then selects nothing.
pub fn from_value(value: &Value) -> Option<Selector> {
    let obj = value.as_object()?;
    let structured = obj.contains_key("matchLabels") || obj.contains_key("matchExpressions");
    if structured {
        let ls: LabelSelector = serde_json::from_value(value.clone()).ok()?;
        Selector::try_from(ls).ok()
    } else {
        obj.iter()
            .map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
            .collect::<Option<Vec<(String, String)>>>()
            .map(|pairs| pairs.into_iter().collect())
    }
}

/// Labels as kube-core matches them; non-string values (never valid labels) are left out.
pub fn label_map(labels: &Map<String, Value>) -> BTreeMap<String, String> {
    labels
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect()
}

/// Does a selector object (see [`from_value`]) select these labels? A selector with no
/// requirement selects nothing here: an empty Service selector means "no selector" and the
/// callers that honour `{}` as "every pod" (NetworkPolicy) check for it themselves.
pub fn value_selects(selector: &Value, labels: &Map<String, Value>) -> bool {
    from_value(selector).is_some_and(|s| !s.selects_all() && s.matches(&label_map(labels)))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Eq,
    DoubleEq,
    NotEq,
    Bang,
    Open,
    Close,
    Comma,
    Gt,
    Lt,
}

impl Tok {
    fn text(&self) -> &str {
        match self {
            Tok::Ident(s) => s,
            Tok::Eq => "=",
            Tok::DoubleEq => "==",
            Tok::NotEq => "!=",
            Tok::Bang => "!",
            Tok::Open => "(",
            Tok::Close => ")",
            Tok::Comma => ",",
            Tok::Gt => ">",
            Tok::Lt => "<",
        }
    }
}

fn special(c: char) -> bool {
    matches!(c, '=' | '!' | '(' | ')' | ',' | '>' | '<')
}

/// The API server's lexer: identifiers are runs of anything but blanks and the specials.
fn lex(text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let tok = match c {
            c if c.is_whitespace() => continue,
            '=' if chars.peek() == Some(&'=') => {
                chars.next();
                Tok::DoubleEq
            }
            '=' => Tok::Eq,
            '!' if chars.peek() == Some(&'=') => {
                chars.next();
                Tok::NotEq
            }
            '!' => Tok::Bang,
            '(' => Tok::Open,
            ')' => Tok::Close,
            ',' => Tok::Comma,
            '>' => Tok::Gt,
            '<' => Tok::Lt,
            c => {
                let mut s = String::from(c);
                while let Some(&n) = chars.peek() {
                    if n.is_whitespace() || special(n) {
                        break;
                    }
                    s.push(n);
                    chars.next();
                }
                Tok::Ident(s)
            }
        };
        out.push(tok);
    }
    out
}

struct Parser<'a> {
    tokens: &'a [Tok],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<&Tok> {
        let t = self.tokens.get(self.at);
        self.at += 1;
        t
    }

    fn key(&mut self) -> Result<String, String> {
        match self.next() {
            Some(Tok::Ident(k)) => {
                let k = k.clone();
                check_key(&k)?;
                Ok(k)
            }
            Some(t) => Err(format!("found '{}', expected a label key", t.text())),
            None => Err("found end of selector, expected a label key".into()),
        }
    }

    fn requirement(&mut self) -> Result<Expression, String> {
        if self.peek() == Some(&Tok::Bang) {
            self.next();
            return Ok(Expression::DoesNotExist(self.key()?));
        }
        let key = self.key()?;
        let op = match self.peek() {
            None | Some(Tok::Comma) => return Ok(Expression::Exists(key)),
            Some(t) => t.clone(),
        };
        self.next();
        match op {
            Tok::Eq | Tok::DoubleEq => Ok(Expression::Equal(key, self.exact_value()?)),
            Tok::NotEq => Ok(Expression::NotEqual(key, self.exact_value()?)),
            Tok::Ident(w) if w == "in" => Ok(Expression::In(key, self.values()?)),
            Tok::Ident(w) if w == "notin" => Ok(Expression::NotIn(key, self.values()?)),
            Tok::Gt | Tok::Lt => Err(format!(
                "operator '{}' of `{key}` is not supported (use =, ==, !=, in, notin, exists)",
                op.text()
            )),
            t => Err(format!(
                "found '{}' after `{key}`, expected one of: =, ==, !=, in, notin, ','",
                t.text()
            )),
        }
    }

    /// The value after `=`, `==`, `!=`: empty when the requirement ends there.
    fn exact_value(&mut self) -> Result<String, String> {
        match self.peek() {
            None | Some(Tok::Comma) => Ok(String::new()),
            Some(Tok::Ident(v)) => {
                let v = v.clone();
                self.next();
                check_value(&v)?;
                Ok(v)
            }
            Some(t) => Err(format!("found '{}', expected a label value", t.text())),
        }
    }

    /// `( v1, v2 )`; `()` is the set holding the empty value, as the API server reads it.
    fn values(&mut self) -> Result<BTreeSet<String>, String> {
        match self.next() {
            Some(Tok::Open) => {}
            Some(t) => return Err(format!("found '{}', expected '('", t.text())),
            None => return Err("found end of selector, expected '('".into()),
        }
        let mut set = BTreeSet::new();
        let mut expect_value = true;
        loop {
            match self.next().cloned() {
                Some(Tok::Close) => {
                    if expect_value {
                        set.insert(String::new());
                    }
                    return Ok(set);
                }
                Some(Tok::Comma) if !expect_value => expect_value = true,
                Some(Tok::Comma) => {
                    set.insert(String::new());
                }
                Some(Tok::Ident(v)) if expect_value => {
                    check_value(&v)?;
                    set.insert(v);
                    expect_value = false;
                }
                Some(t) => return Err(format!("found '{}' in a set of values", t.text())),
                None => return Err("found end of selector, expected ')'".into()),
            }
        }
    }
}

/// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`, at most 63 characters.
fn is_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= MAX_NAME
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// A DNS-1123 subdomain: lowercase labels of `[a-z0-9-]` joined by dots.
fn is_subdomain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_PREFIX
        && s.split('.').all(|l| {
            let b = l.as_bytes();
            !b.is_empty()
                && b[0].is_ascii_alphanumeric()
                && b[b.len() - 1].is_ascii_alphanumeric()
                && b.iter()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        })
}

fn check_key(k: &str) -> Result<(), String> {
    let ok = match k.split_once('/') {
        Some((prefix, name)) => is_subdomain(prefix) && is_name(name),
        None => is_name(k),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid label key `{k}`: a qualified name is an optional DNS subdomain prefix and '/', then at most {MAX_NAME} alphanumerics, '-', '_' or '.', starting and ending alphanumeric"
        ))
    }
}

fn check_value(v: &str) -> Result<(), String> {
    if v.is_empty() || is_name(v) {
        Ok(())
    } else {
        Err(format!(
            "invalid label value `{v}`: at most {MAX_NAME} alphanumerics, '-', '_' or '.', starting and ending alphanumeric"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// Every operator of the grammar parses into kube-core's expressions and matches as the
    /// API server matches (`!=` and `notin` hold when the key is absent).
    #[test]
    fn grammar_and_matching() {
        let l = labels(&[("app", "api"), ("tier", "web")]);
        let m = |s: &str| parse(s).unwrap().matches(&l);
        assert!(m("app=api"));
        assert!(m("app==api,tier"));
        assert!(!m("app!=api"));
        assert!(m("tier in (web, db)"));
        assert!(!m("tier notin (web)"));
        assert!(m("canary notin (yes)"));
        assert!(m("!canary"));
        assert!(!m("canary"));
        assert!(m(""));
        assert!(m("app.kubernetes.io/name!=x"));
        assert!(m("  app = api ,  tier  "));
        assert_eq!(
            parse("a in ()").unwrap(),
            Selector::from(Expression::In("a".into(), [String::new()].into()))
        );
        assert_eq!(
            parse("a=").unwrap(),
            Selector::from(Expression::Equal("a".into(), String::new()))
        );
    }

    /// Text the API server refuses is refused, with what was found: bare operators, bad keys
    /// and values, unclosed sets, trailing commas, `>`/`<`.
    #[test]
    fn refuses_what_the_api_server_refuses() {
        for bad in [
            "!!!",
            "!",
            "=",
            "a=b=c",
            "a in web",
            "a in (x",
            "a in (x y)",
            "a,",
            ",a",
            "a b",
            "-a=b",
            "a=-b",
            "Bad_Prefix.io/x=y",
            "a/b/c=d",
            "a>1",
            "(a)",
            "a notin",
        ] {
            assert!(parse(bad).is_err(), "`{bad}` must be refused");
        }
        let long = "k".repeat(64);
        assert!(parse(&long).is_err());
        assert!(parse(&format!("a={long}")).is_err());
        let many = vec!["a"; MAX_REQUIREMENTS + 1].join(",");
        assert!(parse(&many).is_err());
    }

    /// Selector objects: matchLabels and matchExpressions together; a Service's plain map; an
    /// empty or invalid selector selects nothing.
    #[test]
    fn selector_objects() {
        let l = json!({"app": "api", "tier": "web"});
        let l = l.as_object().unwrap();
        let sel = json!({
            "matchLabels": {"app": "api"},
            "matchExpressions": [{"key": "tier", "operator": "In", "values": ["web", "db"]}]
        });
        assert!(value_selects(&sel, l));
        let sel = json!({
            "matchLabels": {"app": "api"},
            "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["web"]}]
        });
        assert!(!value_selects(&sel, l), "matchExpressions are honoured");
        assert!(value_selects(
            &json!({"matchExpressions": [{"key": "app", "operator": "Exists"}]}),
            l
        ));
        assert!(value_selects(&json!({"app": "api"}), l));
        assert!(!value_selects(&json!({"app": "web"}), l));
        assert!(!value_selects(&json!({}), l));
        assert!(!value_selects(&json!({"matchLabels": {}}), l));
        assert!(!value_selects(
            &json!({"matchExpressions": [{"key": "app", "operator": "Near"}]}),
            l
        ));
        assert!(!value_selects(&json!({"app": 1}), l));
    }
}
