//! Rule options: `--rules DIR`, `--waivers FILE`, `--preview`, and the `checkride.yaml` config
//! file holding the same (paths relative to the config file).

use crate::error::Error;
use crate::rules::{RuleSet, Waivers, load, waivers};
use clap::Args;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Where rules come from: `--rules DIR`s and the config file.
#[derive(Debug, Clone, Default, Args)]
pub struct RuleDirs {
    /// A folder of rule files on top of the built-in pack (repeatable); a rule with a built-in's
    /// id replaces it.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// A checkride.yaml naming rules folders, a waivers file and `preview` (see docs/rules.md).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// How findings are judged: extra rules, waivers, preview rules.
#[derive(Debug, Clone, Default, Args)]
pub struct JudgeArgs {
    #[command(flatten)]
    pub dirs: RuleDirs,
    /// A waivers file: findings accepted on purpose, until a date.
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
    /// Let `preview` rules fail CI like stable ones.
    #[arg(long)]
    pub preview: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    rules: Vec<String>,
    waivers: Option<String>,
    #[serde(default)]
    preview: bool,
    /// Redaction tuning (docs/secrets.md); installed for the whole run when the file is read.
    #[serde(default)]
    secrets: Option<crate::normalize::secrets::SecretsConfig>,
}

const CONFIG_SHAPE: crate::rules::load::Shape = crate::rules::load::Shape::Map(&[
    ("rules", crate::rules::load::Shape::Any),
    ("waivers", crate::rules::load::Shape::Any),
    ("preview", crate::rules::load::Shape::Any),
    ("secrets", crate::rules::load::Shape::Any),
]);

/// Rule folders, waivers file and preview flag, from the config file and the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolved {
    /// Config folders first, then `--rules` ones.
    pub rules: Vec<PathBuf>,
    /// `--waivers` wins over the config file.
    pub waivers: Option<PathBuf>,
    /// Either one says so.
    pub preview: bool,
}

impl JudgeArgs {
    /// Merges the config file (when given) with the command line.
    pub fn resolve(&self) -> Result<Resolved, Error> {
        let mut out = Resolved::default();
        if let Some(path) = &self.dirs.config {
            let cfg = read_config(path)?;
            let base = path.parent().unwrap_or(Path::new(""));
            out.rules = cfg.rules.iter().map(|r| base.join(r)).collect();
            out.waivers = cfg.waivers.map(|w| base.join(w));
            out.preview = cfg.preview;
        }
        out.rules.extend(self.dirs.rules.iter().cloned());
        if self.waivers.is_some() {
            out.waivers.clone_from(&self.waivers);
        }
        out.preview |= self.preview;
        Ok(out)
    }

    /// Loads the rule set and the waivers these options name.
    pub fn load(&self) -> Result<(RuleSet, Option<Waivers>, bool), Error> {
        let r = self.resolve()?;
        let set = RuleSet::load(&r.rules)?;
        let w = r.waivers.as_deref().map(Waivers::load).transpose()?;
        Ok((set, w, r.preview))
    }
}

fn read_config(path: &Path) -> Result<ConfigFile, Error> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::file(&file, format!("cannot read config: {e}")))?;
    let mut p = load::Problems::new(&file);
    match load::parse_checked::<ConfigFile>(&text, &CONFIG_SHAPE, &mut p) {
        Some(c) if p.errors.is_empty() => {
            let secrets = c.secrets.clone().unwrap_or_default();
            crate::normalize::secrets::policy::install(&secrets).map_err(|errors| {
                Error::Many(errors.into_iter().map(|e| Error::file(&file, e)).collect())
            })?;
            Ok(c)
        }
        _ => Err(Error::Many(p.errors)),
    }
}

impl RuleDirs {
    /// The rule set: built-in pack, then the config file's folders, then `--rules` and `extra`.
    pub fn load(&self, extra: &[PathBuf]) -> Result<RuleSet, Error> {
        let judge = JudgeArgs {
            dirs: self.clone(),
            ..JudgeArgs::default()
        };
        let mut dirs = judge.resolve()?.rules;
        dirs.extend(extra.iter().cloned());
        RuleSet::load(&dirs)
    }
}

/// Today for waivers (UTC; `CHECKRIDE_NOW` pins it).
pub fn today() -> time::Date {
    waivers::today()
}
