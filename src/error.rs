//! Errors that stop a run. Every one maps to exit code 2 and names what the user gave us.

use std::fmt;

/// A run-stopping error: bad usage, unreadable input, unreachable cluster.
#[derive(Debug)]
pub enum Error {
    /// The command line or a config value is wrong.
    Usage(String),
    /// An input file is unreadable or malformed. Never carries a snippet of the input.
    Input {
        /// File as the user named it.
        file: String,
        /// 1-based line, when known.
        line: Option<u64>,
        /// 1-based column, when known.
        column: Option<u64>,
        /// What is wrong.
        message: String,
    },
    /// Several input errors at once (e.g. every invalid rule file).
    Many(Vec<Error>),
    /// A cluster could not be reached or refused our credentials.
    Cluster(String),
    /// Anything else (output could not be written, …).
    Other(String),
}

impl Error {
    /// An input error at a file, with optional line/column.
    pub fn input(
        file: impl Into<String>,
        line: Option<u64>,
        column: Option<u64>,
        message: impl Into<String>,
    ) -> Self {
        Error::Input {
            file: file.into(),
            line,
            column,
            message: message.into(),
        }
    }

    /// An input error naming only the file.
    pub fn file(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self::input(file, None, None, message)
    }
}

/// Every error is shown through the secret detectors: messages of parsers, subprocesses and
/// servers can quote input (a Secret value, a URL with a password).
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut raw = String::new();
        self.write_raw(&mut raw)?;
        f.write_str(&crate::normalize::secrets::redact_text(&raw))
    }
}

impl Error {
    fn write_raw(&self, f: &mut impl fmt::Write) -> fmt::Result {
        match self {
            Error::Usage(m) => write!(f, "{m}"),
            Error::Input {
                file,
                line,
                column,
                message,
            } => {
                write!(f, "{file}")?;
                if let Some(l) = line {
                    write!(f, ":{l}")?;
                    if let Some(c) = column {
                        write!(f, ":{c}")?;
                    }
                }
                write!(f, ": {message}")
            }
            Error::Many(errors) => {
                for (i, e) in errors.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    e.write_raw(f)?;
                }
                Ok(())
            }
            Error::Cluster(m) => write!(f, "{m}"),
            Error::Other(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for Error {}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
