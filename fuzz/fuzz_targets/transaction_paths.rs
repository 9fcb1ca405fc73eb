//! The two paths of received batches: the canonical fast path
//! (`transaction::canonical::scan_into`) and the general parser
//! (`transaction::wire::parse_into`).
//!
//! Properties, for any text: what the fast path accepts, the general parser
//! accepts with the same transactions (text, payload layout, size);
//! `parse_batch_into` gives the general parser's result, error included; and
//! the canonical text written is never longer than the batch (the room
//! `parse_batch_into` reserves).
#![no_main]

// Only the sink and the three ways into it are used here.
#[allow(dead_code)]
#[path = "../../tests/support/collected.rs"]
mod collected;

use collected::{parse_batch, parse_general, scan, Collected};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    let general = parse_general(json);
    if let Ok(parsed) = &general {
        assert!(parsed.text.len() <= json.len(), "canonical text is longer");
    }
    let general = general.as_ref().map(Collected::summary);
    if let Some(fast) = scan(json) {
        assert_eq!(Ok(fast.summary()), general, "fast path differs");
    }
    assert_eq!(parse_batch(json).as_ref().map(Collected::summary), general);
});
