//! Bitcoin-alphabet base58, the encoding of every cojson id, key and signature.
//!
//! Decoding is always into a fixed-size value: the input length is checked
//! against the longest encoding of that size before any work is done.

use crate::core::error::KeyError;
use zeroize::Zeroizing;

/// Encodes bytes as base58.
pub fn encode(bytes: &[u8]) -> String {
    bs58::encode(bytes).into_string()
}

/// Appends the base58 encoding of `bytes` to `out`.
pub fn encode_into(bytes: &[u8], out: &mut String) {
    // `onto` a String appends; the only failure is a too-small buffer, which a
    // String never is.
    let _ = bs58::encode(bytes).onto(out);
}

/// The longest base58 string that can decode to `n` bytes: every byte one
/// character when all are zero, otherwise ceil(n * log(256) / log(58)).
pub const fn max_encoded_len(n: usize) -> usize {
    // log(256)/log(58) = 1.3657...; 1366/1000 rounds up for the sizes used here.
    (n * 1366).div_ceil(1000)
}

/// Decodes `text` into exactly `N` bytes, written to `out`.
///
/// `what` names the value in errors. The scratch buffer is wiped afterwards,
/// so decoding a secret leaves no copy behind.
pub fn decode_into<const N: usize>(
    text: &str,
    out: &mut [u8; N],
    what: &'static str,
) -> Result<(), KeyError> {
    let max = max_encoded_len(N);
    if text.len() > max {
        return Err(KeyError::TooLong {
            what,
            max,
            got: text.len(),
        });
    }
    // Up to `max` characters decode to at most `max` bytes.
    let mut scratch = Zeroizing::new([0u8; 96]);
    let written = bs58::decode(text)
        .onto(&mut scratch[..max.max(N)])
        .map_err(|e| KeyError::Base58 {
            what,
            position: match e {
                bs58::decode::Error::InvalidCharacter { index, .. }
                | bs58::decode::Error::NonAsciiCharacter { index } => index,
                _ => 0,
            },
        })?;
    if written != N {
        return Err(KeyError::Length {
            what,
            expected: N,
            got: written,
        });
    }
    out.copy_from_slice(&scratch[..N]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_len_matches_the_longest_real_encoding() {
        assert_eq!(encode(&[0xff; 32]).len(), 44);
        assert_eq!(max_encoded_len(32), 44);
        assert_eq!(encode(&[0xff; 64]).len(), 88);
        assert_eq!(max_encoded_len(64), 88);
        assert_eq!(encode(&[0u8; 32]).len(), 32);
    }

    #[test]
    fn decodes_exact_sizes_only() {
        let mut out = [0u8; 32];
        let text = encode(&[7u8; 32]);
        decode_into(&text, &mut out, "key").unwrap();
        assert_eq!(out, [7u8; 32]);
        let short = encode(&[7u8; 31]);
        assert_eq!(
            decode_into(&short, &mut out, "key"),
            Err(KeyError::Length {
                what: "key",
                expected: 32,
                got: 31
            })
        );
    }

    #[test]
    fn rejects_bad_characters_and_long_input_without_echoing_them() {
        let mut out = [0u8; 32];
        let err = decode_into("11O1", &mut out, "key").unwrap_err();
        assert_eq!(
            err,
            KeyError::Base58 {
                what: "key",
                position: 2
            }
        );
        assert!(!err.to_string().contains('O'));
        let long = "2".repeat(200_000);
        assert!(matches!(
            decode_into(&long, &mut out, "key"),
            Err(KeyError::TooLong { .. })
        ));
    }
}
