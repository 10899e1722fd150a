//! Finding the line of one item of a JSON `List`, for an error about that item. serde_json does
//! not tell where a nested value starts, and tracking it for every item would slow every read,
//! so the file is read again, only when there is an error to report.

use crate::model::Origin;

/// The line of item `index` of the list document starting at `origin` (a file on disk).
pub(crate) fn json_item_line(origin: &Origin, index: u32) -> Option<u32> {
    let line = origin.line?;
    let text = std::fs::read_to_string(&*origin.file).ok()?;
    item_line(&text, line, index as usize)
}

/// The line of item `index` of the `items` of the JSON object starting on line `line`.
fn item_line(text: &str, line: u32, index: usize) -> Option<u32> {
    let b = text.as_bytes();
    let start = if line <= 1 {
        0
    } else {
        let mut seen = 1u32;
        b.iter().position(|c| {
            seen += u32::from(*c == b'\n');
            seen == line
        })? + 1
    };
    let mut i = ws(b, start);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = member(b, i + 1, "items")?;
    i = ws(b, i);
    if b.get(i) != Some(&b'[') {
        return None;
    }
    i = ws(b, i + 1);
    for _ in 0..index {
        i = ws(b, value(b, i)?);
        if b.get(i) != Some(&b',') {
            return None;
        }
        i = ws(b, i + 1);
    }
    let newlines = b[start..i].iter().filter(|c| **c == b'\n').count();
    Some(line + u32::try_from(newlines).ok()?)
}

fn ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// Inside an object (after `{`): the start of the value of member `key`.
fn member(b: &[u8], mut i: usize, key: &str) -> Option<usize> {
    loop {
        i = ws(b, i);
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let end = string(b, i)?;
        let name = &b[i + 1..end - 1];
        i = ws(b, end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = ws(b, i + 1);
        if name == key.as_bytes() {
            return Some(i);
        }
        i = ws(b, value(b, i)?);
        if b.get(i) != Some(&b',') {
            return None;
        }
        i += 1;
    }
}

/// The end (exclusive) of the string starting at `i` (a `"`).
fn string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        match b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// The end (exclusive) of the value starting at `i`.
fn value(b: &[u8], mut i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            loop {
                match b.get(i)? {
                    b'"' => {
                        i = string(b, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            while b
                .get(i)
                .is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace())
            {
                i += 1;
            }
            Some(i)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Items are found past strings holding brackets, nested values and other members.
    #[test]
    fn finds_items() {
        let text = "{}\n{\"kind\": \"List\", \"metadata\": {\"x\": \"]}\\\"[\"},\n \"items\": [\n  {\"a\": [1, {\"b\": 2}]},\n  3,\n  {\"c\": \"d\"}\n ]}\n";
        assert_eq!(item_line(text, 2, 0), Some(4));
        assert_eq!(item_line(text, 2, 1), Some(5));
        assert_eq!(item_line(text, 2, 2), Some(6));
        assert_eq!(item_line(text, 2, 3), None);
        assert_eq!(item_line("[1]", 1, 0), None);
    }
}
