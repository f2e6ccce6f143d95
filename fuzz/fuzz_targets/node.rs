//! Fuzz target: a Node fed an arbitrary script of datagrams (raw, well-formed, and
//! with hostile field values), commands, mined blocks and clock steps never panics,
//! never sends over 1024 bytes, keeps a valid chain — with every log line formatted.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    blockpeer_core::testing::log_everything();
    blockpeer_core::testing::exercise_node(data);
});
