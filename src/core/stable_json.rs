//! cojson's canonical ("stable") JSON text: object keys sorted, no whitespace,
//! strings escaped exactly as `JSON.stringify` and `serde_json` escape them.
//!
//! Used for headers (whose hash is the CoValue id), transactions (whose bytes
//! feed the session hash) and nonce material.

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `text` as a JSON string literal, quotes included.
///
/// Escapes `"` and `\`, uses the short forms `\b \f \n \r \t`, and writes every
/// other control character below U+0020 as `\u00xx` (lowercase hex). All other
/// characters, including non-ASCII ones, are written as they are. This is what
/// both `JSON.stringify` and `serde_json` produce for well-formed strings.
pub fn push_string(out: &mut String, text: &str) {
    out.reserve(text.len() + 2);
    out.push('"');
    let mut start = 0;
    for (at, byte) in text.bytes().enumerate() {
        let short = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&text[start..at]);
        if short.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        } else {
            out.push_str(short);
        }
        start = at + 1;
    }
    out.push_str(&text[start..]);
    out.push('"');
}

/// True when `text` needs no escaping inside a JSON string literal.
pub fn is_plain(text: &str) -> bool {
    !text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\')
}

/// Appends a number as `cojson-core-napi` writes it: integers as integers,
/// other numbers in the shortest round-trip digits laid out as the `ryu`
/// crate does (`1e21`, `1.5e300`, `0.00001`, `1e-6`, `100.0`, `-0.0`).
pub fn push_number(out: &mut String, number: &serde_json::Number) {
    if let Some(n) = number.as_u64() {
        out.push_str(&n.to_string());
    } else if let Some(n) = number.as_i64() {
        out.push_str(&n.to_string());
    } else if let Some(f) = number.as_f64() {
        push_float(out, f);
    }
}

fn push_float(out: &mut String, value: f64) {
    if value.is_sign_negative() {
        out.push('-');
    }
    let value = value.abs();
    if value == 0.0 {
        out.push_str("0.0");
        return;
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "d[.ddd]e<exp>".
    let text = format!("{value:e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let length = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    // value = 0.d1d2d3… × 10^kk
    let kk = exponent + 1;
    let zeros = |n: i64| "0".repeat(usize::try_from(n).unwrap_or(0));
    if length <= kk && kk <= 16 {
        out.push_str(&digits);
        out.push_str(&zeros(kk - length));
        out.push_str(".0");
    } else if 0 < kk && kk <= 16 {
        let (int, frac) = digits.split_at(usize::try_from(kk).unwrap_or(0));
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else if -5 < kk && kk <= 0 {
        out.push_str("0.");
        out.push_str(&zeros(-kk));
        out.push_str(&digits);
    } else {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        out.push('e');
        out.push_str(&(kk - 1).to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_serde_json() {
        let samples = [
            "plain",
            "quote \" backslash \\ slash /",
            "\u{0}\u{1}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{1f}\u{7f}",
            "é 😀 \u{2028}",
            "",
        ];
        for sample in samples {
            let mut out = String::new();
            push_string(&mut out, sample);
            assert_eq!(out, serde_json::to_string(sample).unwrap(), "{sample:?}");
            assert_eq!(is_plain(sample), out.len() == sample.len() + 2);
        }
    }

    #[test]
    fn numbers_follow_serde_json() {
        // Expected texts: what cojson-core-napi 0.20.19 writes for each input.
        let cases = [
            ("1e21", "1e21"),
            ("1.5e300", "1.5e300"),
            ("1e-7", "1e-7"),
            ("1e-6", "1e-6"),
            ("1e-5", "0.00001"),
            ("0.0001", "0.0001"),
            ("20000000000000000000", "2e19"),
            ("1e16", "1e16"),
            ("-1.5e-10", "-1.5e-10"),
            ("123456.789", "123456.789"),
            ("1234567890123456.7", "1234567890123456.8"),
            ("-0", "-0.0"),
            ("1E2", "100.0"),
            ("1.0", "1.0"),
            ("5e-324", "5e-324"),
            ("1.7976931348623157e308", "1.7976931348623157e308"),
            ("1e15", "1000000000000000.0"),
            ("1.25e16", "1.25e16"),
            ("5", "5"),
            ("-3", "-3"),
            ("18446744073709551615", "18446744073709551615"),
        ];
        for (input, expected) in cases {
            let number: serde_json::Number = serde_json::from_str(input).unwrap();
            let mut out = String::new();
            push_number(&mut out, &number);
            assert_eq!(out, expected, "{input}");
        }
    }
}
