//! The process-wide key store, used by the primitives of
//! [`crate::core::ed25519`] and [`crate::core::x25519`] and so by every
//! caller of theirs, from any thread. It holds at most:
//!
//! - [`SIGNING_CAPACITY`] signing keys ([`SignerKeys`]), by the fingerprint
//!   of the seed; their secrets wipe on eviction and drop;
//! - [`VERIFYING_CAPACITY`] decompressed verifying keys, by their 32 public
//!   bytes;
//! - [`SEALER_CAPACITY`] X25519 public keys, by the fingerprint of the
//!   secret;
//! - [`SHARED_SECRET_CAPACITY`] X25519 shared secrets, by (fingerprint of the
//!   secret, peer public key); each wipes when the last holder drops it.
//!
//! When the operating system gives no randomness for the salt, nothing is
//! stored and every key is derived afresh.

use crate::core::bounded_map::SharedClockMap;
use crate::core::key_store::{Fingerprint, Fingerprinter, SignerKeys};
use ed25519_dalek::VerifyingKey;
use std::sync::{Arc, OnceLock};
use zeroize::Zeroizing;

/// Signing keys kept at most; one entry is about 300 bytes.
pub const SIGNING_CAPACITY: usize = 256;
/// Verifying keys kept at most; one entry is about 200 bytes.
pub const VERIFYING_CAPACITY: usize = 1024;
/// X25519 public keys kept at most; one entry is 64 bytes.
pub const SEALER_CAPACITY: usize = 256;
/// X25519 shared secrets kept at most; one entry is about 120 bytes.
pub const SHARED_SECRET_CAPACITY: usize = 256;

/// An X25519 shared secret, wiped when the last `Arc` is dropped.
pub type SharedSecret = Arc<Zeroizing<[u8; 32]>>;

/// The process's fingerprinter; `None` when the operating system gave no
/// randomness.
fn fingerprinter() -> Option<&'static Fingerprinter> {
    static FINGERPRINTER: OnceLock<Option<Fingerprinter>> = OnceLock::new();
    FINGERPRINTER
        .get_or_init(|| Fingerprinter::new().ok())
        .as_ref()
}

/// The fingerprint a secret is stored by; `None` when nothing is stored.
pub fn secret_fingerprint(secret: &[u8; 32]) -> Option<Fingerprint> {
    fingerprinter().map(|f| f.of_secret(secret))
}

/// Signing keys by the fingerprint of their seed.
pub fn signing_keys() -> &'static SharedClockMap<Fingerprint, Arc<SignerKeys>> {
    static MAP: OnceLock<SharedClockMap<Fingerprint, Arc<SignerKeys>>> = OnceLock::new();
    MAP.get_or_init(|| SharedClockMap::new(SIGNING_CAPACITY))
}

/// Verifying keys by their public bytes.
pub fn verifying_keys() -> &'static SharedClockMap<[u8; 32], VerifyingKey> {
    static MAP: OnceLock<SharedClockMap<[u8; 32], VerifyingKey>> = OnceLock::new();
    MAP.get_or_init(|| SharedClockMap::new(VERIFYING_CAPACITY))
}

/// X25519 public keys by the fingerprint of their secret.
pub fn sealer_ids() -> &'static SharedClockMap<Fingerprint, [u8; 32]> {
    static MAP: OnceLock<SharedClockMap<Fingerprint, [u8; 32]>> = OnceLock::new();
    MAP.get_or_init(|| SharedClockMap::new(SEALER_CAPACITY))
}

/// X25519 shared secrets by (fingerprint of the secret, peer public key).
pub fn shared_secrets() -> &'static SharedClockMap<(Fingerprint, [u8; 32]), SharedSecret> {
    static MAP: OnceLock<SharedClockMap<(Fingerprint, [u8; 32]), SharedSecret>> = OnceLock::new();
    MAP.get_or_init(|| SharedClockMap::new(SHARED_SECRET_CAPACITY))
}
