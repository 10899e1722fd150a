//! The table in a real terminal: a tmux pane (a pseudo terminal) of 80, 100 and 160 columns,
//! with a 200-character unbreakable token, long names and wide Unicode in values. tmux is
//! installed by `.ci/run`.

mod common;
use common::{checkride, run, write};
use std::path::Path;
use std::process::Command;
use unicode_width::UnicodeWidthStr;

const TOKEN_LEN: usize = 200;

/// Two sides whose values stress the layout: an unbreakable token, CJK and emoji, a URL.
fn pair(dir: &Path) -> (String, String) {
    let token = "Q".repeat(TOKEN_LEN);
    for (side, image, note) in [
        (
            "staging",
            "1.0",
            "数据库迁移任务在预发布环境中从未运行过🚀🚀",
        ),
        (
            "prod",
            "2.0",
            "生产环境的数据库迁移任务会锁表🔒 https://api.stripe.com/v1/charges",
        ),
    ] {
        write(
            &dir.join(side),
            "cm.yaml",
            &format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: checkout-db-migrate-configuration-for-the-payments-team\n  namespace: shop\ndata:\n  MOTD: \"{side}{token}\"\n  NOTE: \"{note}\"\n  IMAGE: \"registry.example.com/shop/checkout-db-migrate:{image}\"\n"
            ),
        );
    }
    let side = |s: &str| dir.join(s).to_str().unwrap().to_string();
    (side("staging"), side("prod"))
}

/// Runs `checkride compare` in a detached tmux pane of `width` columns and returns the pane's
/// whole history, wrapped lines joined (`capture-pane -J`), escapes kept when `escapes`.
fn in_tmux(dir: &Path, width: u16, args: &str, escapes: bool) -> String {
    // One tmux server at a time: parallel servers started together sometimes fail to start.
    static ONE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = ONE.lock().unwrap_or_else(|e| e.into_inner());
    static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let socket = format!("checkride-test-{}-{n}", std::process::id());
    let conf = write(dir, "tmux.conf", "set -g history-limit 100000\n");
    let shell = format!(
        "{} compare {args}; tmux -L {socket} wait-for -S done; sleep 600",
        env!("CARGO_BIN_EXE_checkride")
    );
    let tmux = |a: &[&str]| {
        let out = Command::new("tmux")
            .args(["-L", &socket, "-f", conf.to_str().unwrap()])
            .args(a)
            .env_remove("COLUMNS")
            .env_remove("NO_COLOR")
            .env("TERM", "xterm-256color")
            .output()
            .expect("tmux runs (installed by .ci/run)");
        assert!(out.status.success(), "tmux {a:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let (w, h) = (width.to_string(), "50".to_string());
    tmux(&["new-session", "-d", "-x", &w, "-y", &h, &shell]);
    tmux(&["wait-for", "done"]);
    let mut capture = vec!["capture-pane", "-p", "-J", "-S", "-"];
    if escapes {
        capture.push("-e");
    }
    let text = tmux(&capture);
    tmux(&["kill-server"]);
    text
}

/// In a pane of 80, 100 and 160 columns the table uses the terminal's real width (no
/// `$COLUMNS`, no `--width`): no line is wider than the pane in display width, and the
/// unbreakable token and the wide text are all there.
#[test]
fn table_fits_the_real_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let (staging, prod) = pair(dir.path());
    for width in [80u16, 100, 160] {
        let text = in_tmux(
            dir.path(),
            width,
            &format!("{staging} {prod} --color never"),
            false,
        );
        let lines: Vec<&str> = text.lines().collect();
        for l in &lines {
            assert!(
                l.width() <= usize::from(width),
                "{width} columns: a line of {} columns:\n{l}\n\n{text}",
                l.width()
            );
        }
        let joined: String = text.split_whitespace().collect();
        let cells: String = joined.chars().filter(|c| !"│┆".contains(*c)).collect();
        assert!(
            cells.contains(&"Q".repeat(TOKEN_LEN / 3)),
            "{width}: token lost\n{text}"
        );
        assert!(text.contains("数据库"), "{width}: wide text lost\n{text}");
        // The table spans the width it was given (not 140): the top border or rule line.
        let widest = lines.iter().map(|l| l.width()).max().unwrap();
        assert!(
            widest + 10 >= usize::from(width),
            "{width}: widest line {widest}\n{text}"
        );
        if width < 100 {
            assert!(
                lines.iter().any(|l| l.starts_with("── unclassified ──")),
                "{width}: narrow layout expected\n{text}"
            );
        } else {
            assert!(lines[0].starts_with('┌'), "{width}: table expected\n{text}");
        }
    }
}

/// Names and URLs break at `-`, `/` and `.`, never inside a word: every word of the names,
/// the image and the URL is printed whole at every width.
#[test]
fn words_break_at_separators() {
    let dir = tempfile::tempdir().unwrap();
    let (staging, prod) = pair(dir.path());
    for width in ["80", "100", "160"] {
        let (_, table, err) = run(checkride().args([
            "compare", &staging, &prod, "--width", width, "--color", "never",
        ]));
        for word in [
            "checkout",
            "migrate",
            "configuration",
            "payments",
            "registry",
            "example",
            "stripe",
            "charges",
        ] {
            assert!(
                table.contains(word),
                "{width}: `{word}` broken: {err}\n{table}"
            );
        }
    }
}

/// On a terminal verdicts are coloured (`auto`); `--color never`, `NO_COLOR` and a pipe are
/// plain; `--color always` colours a pipe too, in both layouts.
#[test]
fn verdicts_are_coloured_on_a_terminal_only() {
    let dir = tempfile::tempdir().unwrap();
    let (staging, prod) = pair(dir.path());
    // The pair's findings are unclassified: yellow.
    let yellow = "\x1b[38;5;11m";
    let pane = in_tmux(dir.path(), 120, &format!("{staging} {prod}"), true);
    assert!(
        pane.contains("38;5;11m"),
        "no colour on a terminal:\n{pane}"
    );
    let plain = in_tmux(
        dir.path(),
        120,
        &format!("{staging} {prod} --color never"),
        true,
    );
    assert!(!plain.contains("38;5;11m"), "{plain}");
    for width in ["80", "140"] {
        let base = ["compare", &staging, &prod, "--width", width];
        let (_, piped, _) = run(checkride().args(base));
        assert!(!piped.contains('\x1b'), "{piped}");
        let (_, always, _) = run(checkride().args(base).args(["--color", "always"]));
        assert!(always.contains(yellow), "{width}: {always}");
        let (_, no_color, _) = run(checkride()
            .args(base)
            .args(["--color", "auto"])
            .env("NO_COLOR", "1"));
        assert!(!no_color.contains('\x1b'), "{no_color}");
    }
}
