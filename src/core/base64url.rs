//! Base64url with `=` padding (RFC 4648 §5), the encoding after `encrypted_U`.
//!
//! Decoding is canonical: the length must be a multiple of four, padding only
//! at the end, and the unused bits of the last character zero.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Why a base64url text was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Base64Error {
    /// Not canonical padded base64url.
    #[error("Base64 decoding failed")]
    Invalid,
}

/// Appends the padded base64url encoding of `bytes` to `out`.
pub fn encode_into(bytes: &[u8], out: &mut String) {
    out.reserve(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b0 = chunk.first().copied().unwrap_or(0);
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let n = (u32::from(b0) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        let symbol = |shift: u32| char::from(ALPHABET[((n >> shift) & 63) as usize]);
        out.push(symbol(18));
        out.push(symbol(12));
        out.push(if chunk.len() > 1 { symbol(6) } else { '=' });
        out.push(if chunk.len() > 2 { symbol(0) } else { '=' });
    }
}

/// True for the characters base64url text (with padding) may contain.
pub fn is_alphabet_or_pad(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_' || byte == b'='
}

fn value_of(byte: u8) -> Option<u32> {
    let v = match byte {
        b'A'..=b'Z' => byte - b'A',
        b'a'..=b'z' => byte - b'a' + 26,
        b'0'..=b'9' => byte - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// Decodes canonical padded base64url.
pub fn decode(text: &str) -> Result<Vec<u8>, Base64Error> {
    let bytes = text.as_bytes();
    if bytes.len() % 4 != 0 {
        return Err(Base64Error::Invalid);
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let quads = bytes.len() / 4;
    for (index, quad) in bytes.chunks_exact(4).enumerate() {
        let last = index + 1 == quads;
        let pad = quad.iter().rev().take_while(|&&b| b == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return Err(Base64Error::Invalid);
        }
        let mut n = 0u32;
        for &byte in &quad[..4 - pad] {
            n = (n << 6) | value_of(byte).ok_or(Base64Error::Invalid)?;
        }
        n <<= 6 * pad as u32;
        let produced = 3 - pad;
        // Non-canonical: bits beyond the produced bytes must be zero.
        if pad > 0 && n & ((1u32 << (8 * pad)) - 1) != 0 {
            return Err(Base64Error::Invalid);
        }
        let all = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&all[..produced]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(bytes: &[u8]) -> String {
        let mut s = String::new();
        encode_into(bytes, &mut s);
        s
    }

    #[test]
    fn rfc4648_vectors() {
        // RFC 4648 §10 test vectors (the alphabet differs only for 62/63).
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(encode(plain.as_bytes()), encoded);
            assert_eq!(decode(encoded).unwrap(), plain.as_bytes());
        }
        assert_eq!(encode(&[0xfb, 0xff]), "-_8=");
        assert_eq!(decode("-_8=").unwrap(), vec![0xfb, 0xff]);
    }

    #[test]
    fn rejects_non_canonical() {
        for bad in [
            "Zg", "Zg=", "Zh==", "Zm9=", "Zg==Zg==", "Z===", "Zm+v", "Zm/v", "Zm9v=",
        ] {
            assert_eq!(decode(bad), Err(Base64Error::Invalid), "{bad}");
        }
    }
}
