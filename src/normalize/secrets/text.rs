//! Free text that did not come through normalization (error messages of parsers and
//! subprocesses, log lines, coverage notes, snapshot headers) through the same detectors:
//! secrets become [`SHOWN`], fingerprint tokens are scrubbed.

use super::policy::policy;
use super::scan::scan;
use super::token::{SHOWN, scrub};
use super::tree::{Tally, replace};
use std::borrow::Cow;
use std::io::Write;

/// `text` with every secret the detectors find replaced by [`SHOWN`] (and tokens scrubbed).
pub fn redact_text(text: &str) -> Cow<'_, str> {
    let spans = scan(policy(), text);
    if spans.is_empty() {
        return scrub(text);
    }
    let out = replace(text, &spans, |_| SHOWN.to_string(), &mut Tally::default());
    Cow::Owned(scrub(&out).into_owned())
}

/// A `tracing` writer: each log line is redacted before it reaches standard error.
#[derive(Debug, Clone, Copy, Default)]
pub struct RedactingStderr;

/// One log event being written; redacted and written out when dropped.
#[derive(Debug, Default)]
pub struct RedactingLine(Vec<u8>);

impl Write for RedactingLine {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for RedactingLine {
    fn drop(&mut self) {
        if self.0.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(&self.0);
        let _ = std::io::stderr().write_all(redact_text(&text).as_bytes());
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for RedactingStderr {
    type Writer = RedactingLine;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingLine::default()
    }
}
