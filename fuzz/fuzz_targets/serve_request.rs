//! Fuzz target: one request to `serve` (`METHOD TARGET`, then `Accept`), and the same text
//! read as a label selector (it must print back to itself).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| checkride::fuzzing::serve_request(data));
