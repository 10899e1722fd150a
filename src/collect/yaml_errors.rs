//! serde-saphyr's errors in our own words: no advice meant for the library's programmers
//! ("set DuplicateKeyPolicy…", "use from_str_multiple…"), no quoted input (it may be a Secret).

use serde_saphyr::budget::BudgetBreach;

/// What a YAML error is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Described {
    /// Nesting past the parser's depth budget.
    Depth,
    /// Alias replay past the parser's backstop.
    Aliases,
    /// Anything else, worded for the user.
    Text(String),
}

/// Describes a YAML error.
pub(crate) fn describe(e: &serde_saphyr::Error) -> Described {
    use serde_saphyr::Error as E;
    let text = |s: &str| Described::Text(s.to_string());
    match e.without_snippet() {
        E::Budget { breach, .. } => budget(breach),
        // The scanner's own nesting limit can fire before the depth budget (it reads `[[[…`
        // ahead of the events the budget counts): the same limit to the user.
        E::ExternalMessage { source, .. } if nesting(source) => Described::Depth,
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => Described::Aliases,
        E::AliasReplayStackDepthExceeded { .. } => text("aliases nested in aliases too deeply"),
        E::RecursiveReferencesRequireWeakTypes { .. } => text("an alias refers to itself"),
        E::UnknownAnchor { .. } => text("an alias names no anchor defined before it"),
        E::DuplicateMappingKey { key, .. } => Described::Text(match key {
            Some(k) => format!(
                "duplicate key `{}`: a key may appear once in a mapping",
                k.chars().take(64).collect::<String>()
            ),
            None => "duplicate key: a key may appear once in a mapping".to_string(),
        }),
        E::MultipleDocuments { .. } => text("several documents where one was expected"),
        E::Eof { .. } => text("unexpected end of the document"),
        other => Described::Text(fallback(&other.to_string())),
    }
}

/// True for the parser's own "recursion limit exceeded" (flow or block nesting).
fn nesting(source: &serde_saphyr::ExternalMessageSource) -> bool {
    use serde_saphyr::granit_parser::ErrorKind;
    matches!(
        source,
        serde_saphyr::ExternalMessageSource::Parser(e)
            if matches!(e.kind(), ErrorKind::RecursionLimitExceeded)
    )
}

fn budget(breach: &BudgetBreach) -> Described {
    let what = match breach {
        BudgetBreach::Depth { .. } => return Described::Depth,
        BudgetBreach::Aliases { .. } | BudgetBreach::AliasAnchorRatio { .. } => {
            "far more aliases than anchors"
        }
        BudgetBreach::Anchors { .. } => "too many anchors",
        BudgetBreach::RecordedAnchorEvents { .. } | BudgetBreach::RecordedAnchorBytes { .. } => {
            "anchors that hold too much"
        }
        BudgetBreach::MergeKeys { .. } => "too many merge keys (`<<`)",
        BudgetBreach::SequenceUnbalanced => "unbalanced sequence or mapping",
        _ => "more than the YAML reader reads in one document",
    };
    Described::Text(what.to_string())
}

/// The first line of a message, with quoted parts, locations and library advice removed.
fn fallback(message: &str) -> String {
    let first = message.lines().next().unwrap_or("parse error");
    let mut out = String::new();
    let mut in_quote: Option<char> = None;
    for c in first.chars() {
        match in_quote {
            Some(q) if c == q => in_quote = None,
            Some(_) => {}
            None if c == '`' || c == '"' || c == '\'' => {
                in_quote = Some(c);
                out.push('…');
            }
            None => out.push(c),
        }
    }
    // Our caller prints file:line:column; advice for programmers is not for users.
    for cut in [
        " at line ",
        ", set ",
        "; set ",
        ", use ",
        "; use ",
        " (use ",
        "; consider ",
    ] {
        if let Some(i) = out.find(cut) {
            out.truncate(i);
        }
    }
    let out = out.trim_start_matches("error: ");
    let out = match out.strip_prefix("line ").and_then(|r| r.split_once(": ")) {
        Some((_, rest)) => rest,
        None => out,
    };
    let out = out.trim().trim_end_matches([':', ',', ';']).trim();
    if out.is_empty() {
        "parse error".to_string()
    } else {
        out.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> Described {
        match serde_saphyr::from_str::<serde_json::Value>(text) {
            Err(e) => describe(&e),
            Ok(v) => panic!("parsed: {v}"),
        }
    }

    /// Duplicate keys and several documents are worded without the library's advice.
    #[test]
    fn no_library_advice() {
        let d = err("a: 1\na: 2\n");
        assert_eq!(
            d,
            Described::Text("duplicate key `a`: a key may appear once in a mapping".into())
        );
        let Described::Text(m) = err("a: 1\n---\nb: 2\n") else {
            panic!()
        };
        assert!(!m.contains("from_str") && !m.contains("use "), "{m}");
        let Described::Text(m) = err("a: *nope\n") else {
            panic!()
        };
        assert!(!m.contains("nope"), "{m}");
    }

    /// Quoted input never survives the fallback; neither do locations or advice.
    #[test]
    fn fallback_strips_quotes_and_advice() {
        assert_eq!(
            fallback("invalid value `hunter2` at line 3 column 4, set Foo in Options"),
            "invalid value …"
        );
        assert_eq!(fallback("error: line 2 column 1: bad \"x\": y"), "bad …: y");
    }
}
