//! Fuzz target: well-formed JSON messages of every type with hostile values in their
//! fields (multi-byte and huge strings, huge numbers, nulls, wrong types) decode or are
//! refused without panicking, and re-encode to what decodes the same.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    blockpeer_core::testing::log_everything();
    blockpeer_core::testing::exercise_decode(data);
});
