//! The JSON report: the documented, stable contract (docs/report.md).

use crate::model::Report;

/// Pretty JSON with a trailing newline.
pub fn render(r: &Report) -> String {
    let mut s =
        serde_json::to_string_pretty(r).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
