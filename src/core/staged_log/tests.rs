use super::*;
use crate::core::base58;

const CO: &str = "co_zA";
const SESSION: &str = "co_zA_session_zB";

fn secret_text(seed: u8) -> String {
    let mut out = String::from(SignerSecret::PREFIX);
    base58::encode_into(&[seed; 32], &mut out);
    out
}

fn signer_text(seed: u8) -> String {
    ed25519::signer_id(&SignerSecret::from_bytes([seed; 32])).to_text()
}

fn key_text(seed: u8) -> String {
    let mut out = String::from(KeySecret::PREFIX);
    base58::encode_into(&[seed; 32], &mut out);
    out
}

/// An author's log with a trusting, a private (with meta) and a trusting
/// transaction; returns it with each transaction's text and signature.
fn authored() -> (StagedLog, Vec<(String, String)>) {
    let mut author = StagedLog::new(CO, SESSION, None).unwrap();
    let secret = secret_text(5);
    let s0 = author.add_new_trusting("[1]", &secret, 1, None).unwrap();
    let private: serde_json::Value = serde_json::from_str(
        &author
            .add_new_private("[2]", &secret, &key_text(9), "key_z1", 2, Some("{\"m\":1}"))
            .unwrap(),
    )
    .unwrap();
    let s2 = author
        .add_new_trusting("[\"é\\n\"]", &secret, 3, Some("{}"))
        .unwrap();
    let signatures = [
        s0.to_string(),
        private["signature"].as_str().unwrap().to_owned(),
        s2.to_string(),
    ];
    let txs = (0..3)
        .map(|i| author.transaction_json(i).unwrap().to_owned())
        .zip(signatures)
        .collect();
    (author, txs)
}

fn stage_text(log: &mut StagedLog, json: &str) -> Result<(), StagedLogError> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let s = |k: &str| v.get(k).and_then(|x| x.as_str());
    let made_at = v["madeAt"].as_u64().unwrap();
    let tx = match s("privacy") {
        Some("private") => Existing::Private {
            encrypted_changes: s("encryptedChanges").unwrap(),
            key_used: s("keyUsed").unwrap(),
            meta: s("meta"),
        },
        _ => Existing::Trusting {
            changes: s("changes").unwrap(),
            meta: s("meta"),
        },
    };
    log.stage(tx, made_at)
}

#[test]
fn both_shapes_receive_what_was_made_and_agree() {
    let (mut author, txs) = authored();
    let texts: Vec<&str> = txs.iter().map(|(t, _)| t.as_str()).collect();
    let last = &txs[2].1;

    let mut by_batch = StagedLog::new(CO, SESSION, Some(&signer_text(5))).unwrap();
    by_batch
        .try_add(texts.iter().copied(), last, false)
        .unwrap();

    let mut by_stage = StagedLog::new(CO, SESSION, Some(&signer_text(5))).unwrap();
    for text in &texts {
        stage_text(&mut by_stage, text).unwrap();
    }
    assert_eq!(by_stage.staged_count(), 3);
    by_stage.commit(last, false).unwrap();
    assert_eq!(by_stage.staged_count(), 0);

    for log in [&mut by_batch, &mut by_stage] {
        assert_eq!(log.count(), 3);
        assert_eq!(log.last_signature(), Some(last.as_str()));
        for (i, text) in texts.iter().enumerate() {
            assert_eq!(log.transaction_json(i as u32), Some(*text));
        }
        assert_eq!(log.decrypt_changes(1, &key_text(9)).unwrap(), "[2]");
        assert_eq!(
            log.decrypt_meta(1, &key_text(9)).unwrap().as_deref(),
            Some("{\"m\":1}")
        );
        // Trusting transactions need no key: it is not even parsed.
        assert_eq!(log.decrypt_changes(2, "not a key").unwrap(), "[\"é\\n\"]");
        assert_eq!(
            log.decrypt_meta(2, "not a key").unwrap().as_deref(),
            Some("{}")
        );
        assert_eq!(log.decrypt_meta(0, "not a key").unwrap(), None);
        // The running hash matches the author's: the next own transaction
        // signs identically.
        let next = log
            .add_new_trusting("[4]", &secret_text(5), 4, None)
            .unwrap();
        assert_eq!(
            next,
            author
                .clone()
                .add_new_trusting("[4]", &secret_text(5), 4, None)
                .unwrap()
        );
    }
    let _ = author
        .add_new_trusting("[4]", &secret_text(5), 4, None)
        .unwrap();
}

#[test]
fn failed_commit_changes_nothing_and_empties_the_staging_area() {
    let (_, txs) = authored();
    let mut log = StagedLog::new(CO, SESSION, Some(&signer_text(5))).unwrap();
    stage_text(&mut log, &txs[0].0).unwrap();
    let wrong = log.commit(&txs[1].1, false).unwrap_err();
    assert!(
        matches!(wrong, StagedLogError::SignatureVerification { ref hash } if hash.starts_with("hash_z"))
    );
    assert!(wrong
        .to_string()
        .starts_with("Signature verification failed: (hash: hash_z"));
    assert_eq!(
        (log.count(), log.staged_count(), log.last_signature()),
        (0, 0, None)
    );
    // The right signature over nothing staged fails too: the batch is gone.
    assert!(log.commit(&txs[0].1, false).is_err());
    // Restaged, it goes in.
    stage_text(&mut log, &txs[0].0).unwrap();
    log.commit(&txs[0].1, false).unwrap();
    assert_eq!(log.count(), 1);
    // A malformed signature also empties the staging area.
    stage_text(&mut log, &txs[1].0).unwrap();
    assert!(matches!(
        log.commit("signature_z", true),
        Err(StagedLogError::Key(_))
    ));
    assert_eq!((log.count(), log.staged_count()), (1, 0));
}

