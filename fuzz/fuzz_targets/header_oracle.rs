//! `Header::parse` against the plain `serde_json::Value` parser of
//! `tests/oracle/header.rs` (the oracle of `tests/header_equivalence.rs`).
//!
//! Property: for any text, strict or not, both give the same canonical text
//! or the same error (variant and message, syntax-error positions included).
#![no_main]

#[path = "../../tests/oracle/header.rs"]
mod oracle;

use cojson_native::core::header::Header;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    for strict in [true, false] {
        let ours = Header::parse(json, strict).map(|header| header.json().to_owned());
        assert_eq!(ours, oracle::canonical(json, strict), "strict={strict}");
    }
});
