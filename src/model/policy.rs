//! Policy on the model: how severities and verdicts are named and ordered, which findings block
//! a run under the team's settings, in what order findings are shown, and the exit code. Every
//! renderer and job asks these methods; none of them decides for itself.

use super::key::ObjectKey;
use super::report::{FailOn, Severity, Verdict};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 3] = [Severity::High, Severity::Medium, Severity::Low];

    /// Lowercase name, as in JSON and rule files: `high`, `medium`, `low`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }

    /// Parses the lowercase name.
    pub fn parse(s: &str) -> Option<Severity> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Is this at least as severe as `floor`?
    pub fn at_least(self, floor: Severity) -> bool {
        self <= floor
    }
}

/// Sort rank of an optional severity: high first, no severity last.
pub fn severity_rank(s: Option<Severity>) -> u8 {
    match s {
        Some(s) => Severity::ALL.iter().position(|x| *x == s).unwrap_or(0) as u8,
        None => Severity::ALL.len() as u8,
    }
}

impl Verdict {
    /// The verdicts a rule may give, in precedence order (the strongest first).
    pub const FROM_RULES: [Verdict; 3] = [Verdict::Lie, Verdict::Cut, Verdict::Noise];

    /// Parses the lowercase name.
    pub fn parse(s: &str) -> Option<Verdict> {
        [
            Verdict::Lie,
            Verdict::Unclassified,
            Verdict::Cut,
            Verdict::Waived,
            Verdict::Noise,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }

    /// How strongly a rule's verdict speaks, with its severity, for precedence among rules of
    /// the same tier: lie > cut > noise, and among lies high > medium > low (smaller is stronger).
    pub fn strength(self, severity: Option<Severity>) -> (u8, u8) {
        let v = Self::FROM_RULES
            .iter()
            .position(|x| *x == self)
            .unwrap_or(Self::FROM_RULES.len()) as u8;
        (v, severity_rank(severity))
    }

    /// A rule's verdict as `rules list` shows it: `lie (high)`, `cut`, `noise`.
    pub fn with_severity(self, severity: Option<Severity>) -> String {
        match severity {
            Some(s) => format!("{} ({})", self.as_str(), s.as_str()),
            None => self.as_str().to_string(),
        }
    }
}

/// A finding's verdict as every table shows it: `LIE (high, preview)`, `waived (lie)`, `cut`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerdictLabel {
    /// `LIE` for lies (shouted: they are what a reader looks for), else the verdict's name.
    pub headline: &'static str,
    /// Severity, the verdict a waiver set aside, `preview`.
    pub details: Vec<&'static str>,
    /// True for lies: renderers that can emphasize (Markdown bold) do.
    pub emphasized: bool,
}

impl fmt::Display for VerdictLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.headline)?;
        if !self.details.is_empty() {
            write!(f, " ({})", self.details.join(", "))?;
        }
        Ok(())
    }
}

/// What a run's policy is: the settings that decide which findings block.
///
/// Preview rules are settled when a finding is judged (a finding marked `preview` came from
/// preview rules only and `--preview` was not given); waivers turn a finding's verdict into
/// `waived`. Both therefore reach this policy through the findings themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// The lowest verdict that blocks (`--fail-on`).
    pub fail_on: FailOn,
    /// Only lies at least this severe block (preflight: high).
    pub min_severity: Option<Severity>,
    /// Finding ids acknowledged for this run (preflight's `--ack`): they do not block.
    pub acks: BTreeSet<String>,
    /// Incomplete coverage does not force exit 3 (`--allow-partial`).
    pub allow_partial: bool,
}

impl Policy {
    /// A policy that blocks at `fail_on` and nothing else.
    pub fn fail_on(fail_on: FailOn) -> Policy {
        Policy {
            fail_on,
            ..Policy::default()
        }
    }

    /// Does a finding judged this way block under this policy?
    pub fn blocks(&self, f: &(impl Judged + ?Sized)) -> bool {
        if f.preview() || self.acks.contains(f.id()) {
            return false;
        }
        let at_level = match self.fail_on {
            FailOn::Never => false,
            FailOn::Lie => f.verdict() == Verdict::Lie,
            FailOn::Cut => matches!(f.verdict(), Verdict::Lie | Verdict::Cut),
            FailOn::Unclassified => matches!(f.verdict(), Verdict::Lie | Verdict::Unclassified),
        };
        at_level
            && self.min_severity.is_none_or(|floor| {
                f.verdict() == Verdict::Lie && f.severity().is_some_and(|s| s.at_least(floor))
            })
    }

