//! Receiving transactions from a peer: `SessionMap::add_transactions` with
//! fuzzed transaction JSON, signer id and signature, then reads and decryption.
//!
//! Properties: no panic; a rejected call changes nothing (no phantom session,
//! no pending transactions); a verified batch is accepted only if it is the
//! signed batch (same canonical transactions and signature); stored
//! transactions are canonical JSON.
#![no_main]

use cojson_native::core::ed25519;
use cojson_native::core::header::Header;
use cojson_native::core::keys::{KeySecret, SignerSecret};
use cojson_native::core::session_map::{NewTransaction, SessionMap};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const HEADER: &str =
    r#"{"type":"comap","ruleset":{"type":"unsafeAllowAll"},"meta":null,"uniqueness":"fuzz"}"#;
const SESSION: &str = "co_zAuthor_session_zFuzz";

/// A batch signed by a known author: (co id, signer id, batch JSON, signature, canonical txs).
struct Fixture {
    co_id: String,
    signer_id: String,
    batch: String,
    signature: Box<str>,
    canonical: Vec<String>,
    key: String,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let co_id = Header::parse(HEADER, true).expect("header").co_id();
        let secret = SignerSecret::from_bytes([42; 32]);
        let key = KeySecret::from_bytes([7; 32]).to_text();
        let mut author = SessionMap::new(&co_id, HEADER, None, false).expect("map");
        let signer = secret.to_text();
        let first = author
            .make_new_transaction(
                SESSION,
                &signer,
                r#"[{"op":"set"}]"#,
                NewTransaction::Trusting,
                None,
                1,
            )
            .expect("trusting");
        let private = NewTransaction::Private {
            key_id: "key_zFuzz",
            key_secret: &key,
        };
        let second = author
            .make_new_transaction(
                SESSION,
                &signer,
                r#"["secret"]"#,
                private,
                Some(r#"{"m":1}"#),
                2,
            )
            .expect("private");
        Fixture {
            co_id,
            signer_id: ed25519::signer_id(&secret).to_text(),
            batch: format!("[{},{}]", first.transaction_json, second.transaction_json),
            signature: second.signature,
            canonical: vec![first.transaction_json, second.transaction_json],
            key,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let mut map = SessionMap::new(&f.co_id, HEADER, Some(64), false).expect("map");
    let signature_text: &str = &f.signature;
    // Mode picks which argument the fuzzer controls.
    let (signer, batch, signature, skip_verify) = match mode % 4 {
        0 => (f.signer_id.as_str(), text, signature_text, false),
        1 => (text, f.batch.as_str(), signature_text, false),
        2 => (f.signer_id.as_str(), f.batch.as_str(), text, false),
        _ => (f.signer_id.as_str(), text, signature_text, true),
    };
    match map.add_transactions(SESSION, Some(signer), batch, signature, skip_verify) {
        Err(_) => {
            assert_eq!(map.session_ids().count(), 0, "phantom session");
            assert_eq!(map.transaction_count(SESSION), None);
        }
        Ok(()) => {
            let stored: Vec<&str> = map
                .session_transactions(SESSION, 0)
                .expect("session exists")
                .collect();
            if !skip_verify {
                assert_eq!(stored, f.canonical, "accepted a batch that was not signed");
                assert_eq!(map.last_signature(SESSION), Some(&*f.signature));
            }
            for (index, tx) in (0u32..).zip(&stored) {
                assert!(serde_json::from_str::<serde_json::Value>(tx).is_ok());
                // Reading back never panics, whatever the key.
                let _ = map.decrypt_transaction(SESSION, index, &f.key);
                let _ = map.decrypt_transaction_meta(SESSION, index, text);
            }
        }
    }
    // The map stays usable for our own transactions.
    let own = map.make_new_transaction(
        "co_zSelf_session_zFuzz",
        &SignerSecret::from_bytes([1; 32]).to_text(),
        "[]",
        NewTransaction::Trusting,
        None,
        3,
    );
    assert!(own.is_ok());
});
