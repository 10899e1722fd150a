//! Plain-language rendering of values for the *staging says / prod might say* columns, when no
//! rule wrote those sentences. Secrets are always scrubbed here.

use crate::diff::Difference;
use crate::model::Change;
use crate::normalize::secrets::scrub;
use serde_json::Value;

const MAX_INLINE: usize = 120;

/// A value as a person reads it: strings bare, structures as compact JSON, long ones cut.
pub fn show(v: &Value) -> String {
    let text = match v {
        Value::String(s) if s.trim_end_matches(['\n', '\r']).contains('\n') => {
            let n = s.lines().count();
            return format!("{n}-line text");
        }
        Value::String(s) => scrub(s.trim_end_matches(['\n', '\r'])).into_owned(),
        other => scrub(&other.to_string()).into_owned(),
    };
    cut(&text)
}

fn cut(text: &str) -> String {
    if text.chars().count() <= MAX_INLINE {
        return text.to_string();
    }
    let mut s: String = text.chars().take(MAX_INLINE - 1).collect();
    s.push('…');
    s
}

/// The default (staging says, prod might say) pair for a difference no rule described.
pub fn default_sentences(d: &Difference) -> (String, String) {
    let kind = d
        .object
        .as_ref()
        .map(|k| k.kind.as_str())
        .unwrap_or("object");
    let shown = |v: &Option<Value>| v.as_ref().map(show).unwrap_or_else(|| "absent".into());
    let (mut s, mut p) = match (d.change, &d.path) {
        (Change::OnlyInStaging, None) => (format!("{kind} exists"), format!("no such {kind}")),
        (Change::OnlyInProd, None) => (format!("no such {kind}"), format!("{kind} exists")),
        _ => (shown(&d.staging), shown(&d.prod)),
    };
    if d.equivalent.as_deref() == Some("env-token") {
        s.push_str(" (same but for the environment name)");
        p.push_str(" (same but for the environment name)");
    }
    (s, p)
}

/// A line diff of two multi-line strings: changed lines with one line of context, scrubbed.
pub fn line_diff(d: &Difference) -> Vec<String> {
    let (Some(Value::String(a)), Some(Value::String(b))) = (&d.staging, &d.prod) else {
        return Vec::new();
    };
    if !a.contains('\n') && !b.contains('\n') {
        return Vec::new();
    }
    let diff = similar::TextDiff::from_lines(a.as_str(), b.as_str());
    let mut out = Vec::new();
    for group in diff.grouped_ops(1) {
        for op in group {
            for change in diff.iter_changes(&op) {
                let sign = match change.tag() {
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                    similar::ChangeTag::Equal => ' ',
                };
                let line = change.value().trim_end_matches(['\n', '\r']);
                out.push(format!("{sign}{}", scrub(line)));
            }
        }
    }
    out
}
