//! The run's clock: now, in UTC. `CHECKRIDE_NOW` pins it (tests, reproducible snapshots) and is
//! read the same way everywhere: an RFC 3339 time (`2025-03-03T06:00:00Z`, any offset) or a date
//! (`2025-03-03`, midnight UTC). [`check_env`] rejects anything else before any command starts.
//! The one time parser ([`parse`]) also reads stored runs' times, and the one date parser
//! ([`parse_date`]) waiver expiry dates. Only waits on a remote server's clock (GitHub's
//! rate-limit reset) use the real clock.

use crate::error::Error;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, UtcOffset};

/// The variable that pins the clock.
pub const ENV: &str = "CHECKRIDE_NOW";

/// Parses a time as `CHECKRIDE_NOW` and stored runs write it: RFC 3339, or `YYYY-MM-DD`
/// (midnight UTC). The result is in UTC.
pub fn parse(s: &str) -> Result<OffsetDateTime, String> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Ok(t.to_offset(UtcOffset::UTC));
    }
    if let Some(d) = parse_date(s) {
        return Ok(d.midnight().assume_utc());
    }
    Err(format!(
        "`{s}` is not an RFC 3339 time such as 2025-03-03T06:00:00Z, nor a date such as 2025-03-03"
    ))
}

/// Parses a date, `YYYY-MM-DD` (surrounding spaces ignored).
pub fn parse_date(s: &str) -> Option<Date> {
    Date::parse(s.trim(), format_description!("[year]-[month]-[day]")).ok()
}

/// The pinned time, if `CHECKRIDE_NOW` is set (and not empty).
fn pinned() -> Option<Result<OffsetDateTime, String>> {
    std::env::var(ENV)
        .ok()
        .filter(|s| !s.trim().is_empty())
        .map(|s| parse(&s))
}

/// Fails with a usage error (exit 2) when `CHECKRIDE_NOW` is set but unreadable. Commands call
/// it before doing anything, so that [`now`] can trust the variable.
pub fn check_env() -> Result<(), Error> {
    match pinned() {
        Some(Err(m)) => Err(Error::Usage(format!("{ENV}: {m}"))),
        _ => Ok(()),
    }
}

/// Now, in UTC, to the second. An unreadable `CHECKRIDE_NOW` (which [`check_env`] rejects
/// first) falls back to the real clock.
pub fn now() -> OffsetDateTime {
    match pinned() {
        Some(Ok(t)) => t,
        _ => {
            let t = OffsetDateTime::now_utc();
            t.replace_nanosecond(0).unwrap_or(t)
        }
    }
}

/// Now as RFC 3339 in UTC (`2025-03-03T06:00:00Z`).
pub fn now_rfc3339() -> String {
    format(now())
}

/// A time as RFC 3339 (the form stored runs and snapshots hold).
pub fn format(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// Today's date in UTC: the day waivers are checked against.
pub fn today() -> Date {
    now().date()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3339 times (any offset) and plain dates read alike; anything else is refused.
    #[test]
    fn reads_times_and_dates() {
        let t = parse("2025-03-03T08:00:00+02:00").unwrap();
        assert_eq!(format(t), "2025-03-03T06:00:00Z");
        assert_eq!(format(parse("2025-03-03").unwrap()), "2025-03-03T00:00:00Z");
        assert_eq!(
            format(parse(" 2025-03-03T06:00:00Z ").unwrap()),
            "2025-03-03T06:00:00Z"
        );
        assert!(parse("next monday").unwrap_err().contains("next monday"));
        assert!(parse("2025-13-01").is_err());
        assert!(
            parse("2025-03-03 06:00:00").is_err(),
            "RFC 3339 needs the T and an offset"
        );
        assert!(
            parse("2025-03-03T06:00:00").is_err(),
            "no offset: not RFC 3339"
        );
        assert_eq!(
            parse_date(" 2025-03-03 ").unwrap().to_string(),
            "2025-03-03"
        );
        assert!(parse_date("03/03/2025").is_none());
    }
}
