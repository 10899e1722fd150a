//! The config file (`--config checkride.yaml`): what a repository always passes, validated like a
//! rule file (every error at once, each with file, line and field; unknown keys are errors with a
//! *did you mean*). Paths in it are relative to the file.
//!
//! ```yaml
//! apiVersion: checkride.dev/v1alpha1   # optional (files written for 0.1.0 have none)
//! kind: Config                         # optional
//! input:   {staging: deploy/staging, prod: deploy/prod, staging-namespace: shop}
//! pairing: {map-namespace: [shop-staging=shop], env-token: [qa=live]}
//! judging: {rules: [checkride/rules], waivers: checkride/waivers.yaml, preview: false,
//!           fail-on: lie, show-noise: false}
//! live:    {kubeconfig: ~/.kube/ci, namespaces: [shop], include-kinds: [], exclude-kinds: [],
//!           secrets: fingerprint, allow-partial: false}
//! comment: {fail-on: lie}              # per command: compare, comment, report, preflight
//! secrets: {allow: [], allowKeys: [], secretKeys: [], patterns: []}   # redaction (docs/secrets.md)
//! ```
//!
//! The 0.1.0 form (`rules`, `waivers` and `preview` at the top) is still read.

use super::Job;
use crate::collect::SecretsMode;
use crate::error::Error;
use crate::model::{API_VERSION, FailOn};
use crate::normalize::secrets::SecretsConfig;
use crate::rules::load::{Problems, Shape, parse_checked};
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::path::{Path, PathBuf};

/// `kind` of a config file.
pub const KIND: &str = "Config";

const COMMAND_SHAPE: Shape = Shape::Map(&[("fail-on", Shape::Any), ("show-noise", Shape::Any)]);
const SHAPE: Shape = Shape::Map(&[
    ("apiVersion", Shape::Any),
    ("kind", Shape::Any),
    (
        "input",
        Shape::Map(&[
            ("staging", Shape::Any),
            ("prod", Shape::Any),
            ("staging-namespace", Shape::Any),
            ("prod-namespace", Shape::Any),
        ]),
    ),
    (
        "pairing",
        Shape::Map(&[("map-namespace", Shape::Any), ("env-token", Shape::Any)]),
    ),
    (
        "judging",
        Shape::Map(&[
            ("rules", Shape::Any),
            ("waivers", Shape::Any),
            ("preview", Shape::Any),
            ("fail-on", Shape::Any),
            ("show-noise", Shape::Any),
        ]),
    ),
    (
        "live",
        Shape::Map(&[
            ("kubeconfig", Shape::Any),
            ("namespaces", Shape::Any),
            ("include-kinds", Shape::Any),
            ("exclude-kinds", Shape::Any),
            ("secrets", Shape::Any),
            ("allow-partial", Shape::Any),
        ]),
    ),
    ("compare", COMMAND_SHAPE),
    ("comment", COMMAND_SHAPE),
    ("report", COMMAND_SHAPE),
    ("preflight", COMMAND_SHAPE),
    ("rules", Shape::Any),
    ("waivers", Shape::Any),
    ("preview", Shape::Any),
    ("secrets", Shape::Any),
]);

