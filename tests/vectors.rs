//! Known-answer tests of the core against the data files in `test-vectors/`,
//! which the JS tests read too. Each file names its source.

use cojson_native::core::keys::{
    KeySecret, SealerId, SealerSecret, Signature, SignerId, SignerSecret,
};
use cojson_native::core::{ed25519, hash, seal, x25519, xsalsa20};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/test-vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn hex(text: &Value) -> Vec<u8> {
    let text = text.as_str().unwrap();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap()
}

fn cases(file: &Value) -> &Vec<Value> {
    file["cases"].as_array().unwrap()
}

fn array32(value: &Value) -> [u8; 32] {
    hex(value).try_into().unwrap()
}

#[test]
fn blake3_official_vectors() {
    let file = load("blake3.json");
    for case in cases(&file) {
        let len = case["input_len"].as_u64().unwrap() as usize;
        let input: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        assert_eq!(
            hash::hash_once(&input).to_vec(),
            hex(&case["hash"]),
            "input_len {len}"
        );
    }
}

#[test]
fn ed25519_rfc8032_vectors() {
    let file = load("ed25519-rfc8032.json");
    for case in cases(&file) {
        let secret = SignerSecret::from_bytes(array32(&case["secret"]));
        let id = ed25519::signer_id(&secret);
        assert_eq!(id.as_bytes().to_vec(), hex(&case["public"]));
        let message = hex(&case["message"]);
        let signature = ed25519::sign(&secret, &message);
        assert_eq!(signature.as_bytes().to_vec(), hex(&case["signature"]));
        assert!(ed25519::verify(&id, &message, &signature).unwrap());
    }
}

#[test]
fn x25519_rfc7748_vectors() {
    let file = load("x25519-rfc7748.json");
    for case in cases(&file) {
        let alice = SealerSecret::from_bytes(array32(&case["alice_secret"]));
        let bob = SealerSecret::from_bytes(array32(&case["bob_secret"]));
        assert_eq!(
            x25519::sealer_id(&alice).as_bytes().to_vec(),
            hex(&case["alice_public"])
        );
        assert_eq!(
            x25519::sealer_id(&bob).as_bytes().to_vec(),
            hex(&case["bob_public"])
        );
        let shared = x25519::shared_secret(&alice, &x25519::sealer_id(&bob)).unwrap();
        assert_eq!(shared.to_vec(), hex(&case["shared"]));
    }
}

#[test]
fn xsalsa20poly1305_nacl_vectors() {
    let file = load("xsalsa20poly1305-nacl.json");
    for case in cases(&file) {
        let key = array32(&case["key"]);
        let nonce: [u8; 24] = hex(&case["nonce"]).try_into().unwrap();
        let boxed = xsalsa20::seal_box(&key, &nonce, &hex(&case["plaintext"]));
        assert_eq!(boxed, hex(&case["boxed"]));
        assert_eq!(
            xsalsa20::open_box(&key, &nonce, &boxed).unwrap(),
            hex(&case["plaintext"])
        );
    }
}

#[test]
fn reference_signing() {
    let file = load("cojson-reference.json");
    for case in file["signing"].as_array().unwrap() {
        let secret = SignerSecret::parse(text(&case["secret"])).unwrap();
        let id = ed25519::signer_id(&secret);
        assert_eq!(id.to_text(), text(&case["id"]));
        let message = text(&case["message"]).as_bytes();
        let signature = ed25519::sign(&secret, message);
        assert_eq!(signature.to_text(), text(&case["signature"]));
        let parsed = Signature::parse(text(&case["signature"])).unwrap();
        assert!(ed25519::verify(
            &SignerId::parse(text(&case["id"])).unwrap(),
            message,
            &parsed
        )
        .unwrap());
    }
}

#[test]
fn reference_sealing() {
    let file = load("cojson-reference.json");
    for case in file["sealing"].as_array().unwrap() {
        let from = SealerSecret::parse(text(&case["from"])).unwrap();
        let to = SealerSecret::parse(text(&case["to"])).unwrap();
        assert_eq!(x25519::sealer_id(&from).to_text(), text(&case["fromId"]));
        let to_id = SealerId::parse(text(&case["toId"])).unwrap();
        assert_eq!(x25519::sealer_id(&to), to_id);
        let material = text(&case["nonceMaterial"]).as_bytes();
        let message = text(&case["message"]).as_bytes();
        let sealed = seal::seal(message, &from, &to_id, material).unwrap();
        assert_eq!(sealed, hex(&case["sealed"]));
        let from_id = SealerId::parse(text(&case["fromId"])).unwrap();
        assert_eq!(
            seal::unseal(&sealed, &to, &from_id, material).unwrap(),
            message
        );
    }
}

#[test]
fn reference_encryption_and_hashing() {
    let file = load("cojson-reference.json");
    for case in file["encryption"].as_array().unwrap() {
        let key = KeySecret::parse(text(&case["keySecret"])).unwrap();
        let out = xsalsa20::stream(
            key.as_bytes(),
            text(&case["nonceMaterial"]).as_bytes(),
            text(&case["plaintext"]).as_bytes(),
        );
        assert_eq!(out, hex(&case["ciphertext"]));
    }
    for case in file["hashing"].as_array().unwrap() {
        let value = text(&case["value"]);
        assert_eq!(
            hash::hash_once(value.as_bytes()).to_vec(),
            hex(&case["blake3"])
        );
        let context = text(&case["context"]).as_bytes();
        assert_eq!(
            hash::hash_once_with_context(value.as_bytes(), context).to_vec(),
            hex(&case["blake3WithContext"])
        );
        assert_eq!(hash::nonce(value.as_bytes()).to_vec(), hex(&case["nonce"]));
        assert_eq!(hash::short_hash(value), text(&case["shortHash"]));
    }
    for case in file["x25519"].as_array().unwrap() {
        let secret = SealerSecret::from_bytes(array32(&case["secret"]));
        let peer = SealerSecret::from_bytes(array32(&case["peerSecret"]));
        assert_eq!(
            x25519::sealer_id(&secret).as_bytes().to_vec(),
            hex(&case["public"])
        );
        let shared = x25519::shared_secret(&secret, &x25519::sealer_id(&peer)).unwrap();
        assert_eq!(shared.to_vec(), hex(&case["shared"]));
    }
}

#[test]
fn reference_rejections() {
    let file = load("cojson-reference.json");
    let rejected = &file["rejected"];
    for input in rejected["getSignerId"].as_array().unwrap() {
        assert!(SignerSecret::parse(text(input)).is_err(), "{input}");
    }
    for input in rejected["getSealerId"].as_array().unwrap() {
        assert!(SealerSecret::parse(text(input)).is_err(), "{input}");
    }
    for input in rejected["encrypt"].as_array().unwrap() {
        assert!(KeySecret::parse(text(input)).is_err(), "{input}");
    }
}
