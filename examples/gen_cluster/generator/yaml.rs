//! YAML emitter: block style like kubectl (sorted keys, sequences not indented under their
//! key), plain scalars only when they cannot read back as anything but the same string (YAML
//! 1.1 and 1.2 resolvers), `|` literal blocks for clean multi-line strings, double quotes
//! otherwise.

use std::io::{self, Write};

use serde_json::{Map, Number, Value};

use super::json::sorted_entries;

/// Writes `v` as one YAML document, starting with `---`.
pub(super) fn write_yaml_doc<W: Write>(out: &mut W, v: &Value) -> io::Result<()> {
    out.write_all(b"---\n")?;
    match v {
        Value::Object(m) if !m.is_empty() => yaml_map(out, m, 0, false),
        Value::Array(items) if !items.is_empty() => yaml_seq(out, items, 0, false),
        scalar => yaml_scalar_line(out, scalar, 2),
    }
}

/// Writes `n` spaces.
fn pad<W: Write>(out: &mut W, n: usize) -> io::Result<()> {
    const SPACES: [u8; 64] = [b' '; 64];
    let mut left = n;
    while left > 0 {
        let k = left.min(SPACES.len());
        out.write_all(&SPACES[..k])?;
        left -= k;
    }
    Ok(())
}

/// Writes a block mapping, keys at `indent`. `inline_first`: the first key goes right after
/// an already written `- `.
fn yaml_map<W: Write>(
    out: &mut W,
    m: &Map<String, Value>,
    indent: usize,
    inline_first: bool,
) -> io::Result<()> {
    for (i, (key, child)) in sorted_entries(m).enumerate() {
        if i > 0 || !inline_first {
            pad(out, indent)?;
        }
        let explicit = yaml_key(out, key, indent)?;
        match child {
            Value::Object(c) if !c.is_empty() => {
                out.write_all(b"\n")?;
                yaml_map(out, c, indent + 2, false)?;
            }
            Value::Array(c) if !c.is_empty() => {
                out.write_all(b"\n")?;
                yaml_seq(out, c, if explicit { indent + 2 } else { indent }, false)?;
            }
            scalar => {
                out.write_all(b" ")?;
                yaml_scalar_line(out, scalar, indent + 2)?;
            }
        }
    }
    Ok(())
}

/// Writes a block sequence, items at `indent`; `inline_first` as for [`yaml_map`].
fn yaml_seq<W: Write>(
    out: &mut W,
    items: &[Value],
    indent: usize,
    inline_first: bool,
) -> io::Result<()> {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !inline_first {
            pad(out, indent)?;
        }
        out.write_all(b"- ")?;
        match item {
            Value::Object(c) if !c.is_empty() => yaml_map(out, c, indent + 2, true)?,
            Value::Array(c) if !c.is_empty() => yaml_seq(out, c, indent + 2, true)?,
            scalar => yaml_scalar_line(out, scalar, indent + 2)?,
        }
    }
    Ok(())
}

/// Writes `key:`; a key too long for an implicit key (1024 chars) gets `? key\n:`.
/// Returns whether the explicit form was used.
fn yaml_key<W: Write>(out: &mut W, key: &str, indent: usize) -> io::Result<bool> {
    let mut rendered = Vec::with_capacity(key.len() + 2);
    if plain_ok(key) {
        rendered.extend_from_slice(key.as_bytes());
    } else {
        write_double_quoted(&mut rendered, key)?;
    }
    if rendered.len() < 1000 {
        out.write_all(&rendered)?;
        out.write_all(b":")?;
        return Ok(false);
    }
    out.write_all(b"? ")?;
    out.write_all(&rendered)?;
    out.write_all(b"\n")?;
    pad(out, indent)?;
    out.write_all(b":")?;
    Ok(true)
}

/// A scalar (or empty collection) followed by its line break; `indent` is where the lines
/// of a literal block go.
fn yaml_scalar_line<W: Write>(out: &mut W, v: &Value, indent: usize) -> io::Result<()> {
    match v {
        Value::Null => out.write_all(b"null\n"),
        Value::Bool(true) => out.write_all(b"true\n"),
        Value::Bool(false) => out.write_all(b"false\n"),
        Value::Number(n) => {
            out.write_all(yaml_number(n).as_bytes())?;
            out.write_all(b"\n")
        }
        Value::String(s) if plain_ok(s) => {
            out.write_all(s.as_bytes())?;
            out.write_all(b"\n")
        }
        Value::String(s) if literal_ok(s) => write_literal(out, s, indent),
        Value::String(s) => {
            write_double_quoted(out, s)?;
            out.write_all(b"\n")
        }
        Value::Array(_) => out.write_all(b"[]\n"),
        Value::Object(_) => out.write_all(b"{}\n"),
    }
}

