//! Received batches: the key orders, forms and faults `parse_batch_into`
//! accepts and refuses, and the canonical fast path
//! (`transaction::canonical`) held to the general parser
//! (`transaction::wire`) at its edges: every escape, every ASCII character,
//! and every near miss of the canonical form.

#[path = "support/collected.rs"]
mod collected;

use cojson_native::core::stable_json;
use cojson_native::core::transaction::Transaction;
use collected::{batch_text, parse_batch, parse_general, scan, summarise};

#[test]
fn parse_accepts_any_key_order_and_reserialises_canonically() {
    let parsed = parse_batch(
        r#"[{"privacy":"trusting","madeAt":1,"changes":"[1]"},{"privacy":"private","meta":"encrypted_UAA==","madeAt":2,"keyUsed":"key_z1","encryptedChanges":"encrypted_UAAAA"}]"#,
    )
    .unwrap();
    let batch = parsed.summary();
    assert_eq!(
        batch[0].0,
        r#"{"changes":"[1]","madeAt":1,"privacy":"trusting"}"#
    );
    assert_eq!(
        batch[1].0,
        r#"{"encryptedChanges":"encrypted_UAAAA","keyUsed":"key_z1","madeAt":2,"meta":"encrypted_UAA==","privacy":"private"}"#
    );
}

#[test]
fn parse_rejects_non_canonical() {
    let bad = [
        r#"[{"privacy":"trusting","madeAt":1,"changes":"[1]","x":5}]"#,
        r#"[{"privacy":"private","madeAt":1,"changes":"[1]"}]"#,
        r#"[{"privacy":"trusting","madeAt":1,"changes":"[1]","keyUsed":"k"}]"#,
        r#"[{"madeAt":1,"changes":"[1]"}]"#,
        r#"[{"privacy":"trusting","madeAt":1.5,"changes":"[1]"}]"#,
        r#"[{"privacy":"trusting","madeAt":1.0,"changes":"[1]"}]"#,
        r#"[{"privacy":"trusting","madeAt":-1,"changes":"[1]"}]"#,
        r#"[{"privacy":"trusting","madeAt":9007199254740992,"changes":"[1]"}]"#,
        r#"[{"privacy":"trusting","madeAt":"1","changes":"[1]"}]"#,
        r#"[{"privacy":"trusting","madeAt":1,"changes":[1]}]"#,
        r#"[{"privacy":"trusting","madeAt":1,"changes":"[1]","meta":null}]"#,
        r#"[{"privacy":"trusting","madeAt":1,"changes":"[1]","changes":"[2]"}]"#,
        r#"[{"privacy":"private","madeAt":1,"encryptedChanges":"foo","keyUsed":"k"}]"#,
        r#"[{"privacy":"private","madeAt":1,"encryptedChanges":"encrypted_U\"","keyUsed":"k"}]"#,
        r#"[{"privacy":"private","madeAt":1,"encryptedChanges":"encrypted_UAAAA","keyUsed":5}]"#,
        r#"[{"privacy":"other","madeAt":1,"changes":"[1]"}]"#,
        r#"{}"#,
        r#"[1]"#,
        r#"[{"#,
    ];
    for json in bad {
        assert!(parse_batch(json).is_err(), "{json}");
    }
}

#[test]
fn canonical_batches_match_built_transactions() {
    let nasty = "[\"\\\"q\\\\\",\"\u{1}\u{1f}\u{7f}\u{e9}\u{1F600}\\n\\t\\r\u{8}\u{c}/\"]";
    let built = vec![
        Transaction::trusting(nasty, 0, None),
        Transaction::trusting("[]", 9_007_199_254_740_991, Some("{\"m\":\"\\u0000\"}")),
        Transaction::private("AAAA", "key_z1", 12, None),
        Transaction::private("", "key_\u{e9}\"", 3, Some("AA==")),
    ];
    let text = batch_text(&built);
    let scanned = scan(&text).expect("canonical");
    assert_eq!(scanned.summary(), summarise(&built));
    let general = parse_general(&text).unwrap();
    assert_eq!(general.summary(), summarise(&built));
    assert_eq!(scan("[]").map(|b| b.summary().len()), Some(0));
}

#[test]
fn every_ascii_character_scans_as_the_general_path_parses() {
    for byte in 0u8..0x80 {
        let changes = format!("[\"a{}b\"]", char::from(byte));
        let built = Transaction::trusting(&changes, 1, Some(&changes));
        let text = format!("[{}]", built.json());
        let scanned = scan(&text).expect("canonical");
        let general = parse_general(&text).unwrap();
        assert_eq!(scanned.summary(), general.summary(), "byte {byte}");
        assert_eq!(scanned.summary(), summarise(&[built]), "byte {byte}");
    }
}

#[test]
fn anything_else_goes_the_general_way() {
    let mut escaped = String::new();
    stable_json::push_string(&mut escaped, "a/b");
    assert_eq!(escaped, "\"a/b\"");
    let other = [
        "",
        "[",
        "[] ",
        " []",
        "[{\"changes\":\"[1]\",\"madeAt\":1,\"privacy\":\"trusting\"} ]",
        "[{\"madeAt\":1,\"changes\":\"[1]\",\"privacy\":\"trusting\"}]",
        "[{\"changes\":\"a\\/b\",\"madeAt\":1,\"privacy\":\"trusting\"}]",
        "[{\"changes\":\"\\u000a\",\"madeAt\":1,\"privacy\":\"trusting\"}]",
        "[{\"changes\":\"\\u001F\",\"madeAt\":1,\"privacy\":\"trusting\"}]",
        "[{\"changes\":\"\\u00e9\",\"madeAt\":1,\"privacy\":\"trusting\"}]",
        "[{\"changes\":\"\u{1}\",\"madeAt\":1,\"privacy\":\"trusting\"}]",
        "[{\"changes\":\"x\",\"madeAt\":01,\"privacy\":\"trusting\"}]",
        "[{\"changes\":\"x\",\"madeAt\":1.0,\"privacy\":\"trusting\"}]",
        "[{\"changes\":\"x\",\"madeAt\":9007199254740992,\"privacy\":\"trusting\"}]",
        "[{\"changes\":\"x\",\"madeAt\":-1,\"privacy\":\"trusting\"}]",
        "[{\"changes\":\"x\",\"madeAt\":1,\"privacy\":\"private\"}]",
        "[{\"changes\":\"x\",\"madeAt\":1,\"meta\":null,\"privacy\":\"trusting\"}]",
        "[{\"encryptedChanges\":\"encrypted_UA\\\"\",\"keyUsed\":\"k\",\"madeAt\":1,\"privacy\":\"private\"}]",
        "[{\"encryptedChanges\":\"encrypted_UAAAA\",\"keyUsed\":\"k\",\"madeAt\":1,\"meta\":\"AA==\",\"privacy\":\"private\"}]",
        "[{\"changes\":\"x\",\"madeAt\":1,\"privacy\":\"trusting\"},]",
    ];
    for text in other {
        assert!(scan(text).is_none(), "{text}");
    }
}
