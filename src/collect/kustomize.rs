//! `kustomize:DIR` sides: the overlay rendered by `kubectl kustomize DIR`, read as one YAML stream.
//!
//! The kubectl binary is `kubectl` on `PATH`, or the one `CHECKRIDE_KUBECTL` names. Errors name the
//! overlay; kustomize's own message is kept (without klog's prefix) and goes through the same
//! secret detectors as every value (it can quote a Secret: `literals`, a dumped object).

use super::files::InputFile;
use super::parse::Format;
use crate::error::Error;
use crate::normalize::secrets::redact_text;
use std::path::Path;
use std::process::Command;

/// Environment variable naming the kubectl binary to run (default: `kubectl` on `PATH`).
pub const KUBECTL_ENV: &str = "CHECKRIDE_KUBECTL";

/// Renders an overlay; the text is named `kustomize:DIR` so parse errors point at the overlay.
pub(crate) fn render(dir: &Path) -> Result<InputFile, Error> {
    let name = format!("kustomize:{}", dir.display());
    if !dir.is_dir() {
        return Err(Error::file(
            &name,
            "no such folder (a kustomize side names the overlay folder holding kustomization.yaml)",
        ));
    }
    let kubectl = std::env::var(KUBECTL_ENV)
        .ok()
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| "kubectl".to_string());
    let out = Command::new(&kubectl)
        .arg("kustomize")
        .arg(dir)
        .output()
        .map_err(|e| {
            let why = match e.kind() {
                std::io::ErrorKind::NotFound => {
                    format!("`{kubectl}` not found (install kubectl or set {KUBECTL_ENV})")
                }
                _ => format!("cannot run `{kubectl}`: {e}"),
            };
            Error::file(&name, why)
        })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let reason = kustomize_reason(&stderr);
        let code = out
            .status
            .code()
            .map_or("a signal".to_string(), |c| format!("exit {c}"));
        return Err(Error::file(
            &name,
            format!("`kubectl kustomize` failed ({code}): {reason}"),
        ));
    }
    let text = String::from_utf8(out.stdout)
        .map_err(|_| Error::file(&name, "`kubectl kustomize` printed text that is not UTF-8"))?;
    Ok(InputFile {
        name,
        text,
        format: Format::Yaml,
    })
}

/// kustomize's message from kubectl's stderr: klog's `E1126 … run.go:72] "command failed"
/// err="…"` lines reduced to the `err` text; other lines kept. Secrets scrubbed; bounded length.
fn kustomize_reason(stderr: &str) -> String {
    const MAX: usize = 800;
    let lines: Vec<String> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| match l.find(" err=\"") {
            Some(i) => {
                let inner = &l[i + 6..];
                inner
                    .strip_suffix('"')
                    .unwrap_or(inner)
                    .replace("\\\"", "\"")
            }
            None => l.to_string(),
        })
        .collect();
    let joined = if lines.is_empty() {
        "no message".to_string()
    } else {
        lines.join("; ")
    };
    let scrubbed = redact_text(&joined).into_owned();
    if scrubbed.chars().count() <= MAX {
        return scrubbed;
    }
    let mut s: String = scrubbed.chars().take(MAX).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// klog's prefix and quoting are removed; plain lines are kept.
    #[test]
    fn reason_strips_klog_prefix() {
        let stderr = "E1126 22:57:57.182038   24128 run.go:72] \"command failed\" err=\"accumulating resources: 'nope.yaml': no such file\"\n";
        assert_eq!(
            kustomize_reason(stderr),
            "accumulating resources: 'nope.yaml': no such file"
        );
        assert_eq!(kustomize_reason("error: boom\n"), "error: boom");
        assert_eq!(kustomize_reason(""), "no message");
    }
}