/// JSON numbers are YAML numbers, except that YAML 1.1 floats need a `.` and a signed exponent.
fn yaml_number(n: &Number) -> String {
    let s = n.to_string();
    if !n.is_f64() {
        return s;
    }
    match s.split_once(['e', 'E']) {
        Some((mantissa, exp)) => {
            let dot = if mantissa.contains('.') { "" } else { ".0" };
            let sign = if exp.starts_with(['+', '-']) { "" } else { "+" };
            format!("{mantissa}{dot}e{sign}{exp}")
        }
        None => s,
    }
}

/// Characters YAML allows in a stream.
fn is_printable(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}'
        | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}')
}

/// Characters that may appear raw in a plain or literal scalar (no breaks, tabs or BOM).
fn is_plain_char(c: char) -> bool {
    is_printable(c)
        && !matches!(
            c,
            '\t' | '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
        )
}

/// Can `s` be written as a plain (unquoted) scalar and read back as the same string?
fn plain_ok(s: &str) -> bool {
    const INDICATORS: &[u8] = b" -?:,[]{}#&*!|>'\"%@`";
    let bytes = s.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    if s == "." {
        return true;
    }
    if INDICATORS.contains(first) || b" :".contains(last) || s.starts_with("...") {
        return false;
    }
    let mut prev = 0u8;
    for &b in bytes {
        // No comments, no `: `, no control characters (tab and line breaks included).
        if b == b'#' || (b == b' ' && prev == b':') || b < 0x20 || b == 0x7f {
            return false;
        }
        prev = b;
    }
    (s.is_ascii() || s.chars().all(is_plain_char)) && !looks_typed(s)
}

/// Would a YAML 1.1 or 1.2 resolver read this plain scalar as null, bool, number, timestamp
/// or merge/value key? Errs towards yes: anything starting like a number and made only of
/// characters that numbers, `.inf`/`.nan` and timestamps use is quoted.
fn looks_typed(s: &str) -> bool {
    const WORDS: [&str; 12] = [
        "null", "~", "true", "false", "yes", "no", "y", "n", "on", "off", "=", "<<",
    ];
    const NUMERIC_EXTRAS: &[u8] = b"xXoOiInNtTzZ_.:+- ";
    if s.len() <= 5 && WORDS.iter().any(|w| s.eq_ignore_ascii_case(w)) {
        return true;
    }
    let body = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    matches!(body.first(), Some(b'0'..=b'9' | b'.'))
        && body
            .iter()
            .all(|b| b.is_ascii_hexdigit() || NUMERIC_EXTRAS.contains(b))
}

/// Multi-line strings a `|` block reproduces exactly: every line clean (no tabs, no trailing
/// spaces, nothing needing escapes) and the first non-empty line not indented.
fn literal_ok(s: &str) -> bool {
    let body = s.trim_end_matches('\n');
    s.contains('\n')
        && !body.is_empty()
        && !body.trim_start_matches('\n').starts_with(' ')
        && body
            .split('\n')
            .all(|line| !line.ends_with(' ') && line.chars().all(is_plain_char))
}

/// Writes `s` as a `|` literal block (chomping indicator from its trailing breaks), lines
/// at `indent`.
fn write_literal<W: Write>(out: &mut W, s: &str, indent: usize) -> io::Result<()> {
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    out.write_all(match trailing {
        0 => b"|-\n".as_slice(),
        1 => b"|\n",
        _ => b"|+\n",
    })?;
    for line in body.split('\n') {
        if !line.is_empty() {
            pad(out, indent)?;
            out.write_all(line.as_bytes())?;
        }
        out.write_all(b"\n")?;
    }
    for _ in 1..trailing {
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes `s` as a double-quoted scalar, escaping what must be.
fn write_double_quoted<W: Write>(out: &mut W, s: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '"' => Some("\\\"".to_string()),
            '\\' => Some("\\\\".to_string()),
            '\n' => Some("\\n".to_string()),
            '\t' => Some("\\t".to_string()),
            '\r' => Some("\\r".to_string()),
            c if !is_plain_char(c) => Some(format!("\\u{:04X}", u32::from(c))),
            _ => None,
        };
        if let Some(escape) = escape {
            out.write_all(&s.as_bytes()[start..i])?;
            out.write_all(escape.as_bytes())?;
            start = i + c.len_utf8();
        }
    }
    out.write_all(&s.as_bytes()[start..])?;
    out.write_all(b"\"")
}
