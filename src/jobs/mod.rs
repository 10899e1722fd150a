//! The three jobs users hire checkride for: the PR comment bot, the pre-release checklist and the
//! weekly drift report. Each takes a finished report (and, for preflight, the two sides) and
//! turns it into something a team reads; none of them re-judges a finding.

pub mod comment;
pub mod history;
pub mod preflight;
