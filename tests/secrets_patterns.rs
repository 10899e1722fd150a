//! The secret patterns' own true-positive examples are canaries: every example of every
//! embedded rule (Nosey Parker's and checkride's), and of the generic rules the shape detectors
//! stand in for, loses the secret its pattern captures — in free text and as a value inside an
//! object. The patterns compile in Rust's regex dialect and their keywords prefilter them
//! without losing a match.

use checkride::normalize::secrets::patterns::{RuleSpec, builtin_specs, shape_specs};
use checkride::normalize::secrets::{Fingerprinter, Policy, redact_text, redact_tree};
use regex::Regex;
use serde_json::json;

/// The secret a rule's own pattern finds in one of its examples (its group, or the last).
fn secrets_of(spec: &RuleSpec, example: &str) -> Vec<String> {
    let re = Regex::new(&spec.pattern).unwrap_or_else(|e| panic!("{}: {e}", spec.id));
    let group = spec.group.unwrap_or(re.captures_len() - 1);
    re.captures_iter(example)
        .filter_map(|c| c.get(group).map(|m| m.as_str().trim().to_string()))
        .filter(|s| s.len() >= 3)
        .collect()
}

fn check(spec: &RuleSpec) -> usize {
    assert!(!spec.examples.is_empty(), "{} has no example", spec.id);
    let fp = Fingerprinter::from_secret("patterns");
    for example in &spec.examples {
        let secrets = secrets_of(spec, example);
        assert!(
            !secrets.is_empty(),
            "{}: its pattern finds nothing in its example {example:?}",
            spec.id
        );
        let text = redact_text(example);
        let mut obj = json!({"data": {"config": example}})
            .as_object()
            .unwrap()
            .clone();
        redact_tree(&fp, &mut obj);
        let value = obj["data"]["config"].as_str().unwrap().to_string();
        // A secret that also occurs elsewhere in its example (`bria` of `briaserver`) cannot
        // be told apart by a substring search: checked where it occurs once.
        for s in secrets
            .iter()
            .filter(|s| example.matches(s.as_str()).count() == 1)
        {
            assert!(
                !text.contains(s.as_str()),
                "{}: text keeps {s:?}:\n{text}",
                spec.id
            );
            assert!(
                !value.contains(s.as_str()),
                "{}: value keeps {s:?}:\n{value}",
                spec.id
            );
        }
    }
    spec.examples.len()
}

/// Every example of every embedded pattern is redacted (Nosey Parker's and checkride's).
#[test]
fn pattern_examples_are_redacted() {
    let specs = builtin_specs();
    assert!(specs.len() >= 80, "{} patterns", specs.len());
    let examples: usize = specs.iter().map(check).sum();
    assert!(examples >= 100, "{examples} examples");
}

/// Generic rules' examples are redacted by the key-name and shape detectors alone.
#[test]
fn generic_examples_are_redacted_by_the_shape_detectors() {
    let specs = shape_specs();
    assert!(specs.len() >= 6);
    for s in &specs {
        check(s);
    }
}

/// Every Nosey Parker rule names the upstream commit it was read at; ids are unique.
#[test]
fn rules_are_attributed_and_unique() {
    let mut ids = std::collections::BTreeSet::new();
    for s in builtin_specs().iter().chain(shape_specs().iter()) {
        assert!(ids.insert(s.id.clone()), "duplicate id {}", s.id);
        if s.id.starts_with("np.") {
            let c = s.commit.as_deref().unwrap_or_default();
            assert!(
                c.len() == 40 && c.chars().all(|c| c.is_ascii_hexdigit()),
                "{}",
                s.id
            );
        }
    }
}

/// Keywords never hide a match: each example a pattern matches contains one of its keywords.
#[test]
fn keywords_agree_with_the_patterns() {
    for s in builtin_specs() {
        let re = Regex::new(&s.pattern).unwrap();
        for e in s.examples.iter().filter(|e| re.is_match(e)) {
            let lower = e.to_ascii_lowercase();
            assert!(
                s.keywords.is_empty()
                    || s.keywords
                        .iter()
                        .any(|k| lower.contains(&k.to_ascii_lowercase())),
                "{}: example without keyword: {e:?}",
                s.id
            );
        }
    }
    assert!(Policy::builtin().pattern_count() >= 80);
}
