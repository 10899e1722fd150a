//! The JSON report: the documented, stable contract (docs/report.md).

use crate::model::Report;

/// Pretty JSON with a trailing newline; control and format characters JSON leaves raw
/// (DEL, C1, bidi, zero-width) are written as `\uXXXX` escapes: the same strings to a parser,
/// inert in a terminal.
pub fn render(r: &Report) -> String {
    let mut s =
        serde_json::to_string_pretty(r).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    crate::escape::json(&s).into_owned()
}
