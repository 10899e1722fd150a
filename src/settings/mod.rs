//! One validated settings value per run. `compare`, `comment`, `report` and `preflight` share one
//! set of flags ([`Flags`]); together with the config file they resolve here, once, into
//! [`Settings`], which [`crate::pipeline::run`] takes.
//!
//! Defaults that differ by command (docs/jobs.md has the table):
//!
//! | setting | compare | comment | report | preflight |
//! |---|---|---|---|---|
//! | `--fail-on` | `lie` | `never` | `never` | `lie`, held to high-severity lies touching the release, less `--ack`s |
//!
//! Everything else has one default. Precedence: the command line, then the config file's section
//! of the command, then its general keys, then the command's default.

pub mod file;

use crate::collect::live::kinds::KindFilter;
use crate::collect::{Limits, LiveOptions, SecretsMode, SideSpec};
use crate::diff::pair::NameMapping;
use crate::error::Error;
use crate::model::{FailOn, Policy};
use file::ConfigFile;
use std::path::PathBuf;

/// The commands that compare a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// `checkride compare`.
    Compare,
    /// `checkride comment`.
    Comment,
    /// `checkride report`.
    Report,
    /// `checkride preflight`.
    Preflight,
}

impl Job {
    /// The command's name (and its config file section).
    pub fn name(self) -> &'static str {
        match self {
            Job::Compare => "compare",
            Job::Comment => "comment",
            Job::Report => "report",
            Job::Preflight => "preflight",
        }
    }

    /// `--fail-on` when neither the command line nor the config file says: a comparison in CI
    /// fails on lies; a PR comment and a scheduled report succeed whatever they find; preflight
    /// holds a release to its high-severity lies.
    pub fn default_fail_on(self) -> FailOn {
        match self {
            Job::Compare | Job::Preflight => FailOn::Lie,
            Job::Comment | Job::Report => FailOn::Never,
        }
    }
}

/// The shared flags as given on the command line (`None` or empty: not given).
#[derive(Debug, Clone, Default)]
pub struct Flags {
    /// STAGING.
    pub staging: Option<String>,
    /// PROD.
    pub prod: Option<String>,
    /// `--staging-namespace`.
    pub staging_namespace: Option<String>,
    /// `--prod-namespace`.
    pub prod_namespace: Option<String>,
    /// `--map-namespace`.
    pub map_namespace: Vec<String>,
    /// `--env-token`.
    pub env_token: Vec<String>,
    /// `--config`.
    pub config: Option<PathBuf>,
    /// `--rules`.
    pub rules: Vec<PathBuf>,
    /// `--waivers`.
    pub waivers: Option<PathBuf>,
    /// `--preview`.
    pub preview: bool,
    /// `--fail-on`.
    pub fail_on: Option<FailOn>,
    /// `--show-noise`.
    pub show_noise: bool,
    /// `--allow-partial`.
    pub allow_partial: bool,
    /// `--kubeconfig`.
    pub kubeconfig: Option<PathBuf>,
    /// `-n`.
    pub namespaces: Vec<String>,
    /// `--include-kinds`.
    pub include_kinds: Vec<String>,
    /// `--exclude-kinds`.
    pub exclude_kinds: Vec<String>,
    /// `--secrets`.
    pub secrets: Option<SecretsMode>,
    /// The rest of the live options (concurrency, timeouts, progress), as given or defaulted.
    pub live: LiveOptions,
    /// The budgets on input (docs/limits.md).
    pub limits: Limits,
    /// `--allow-empty`: a side holding no object is accepted.
    pub allow_empty: bool,
}

impl Flags {
    /// Two sides and nothing else given.
    pub fn pair(staging: &str, prod: &str) -> Flags {
        Flags {
            staging: Some(staging.to_string()),
            prod: Some(prod.to_string()),
            ..Flags::default()
        }
    }
}