    /// The exit code of a run that read `complete`ly (or not) and has blocking findings (or not).
    pub fn exit_code(&self, complete: bool, blocking: bool) -> ExitCode {
        if !complete && !self.allow_partial {
            ExitCode::Incomplete
        } else if blocking {
            ExitCode::Blocked
        } else {
            ExitCode::Clean
        }
    }
}

/// The documented exit codes (docs/report.md). When several apply, the first listed here wins:
/// an error stops the run, incomplete coverage outranks findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitCode {
    /// 2: bad usage or input (file and line named), unreachable cluster.
    Error,
    /// 3: something could not be read; the findings cover only what was seen.
    Incomplete,
    /// 1: findings block under the run's policy.
    Blocked,
    /// 0: nothing blocks.
    Clean,
}

impl ExitCode {
    /// The process exit status.
    pub fn code(self) -> i32 {
        match self {
            ExitCode::Clean => 0,
            ExitCode::Blocked => 1,
            ExitCode::Error => 2,
            ExitCode::Incomplete => 3,
        }
    }
}

/// The order findings are shown in: verdict (lie, unclassified, cut, waived, noise), severity
/// (high first), then object and path.
pub type OrderKey<'a> = (Verdict, u8, Option<&'a ObjectKey>, Option<&'a str>);

/// A judged finding, as the report holds it or as the history keeps it: the questions of policy
/// are answered once, here, for both.
pub trait Judged {
    /// Stable finding id.
    fn id(&self) -> &str;
    /// The verdict.
    fn verdict(&self) -> Verdict;
    /// For lies.
    fn severity(&self) -> Option<Severity>;
    /// For waived findings: the verdict set aside.
    fn waived_verdict(&self) -> Option<Verdict>;
    /// Only preview rules gave the verdict (and preview rules do not count in this run).
    fn preview(&self) -> bool;
    /// Prod identity (staging's for staging-only objects); `None` for cluster facts.
    fn object(&self) -> Option<&ObjectKey>;
    /// The path's text; `None` for whole objects.
    fn path_text(&self) -> Option<&str>;

    /// Does this finding block under `policy`?
    fn blocks(&self, policy: &Policy) -> bool {
        policy.blocks(self)
    }

    /// A lie, or a waived finding that would be one.
    fn is_lie_or_waived_lie(&self) -> bool {
        self.verdict() == Verdict::Lie
            || (self.verdict() == Verdict::Waived && self.waived_verdict() == Some(Verdict::Lie))
    }

    /// Display order (see [`OrderKey`]).
    fn order_key(&self) -> OrderKey<'_> {
        (
            self.verdict(),
            severity_rank(self.severity()),
            self.object(),
            self.path_text(),
        )
    }

    /// The verdict as tables show it.
    fn verdict_label(&self) -> VerdictLabel {
        let v = self.verdict();
        let mut details = Vec::new();
        match v {
            Verdict::Lie => details.extend(self.severity().map(Severity::as_str)),
            Verdict::Waived => details.push(self.waived_verdict().map_or("?", Verdict::as_str)),
            _ => {}
        }
        if self.preview() {
            details.push("preview");
        }
        VerdictLabel {
            headline: if v == Verdict::Lie { "LIE" } else { v.as_str() },
            details,
            emphasized: v == Verdict::Lie,
        }
    }
}

/// `findings` in display order, noise left out unless `show_noise`.
pub fn display_order<T: Judged>(findings: &[T], show_noise: bool) -> Vec<&T> {
    let mut v: Vec<&T> = findings
        .iter()
        .filter(|f| show_noise || f.verdict() != Verdict::Noise)
        .collect();
    v.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    v
}

