//! Fuzz target: any datagram decodes without panicking, and whatever decodes to a
//! known message re-encodes to something that decodes the same.

#![no_main]

use blockpeer_core::protocol::{Message, decode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    blockpeer_core::testing::log_everything();
    if let Ok(message) = decode(data)
        && !matches!(message, Message::Unknown { .. })
    {
        assert_eq!(decode(&message.encode()), Ok(message));
    }
});