/// What is compared and how each side is read.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// Staging as given (reports and the PR comment's name show it).
    pub staging_text: String,
    /// Prod as given.
    pub prod_text: String,
    /// Staging, parsed.
    pub staging: SideSpec,
    /// Prod, parsed.
    pub prod: SideSpec,
    /// Namespace of staging objects that name none.
    pub staging_namespace: String,
    /// Namespace of prod objects that name none.
    pub prod_namespace: String,
    /// The budgets on input (docs/limits.md).
    pub limits: Limits,
    /// A side holding no object is accepted.
    pub allow_empty: bool,
}

/// How differences are judged and what blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct Judging {
    /// Rule folders on top of the built-in pack: the config file's, then `--rules`.
    pub rules: Vec<PathBuf>,
    /// The waivers file.
    pub waivers: Option<PathBuf>,
    /// Preview rules count like stable ones.
    pub preview: bool,
    /// The lowest verdict that blocks.
    pub fail_on: FailOn,
    /// Noise rows are shown.
    pub show_noise: bool,
    /// The day waivers are checked against (UTC).
    pub today: time::Date,
}

/// Everything a run needs, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The command.
    pub job: Job,
    /// The two sides.
    pub input: Input,
    /// How objects pair across the sides.
    pub pairing: NameMapping,
    /// How they are judged.
    pub judging: Judging,
    /// How `context:` sides are read.
    pub live: LiveOptions,
    /// Incomplete coverage does not force exit 3.
    pub allow_partial: bool,
}

impl Settings {
    /// Merges the command line with the config file (when given) for `job`, and validates.
    pub fn resolve(job: Job, flags: Flags) -> Result<Settings, Error> {
        let cfg = match &flags.config {
            Some(path) => ConfigFile::load(path)?,
            None => ConfigFile::default(),
        };
        let section = cfg.command(job);
        let side_text = |given: Option<String>, cfg: Option<String>, which: &str| {
            given.or(cfg).ok_or_else(|| {
                Error::Usage(format!(
                    "no {which} side: give it on the command line or as `input.{which}` in --config"
                ))
            })
        };
        let staging_text = side_text(flags.staging, cfg.staging, "staging")?;
        let prod_text = side_text(flags.prod, cfg.prod, "prod")?;
        let (staging, prod) = (
            SideSpec::parse(&staging_text)?,
            SideSpec::parse(&prod_text)?,
        );
        let namespaces = if flags.namespaces.is_empty() {
            cfg.namespaces.unwrap_or_default()
        } else {
            flags.namespaces
        };
        let any_live = [&staging, &prod]
            .iter()
            .any(|s| matches!(s, SideSpec::Context(_)));
        if !any_live && !namespaces.is_empty() {
            return Err(Error::Usage(
                "-n/--namespace selects namespaces of context: sides; for manifests use --staging-namespace / --prod-namespace".into(),
            ));
        }
        let namespace = |given: Option<String>, cfg: Option<String>| {
            given.or(cfg).unwrap_or_else(|| "default".to_string())
        };
        let input = Input {
            staging_text,
            prod_text,
            staging,
            prod,
            staging_namespace: namespace(flags.staging_namespace, cfg.staging_namespace),
            prod_namespace: namespace(flags.prod_namespace, cfg.prod_namespace),
            limits: flags.limits,
            allow_empty: flags.allow_empty,
        };
        let pairing = name_mapping(
            &[cfg.map_namespace, flags.map_namespace].concat(),
            &[cfg.env_token, flags.env_token].concat(),
        )?;
        let mut rules = cfg.rules;
        rules.extend(flags.rules);
        let judging = Judging {
            rules,
            waivers: flags.waivers.or(cfg.waivers),
            preview: flags.preview || cfg.preview.unwrap_or(false),
            fail_on: flags
                .fail_on
                .or(section.fail_on)
                .or(cfg.fail_on)
                .unwrap_or_else(|| job.default_fail_on()),
            show_noise: flags.show_noise || section.show_noise.or(cfg.show_noise).unwrap_or(false),
            today: crate::clock::today(),
        };
        let kinds =
            |given: Vec<String>, cfg: Vec<String>| if given.is_empty() { cfg } else { given };
        let live = LiveOptions {
            kubeconfig: flags.kubeconfig.or(cfg.kubeconfig),
            kinds: KindFilter::parse(
                &kinds(flags.include_kinds, cfg.include_kinds),
                &kinds(flags.exclude_kinds, cfg.exclude_kinds),
            )?,
            secrets: flags.secrets.or(cfg.secrets).unwrap_or_default(),
            namespaces,
            ..flags.live
        };
        Ok(Settings {
            job,
            input,
            pairing,
            judging,
            live,
            allow_partial: flags.allow_partial || cfg.allow_partial.unwrap_or(false),
        })
    }

