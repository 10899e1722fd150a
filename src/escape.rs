//! Safe text for every output: what a user (or a cluster) gave us is printed so that it cannot
//! drive the terminal, hide or reorder text, or act on the forge that shows it.
//!
//! - [`visible`]: control characters (Unicode Cc: ESC, BEL, NUL, DEL, the C1 range…) and format
//!   characters (Unicode Cf: bidi overrides U+202A–U+202E and isolates U+2066–U+2069,
//!   zero-width spaces and joiners, the BOM, soft hyphen…) plus the line and paragraph
//!   separators become visible escapes like `\u{1b}`. Line feeds are kept (cells and messages
//!   hold several lines); [`visible_line`] escapes them too.
//! - [`html`]: [`visible`], then the HTML metacharacters as entities.
//! - [`markdown`]: for text outside code spans: [`html`], Markdown punctuation backslash-escaped,
//!   `@mentions` and `#refs` broken with a zero-width space entity (as Renovate does: GitHub links
//!   neither `@&#8203;user` nor `#&#8203;1`), and a line that would start with `/` (a GitLab
//!   quick action) escaped as `\/`.
//! - [`markdown_code`]: for text inside an inline code span, where GitHub links no mention and
//!   decodes no entity: [`visible_line`], backticks replaced, `|` escaped in tables.
//! - [`xml`]: [`visible`] (tab and CR too, except in line feeds) then XML entities.
//!
//! Every renderer (table, Markdown, HTML, JUnit), error messages and progress lines go through
//! this module; a new output format must too.

use std::borrow::Cow;

/// Whether `c` is printed as an escape: Cc, Cf, U+2028/U+2029.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_format(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Unicode general category Cf (format characters), Unicode 16.
fn is_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{0600}'..='\u{0605}'
        | '\u{061C}'
        | '\u{06DD}'
        | '\u{070F}'
        | '\u{0890}'..='\u{0891}'
        | '\u{08E2}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{110BD}'
        | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}'
        | '\u{E0020}'..='\u{E007F}'
    )
}

fn escape_with(s: &str, keep_newline: bool) -> Cow<'_, str> {
    let unsafe_here = |c: char| is_unsafe(c) && !(keep_newline && c == '\n');
    if !s.chars().any(unsafe_here) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_here(c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Writes `c` as a visible `\u{…}` escape (lowercase hex, as Rust's `escape_unicode`).
fn push_escape(out: &mut String, c: char) {
    use std::fmt::Write as _;
    let _ = write!(out, "\\u{{{:x}}}", c as u32);
}

/// Control and format characters as visible escapes (`\u{1b}`); line feeds kept.
pub fn visible(s: &str) -> Cow<'_, str> {
    escape_with(s, true)
}

/// As [`visible`], line feeds escaped too: for text that must stay on one line.
pub fn visible_line(s: &str) -> Cow<'_, str> {
    escape_with(s, false)
}

/// Text for HTML content and double-quoted attribute values.
pub fn html(s: &str) -> String {
    let s = visible(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// Plain text for Markdown outside code spans, on one line (line feeds become spaces).
pub fn markdown(s: &str) -> String {
    let s = visible(s);
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' => out.push_str("@&#8203;"),
            '#' => out.push_str("\\#&#8203;"),
            '/' if i == 0 => out.push_str("\\/"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text inside an inline code span: backticks become `ʼ` (a span cannot hold its own
/// delimiter reliably), line feeds spaces; inside a table `|` is escaped as GFM requires.
pub fn markdown_code(s: &str, in_table: bool) -> String {
    let s = visible(s).replace('`', "ʼ").replace('\n', " ");
    if in_table { s.replace('|', "\\|") } else { s }
}

/// Serialized JSON with every unsafe character JSON leaves raw (DEL, C1, Cf, U+2028/9) as a
/// `\uXXXX` escape (surrogate pairs above U+FFFF). Such characters can only stand inside JSON
/// strings, so a parser reads the same values.
pub fn json(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe_in_json) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_unsafe_in_json(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Unsafe characters other than the JSON structure's own white space.
fn is_unsafe_in_json(c: char) -> bool {
    is_unsafe(c) && !matches!(c, '\n' | '\t' | '\r' | ' ')
}

/// Text for XML content and attributes (XML 1.0 cannot hold most controls at all).
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(c),
            c if is_unsafe(c) || matches!(c, '\u{FFFE}' | '\u{FFFF}') => push_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ESC, BEL, NUL, C1 CSI, bidi overrides, isolates and zero-width characters all become
    /// visible escapes; line feeds survive only in [`visible`].
    #[test]
    fn controls_and_format_characters_are_visible() {
        let hostile = "a\x1b[2J\x07\0\u{9b}31m\u{202e}\u{2066}\u{200b}\u{feff}\u{2028}b\nc";
        assert_eq!(
            visible(hostile),
            "a\\u{1b}[2J\\u{7}\\u{0}\\u{9b}31m\\u{202e}\\u{2066}\\u{200b}\\u{feff}\\u{2028}b\nc"
        );
        assert!(visible_line(hostile).ends_with("b\\u{a}c"));
        assert!(matches!(visible("plain ünïcode 数据"), Cow::Borrowed(_)));
    }

    /// Mentions, refs, HTML and a leading quick action are neutralised in Markdown text.
    #[test]
    fn markdown_neutralises_mentions_refs_html_and_quick_actions() {
        let out = markdown("/close @admin see #12 <img src=x onerror=alert(1)>");
        assert!(out.starts_with("\\/close"), "{out}");
        assert!(out.contains("@&#8203;admin"), "{out}");
        assert!(out.contains("\\#&#8203;12"), "{out}");
        assert!(!out.contains('<'), "{out}");
    }

    /// JSON keeps its values (a parser reads the same string) with no raw bidi or C1.
    #[test]
    fn json_escapes_are_lossless() {
        let v = serde_json::json!({"k": "a\u{202e}b\u{9b}c\u{e0041}\u{7f}"});
        let text = serde_json::to_string(&v).unwrap();
        let safe = json(&text);
        assert!(!safe.chars().any(is_unsafe), "{safe}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&safe).unwrap(), v);
    }

    /// HTML and XML hold no raw metacharacter and no raw control.
    #[test]
    fn html_and_xml_escape_metacharacters_and_controls() {
        assert_eq!(
            html("<b a=\"1\">&\x1b"),
            "&lt;b a=&quot;1&quot;&gt;&amp;\\u{1b}"
        );
        assert_eq!(xml("<\x1b\u{202e}\n"), "&lt;\\u{1b}\\u{202e}\n");
    }
}
