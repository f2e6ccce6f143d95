//! Proves the wire format: every tolerated variant of PROTOCOL.md §3/§8 decodes, what
//! we send is compact, raw UTF-8 and in the documented spellings, a block our miner
//! could make always fits 1024 bytes, and no input whatsoever makes decoding panic.

#![allow(clippy::unwrap_used)] // Test helpers fail loudly on broken fixtures.

use blockpeer_core::chain::Block;
use blockpeer_core::chain::Generation;
use blockpeer_core::protocol::{
    BlockReply, DecodeError, Flood, FloodReply, MAX_HEIGHT, MAX_NAME_CHARS, MAX_SEND, Message, StatsReply, decode,
};
use proptest::prelude::*;

fn block() -> Block {
    Block {
        height: 1,
        mined_by: "Rob!".into(),
        nonce: "976471045".into(),
        messages: vec!["kindreds".into(), "decedent".into()],
        hash: "7ce995e3383f951682f6ba56483f8297cb44bcc0f49133ee577a963d00000000".into(),
        timestamp: None,
    }
}

#[test]
fn flood_and_reply_spellings_and_numeric_string_ports() {
    let flood =
        decode(br#"{"type":"FLOOD","host":"130.179.28.113","port":"8130","id":"5b29","name":"my peer","extra":1}"#);
    assert_eq!(
        flood,
        Ok(Message::Flood(Flood {
            generation: Generation::Flood,
            host: "130.179.28.113".into(),
            port: 8130,
            id: "5b29".into(),
            name: "my peer".into()
        }))
    );
    let expected =
        Message::FloodReply(FloodReply { generation: Generation::Flood, host: "h".into(), port: 9, name: "n".into() });
    assert_eq!(decode(br#"{"type":"FLOOD-REPLY","host":"h","port":9,"name":"n"}"#), Ok(expected.clone()));
    assert_eq!(decode(br#"{"type":"FLOOD_REPLY","host":"h","port":9,"name":"n"}"#), Ok(expected));
    assert!(matches!(decode(br#"{"type":"FLOOD","host":"h","port":0,"id":"x"}"#), Err(DecodeError::BadField { .. })));
    assert!(matches!(
        decode(br#"{"type":"FLOOD","host":"h","port":70000,"id":"x"}"#),
        Err(DecodeError::BadField { .. })
    ));
}

#[test]
fn stats_reply_variants() {
    let reply = |h, s: Option<&str>| Ok(Message::StatsReply(StatsReply { height: h, hash: s.map(String::from) }));
    let hash = block().hash;
    let text = format!(r#"{{"type":"STATS_REPLY","height":2,"hash":"{hash}"}}"#);
    assert_eq!(decode(text.as_bytes()), reply(2, Some(&hash)));
    assert_eq!(decode(br#"{"type":"STATS_REPLY","height":0,"hash":null}"#), reply(0, None));
    assert_eq!(decode(br#"{"type":"STATS_REPLY","height":0,"hash":"NONE"}"#), reply(0, None));
    assert_eq!(decode(br#"{"type":"STATS_REPLY","height":0,"hash":"None"}"#), reply(0, None));
    assert_eq!(decode(br#"{"type":"STATS_REPLY","height":-1}"#), reply(0, None));
    assert_eq!(decode(br#"{"type":"STATS_REPLY","height":null,"hash":null}"#), reply(0, None));
}

#[test]
fn every_field_is_checked_at_the_edge() {
    let bad = |text: &str| matches!(decode(text.as_bytes()), Err(DecodeError::BadField { .. }));
    // Hashes: 64 lowercase hex characters, nothing else — not even the multi-byte text
    // that once crashed a log line, nor upper case.
    assert!(bad(r#"{"type":"STATS_REPLY","height":1000000,"hash":"a€€€€€€"}"#));
    assert!(bad(&format!(r#"{{"type":"STATS_REPLY","height":3,"hash":"{}"}}"#, "A".repeat(64))));
    assert!(bad(&format!(r#"{{"type":"STATS_REPLY","height":3,"hash":"{}"}}"#, "a".repeat(65))));
    // Heights far below u64::MAX, so that `+ 1` never overflows.
    assert!(bad(&format!(r#"{{"type":"STATS_REPLY","height":{},"hash":null}}"#, u64::MAX)));
    assert!(bad(r#"{"type":"GET_BLOCK","height":18446744073709551615}"#));
    let b = block();
    let announce = |height: u64| {
        format!(
            r#"{{"type":"ANNOUNCE","height":{height},"minedBy":"x","nonce":"1","messages":["a"],"hash":"{}"}}"#,
            b.hash
        )
    };
    assert!(bad(&announce(u64::MAX)));
    assert!(matches!(decode(announce(MAX_HEIGHT).as_bytes()), Ok(Message::Announce(_))));
    // Hosts and ids of a sensible length; names cut.
    assert!(bad(&format!(r#"{{"type":"FLOOD","host":"{}","port":1,"id":"x"}}"#, "h".repeat(254))));
    assert!(bad(r#"{"type":"FLOOD","host":"","port":1,"id":"x"}"#));
    assert!(bad(&format!(r#"{{"type":"FLOOD","host":"h","port":1,"id":"{}"}}"#, "i".repeat(129))));
    let long_name = format!(r#"{{"type":"FLOOD-REPLY","host":"h","port":1,"name":"{}"}}"#, "ü".repeat(5000));
    let Ok(Message::FloodReply(reply)) = decode(long_name.as_bytes()) else {
        panic!("a long name is cut, not refused")
    };
    assert_eq!(reply.name, "ü".repeat(MAX_NAME_CHARS));
}

#[test]
fn every_form_of_missing_block_is_missing() {
    for text in [
        r#"{"type":"GET_BLOCK_REPLY","height":null,"minedBy":null,"nonce":null,"messages":null,"hash":null}"#,
        r#"{"type":"GET_BLOCK_REPLY","height":-1,"minedBy":"NONE","nonce":"NONE","messages":[],"hash":"NONE"}"#,
        r#"{"type":"GET_BLOCK_REPLY","height":"NONE","minedBy":"x","nonce":"1","messages":["a"],"hash":"NONE"}"#,
        r#"{"type":"GET_BLOCK_REPLY","height":3,"minedBy":"x","nonce":"1","messages":["a"],"hash":"abc"}"#,
        r#"{"type":"GET_BLOCK_REPLY"}"#,
    ] {
        assert_eq!(
            decode(text.as_bytes()),
            Ok(Message::GetBlockReply(BlockReply::Missing(Generation::Flood))),
            "{text}"
        );
    }
}

#[test]
fn real_block_variants_are_accepted() {
    let b = block();
    let colon = format!(
        r#"{{"type":"GET_BLOCK_REPLY","height":1,"minedBy:":"Rob!","nonce":976471045,"messages":["kindreds","decedent"],"hash":"{}"}}"#,
        b.hash
    );
    assert_eq!(decode(colon.as_bytes()), Ok(Message::GetBlockReply(BlockReply::Block(b.clone()))));
    let announce = format!(
        r#"{{"hash":"{}","messages":["kindreds","decedent"],"nonce":"976471045","minedBy":"Rob!","height":"1","type":"ANNOUNCE"}}"#,
        b.hash
    );
    assert_eq!(decode(announce.as_bytes()), Ok(Message::Announce(b)));
}

#[test]
fn unknown_and_junk() {
    assert_eq!(decode(b"{}"), Ok(Message::Unknown { kind: String::new() }));
    assert_eq!(decode(br#"{"type":"WHISPER","host":"h"}"#), Ok(Message::Unknown { kind: "WHISPER".into() }));
    assert_eq!(decode(br#"{"type":7}"#), Ok(Message::Unknown { kind: "7".into() }));
    assert!(matches!(decode(b"hello"), Err(DecodeError::NotJson(_))));
    assert!(matches!(decode(b"[1,2]"), Err(DecodeError::NotObject)));
    assert!(matches!(decode(&[0xff, 0xfe]), Err(DecodeError::NotJson(_))));
    assert!(matches!(decode(&vec![b' '; 70_000]), Err(DecodeError::TooLarge(70_000))));
}

#[test]
fn encoding_is_compact_typed_first_and_in_documented_spellings() {
    assert_eq!(Message::Stats.encode(), br#"{"type":"STATS"}"#);
    assert_eq!(
        Message::StatsReply(StatsReply { height: 0, hash: None }).encode(),
        br#"{"type":"STATS_REPLY","height":0,"hash":null}"#
    );
    assert_eq!(
        Message::GetBlockReply(BlockReply::Missing(Generation::Flood)).encode(),
        br#"{"type":"GET_BLOCK_REPLY","height":null,"minedBy":null,"nonce":null,"messages":null,"hash":null}"#
    );
    let reply = Message::FloodReply(FloodReply {
        generation: Generation::Flood,
        host: "127.0.0.1".into(),
        port: 8999,
        name: "Zoë".into(),
    })
    .encode();
    assert_eq!(
        String::from_utf8(reply).unwrap(),
        r#"{"type":"FLOOD-REPLY","host":"127.0.0.1","port":8999,"name":"Zoë"}"#
    );
    let b = block();
    let encoded = Message::GetBlockReply(BlockReply::Block(b.clone())).encode();
    assert!(encoded.starts_with(br#"{"type":"GET_BLOCK_REPLY","height":1,"minedBy":"Rob!""#));
    assert_eq!(encoded.len(), b.reply_datagram_len());
    assert_eq!(decode(&encoded), Ok(Message::GetBlockReply(BlockReply::Block(b))));
}

#[test]
fn a_full_ascii_block_fits_a_datagram() {
    // 10 messages of 20 characters, a 20-character name, a 39-digit nonce, the largest
    // height. (Multi-byte words can exceed 1024 bytes: the miner's job builder measures.)
    let big = Block {
        height: MAX_HEIGHT,
        mined_by: "m".repeat(20),
        nonce: "9".repeat(39),
        messages: vec!["w".repeat(20); 10],
        hash: "0".repeat(64),
        timestamp: None,
    };
    for message in [Message::Announce(big.clone()), Message::GetBlockReply(BlockReply::Block(big))] {
        let bytes = message.encode();
        assert!(bytes.len() <= MAX_SEND, "{} bytes", bytes.len());
        assert_eq!(decode(&bytes), Ok(message));
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        ".{0,30}".prop_map(serde_json::Value::from),
        prop::sample::select(vec![
            "FLOOD",
            "FLOOD_REPLY",
            "STATS_REPLY",
            "GET_BLOCK",
            "GET_BLOCK_REPLY",
            "ANNOUNCE",
            "NEW_WORD"
        ])
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "type", "host", "port", "id", "name", "height", "hash", "minedBy", "minedBy:", "nonce", "messages",
                    "word", "x"
                ])
                .prop_map(String::from),
                inner,
                0..8
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = decode(&bytes);
    }

    #[test]
    fn decoding_arbitrary_json_never_panics_and_reencodes(value in json_value()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        if let Ok(message) = decode(&bytes) {
            let again = message.encode();
            if !matches!(message, Message::Unknown { .. }) {
                prop_assert_eq!(decode(&again), Ok(message));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// The CI twin of the `node` fuzz target: arbitrary scripts of datagrams, commands,
    /// mined blocks and clock steps never panic a node, never make it send more than
    /// 1024 bytes, never leave its chain invalid.
    #[test]
    fn a_node_survives_arbitrary_input(script in prop::collection::vec(any::<u8>(), 0..1500)) {
        blockpeer_core::testing::log_everything();
        blockpeer_core::testing::exercise_node(&script);
    }

    /// The CI twin of the `hostile` fuzz target: well-formed messages with hostile
    /// values in every field decode (or are refused) without panicking, and round-trip.
    #[test]
    fn hostile_field_values_never_panic_the_decoder(script in prop::collection::vec(any::<u8>(), 0..400)) {
        blockpeer_core::testing::exercise_decode(&script);
    }
}
