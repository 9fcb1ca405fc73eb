//! Facts about JS strings as the engine hands them to native code, kept free
//! of Node-API so that they can be tested here.
//!
//! Two conversions of the engine's `napi_get_value_string_utf8` can change a
//! string without saying so:
//!
//! - Into a buffer that is too small, it writes only whole UTF-8 characters
//!   and reports how many bytes it wrote, so "fewer bytes than the buffer
//!   holds" does not mean "the whole string". [`inline_copy_is_whole`] says
//!   when it does.
//! - A lone UTF-16 surrogate (`'\uD800'` without its partner) becomes U+FFFD,
//!   so different JS strings arrive as the same text. [`may_hide_lone_surrogate`]
//!   says when the UTF-8 cannot tell, and [`has_lone_surrogate`] decides it on
//!   the string's UTF-16 code units.

/// The longest UTF-8 encoding of one character, in bytes.
pub const MAX_UTF8_CHAR_BYTES: usize = 4;

/// True when a string the engine copied into a buffer of `capacity` bytes
/// (terminating NUL included), reporting `written` bytes, was copied whole.
///
/// Why this cannot accept a shortened string: the engine writes at most
/// `capacity - 1` bytes of text (one is kept for the NUL) and writes
/// characters in order, each whole or not at all. If the string was cut, the
/// first character left out (at most [`MAX_UTF8_CHAR_BYTES`] bytes) did not
/// fit: `written + its length > capacity - 1`, so
/// `written > capacity - 1 - MAX_UTF8_CHAR_BYTES`. Accepting only
/// `written + MAX_UTF8_CHAR_BYTES < capacity`, i.e.
/// `written <= capacity - 1 - MAX_UTF8_CHAR_BYTES`, therefore never accepts a
/// cut string. The same margin covers an engine that, at the very end of the
/// buffer, writes a surrogate pair that does not fit as one 3-byte U+FFFD:
/// that happens only within the last [`MAX_UTF8_CHAR_BYTES`] bytes. Strings
/// whose UTF-8 is 1 to 4 bytes shorter than the buffer are refused although
/// they fit; the caller reads those the general way.
pub const fn inline_copy_is_whole(written: usize, capacity: usize) -> bool {
    written + MAX_UTF8_CHAR_BYTES < capacity
}

/// True when `utf8` (the engine's conversion of a JS string) contains U+FFFD,
/// which is what a lone surrogate becomes: only then can the JS string hold
/// one, and only then is it worth reading its UTF-16.
pub fn may_hide_lone_surrogate(utf8: &str) -> bool {
    utf8.contains(char::REPLACEMENT_CHARACTER)
}

