//! The pure Rust core: every primitive and concept of cojson-native, free of
//! Node-API types so that it can be tested, fuzzed and benchmarked as plain Rust.
//!
//! Ids and keys are parsed once, at the edge, into the fixed-size types of
//! [`keys`]; everything below works on those types.

#![forbid(unsafe_code)]

pub mod base58;
pub mod base64url;
pub mod bounded_map;
pub mod ed25519;
pub mod error;
pub mod hash;
pub mod header;
pub mod js_text;
pub mod json_error;
pub(crate) mod json_read;
pub mod key_store;
pub mod keys;
pub mod known_state;
pub mod number;
pub mod random;
pub mod seal;
pub mod session_log;
pub mod session_map;
pub mod signature_batch;
pub mod stable_json;
pub mod staged_log;
pub mod transaction;
pub mod work_stats;
pub mod worker_credentials;
pub mod x25519;
pub mod xsalsa20;
