//! The `secrets:` section of the config file and the compiled policy every redaction uses.
//!
//! ```yaml
//! secrets:
//!   allow: ['^example-[a-z]+$']      # values never redacted (regex on the value found)
//!   allowKeys: [PASSWORD_POLICY]     # key names never taken as secret names
//!   secretKeys: [LICENCE]            # more key names whose values are secret
//!   patterns:                        # more value patterns (same fields as data/checkride.yml)
//!     - id: acme-token
//!       keywords: [acme_]
//!       pattern: '\b(acme_[0-9a-f]{32})\b'
//! ```
//!
//! The section stands alone (its own struct and loader) so the config file can mount it as is.
//! The policy is installed once per process, before any side is read; without one, the
//! built-in policy applies.

use super::names::NAME_HINTS;
use super::patterns::{PatternSet, RuleSpec, builtin_specs};
use aho_corasick::AhoCorasick;
use regex::Regex;
use serde::Deserialize;
use std::collections::HashSet;
use std::sync::OnceLock;

/// The `secrets:` section of `checkride.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretsConfig {
    /// Regexes: a value found by a detector that matches one in full is not redacted.
    #[serde(default)]
    pub allow: Vec<String>,
    /// Key names (ASCII case ignored) never taken as secret names.
    #[serde(default)]
    pub allow_keys: Vec<String>,
    /// Key names (ASCII case ignored) whose values are secret, on top of the built-in words.
    #[serde(default)]
    pub secret_keys: Vec<String>,
    /// Extra value patterns, run after the built-in ones.
    #[serde(default)]
    pub patterns: Vec<RuleSpec>,
}

/// The compiled redaction policy.
#[derive(Debug)]
pub struct Policy {
    pub(crate) patterns: PatternSet,
    pub(crate) allow: Vec<Regex>,
    pub(crate) allow_keys: HashSet<String>,
    pub(crate) secret_keys: HashSet<String>,
    /// Literals one of which every secret name contains.
    pub(crate) name_hint: AhoCorasick,
}

impl SecretsConfig {
    /// Reads the `secrets:` section of a config file (absent: the default). Other sections are
    /// not looked at.
    pub fn from_config_text(text: &str) -> Result<Self, String> {
        #[derive(Deserialize)]
        struct Outer {
            #[serde(default)]
            secrets: Option<SecretsConfig>,
        }
        let outer: Outer = serde_saphyr::from_str(text).map_err(|e| format!("`secrets`: {e}"))?;
        Ok(outer.secrets.unwrap_or_default())
    }

    /// Compiles the policy: built-in patterns, then the extra ones. Every error is listed.
    pub fn compile(&self) -> Result<Policy, Vec<String>> {
        let mut errors = Vec::new();
        let mut specs = builtin_specs();
        let mut seen: HashSet<String> = specs.iter().map(|s| s.id.clone()).collect();
        for p in &self.patterns {
            if !seen.insert(p.id.clone()) {
                errors.push(format!("secret pattern `{}` is defined twice", p.id));
            }
            specs.push(p.clone());
        }
        let patterns = PatternSet::compile(&specs).map_err(|e| {
            errors.extend(e);
        });
        let mut allow = Vec::new();
        for a in &self.allow {
            match Regex::new(&format!("^(?:{a})$")) {
                Ok(r) => allow.push(r),
                Err(e) => errors.push(format!("secrets.allow `{a}`: {e}")),
            }
        }
        let lower = |v: &[String]| v.iter().map(|k| k.to_ascii_lowercase()).collect();
        let secret_keys: HashSet<String> = lower(&self.secret_keys);
        let mut hints: Vec<String> = NAME_HINTS.iter().map(|s| s.to_string()).collect();
        hints.extend(secret_keys.iter().cloned());
        let name_hint = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&hints);
        match (patterns, name_hint) {
            (Ok(patterns), Ok(name_hint)) if errors.is_empty() => Ok(Policy {
                patterns,
                allow,
                allow_keys: lower(&self.allow_keys),
                secret_keys,
                name_hint,
            }),
            (_, Err(e)) => {
                errors.push(format!("secrets.secretKeys: {e}"));
                Err(errors)
            }
            _ => Err(errors),
        }
    }
}

impl Policy {
    /// The built-in policy (no config).
    pub fn builtin() -> Policy {
        SecretsConfig::default()
            .compile()
            .expect("built-in secret patterns compile")
    }

    /// Number of value patterns (built-in and extra).
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// True when the allow-list lets a found value through.
    pub(crate) fn allows(&self, value: &str) -> bool {
        !self.allow.is_empty() && self.allow.iter().any(|r| r.is_match(value))
    }
}

static INSTALLED: OnceLock<Policy> = OnceLock::new();

/// Installs the policy for this process (before any side is read). A second, different
/// installation is refused: redaction must not change half-way through a run.
pub fn install(config: &SecretsConfig) -> Result<(), Vec<String>> {
    static CONFIG: OnceLock<SecretsConfig> = OnceLock::new();
    let policy = config.compile()?;
    if CONFIG.get().is_some_and(|c| c != config) {
        return Err(vec![
            "a different `secrets` configuration is already in use in this process".into(),
        ]);
    }
    let _ = CONFIG.set(config.clone());
    let _ = INSTALLED.set(policy);
    Ok(())
}

/// The policy in force: the installed one, else the built-in one.
pub fn policy() -> &'static Policy {
    INSTALLED.get().unwrap_or_else(|| {
        static BUILTIN: OnceLock<Policy> = OnceLock::new();
        BUILTIN.get_or_init(Policy::builtin)
    })
}