type Text = Spanned<String>;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(rename = "apiVersion")]
    api_version: Option<Text>,
    kind: Option<Text>,
    #[serde(default)]
    input: RawInput,
    #[serde(default)]
    pairing: RawPairing,
    #[serde(default)]
    judging: RawJudging,
    #[serde(default)]
    live: RawLive,
    compare: Option<RawCommand>,
    comment: Option<RawCommand>,
    report: Option<RawCommand>,
    preflight: Option<RawCommand>,
    rules: Option<Vec<String>>,
    waivers: Option<String>,
    preview: Option<bool>,
    /// Redaction tuning (docs/secrets.md), not to be confused with `live.secrets` (the mode).
    secrets: Option<SecretsConfig>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawInput {
    staging: Option<String>,
    prod: Option<String>,
    staging_namespace: Option<String>,
    prod_namespace: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPairing {
    #[serde(default)]
    map_namespace: Vec<Text>,
    #[serde(default)]
    env_token: Vec<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawJudging {
    rules: Option<Vec<String>>,
    waivers: Option<String>,
    preview: Option<bool>,
    fail_on: Option<Text>,
    show_noise: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawLive {
    kubeconfig: Option<String>,
    namespaces: Option<Vec<String>>,
    #[serde(default)]
    include_kinds: Vec<String>,
    #[serde(default)]
    exclude_kinds: Vec<String>,
    secrets: Option<Text>,
    allow_partial: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawCommand {
    fail_on: Option<Text>,
    show_noise: Option<bool>,
}

/// A per-command section: the defaults that differ by command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandSection {
    /// `fail-on` for this command.
    pub fail_on: Option<FailOn>,
    /// `show-noise` for this command.
    pub show_noise: Option<bool>,
}

/// A validated config file; paths already relative to the working directory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfigFile {
    /// `input.staging`: a side as on the command line.
    pub staging: Option<String>,
    /// `input.prod`.
    pub prod: Option<String>,
    /// `input.staging-namespace`.
    pub staging_namespace: Option<String>,
    /// `input.prod-namespace`.
    pub prod_namespace: Option<String>,
    /// `pairing.map-namespace`: `STAGING=PROD` pairs.
    pub map_namespace: Vec<String>,
    /// `pairing.env-token`: `STAGING=PROD` pairs.
    pub env_token: Vec<String>,
    /// `judging.rules` (or the 0.1.0 top-level `rules`).
    pub rules: Vec<PathBuf>,
    /// `judging.waivers` (or `waivers`).
    pub waivers: Option<PathBuf>,
    /// `judging.preview` (or `preview`).
    pub preview: Option<bool>,
    /// `judging.fail-on`.
    pub fail_on: Option<FailOn>,
    /// `judging.show-noise`.
    pub show_noise: Option<bool>,
    /// `live.kubeconfig`.
    pub kubeconfig: Option<PathBuf>,
    /// `live.namespaces`.
    pub namespaces: Option<Vec<String>>,
    /// `live.include-kinds`.
    pub include_kinds: Vec<String>,
    /// `live.exclude-kinds`.
    pub exclude_kinds: Vec<String>,
    /// `live.secrets`.
    pub secrets: Option<SecretsMode>,
    /// `live.allow-partial`.
    pub allow_partial: Option<bool>,
    /// `compare:`, `comment:`, `report:`, `preflight:`.
    pub commands: Vec<(Job, CommandSection)>,
    /// `secrets:` (top level): the redaction allow-list, extra key names and patterns.
    pub redaction: Option<SecretsConfig>,
}

impl ConfigFile {
    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<ConfigFile, Error> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::file(&file, format!("cannot read config: {e}")))?;
        let cfg = Self::parse(&file, &text, path.parent().unwrap_or(Path::new("")))?;
        if let Some(r) = &cfg.redaction {
            // Installed for the whole run, before any side is read.
            crate::normalize::secrets::policy::install(r).map_err(|errors| {
                Error::Many(errors.into_iter().map(|e| Error::file(&file, e)).collect())
            })?;
        }
        Ok(cfg)
    }

    /// Validates the text of a config file whose relative paths start at `base`.
    pub fn parse(file: &str, text: &str, base: &Path) -> Result<ConfigFile, Error> {
        let mut p = Problems::new(file);
        let raw = if text.trim().is_empty() {
            Some(Raw::default())
        } else {
            parse_checked::<Raw>(text, &SHAPE, &mut p)
        };
        let Some(raw) = raw else {
            return Err(Error::Many(p.errors));
        };
        let cfg = validate(raw, base, &mut p);
        if p.errors.is_empty() {
            Ok(cfg)
        } else {
            Err(Error::Many(p.errors))
        }
    }

    /// The section of one command.
    pub fn command(&self, job: Job) -> CommandSection {
        self.commands
            .iter()
            .find(|(j, _)| *j == job)
            .map(|(_, c)| c.clone())
            .unwrap_or_default()
    }
}

fn fail_on(t: &Option<Text>, field: &str, p: &mut Problems) -> Option<FailOn> {
    let t = t.as_ref()?;
    let v = match t.value.as_str() {
        "lie" => FailOn::Lie,
        "cut" => FailOn::Cut,
        "unclassified" => FailOn::Unclassified,
        "never" => FailOn::Never,
        other => {
            p.at(
                t.referenced.line(),
                field,
                format!("`{other}` is not one of lie, cut, unclassified, never"),
            );
            return None;
        }
    };
    Some(v)
}

fn pairs(list: Vec<Text>, field: &str, p: &mut Problems) -> Vec<String> {
    let mut out = Vec::new();
    for t in list {
        match t.value.split_once('=') {
            Some((s, q)) if !s.is_empty() && !q.is_empty() => out.push(t.value),
            _ => p.at(
                t.referenced.line(),
                field,
                format!("expects STAGING=PROD, got `{}`", t.value),
            ),
        }
    }
    out
}

/// A side's text with a relative path made relative to the config file.
fn side(base: &Path, s: String) -> String {
    if s == "-" || s.starts_with("context:") {
        return s;
    }
    match s.strip_prefix("kustomize:") {
        Some(dir) => format!("kustomize:{}", base.join(dir).display()),
        None => base.join(&s).display().to_string(),
    }
}

