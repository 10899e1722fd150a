//! Fuzz target: a rule file (first byte even) or a waivers file (odd), the rest is the text.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| checkride::fuzzing::rules_or_waivers(data));