#[test]
fn refused_staging_discards_the_batch() {
    let (_, txs) = authored();
    let mut log = StagedLog::new(CO, SESSION, Some(&signer_text(5))).unwrap();
    stage_text(&mut log, &txs[0].0).unwrap();
    let bad = Existing::Private {
        encrypted_changes: "not encrypted",
        key_used: "key_z1",
        meta: None,
    };
    let error = log.stage(bad, 1).unwrap_err();
    assert!(
        matches!(error, StagedLogError::Transaction(TxError::Invalid(_))),
        "{error:?}"
    );
    assert_eq!(log.staged_count(), 0);
    let bad_meta = Existing::Private {
        encrypted_changes: "encrypted_UAAAA",
        key_used: "key_z1",
        meta: Some("encrypted_U\"!"),
    };
    assert!(log.stage(bad_meta, 1).is_err());
    // Past 2^53-1 is refused as in received batches.
    let trusting = Existing::Trusting {
        changes: "[]",
        meta: None,
    };
    assert!(log.stage(trusting, 1 << 53).is_err());
    assert!(log.stage(trusting, (1 << 53) - 1).is_ok());
    assert_eq!(log.count(), 0);
}

#[test]
fn try_add_takes_canonical_texts_only() {
    let (_, txs) = authored();
    let mut log = StagedLog::new(CO, SESSION, Some(&signer_text(5))).unwrap();
    let t0 = txs[0].0.as_str();
    let reordered = r#"{"madeAt":1,"changes":"[1]","privacy":"trusting"}"#;
    let two = format!("{t0},{t0}");
    let padded = format!(" {t0}");
    for bad in [
        reordered,
        &two,
        &padded,
        "{",
        "[]",
        "5",
        r#"{"changes":"[1]","madeAt":1.5,"privacy":"trusting"}"#,
    ] {
        let error = log.try_add([t0, bad], &txs[0].1, true).unwrap_err();
        assert!(
            matches!(error, StagedLogError::Transaction(_)),
            "{bad}: {error:?}"
        );
        assert_eq!(log.count(), 0, "{bad}");
    }
    // A wrong signature or none to check against: nothing changes.
    assert!(log.try_add([t0], &txs[1].1, false).is_err());
    let mut unsigned = StagedLog::new(CO, SESSION, None).unwrap();
    assert!(unsigned.try_add([t0], &txs[0].1, false).is_err());
    unsigned.try_add([t0], &txs[0].1, true).unwrap();
    assert_eq!(unsigned.count(), 1);
    // tryAdd leaves staged transactions alone.
    stage_text(&mut log, t0).unwrap();
    log.try_add([t0], &txs[0].1, false).unwrap();
    assert_eq!((log.count(), log.staged_count()), (1, 1));
}

#[test]
fn skip_verify_does_not_advance_the_hash() {
    // As the reference: a skipped verification stores the transactions but
    // leaves the running hash, so a later verified batch is checked against
    // the hash before them.
    let (_, txs) = authored();
    let mut log = StagedLog::new(CO, SESSION, Some(&signer_text(5))).unwrap();
    log.try_add([txs[0].0.as_str()], &txs[0].1, true).unwrap();
    assert!(log.try_add([txs[1].0.as_str()], &txs[1].1, false).is_err());
    assert_eq!(log.count(), 1);
}

#[test]
fn ids_keys_and_indexes() {
    assert!(matches!(
        StagedLog::new("", SESSION, None),
        Err(StagedLogError::Id { .. })
    ));
    assert!(matches!(
        StagedLog::new(CO, "a\"b", None),
        Err(StagedLogError::Id { .. })
    ));
    assert!(matches!(
        StagedLog::new(CO, SESSION, Some("signer_z1")),
        Err(StagedLogError::Key(_))
    ));
    let (mut log, _) = authored();
    assert_eq!(
        log.decrypt_changes(3, &key_text(9))
            .unwrap_err()
            .to_string(),
        "Transaction not found at index 3"
    );
    assert_eq!(
        log.decrypt_changes(1, &key_text(8)),
        Err(StagedLogError::Utf8)
    );
    assert!(matches!(
        log.decrypt_changes(1, "keySecret_z"),
        Err(StagedLogError::Key(_))
    ));
    let before = log.clone();
    // Changes up to 1 MiB, as cojson checks them.
    let big = "x".repeat(MAX_CHANGES_BYTES + 1);
    assert_eq!(
        log.add_new_trusting(&big, &secret_text(5), 1, None)
            .unwrap_err()
            .to_string(),
        "Transaction too large to be synced: 1048577 bytes > 1048576 bytes limit"
    );
    assert!(log
        .add_new_private(&big, &secret_text(5), &key_text(9), "key_z1", 1, None)
        .is_err());
    assert!(log
        .add_new_trusting(&big[1..], &secret_text(5), 1, Some(&big))
        .is_ok());
    let before_count = log.count();
    assert!(log.add_new_trusting("[]", "nope", 1, None).is_err());
    assert!(log
        .add_new_private("[]", &secret_text(5), "nope", "key_z1", 1, None)
        .is_err());
    assert_eq!(log.count(), before_count);
    assert_eq!(before.count() + 1, before_count);
}

#[test]
fn private_result_has_the_reference_shape() {
    assert_eq!(
        private_result_json("signature_z1", "AA", Some("BB")),
        r#"{"signature":"signature_z1","encrypted_changes":"encrypted_UAA","meta":"encrypted_UBB"}"#
    );
    assert_eq!(
        private_result_json("signature_z1", "AA", None),
        r#"{"signature":"signature_z1","encrypted_changes":"encrypted_UAA"}"#
    );
}
