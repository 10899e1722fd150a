//! Building field paths during the diff: push a segment, recurse, truncate back. The text and
//! the segments grow together, so each difference's [`FieldPath`] is made once, never parsed.

use crate::model::path::{FieldPath, Segment, render};

/// A path being built during the diff.
#[derive(Debug, Default)]
pub struct PathBuilder {
    segments: Vec<Segment>,
    text: String,
}

/// Where to truncate back to.
#[derive(Debug, Clone, Copy)]
pub struct Mark(usize, usize);

impl PathBuilder {
    fn push(&mut self, seg: Segment) -> Mark {
        let mark = Mark(self.segments.len(), self.text.len());
        render(&mut self.text, &seg);
        self.segments.push(seg);
        mark
    }

    /// Appends a map key.
    pub fn push_key(&mut self, key: &str) -> Mark {
        self.push(Segment::Key(key.to_string()))
    }

    /// Appends a keyed list item `[field=value]`.
    pub fn push_keyed(&mut self, field: &str, value: &str) -> Mark {
        self.push(Segment::item(field, value))
    }

    /// Appends an unkeyed list index `[N]`.
    pub fn push_index(&mut self, i: usize) -> Mark {
        self.push(Segment::Index(i))
    }

    /// Goes back to a mark.
    pub fn truncate(&mut self, mark: Mark) {
        self.segments.truncate(mark.0);
        self.text.truncate(mark.1);
    }

    /// The path so far, as text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The path so far.
    pub fn to_path(&self) -> FieldPath {
        FieldPath::from_parts(self.segments.clone(), self.text.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dotted and slashed keys are quoted; list items read as [key=value] or [N]; truncating
    /// drops text and segments together.
    #[test]
    fn builds_paths() {
        let mut p = PathBuilder::default();
        p.push_key("metadata");
        let m = p.push_key("labels");
        p.push_key("app.kubernetes.io/name");
        assert_eq!(p.as_str(), r#"metadata.labels["app.kubernetes.io/name"]"#);
        assert_eq!(p.to_path().segments().len(), 3);
        p.truncate(m);
        p.push_key("spec");
        p.push_keyed("name", "api");
        assert_eq!(p.to_path().as_str(), "metadata.spec[name=api]");
        p.truncate(Mark(0, 0));
        p.push_key("rules");
        p.push_index(0);
        assert_eq!(p.as_str(), "rules[0]");
        assert_eq!(p.to_path().segments().len(), 2);
    }
}