fn validate(raw: Raw, base: &Path, p: &mut Problems) -> ConfigFile {
    if let Some(v) = &raw.api_version
        && v.value != API_VERSION
    {
        p.at(
            v.referenced.line(),
            "apiVersion",
            format!("`{}` is not {API_VERSION}", v.value),
        );
    }
    if let Some(k) = &raw.kind
        && k.value != KIND
    {
        p.at(
            k.referenced.line(),
            "kind",
            format!("`{}` is not {KIND}", k.value),
        );
    }
    let j = raw.judging;
    let both = |p: &mut Problems, old: bool, new: bool, key: &str| {
        if old && new {
            p.at(
                0,
                key,
                format!("given both at the top and as `judging.{key}`"),
            );
        }
    };
    both(p, raw.rules.is_some(), j.rules.is_some(), "rules");
    both(p, raw.waivers.is_some(), j.waivers.is_some(), "waivers");
    both(p, raw.preview.is_some(), j.preview.is_some(), "preview");
    let secrets = raw.live.secrets.as_ref().and_then(|t| {
        match <SecretsMode as clap::ValueEnum>::from_str(&t.value, false) {
            Ok(m) => Some(m),
            Err(_) => {
                p.at(
                    t.referenced.line(),
                    "live.secrets",
                    format!("`{}` is not one of fingerprint, keys, skip", t.value),
                );
                None
            }
        }
    });
    let mut commands = Vec::new();
    for (job, section) in [
        (Job::Compare, &raw.compare),
        (Job::Comment, &raw.comment),
        (Job::Report, &raw.report),
        (Job::Preflight, &raw.preflight),
    ] {
        if let Some(c) = section {
            let field = format!("{}.fail-on", job.name());
            commands.push((
                job,
                CommandSection {
                    fail_on: fail_on(&c.fail_on, &field, p),
                    show_noise: c.show_noise,
                },
            ));
        }
    }
    ConfigFile {
        staging: raw.input.staging.map(|s| side(base, s)),
        prod: raw.input.prod.map(|s| side(base, s)),
        staging_namespace: raw.input.staging_namespace,
        prod_namespace: raw.input.prod_namespace,
        map_namespace: pairs(raw.pairing.map_namespace, "pairing.map-namespace", p),
        env_token: pairs(raw.pairing.env_token, "pairing.env-token", p),
        rules: raw
            .rules
            .or(j.rules)
            .unwrap_or_default()
            .iter()
            .map(|r| base.join(r))
            .collect(),
        waivers: raw.waivers.or(j.waivers).map(|w| base.join(w)),
        preview: raw.preview.or(j.preview),
        fail_on: fail_on(&j.fail_on, "judging.fail-on", p),
        show_noise: j.show_noise,
        kubeconfig: raw.live.kubeconfig.map(|k| base.join(k)),
        namespaces: raw.live.namespaces,
        include_kinds: raw.live.include_kinds,
        exclude_kinds: raw.live.exclude_kinds,
        secrets,
        allow_partial: raw.live.allow_partial,
        commands,
        redaction: raw.secrets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ConfigFile, String> {
        ConfigFile::parse("checkride.yaml", text, Path::new("repo")).map_err(|e| e.to_string())
    }

    /// The 0.1.0 form still reads; paths are relative to the file.
    #[test]
    fn reads_the_old_form() {
        let c = parse("rules: [rules]\nwaivers: w.yaml\npreview: true\n").unwrap();
        assert_eq!(c.rules, [PathBuf::from("repo/rules")]);
        assert_eq!(c.waivers, Some(PathBuf::from("repo/w.yaml")));
        assert_eq!(c.preview, Some(true));
    }

    /// The v1alpha1 form: sections, per-command defaults, sides relative to the file.
    #[test]
    fn reads_the_sections() {
        let c = parse(
            "apiVersion: checkride.dev/v1alpha1\nkind: Config\ninput:\n  staging: st\n  prod: context:prod\npairing:\n  env-token: [qa=live]\njudging:\n  fail-on: cut\nlive:\n  secrets: keys\ncomment:\n  fail-on: lie\n",
        )
        .unwrap();
        assert_eq!(c.staging.as_deref(), Some("repo/st"));
        assert_eq!(c.prod.as_deref(), Some("context:prod"));
        assert_eq!(c.env_token, ["qa=live"]);
        assert_eq!(c.fail_on, Some(FailOn::Cut));
        assert_eq!(c.secrets, Some(SecretsMode::Keys));
        assert_eq!(c.command(Job::Comment).fail_on, Some(FailOn::Lie));
        assert_eq!(c.command(Job::Report), CommandSection::default());
    }

    /// Every error at once, each with its line and field; unknown keys get a did-you-mean.
    #[test]
    fn reports_every_error_with_its_line() {
        let e =
            parse("kind: Settings\njudging:\n  fail-on: sometimes\npairing:\n  env-token: [qa]\n")
                .unwrap_err();
        assert!(
            e.contains("checkride.yaml:1: `kind`: `Settings` is not Config"),
            "{e}"
        );
        assert!(
            e.contains("checkride.yaml:3: `judging.fail-on`: `sometimes`"),
            "{e}"
        );
        assert!(e.contains("checkride.yaml:5: `pairing.env-token`"), "{e}");
        let e = parse("judging:\n  fail_on: lie\n").unwrap_err();
        assert!(e.contains(":2: `judging.fail_on`: unknown field"), "{e}");
        assert!(e.contains("did you mean `fail-on`"), "{e}");
    }
}
