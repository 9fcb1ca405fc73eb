//! cojson-native: native Ed25519 signing, X25519 + XSalsa20-Poly1305 sealing,
//! XSalsa20 encryption, BLAKE3 hashing and the CoValue transaction log for
//! Jazz server workers, as a drop-in for `cojson-core-napi`.
//!
//! [`core`] holds all logic and knows nothing of Node-API; the `binding`
//! module (feature `node`) converts JS values, calls the core and maps errors.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod core;

#[cfg(feature = "node")]
mod binding;
