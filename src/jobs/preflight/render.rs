//! The preflight brief as terminal text, and the Markdown debrief template written after the
//! release (what matched prod, what did not, what we still do not know).

use super::{Ack, Brief, LieItem};
use crate::model::{Finding, Judged, ObjectKey};
use crate::report::markdown::{Row, code_inner, text};
use std::collections::BTreeSet;
use std::fmt::Write as _;

fn keys(set: &BTreeSet<ObjectKey>) -> String {
    if set.is_empty() {
        return "nothing".into();
    }
    let mut names: Vec<String> = set.iter().map(ToString::to_string).collect();
    names.sort();
    names.join(", ")
}

fn target(f: &Finding) -> String {
    let r = Row::from(f);
    match (&f.object, &f.path) {
        (None, Some(p)) => p.to_string(),
        (_, Some(p)) => format!("{} {p}", r.object_name()),
        (_, None) => r.object_name(),
    }
}

fn verdict(f: &Finding) -> String {
    f.verdict_label().to_string()
}

/// The brief as plain text for a terminal or a CI log.
pub fn text_brief(b: &Brief) -> String {
    let r = b.report;
    let mut s = format!(
        "checkride preflight: release `{}`\nstaging {} · prod {} · fidelity score {}/100\n",
        b.release, r.staging.source, r.prod.source, r.fidelity_score
    );
    let _ = writeln!(s, "Selected in prod: {}", keys(&b.selected.0));
    let _ = writeln!(s, "Selected in staging: {}", keys(&b.selected.1));
    let _ = writeln!(s, "Touches in prod: {}", keys(&b.touched.0));
    let _ = writeln!(s, "Touches in staging: {}", keys(&b.touched.1));

    let open = b.lies.iter().filter(|l| l.ack == Ack::No).count();
    let _ = writeln!(
        s,
        "\n1. Lies to acknowledge ({open} open, {} acknowledged)",
        b.lies.len() - open
    );
    if b.lies.is_empty() {
        s.push_str("   No lie touches this release or the cluster.\n");
    }
    for l in &b.lies {
        lie(&mut s, l);
    }
    for a in &b.unused_acks {
        let _ = writeln!(s, "   warning: --ack {a} matched no lie of this release");
    }

    s.push_str("\n2. Drills\n");
    for d in &b.drills {
        let (title, question) = d.drill.title();
        let _ = writeln!(s, "   {title}: {question}");
        if d.drill == super::drills::Drill::Observability {
            let _ = writeln!(
                s,
                "     monitoring objects for this release: {} in prod, {} in staging{}",
                b.monitors.0,
                b.monitors.1,
                if b.monitors == (0, 0) {
                    " (nothing to compare)"
                } else {
                    ""
                }
            );
        }
        if !d.can.is_empty() {
            let _ = writeln!(
                s,
                "     staging can tell you (no difference from prod): {}",
                d.can.join("; ")
            );
        }
        for (aspect, why) in &d.unknown {
            let _ = writeln!(s, "     unknown: {aspect}: {why}");
        }
        for (aspect, fs) in &d.cannot {
            let _ = writeln!(s, "     staging cannot tell you: {aspect}");
            for f in fs {
                let _ = writeln!(
                    s,
                    "       - {} {}: staging says {}; prod might say {}",
                    verdict(f),
                    target(f),
                    f.staging_says,
                    f.prod_might_say
                );
            }
        }
        let _ = writeln!(s, "     no staging run tells you: {}", d.drill.never());
    }

    let _ = writeln!(s, "\n3. Read out loud this week ({} rows)", b.rows.len());
    if b.rows.is_empty() {
        s.push_str("   Nothing: staging and prod agree on everything this release touches.\n");
    }
    for (i, f) in b.rows.iter().enumerate() {
        let _ = writeln!(
            s,
            "   {}. {} [{}]: staging says \"{}\"; prod might say \"{}\"",
            i + 1,
            target(f),
            verdict(f),
            f.staging_says,
            f.prod_might_say
        );
    }

    let blocking = b.blocking();
    if blocking.is_empty() {
        s.push_str("\nREADY: no unacknowledged high-severity lie touches this release.\n");
    } else {
        let _ = writeln!(
            s,
            "\nBLOCKED: {} unacknowledged high-severity {} this release; acknowledge each with --ack ID or a waiver.",
            blocking.len(),
            if blocking.len() == 1 {
                "lie touches"
            } else {
                "lies touch"
            }
        );
    }
    s
}

fn lie(s: &mut String, l: &LieItem) {
    let f = l.finding;
    let mark = if l.ack == Ack::No { "[ ]" } else { "[x]" };
    let _ = writeln!(s, "   {mark} {} {}", verdict(f), target(f));
    let _ = writeln!(s, "       staging says: {}", f.staging_says);
    let _ = writeln!(s, "       prod might say: {}", f.prod_might_say);
    match &l.ack {
        Ack::No => {
            let _ = writeln!(s, "       acknowledge: --ack {} (or a waiver)", f.id);
        }
        Ack::Flag => {
            let _ = writeln!(s, "       acknowledged: --ack {}", f.id);
        }
        Ack::Waiver(owner, expires) => {
            let _ = writeln!(s, "       acknowledged: waived by {owner} until {expires}");
        }
    }
}

/// The Markdown debrief template, pre-filled with the release's rows of the table.
pub fn debrief(b: &Brief, date: &str) -> String {
    let r = b.report;
    let mut s = format!(
        "# Release debrief: `{}`\n\n{} · staging `{}` · prod `{}` · fidelity score {}/100\n\n",
        code_inner(&b.release, false),
        text(date),
        code_inner(&r.staging.source, false),
        code_inner(&r.prod.source, false),
        r.fidelity_score
    );
    s.push_str("## What matched prod\n\nStaging and prod agreed on these, so the rehearsal covered them:\n\n");
    for d in &b.drills {
        if !d.can.is_empty() {
            let _ = writeln!(s, "- {}: {}", d.drill.title().0, text(&d.can.join("; ")));
        }
    }
    s.push_str("\n## What did not match prod\n\nFill in the last column after the release.\n\n");
    if b.rows.is_empty() {
        s.push_str("Nothing: staging and prod agreed on everything this release touches.\n");
    } else {
        s.push_str(
            "| Verdict | Object | Staging says | Prod might say | What prod said |\n| --- | --- | --- | --- | --- |\n",
        );
        for f in &b.rows {
            let line = Row::from(*f).table_line();
            let _ = writeln!(s, "{} _to fill in_ |", line.trim_end());
        }
    }
    s.push_str("\n## What we still do not know\n\n");
    for d in &b.drills {
        let _ = writeln!(s, "- {}: {}", d.drill.title().0, text(d.drill.never()));
        for (aspect, why) in &d.unknown {
            let _ = writeln!(
                s,
                "- {}: {}: {}",
                d.drill.title().0,
                text(aspect),
                text(why)
            );
        }
    }
    for l in b.lies.iter().filter(|l| l.ack == Ack::No) {
        let _ = writeln!(
            s,
            "- unacknowledged lie `{}`: {}",
            code_inner(&target(l.finding), false),
            text(&l.finding.prod_might_say)
        );
    }
    s.push_str("\n## Follow-ups\n\n- [ ] \n");
    s
}