/// The fidelity score (docs/rules.md): the percentage, rounded down, of compared items (object
/// pairs, objects on one side only, cluster facts) that carry no lie. Waived lies and lies from
/// preview rules do not count; several lies on one object count once.
pub fn fidelity_score<T: Judged>(compared: usize, findings: &[T]) -> u32 {
    let mut lying: Vec<(Option<&ObjectKey>, Option<&str>)> = findings
        .iter()
        .filter(|f| f.verdict() == Verdict::Lie && !f.preview())
        .map(|f| {
            // A cluster-level lie is one item per fact; an object's lies count once.
            (
                f.object(),
                f.object().is_none().then(|| f.path_text()).flatten(),
            )
        })
        .collect();
    lying.sort();
    lying.dedup();
    fidelity(compared, lying.len())
}

/// The percentage, rounded down, of `compared` items that are not among `lying` ones.
pub fn fidelity(compared: usize, lying: usize) -> u32 {
    if compared == 0 {
        return 100;
    }
    let truthful = compared.saturating_sub(lying);
    ((truthful as u128 * 100) / compared as u128) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    struct F {
        verdict: Verdict,
        severity: Option<Severity>,
        preview: bool,
    }

    impl Judged for F {
        fn id(&self) -> &str {
            "id-1"
        }
        fn verdict(&self) -> Verdict {
            self.verdict
        }
        fn severity(&self) -> Option<Severity> {
            self.severity
        }
        fn waived_verdict(&self) -> Option<Verdict> {
            (self.verdict == Verdict::Waived).then_some(Verdict::Lie)
        }
        fn preview(&self) -> bool {
            self.preview
        }
        fn object(&self) -> Option<&ObjectKey> {
            None
        }
        fn path_text(&self) -> Option<&str> {
            None
        }
    }

    fn f(verdict: Verdict, severity: Option<Severity>, preview: bool) -> F {
        F {
            verdict,
            severity,
            preview,
        }
    }

    /// Fail-on levels, preview, acks and the severity floor decide what blocks; waived and
    /// noise findings never block.
    #[test]
    fn what_blocks() {
        let lie = f(Verdict::Lie, Some(Severity::Medium), false);
        let cut = f(Verdict::Cut, None, false);
        let preview = f(Verdict::Lie, Some(Severity::High), true);
        let waived = f(Verdict::Waived, None, false);
        let p = Policy::fail_on(FailOn::Lie);
        assert!(lie.blocks(&p) && !cut.blocks(&p) && !preview.blocks(&p) && !waived.blocks(&p));
        let p = Policy::fail_on(FailOn::Cut);
        assert!(lie.blocks(&p) && cut.blocks(&p) && !waived.blocks(&p));
        assert!(!lie.blocks(&Policy::fail_on(FailOn::Never)));
        let high_only = Policy {
            min_severity: Some(Severity::High),
            ..Policy::fail_on(FailOn::Cut)
        };
        assert!(!lie.blocks(&high_only) && !cut.blocks(&high_only));
        let mut acked = Policy::fail_on(FailOn::Lie);
        acked.acks.insert("id-1".into());
        assert!(!lie.blocks(&acked));
        assert_eq!(
            Policy::default().exit_code(false, true),
            ExitCode::Incomplete
        );
        let partial = Policy {
            allow_partial: true,
            ..Policy::default()
        };
        assert_eq!(partial.exit_code(false, true).code(), 1);
    }

    /// Labels and ranks come from one place: `LIE (high, preview)`, `waived (lie)`, ranks high
    /// first and none last.
    #[test]
    fn labels_and_order() {
        assert_eq!(
            f(Verdict::Lie, Some(Severity::High), true)
                .verdict_label()
                .to_string(),
            "LIE (high, preview)"
        );
        assert_eq!(
            f(Verdict::Waived, None, false).verdict_label().to_string(),
            "waived (lie)"
        );
        assert_eq!(
            f(Verdict::Cut, None, false).verdict_label().to_string(),
            "cut"
        );
        let ranks: Vec<u8> = [Some(Severity::High), Some(Severity::Low), None]
            .into_iter()
            .map(severity_rank)
            .collect();
        assert_eq!(ranks, [0, 2, 3]);
        assert!(Verdict::Lie.strength(Some(Severity::Low)) < Verdict::Cut.strength(None));
        assert_eq!(
            Verdict::Lie.with_severity(Some(Severity::High)),
            "lie (high)"
        );
        assert_eq!(Severity::parse("medium"), Some(Severity::Medium));
        assert_eq!(fidelity(4, 1), 75);
        assert_eq!(fidelity(0, 0), 100);
    }
}
