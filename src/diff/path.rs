//! Structured paths: `spec.template.spec.containers[name=api].env[name=URL].value`,
//! `metadata.labels["app.kubernetes.io/name"]`, `rules[0]`.

/// A path being built during the diff (push, recurse, truncate).
#[derive(Debug, Default)]
pub struct PathBuf {
    text: String,
}

impl PathBuf {
    /// Appends a map key; returns the length to truncate back to.
    pub fn push_key(&mut self, key: &str) -> usize {
        let mark = self.text.len();
        if is_plain(key) {
            if !self.text.is_empty() {
                self.text.push('.');
            }
            self.text.push_str(key);
        } else {
            self.text.push('[');
            self.text
                .push_str(&serde_json::to_string(key).unwrap_or_default());
            self.text.push(']');
        }
        mark
    }

    /// Appends a keyed list item `[field=value]`.
    pub fn push_keyed(&mut self, field: &str, value: &str) -> usize {
        let mark = self.text.len();
        self.text.push('[');
        self.text.push_str(field);
        self.text.push('=');
        self.text.push_str(value);
        self.text.push(']');
        mark
    }

    /// Appends an unkeyed list index `[N]`.
    pub fn push_index(&mut self, i: usize) -> usize {
        let mark = self.text.len();
        self.text.push('[');
        self.text.push_str(&i.to_string());
        self.text.push(']');
        mark
    }

    /// Goes back to a mark.
    pub fn truncate(&mut self, mark: usize) {
        self.text.truncate(mark);
    }

    /// The path so far.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

fn is_plain(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'$')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dotted and slashed keys are quoted; list items read as [key=value] or [N].
    #[test]
    fn renders_paths() {
        let mut p = PathBuf::default();
        p.push_key("metadata");
        let m = p.push_key("labels");
        p.push_key("app.kubernetes.io/name");
        assert_eq!(p.as_str(), r#"metadata.labels["app.kubernetes.io/name"]"#);
        p.truncate(m);
        p.push_key("spec");
        p.push_keyed("name", "api");
        p.truncate(0);
        p.push_key("rules");
        p.push_index(0);
        assert_eq!(p.as_str(), "rules[0]");
    }
}
