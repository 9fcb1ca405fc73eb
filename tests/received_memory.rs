//! Memory for one received batch is bounded by its size, whatever it holds.
//!
//! A counting allocator records the most heap in use while
//! `SessionMap::add_transactions` runs on a 4 MiB batch of each shape: string
//! fields holding an array of zeros, many small trees, endless nesting, and
//! valid batches (many small transactions, one large string; canonical and
//! not). The limit, twice the input, holds the stored copy (or the room
//! reserved for it) plus bookkeeping; a parser that builds a
//! `serde_json::Value` tree needs about 38 times the input for the array
//! of zeros.
//!
//! Allocation counts, not time: the result does not depend on the machine.

use cojson_native::core::session_map::SessionMap;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// `System`, counting the bytes in use and the most in use since the last
/// reset.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = IN_USE.fetch_add(by, Ordering::SeqCst) + by;
    PEAK.fetch_max(now, Ordering::SeqCst);
}

fn shrank(by: usize) {
    IN_USE.fetch_sub(by, Ordering::SeqCst);
}

// SAFETY: every call is forwarded to `System` unchanged; the counters are
// only read by the test.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as given.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as given.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as given.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as given.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            // Counted as if the old block were freed after the new one was
            // filled: the most a moving realloc can hold at once.
            grew(new_size);
            shrank(layout.size());
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const INPUT: usize = 4 << 20;

/// `count` copies of `unit` joined by commas.
fn joined(unit: &str, count: usize) -> String {
    vec![unit; count.max(1)].join(",")
}

fn trusting(changes: &str, canonical: bool) -> String {
    if canonical {
        format!(r#"{{"changes":{changes},"madeAt":1700000000000,"privacy":"trusting"}}"#)
    } else {
        format!(r#"{{"privacy":"trusting","madeAt":1700000000000,"changes":{changes}}}"#)
    }
}

fn private_with(field: &str, value: &str) -> String {
    match field {
        "keyUsed" => format!(
            r#"{{"privacy":"private","madeAt":1,"encryptedChanges":"encrypted_UAAAA","keyUsed":{value}}}"#
        ),
        _ => format!(
            r#"{{"privacy":"private","madeAt":1,"keyUsed":"k","encryptedChanges":{value}}}"#
        ),
    }
}

/// (name, batch, whether it is valid)
fn shapes() -> Vec<(&'static str, String, bool)> {
    let zeros = format!("[{}]", joined("0", INPUT / 2));
    let tree = r#"{"a":[{"a":[{"a":[{"a":[{"a":[0]}]}]}]}]}"#;
    let trees = format!("[{}]", joined(tree, INPUT / (tree.len() + 1)));
    let deep = "[".repeat(INPUT);
    let small = trusting(
        r#""[{\"op\":\"set\",\"key\":\"title\",\"value\":\"hello\"}]""#,
        false,
    );
    let small_canonical = trusting(
        r#""[{\"op\":\"set\",\"key\":\"title\",\"value\":\"hello\"}]""#,
        true,
    );
    let large = format!("\"{}\"", "x".repeat(INPUT));
    let escaped = format!("\"{}\"", "\\u00e9".repeat(INPUT / 6));
    vec![
        (
            "changes: zeros",
            format!("[{}]", trusting(&zeros, false)),
            false,
        ),
        (
            "changes: trees",
            format!("[{}]", trusting(&trees, false)),
            false,
        ),
        (
            "changes: deep",
            format!("[{}]", trusting(&deep, false)),
            false,
        ),
        (
            "meta: zeros",
            format!(r#"[{{"privacy":"trusting","madeAt":1,"changes":"x","meta":{zeros}}}]"#),
            false,
        ),
        (
            "encryptedChanges: zeros",
            format!("[{}]", private_with("encryptedChanges", &zeros)),
            false,
        ),
        (
            "keyUsed: trees",
            format!("[{}]", private_with("keyUsed", &trees)),
            false,
        ),
        (
            "many",
            format!("[{}]", joined(&small, INPUT / (small.len() + 1))),
            true,
        ),
        (
            "many canonical",
            format!(
                "[{}]",
                joined(&small_canonical, INPUT / (small_canonical.len() + 1))
            ),
            true,
        ),
        ("large", format!("[{}]", trusting(&large, false)), true),
        (
            "large canonical",
            format!("[{}]", trusting(&large, true)),
            true,
        ),
        (
            "large escaped",
            format!("[{}]", trusting(&escaped, false)),
            true,
        ),
    ]
}

#[test]
fn one_received_batch_needs_at_most_twice_its_size() {
    let header =
        r#"{"meta":null,"ruleset":{"type":"unsafeAllowAll"},"type":"comap","uniqueness":"m"}"#;
    let signature = format!("signature_z{}", "1".repeat(64));
    for (name, json, valid) in shapes() {
        let mut map = SessionMap::new("co_zMemory", header, None, true).unwrap();
        let before = IN_USE.load(Ordering::SeqCst);
        PEAK.store(before, Ordering::SeqCst);
        let result = map.add_transactions("co_zA_session_zB", None, &json, &signature, true);
        let peak = PEAK.load(Ordering::SeqCst) - before;
        assert_eq!(result.is_ok(), valid, "{name}: {result:?}");
        assert!(
            peak <= 2 * json.len(),
            "{name}: {peak} bytes at most in use for {} bytes of input",
            json.len()
        );
    }
}
