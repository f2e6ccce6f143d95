//! Structure-aware fuzzing input: well-formed JSON messages of every type the peer
//! knows, whose fields hold hostile values — multi-byte, oversized and control-laden
//! strings, huge, negative and fractional numbers, nulls, wrong types — so that every
//! field of every message reaches the code behind the decoder's checks.

use super::script::Script;
use serde_json::{Map, Value, json};

/// Every message type, and the fields each carries.
const SHAPES: &[(&str, &[&str])] = &[
    ("FLOOD", &["host", "port", "id", "name"]),
    ("FLOOD-REPLY", &["host", "port", "name"]),
    ("FLOOD_REPLY", &["host", "port", "name"]),
    ("STATS", &[]),
    ("STATS_REPLY", &["height", "hash"]),
    ("GET_BLOCK", &["height"]),
    ("GET_BLOCK_REPLY", &["height", "minedBy", "nonce", "messages", "hash"]),
    ("ANNOUNCE", &["height", "minedBy", "minedBy:", "nonce", "messages", "hash"]),
    ("NEW_WORD", &["word"]),
    ("CONSENSUS", &[]),
];

/// Strings that have broken peers: multi-byte text that byte slicing cuts in half,
/// right-to-left marks, NULs, hashes that are almost hashes.
const NASTY: &[&str] = &[
    "a€€€€€€",
    "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
    "\u{202e}gnirts",
    "e\u{301}\u{301}\u{301}",
    "\u{0}\u{1}\u{7f}",
    "NONE",
    "None",
    "",
    "localhost",
    "255.255.255.255",
    "0.0.0.0",
    "::1",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "000000000000000000000000000000000000000000000000000000000000000G",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
];

/// Numbers at the edges of every integer and float type.
const EDGES: &[f64] = &[0.5, -1.0, 1e308, -1e308, 9_007_199_254_740_993.0];

/// A hostile value for any field.
fn hostile_value(script: &mut Script<'_>, depth: u8) -> Value {
    match script.byte() % 12 {
        0 => Value::Null,
        1 => json!(u64::MAX - u64::from(script.byte())),
        2 => json!(i64::MIN + i64::from(script.byte())),
        3 => json!(EDGES[usize::from(script.byte()) % EDGES.len()]),
        4 => json!(u64::from(script.byte()) << (script.byte() % 64)),
        5 => json!(NASTY[usize::from(script.byte()) % NASTY.len()]),
        6 => json!(NASTY[usize::from(script.byte()) % NASTY.len()].repeat(usize::from(script.byte()) * 4)),
        7 => json!(script.text()),
        8 => json!(script.byte().is_multiple_of(2)),
        9 if depth < 3 => Value::Array((0..script.byte() % 12).map(|_| hostile_value(script, depth + 1)).collect()),
        10 if depth < 3 => {
            let mut object = Map::new();
            object.insert("type".into(), hostile_value(script, depth + 1));
            Value::Object(object)
        }
        _ => json!(format!("{:064x}", u128::from(script.byte()))),
    }
}

/// One datagram: a known message type with a hostile value in some or all of its
/// fields (the others plausible), as compact JSON.
pub fn hostile_datagram(script: &mut Script<'_>) -> Vec<u8> {
    let (kind, fields) = SHAPES[usize::from(script.byte()) % SHAPES.len()];
    let mut object = Map::new();
    object.insert("type".into(), json!(kind));
    for field in fields.iter() {
        let value = if script.byte().is_multiple_of(3) { plausible(field, script) } else { hostile_value(script, 0) };
        object.insert((*field).into(), value);
    }
    serde_json::to_vec(&Value::Object(object)).unwrap_or_default()
}

/// A value a real peer could send for `field`.
fn plausible(field: &str, script: &mut Script<'_>) -> Value {
    match field {
        "host" => json!(format!("127.0.0.{}", 1 + script.byte() % 6)),
        "port" => json!(9000 + u16::from(script.byte() % 6)),
        "height" => json!(script.byte() % 8),
        "messages" => json!([script.text()]),
        "hash" => json!(format!("{:062x}00", u128::from(script.byte()))),
        _ => json!(script.text()),
    }
}

/// The decoding fuzz target's check on a hostile datagram: decoding never panics, and
/// whatever decodes to a known message re-encodes to something that decodes the same.
pub fn exercise_decode(data: &[u8]) {
    let bytes = hostile_datagram(&mut Script(data));
    if let Ok(message) = crate::protocol::decode(&bytes)
        && !matches!(message, crate::protocol::Message::Unknown { .. })
    {
        assert_eq!(crate::protocol::decode(&message.encode()), Ok(message), "{}", String::from_utf8_lossy(&bytes));
    }
}

/// Makes every log statement run, writing nowhere: a fuzzer finds a panic in a log
/// line's formatting only if the line is formatted.
pub fn log_everything() {
    let _ = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_writer(std::io::sink).try_init();
}
