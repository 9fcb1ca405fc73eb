//! Hot paths of the Rust core, without Node-API: run with
//! `cargo bench --no-default-features --bench core` (add `-- quick` for a
//! shorter run, or a substring to select cases). A small harness instead of
//! criterion keeps the build light: each case is timed in batches of about
//! 10 ms, and the median of the batches is printed in µs per call, so a
//! regression in the core shows here before the JS layer.

use cojson_native::core::header::Header;
use cojson_native::core::keys::{KeySecret, SealerSecret, Signature, SignerId, SignerSecret};
use cojson_native::core::signature_batch::{verify_batch, BatchItem};
use cojson_native::core::transaction::{self, Transaction, TransactionSink};
use cojson_native::core::work_stats::{Operation, WorkStats};
use cojson_native::core::{base58, ed25519, hash, seal, x25519, xsalsa20};
use collected::{batch_text, Collected};
use std::hint::black_box;
use std::time::Instant;

// The sink that keeps received transactions in memory, as the tests use it.
#[allow(dead_code)]
#[path = "../tests/support/collected.rs"]
mod collected;

struct Bench {
    quick: bool,
    filter: Option<String>,
}

impl Bench {
    fn run(&self, name: &str, mut f: impl FnMut()) {
        if self.filter.as_deref().is_some_and(|s| !name.contains(s)) {
            return;
        }
        let target = if self.quick { 2e-3 } else { 10e-3 };
        let samples = if self.quick { 7 } else { 21 };
        let mut n = 1u64;
        loop {
            let t = Instant::now();
            for _ in 0..n {
                f();
            }
            if t.elapsed().as_secs_f64() >= target / 4.0 {
                break;
            }
            n *= 2;
        }
        let mut times: Vec<f64> = (0..samples)
            .map(|_| {
                let t = Instant::now();
                for _ in 0..n {
                    f();
                }
                t.elapsed().as_secs_f64() * 1e6 / n as f64
            })
            .collect();
        times.sort_by(|a, b| a.total_cmp(b));
        println!("{name:<40} {:>10.3} µs", times[times.len() / 2]);
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let b = Bench {
        quick: args.iter().any(|a| a == "quick"),
        filter: args.iter().find(|a| *a != "quick").cloned(),
    };
    let signer = SignerSecret::from_bytes([7; 32]);
    let signer_text = signer.to_text();
    let id = ed25519::signer_id(&signer);
    let id_text = id.to_text();
    let msg = [0x5a_u8; 256];
    let sig = ed25519::sign(&signer, &msg);
    let sig_text = sig.to_text();
    let sealer_a = SealerSecret::from_bytes([1; 32]);
    let sealer_b = SealerSecret::from_bytes([2; 32]);
    let b_id = x25519::sealer_id(&sealer_b);
    let a_id = x25519::sealer_id(&sealer_a);
    let sealed = seal::seal(&msg, &sealer_a, &b_id, b"nonce").unwrap_or_default();
    let key = KeySecret::from_bytes([3; 32]);
    let data64 = [9u8; 64];

    b.run("base58 encode 64 B", || {
        black_box(base58::encode(black_box(sig.as_bytes())));
    });
    b.run("base58 decode signature", || {
        black_box(Signature::parse(black_box(&sig_text)).ok());
    });
    b.run("base58 decode signer id", || {
        black_box(SignerId::parse(black_box(&id_text)).ok());
    });
    b.run("parse signer secret", || {
        black_box(SignerSecret::parse(black_box(&signer_text)).ok());
    });
    b.run("sign 256 B (cached key)", || {
        black_box(ed25519::sign(black_box(&signer), &msg));
    });
    let mut counter = 0u16;
    b.run("sign 256 B (fresh key)", || {
        counter = (counter + 1) % 512;
        let [low, high] = counter.to_le_bytes();
        let mut bytes = [0x5c; 32];
        bytes[0] = low;
        bytes[1] = high;
        // 512 distinct keys cycle through a 256-entry CLOCK cache, which
        // holds a cycle of up to 256 keys whole: every call misses.
        black_box(ed25519::sign(&SignerSecret::from_bytes(bytes), &msg));
    });
    b.run("signer id (cached)", || {
        black_box(ed25519::signer_id(black_box(&signer)));
    });
    b.run("verify 256 B", || {
        black_box(ed25519::verify(&id, black_box(&msg), &sig).ok());
    });
    let items: Vec<(SignerSecret, Vec<u8>)> = (0..256u32)
        .map(|i| {
            (
                SignerSecret::from_bytes([(i % 16) as u8 + 1; 32]),
                i.to_le_bytes().to_vec(),
            )
        })
        .collect();
    let signed: Vec<(SignerId, Signature, &[u8])> = items
        .iter()
        .map(|(s, m)| (ed25519::signer_id(s), ed25519::sign(s, m), m.as_slice()))
        .collect();
    let batch: Vec<BatchItem<'_>> = signed.iter().map(BatchItem::of).collect();
    b.run("verify_batch 256 (per call)", || {
        black_box(verify_batch(black_box(&batch)).ok());
    });
    b.run("x25519 shared secret", || {
        black_box(x25519::shared_secret(&sealer_a, black_box(&b_id)).ok());
    });
    b.run("seal 256 B", || {
        black_box(seal::seal(&msg, &sealer_a, black_box(&b_id), b"nonce").ok());
    });
    b.run("unseal 256 B", || {
        black_box(seal::unseal(&sealed, &sealer_b, black_box(&a_id), b"nonce").ok());
    });
    b.run("xsalsa20 64 B", || {
        black_box(xsalsa20::stream(
            key.as_bytes(),
            b"nonce",
            black_box(&data64),
        ));
    });
    b.run("blake3 64 B", || {
        black_box(hash::hash_once(black_box(&data64)));
    });
    // What counting a call costs: `WorkStats::measure` (the clock on one call
    // in 16) against two clock reads around every call.
    let stats = WorkStats::default();
    b.run("count a call (stats, 1 in 16 timed)", || {
        black_box(stats.measure(Operation::Decrypt, || black_box(1)));
    });
    b.run("time a call (two clock reads)", || {
        let started = Instant::now();
        black_box(black_box(1));
        black_box(started.elapsed());
    });
    let header_json = r#"{"meta":null,"ruleset":{"group":"co_zKp3vT9xQ2mW8rLd4nYc6hJ","type":"ownedByGroup"},"type":"comap","uniqueness":"7fGh2kLm9PqRsT3v"}"#;
    let header_id = Header::parse(header_json, true)
        .map(|h| h.co_id())
        .unwrap_or_default();
    b.run("header parse + id check", || {
        black_box(
            Header::parse(black_box(header_json), true)
                .map(|h| h.check_id(&header_id).is_ok())
                .ok(),
        );
    });
    let header_with_meta = r#"{"type":"colist","ruleset":{"type":"ownedByGroup","group":"co_zKp3vT9xQ2mW8rLd4nYc6hJ","restrictDeletion":true},"meta":{"type":"file","size":1024,"tags":["a","b"]},"uniqueness":{"b":"1","a":"2"},"createdAt":"2024-01-01T00:00:00.000Z"}"#;
    b.run("header parse (meta + uniqueness objects)", || {
        black_box(Header::parse(black_box(header_with_meta), true).is_ok());
    });
    b.run("short hash", || {
        black_box(hash::short_hash(black_box("{\"a\":1}")));
    });
    // Ten transactions as cojson sends them (canonical, the fast path), and
    // the same with keys in another order (the general parser).
    let built: Vec<Transaction<'_>> = (0..10u64)
        .map(|i| match i % 2 {
            0 => Transaction::trusting(r#"[{"op":"set","key":"k","value":"v"}]"#, i, None),
            _ => Transaction::private("AAAAAAAAAAAAAAAAAAAAAAAA", "key_z1", i, Some("AAAA")),
        })
        .collect();
    let canonical = batch_text(&built);
    let reordered = canonical.replace(r#"{"changes":"#, r#"{"privacy":"trusting","changes":"#);
    let reordered = reordered.replace(r#","privacy":"trusting"}"#, "}");
    let mut stored = Collected::default();
    for batch in [&canonical, &reordered] {
        stored.discard();
        let parsed = transaction::parse_batch_into(batch, &mut stored);
        assert!(parsed.is_ok() && stored.items.len() == 10, "{batch}");
    }
    b.run("received batch of 10 (canonical)", || {
        stored.discard();
        black_box(transaction::parse_batch_into(black_box(&canonical), &mut stored).is_ok());
    });
    b.run("received batch of 10 (keys reordered)", || {
        stored.discard();
        black_box(transaction::parse_batch_into(black_box(&reordered), &mut stored).is_ok());
    });
}
