//! Fuzz target: `checkride::fuzzing::manifests_json` (see docs/security.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| checkride::fuzzing::manifests_json(data));
