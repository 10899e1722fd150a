//! Wrapping text to a display width (terminal columns, not bytes or chars): at spaces first,
//! then inside a long word at path and URL separators (`/ . - : _ = , ; [ ? &`), and only when
//! no separator fits, mid-word. So `checkout-db-migrate` breaks as `checkout-` / `db-migrate`,
//! never `checko` / `ut-db-migrate`, and `https://api.stripe.com` as `https://` /
//! `api.stripe.com`, never `https://ap` / `i.stripe.com`.
//!
//! Lines whose words all fit are wrapped exactly as comfy-table wraps them (greedy at spaces, a
//! line closed when two columns or fewer remain), so that tables that never needed a mid-word
//! break look as they always did.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Display width of `s` in terminal columns (wide CJK and emoji count 2).
pub(crate) fn width(s: &str) -> usize {
    s.width()
}

/// Wraps every line of `text` (split at `\n`) to at most `max` columns; `max` below 2 is taken
/// as 2 so that one wide character always fits.
pub(crate) fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(2);
    let mut out = Vec::new();
    for line in text.split('\n') {
        wrap_line(line, max, &mut out);
    }
    out
}

/// [`wrap`], joined with `\n`.
pub(crate) fn wrap_joined(text: &str, max: usize) -> String {
    wrap(text, max).join("\n")
}

/// Columns left free at which comfy-table closes a line rather than add another word to it.
const MIN_FREE: usize = 2;

fn wrap_line(line: &str, max: usize, out: &mut Vec<String>) {
    if width(line) <= max {
        out.push(line.to_string());
        return;
    }
    let mut words: Vec<&str> = line.split(' ').rev().collect();
    let mut cur = String::new();
    let mut cur_w = 0;
    while let Some(word) = words.pop() {
        let w = width(word);
        let sep = usize::from(!cur.is_empty());
        if cur_w + sep + w <= max {
            if sep == 1 {
                cur.push(' ');
            }
            cur.push_str(word);
            cur_w += sep + w;
            close_if_full(&mut cur, &mut cur_w, max, out);
            continue;
        }
        let room = max.saturating_sub(cur_w + sep);
        if !cur.is_empty() && room <= MIN_FREE {
            out.push(std::mem::take(&mut cur));
            cur_w = 0;
            words.push(word);
            continue;
        }
        if w <= max {
            // Fits on a line of its own.
            out.push(std::mem::take(&mut cur));
            cur.push_str(word);
            cur_w = w;
            close_if_full(&mut cur, &mut cur_w, max, out);
            continue;
        }
        // Longer than a whole line: the longest head ending at a separator that fits here.
        match soft_break(word, room) {
            Some(at) => {
                if sep == 1 {
                    cur.push(' ');
                }
                cur.push_str(&word[..at]);
                out.push(std::mem::take(&mut cur));
                cur_w = 0;
                words.push(&word[at..]);
            }
            None if !cur.is_empty() => {
                out.push(std::mem::take(&mut cur));
                cur_w = 0;
                words.push(word);
            }
            None => {
                let at = hard_break(word, max);
                out.push(word[..at].to_string());
                words.push(&word[at..]);
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
}

fn close_if_full(cur: &mut String, cur_w: &mut usize, max: usize, out: &mut Vec<String>) {
    if *cur_w > max.saturating_sub(MIN_FREE) {
        out.push(std::mem::take(cur));
        *cur_w = 0;
    }
}

/// Whether a word may break after `c` (`/`, `-`, `:` …) or before it (`.`, `[`, `?`, `&`).
fn breaks_after(c: char) -> bool {
    matches!(c, '/' | '-' | ':' | '_' | '=' | ',' | ';' | '\\')
}

fn breaks_before(c: char) -> bool {
    matches!(c, '.' | '[' | '?' | '&' | '(' | '{')
}

/// The byte index of the last separator break in `word` whose head is at most `room` columns
/// wide (and not empty).
fn soft_break(word: &str, room: usize) -> Option<usize> {
    let mut best = None;
    let mut w = 0;
    let mut prev: Option<char> = None;
    for (i, c) in word.char_indices() {
        if i > 0 && (breaks_before(c) || prev.is_some_and(breaks_after)) {
            if w > room {
                break;
            }
            best = Some(i);
        }
        w += c.width().unwrap_or(0);
        prev = Some(c);
    }
    best
}

/// The byte index at which `word` is cut to at most `max` columns (at least one character).
fn hard_break(word: &str, max: usize) -> usize {
    let mut w = 0;
    for (i, c) in word.char_indices() {
        let cw = c.width().unwrap_or(0);
        if i > 0 && w + cw > max {
            return i;
        }
        w += cw;
    }
    word.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hyphenated name breaks after a hyphen, never inside a word part.
    #[test]
    fn breaks_names_at_hyphens() {
        assert_eq!(
            wrap("Job shop/checkout-db-migrate", 16),
            ["Job shop/", "checkout-db-", "migrate"]
        );
    }

    /// A URL breaks after `//` or before a dot, not inside the host name.
    #[test]
    fn breaks_urls_at_separators() {
        let lines = wrap("PAYMENTS_URL → https://api.stripe.com/v1", 20);
        assert_eq!(lines, ["PAYMENTS_URL →", "https://api.stripe", ".com/v1"]);
    }

    /// A token with no separator is cut at the width, and no line is wider than asked,
    /// counting wide characters as two columns.
    #[test]
    fn cuts_unbreakable_and_wide_text_by_display_width() {
        let token = "x".repeat(200);
        for l in wrap(&token, 37) {
            assert!(width(&l) <= 37);
        }
        let wide = "数据库迁移任务".repeat(10) + " 🚀🚀🚀 ok";
        let lines = wrap(&wide, 9);
        assert!(lines.iter().all(|l| width(l) <= 9), "{lines:?}");
        assert_eq!(lines.concat().replace(' ', ""), wide.replace(' ', ""));
    }

    /// Text that fits is returned unchanged, line breaks kept.
    #[test]
    fn keeps_short_lines() {
        assert_eq!(wrap("a b\nc", 10), ["a b", "c"]);
    }
}
