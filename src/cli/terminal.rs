//! What the terminal is like: the table width (`--width`, `$COLUMNS`, the real terminal, else
//! 140) and whether to colour (`--color`, `NO_COLOR`, whether stdout is a terminal).

use crate::report::table::{DEFAULT_WIDTH, Style};
use clap::ValueEnum;
use std::io::IsTerminal;

/// When to colour verdicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorWhen {
    /// When stdout is a terminal, `NO_COLOR` is unset or empty and `TERM` is not `dumb`.
    #[default]
    Auto,
    /// Always (even into a pipe or file).
    Always,
    /// Never.
    Never,
}

/// The narrowest width accepted: below it no layout stays readable.
pub(crate) const MIN_WIDTH: u16 = 20;

/// The table's style for stdout: width and colour resolved from the flags and environment.
pub(crate) fn style(width: Option<u16>, color: ColorWhen) -> Style {
    let tty = std::io::stdout().is_terminal();
    let env = |k: &str| std::env::var(k).ok();
    Style {
        width: resolve_width(
            width,
            env("COLUMNS").as_deref(),
            tty.then(real_width).flatten(),
        ),
        color: resolve_color(
            color,
            tty,
            env("NO_COLOR").as_deref(),
            env("TERM").as_deref(),
        ),
    }
}

/// `--width`, then `$COLUMNS` (when a number ≥ [`MIN_WIDTH`]), then the terminal's width,
/// then [`DEFAULT_WIDTH`].
fn resolve_width(flag: Option<u16>, columns: Option<&str>, terminal: Option<u16>) -> u16 {
    let columns = columns
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|c| *c >= MIN_WIDTH);
    flag.or(columns)
        .or(terminal.filter(|w| *w >= MIN_WIDTH))
        .unwrap_or(DEFAULT_WIDTH)
}

/// The width of the terminal on stdout, if it is one.
fn real_width() -> Option<u16> {
    terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| w.0)
}

/// `always` and `never` are obeyed; `auto` colours a terminal unless `NO_COLOR` is set to a
/// non-empty value (no-color.org) or `TERM` is `dumb`.
fn resolve_color(when: ColorWhen, tty: bool, no_color: Option<&str>, term: Option<&str>) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => tty && no_color.is_none_or(str::is_empty) && term != Some("dumb"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flag beats `$COLUMNS`, which beats the terminal; nonsense falls through to 140.
    #[test]
    fn width_precedence() {
        assert_eq!(resolve_width(Some(90), Some("120"), Some(200)), 90);
        assert_eq!(resolve_width(None, Some("120"), Some(200)), 120);
        assert_eq!(resolve_width(None, Some("wide"), Some(200)), 200);
        assert_eq!(resolve_width(None, Some("0"), None), DEFAULT_WIDTH);
        assert_eq!(resolve_width(None, None, None), DEFAULT_WIDTH);
    }

    /// `NO_COLOR` (non-empty) and `TERM=dumb` turn auto colour off; `always` ignores both.
    #[test]
    fn colour_choice() {
        assert!(resolve_color(ColorWhen::Auto, true, None, Some("xterm")));
        assert!(resolve_color(ColorWhen::Auto, true, Some(""), None));
        assert!(!resolve_color(ColorWhen::Auto, true, Some("1"), None));
        assert!(!resolve_color(ColorWhen::Auto, true, None, Some("dumb")));
        assert!(!resolve_color(ColorWhen::Auto, false, None, None));
        assert!(resolve_color(ColorWhen::Always, false, Some("1"), None));
        assert!(!resolve_color(ColorWhen::Never, true, None, None));
    }
}