/// True when `units` (a JS string's UTF-16 code units) hold a surrogate that
/// is not part of a high-low pair: the string is not well-formed UTF-16.
pub fn has_lone_surrogate(units: &[u16]) -> bool {
    char::decode_utf16(units.iter().copied()).any(|unit| unit.is_err())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The engine's conversion as Node-API documents it and V8 does it: the
    /// UTF-8 of as many whole characters as fit in `capacity - 1` bytes, lone
    /// surrogates as U+FFFD. Returns the bytes written.
    fn engine_copy(units: &[u16], capacity: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for unit in char::decode_utf16(units.iter().copied()) {
            let c = unit.unwrap_or(char::REPLACEMENT_CHARACTER);
            let mut buf = [0u8; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            if out.len() + bytes.len() > capacity.saturating_sub(1) {
                break;
            }
            out.extend_from_slice(bytes);
        }
        out
    }

    /// Like [`engine_copy`], but a surrogate pair that does not fit whole is
    /// written as U+FFFD when 3 bytes still fit (an engine we do not trust).
    fn careless_engine_copy(units: &[u16], capacity: usize) -> Vec<u8> {
        let whole = engine_copy(units, capacity);
        let rest = capacity.saturating_sub(1) - whole.len();
        let full: String = char::decode_utf16(units.iter().copied())
            .map(|u| u.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        let next = full.as_bytes().get(whole.len()..).unwrap_or_default();
        let mut out = whole;
        if next.len() >= 4 && next[0] >= 0xF0 && rest >= 3 {
            out.extend_from_slice("\u{FFFD}".as_bytes());
        }
        out
    }

    /// Strings of every UTF-8 length from `capacity - 8` to `capacity + 8`
    /// with a 1-, 2-, 3- or 4-byte character at every offset near the cut.
    fn boundary_strings(capacity: usize) -> Vec<String> {
        let mut out = Vec::new();
        for total in capacity - 8..=capacity + 8 {
            for wide in ["a", "é", "€", "😀"] {
                for at in total.saturating_sub(12)..total {
                    if at + wide.len() > total {
                        continue;
                    }
                    let text = format!(
                        "{}{wide}{}",
                        "x".repeat(at),
                        "y".repeat(total - at - wide.len())
                    );
                    assert_eq!(text.len(), total);
                    out.push(text);
                }
            }
        }
        out
    }

    #[test]
    fn the_cut_never_accepts_a_shortened_string() {
        for capacity in [8, 16, 192, 1024] {
            for text in boundary_strings(capacity) {
                let units: Vec<u16> = text.encode_utf16().collect();
                for copy in [engine_copy, careless_engine_copy] {
                    let written = copy(&units, capacity);
                    if inline_copy_is_whole(written.len(), capacity) {
                        assert_eq!(written, text.as_bytes(), "capacity {capacity}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_cut_accepts_every_string_with_room_to_spare() {
        for capacity in [8, 192, 1024] {
            for text in boundary_strings(capacity) {
                let units: Vec<u16> = text.encode_utf16().collect();
                let written = engine_copy(&units, capacity);
                let fits = text.len() + MAX_UTF8_CHAR_BYTES < capacity;
                assert_eq!(inline_copy_is_whole(written.len(), capacity), fits);
            }
        }
    }

    #[test]
    fn the_old_check_accepted_a_cut_emoji() {
        // `written < capacity - 1` (the check this module replaces) took 190
        // of 191 bytes + "😀" for the first 190 bytes.
        let text = format!("{}😀", "x".repeat(190));
        let units: Vec<u16> = text.encode_utf16().collect();
        let written = engine_copy(&units, 192);
        assert_eq!(written.len(), 190);
        assert!(written.len() < 192 - 1);
        assert!(!inline_copy_is_whole(written.len(), 192));
    }

    #[test]
    fn lone_surrogates_are_found_pairs_are_not() {
        let units = |s: &[u16]| s.to_vec();
        assert!(!has_lone_surrogate(&units(&[])));
        assert!(!has_lone_surrogate(&units(&[0x61, 0xFFFD])));
        assert!(!has_lone_surrogate(&units(&[0xD83D, 0xDE00])));
        assert!(has_lone_surrogate(&units(&[0xD800])));
        assert!(has_lone_surrogate(&units(&[0xDC00])));
        assert!(has_lone_surrogate(&units(&[0x61, 0xD800, 0x62])));
        // Low before high is two lone surrogates, not a pair.
        assert!(has_lone_surrogate(&units(&[0xDE00, 0xD83D])));
        // A pair, then a high surrogate at the very end.
        assert!(has_lone_surrogate(&units(&[0xD83D, 0xDE00, 0xD83D])));
    }

    #[test]
    fn replacement_character_marks_where_a_surrogate_may_hide() {
        assert!(!may_hide_lone_surrogate("plain ascii é € 😀"));
        assert!(may_hide_lone_surrogate("x\u{FFFD}"));
        let lossy: String = char::decode_utf16([0x78, 0xD800])
            .map(|u| u.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        assert!(may_hide_lone_surrogate(&lossy));
    }
}
