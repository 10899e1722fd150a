//! Fuzz target: `checkride::fuzzing::snapshot` (see docs/security.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| checkride::fuzzing::snapshot(data));
