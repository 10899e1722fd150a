//! What YAML aliases add to a document, counted from the parser's events before anything is
//! built: an anchor's size is the nodes of its subtree (its own aliases expanded), and every
//! alias adds its anchor's size. A scalar counts one node per [`SCALAR_BYTES_PER_NODE`] bytes
//! started (at least one), so an alias that replays a long string is charged for its bytes: one
//! anchored 4 MiB string replayed by 50 000 aliases would otherwise pass as 50 000 nodes and
//! make 200 GB. A few hundred bytes of anchors and aliases can stand for
//! billions of nodes (the "billion laughs"); counting first lets the budgets stop such a document
//! before it costs memory or time. Only documents that can hold an anchor are counted: the
//! check for one is a byte search, so documents without anchors (all generated ones) pay nothing.

use serde_saphyr::granit_parser::{Event, Parser};

/// True when `text` may define an anchor and use an alias (`&name` … `*name` in node position).
/// False positives cost a count; a false negative is impossible for a parseable document.
pub(crate) fn may_expand(text: &str) -> bool {
    indicator(text, '&') && indicator(text, '*')
}

/// `c` at the start of a node property: after a separator, before a name character.
fn indicator(text: &str, c: char) -> bool {
    let bytes = text.as_bytes();
    text.match_indices(c).any(|(i, _)| {
        let before = i == 0
            || matches!(
                bytes[i - 1],
                b' ' | b'\t' | b'\n' | b'\r' | b'[' | b'{' | b',' | b':' | b'-' | b'?'
            );
        let after = bytes.get(i + 1).is_some_and(|n| {
            !n.is_ascii_whitespace() && !matches!(n, b'&' | b'*' | b',' | b'[' | b']' | b'{' | b'}')
        });
        before && after
    })
}

/// Bytes of a scalar that count as one node: about what one node of a parsed document costs.
pub(crate) const SCALAR_BYTES_PER_NODE: u64 = 64;

/// The nodes a scalar of `bytes` bytes counts for: one per [`SCALAR_BYTES_PER_NODE`] started.
fn scalar_nodes(bytes: usize) -> u64 {
    (bytes as u64).div_ceil(SCALAR_BYTES_PER_NODE).max(1)
}

/// Where the count stood when it passed a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Over {
    /// Line (within `text`) of the alias that passed the limit.
    pub line: u64,
}

/// Counts the nodes aliases add to `text` (one YAML document), stopping at the alias that takes
/// the count past `limit`. `Ok(None)` when the parser fails: the real parse reports that error.
pub(crate) fn added_nodes(text: &str, limit: u64) -> Result<Option<u64>, Over> {
    // Open containers: (anchor id or 0, nodes so far including expansions).
    let mut open: Vec<(usize, u64)> = Vec::new();
    // Size of each anchor, by id (ids are dense, from 1).
    let mut sizes: Vec<u64> = Vec::new();
    let mut added = 0u64;
    let set = |sizes: &mut Vec<u64>, id: usize, n: u64| {
        if id == 0 {
            return;
        }
        if sizes.len() <= id {
            sizes.resize(id + 1, 0);
        }
        sizes[id] = n;
    };
    for item in Parser::new_from_str(text) {
        let Ok((event, span)) = item else {
            return Ok(None);
        };
        let node = match event {
            Event::Scalar(value, _, anchor, _) => {
                let n = scalar_nodes(value.len());
                set(&mut sizes, anchor, n);
                n
            }
            Event::SequenceStart(_, anchor, _) | Event::MappingStart(_, anchor, _) => {
                open.push((anchor, 1));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some((anchor, n)) = open.pop() else {
                    return Ok(None);
                };
                set(&mut sizes, anchor, n);
                n
            }
            Event::Alias(id) => {
                let n = sizes.get(id).copied().unwrap_or(0);
                added = added.saturating_add(n);
                if added > limit {
                    return Err(Over {
                        line: span.start.line() as u64,
                    });
                }
                n
            }
            _ => continue,
        };
        if let Some(top) = open.last_mut() {
            top.1 = top.1.saturating_add(node);
        }
    }
    Ok(Some(added))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Anchors without aliases add nothing; each alias adds its anchor's expanded size.
    #[test]
    fn counts_expansion() {
        assert_eq!(added_nodes("a: &x [1, 2]\nb: 3\n", 100), Ok(Some(0)));
        // x = 3 nodes (the list and two items); y = the list + 2 × x = 7.
        let text = "x: &x [1, 2]\ny: &y [*x, *x]\nz: [*y, *y]\n";
        assert_eq!(added_nodes(text, 100), Ok(Some(3 + 3 + 7 + 7)));
        assert_eq!(added_nodes(text, 15), Err(Over { line: 3 }));
        // A merge key replays its mapping too.
        let merge = "base: &b {a: 1, b: 2}\nuse:\n  <<: *b\n";
        assert_eq!(added_nodes(merge, 100), Ok(Some(5)));
        assert_eq!(added_nodes("a: [unclosed\n", 100), Ok(None));
    }

    /// A long scalar counts one node per 64 bytes started, so replaying it is charged its size.
    #[test]
    fn long_scalars_count_their_bytes() {
        let long = "y".repeat(640);
        let text = format!("s: &s {long}\nl: [*s, *s]\n");
        assert_eq!(added_nodes(&text, 100), Ok(Some(20)));
        let text = format!("s: &s {long}y\nl: [*s, *s]\n");
        assert_eq!(added_nodes(&text, 100), Ok(Some(22)));
        assert_eq!(added_nodes(&text, 21), Err(Over { line: 2 }));
        assert_eq!(added_nodes("s: &s ''\nl: [*s]\n", 100), Ok(Some(1)));
    }

    /// The byte test finds anchors and aliases in node position only.
    #[test]
    fn finds_anchor_indicators() {
        assert!(may_expand("a: &x 1\nb: *x\n"));
        assert!(may_expand("- &x {a: 1}\n- *x\n"));
        assert!(!may_expand(
            "url: http://h/?a=1&b=2\ncron: \"*/5 * * * *\"\n"
        ));
        assert!(!may_expand("cmd: make && make install &\nlist: [\"*\"]\n"));
        assert!(!may_expand("a: &x 1\n"));
    }
}
