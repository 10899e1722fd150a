//! Secrets never survive loading, and never reach any output. One layer, applied at the
//! innermost value:
//!
//! - Secret `data`/`stringData` and Secret annotations become keyed BLAKE3 fingerprints
//!   ([`fingerprint_secret`]);
//! - everywhere else, values under secret-named keys ([`names`]) are fingerprinted whole and
//!   every string keeps all but the credentials found in it by value patterns (Nosey Parker's
//!   and checkride's, [`patterns`]) and shape detectors ([`scan`]) — [`redact_tree`];
//! - free text (errors, logs, notes) goes through the same detectors ([`redact_text`]).
//!
//! A redacted value is the token `‹redacted:KEYID:HEX›` inside the string (or `‹redacted›` when
//! no fingerprint is kept). Renderers show only `‹redacted›`: see [`scrub`]. docs/secrets.md
//! says what is redacted and why.

pub mod names;
pub mod patterns;
pub mod policy;
pub(crate) mod scan;
pub mod text;
pub mod token;
pub mod tree;

pub use names::is_secret_name;
pub use policy::{Policy, SecretsConfig};
pub use text::redact_text;
pub use token::{
    SHOWN, TOKEN_OPEN, TokenCompare, compare_tokens, drop_fingerprints, scrub, scrub_value,
};
pub use tree::{
    Tally, fingerprint_secret, kept_secret_annotation, mask_secret_annotations, redact_tree,
};

/// Makes keyed fingerprints. The key is random per run unless `CHECKRIDE_FINGERPRINT_KEY` is set.
#[derive(Clone)]
pub struct Fingerprinter {
    key: [u8; 32],
    id: String,
    /// True when the key came from the environment (fingerprints may be saved).
    pub persistent: bool,
}

impl std::fmt::Debug for Fingerprinter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Fingerprinter({})", self.id)
    }
}

impl Fingerprinter {
    /// From a user-given key string (any length).
    pub fn from_secret(secret: &str) -> Self {
        Self::from_key(
            blake3::derive_key("checkride 2026 fingerprint key", secret.as_bytes()),
            true,
        )
    }

    /// A random key for this run only.
    pub fn random() -> Self {
        Self::from_key(rand::random(), false)
    }

    /// `CHECKRIDE_FINGERPRINT_KEY` when set, else random.
    pub fn from_env() -> Self {
        match std::env::var("CHECKRIDE_FINGERPRINT_KEY") {
            Ok(s) if !s.is_empty() => Self::from_secret(&s),
            _ => Self::random(),
        }
    }

    fn from_key(key: [u8; 32], persistent: bool) -> Self {
        let id = blake3::derive_key("checkride 2026 fingerprint key id", &key);
        Fingerprinter {
            key,
            id: hex::encode(&id[..6]),
            persistent,
        }
    }

    /// The key id recorded in snapshots (reveals nothing about the key).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The redaction token for a secret value.
    pub fn token(&self, value: &[u8]) -> String {
        let h = blake3::keyed_hash(&self.key, value);
        format!("{TOKEN_OPEN}:{}:{}›", self.id, &h.to_hex()[..32])
    }
}

/// Redacts a whole object read from any source (manifest, live page, snapshot): a core Secret's
/// values and annotations become fingerprints, then every string of the body is scanned.
pub fn protect(
    fp: &Fingerprinter,
    group: &str,
    kind: &str,
    body: &mut serde_json::Map<String, serde_json::Value>,
) -> Tally {
    let mut tally = Tally::default();
    if group.is_empty() && kind == "Secret" {
        tally.merge(&fingerprint_secret(fp, body));
    }
    tally.merge(&redact_tree(fp, body));
    tally
}

/// [`protect`] for an object read back from a snapshot (input like any other): values that
/// already are tokens stay, and are not counted again.
pub fn protect_again(
    fp: &Fingerprinter,
    group: &str,
    kind: &str,
    body: &mut serde_json::Map<String, serde_json::Value>,
) -> Tally {
    let held = if group.is_empty() && kind == "Secret" {
        tree::tokens_held(body)
    } else {
        Tally::default()
    };
    let mut tally = protect(fp, group, kind, body);
    tally.take_back(&held);
    tally
}

#[cfg(test)]
mod tests;