    /// The policy of this run: what blocks, and whether incomplete coverage may pass.
    pub fn policy(&self) -> Policy {
        Policy {
            allow_partial: self.allow_partial,
            ..Policy::fail_on(self.judging.fail_on)
        }
    }
}

/// The name mapping from `STAGING=PROD` namespace pairs and environment-token pairs.
pub fn name_mapping(map_namespace: &[String], env_token: &[String]) -> Result<NameMapping, Error> {
    let mut m = NameMapping::default();
    for pair in map_namespace {
        let (s, p) = pair
            .split_once('=')
            .filter(|(s, p)| !s.is_empty() && !p.is_empty())
            .ok_or_else(|| {
                Error::Usage(format!(
                    "--map-namespace expects STAGING_NS=PROD_NS, got `{pair}`"
                ))
            })?;
        m.namespaces.insert(s.to_string(), p.to_string());
    }
    for pair in env_token {
        m.tokens.add_pair(pair).map_err(Error::Usage)?;
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--fail-on` defaults by command; the command line wins over the config file's section,
    /// which wins over its general key.
    #[test]
    fn fail_on_by_command_and_precedence() {
        for (job, want) in [
            (Job::Compare, FailOn::Lie),
            (Job::Comment, FailOn::Never),
            (Job::Report, FailOn::Never),
            (Job::Preflight, FailOn::Lie),
        ] {
            let s = Settings::resolve(job, Flags::pair("a", "b")).unwrap();
            assert_eq!(s.judging.fail_on, want, "{job:?}");
        }
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("checkride.yaml");
        std::fs::write(
            &cfg,
            "judging: {fail-on: cut, rules: [r]}\nreport: {fail-on: unclassified}\n",
        )
        .unwrap();
        let with = |fail_on| Flags {
            config: Some(cfg.clone()),
            fail_on,
            rules: vec!["cli".into()],
            ..Flags::pair("a", "b")
        };
        let s = Settings::resolve(Job::Comment, with(None)).unwrap();
        assert_eq!(s.judging.fail_on, FailOn::Cut);
        assert_eq!(
            s.judging.rules,
            [dir.path().join("r"), PathBuf::from("cli")]
        );
        let s = Settings::resolve(Job::Report, with(None)).unwrap();
        assert_eq!(s.judging.fail_on, FailOn::Unclassified);
        let s = Settings::resolve(Job::Report, with(Some(FailOn::Never))).unwrap();
        assert_eq!(s.judging.fail_on, FailOn::Never);
    }

    /// Sides may come from the config file; a missing side and `-n` without a live side are
    /// usage errors.
    #[test]
    fn sides_and_usage_errors() {
        let e = Settings::resolve(Job::Compare, Flags::default()).unwrap_err();
        assert!(e.to_string().contains("no staging side"), "{e}");
        let f = Flags {
            namespaces: vec!["shop".into()],
            ..Flags::pair("a", "b")
        };
        assert!(Settings::resolve(Job::Compare, f).is_err());
        let f = Flags {
            namespaces: vec!["shop".into()],
            ..Flags::pair("a", "context:prod")
        };
        let s = Settings::resolve(Job::Compare, f).unwrap();
        assert_eq!(s.live.namespaces, ["shop"]);
    }
}
