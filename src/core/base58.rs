//! Bitcoin-alphabet base58, the encoding of every cojson id, key and signature.
//!
//! Decoding is always into a fixed-size value: the input length is checked
//! against the longest encoding of that size before any work is done.
//!
//! The codec works in groups of five base58 digits (58^5 < 2^32). Values of
//! up to 64 bytes are encoded through a table of powers of two in base 58^5
//! ([`table`]); longer ones, and decoding, by repeated division over 32-bit
//! limbs, so a 64-byte value takes 18 passes of at most 17 limb operations
//! instead of one pass per digit over a byte buffer. Results, errors and
//! error positions are those of the `bs58` crate, which the tests check on
//! random and edge-case inputs, and the two encoding paths are held equal at
//! every length up to the table's limit.

use crate::core::error::KeyError;
use zeroize::Zeroizing;

mod table;

/// The Bitcoin base58 alphabet: the 58 digits in order of value.
pub const ALPHABET: &str = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// 58^5, the largest power of 58 below 2^32.
const BASE_POW5: u64 = 656_356_768;

/// Digit value of every byte, or `INVALID`.
const INVALID: u8 = 0xff;
const DIGITS: [u8; 256] = {
    let alphabet = ALPHABET.as_bytes();
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < alphabet.len() {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// The longest text [`decode_into`] accepts (it covers 64-byte values).
const MAX_TEXT: usize = 96;
/// 32-bit limbs for a value of up to `MAX_TEXT` digits: 58^96 < 2^563.
const DECODE_LIMBS: usize = 18;
/// Inputs up to this many bytes are encoded without a heap buffer.
const STACK_LIMBS: usize = 24;

/// The character of a digit below 58.
fn char_of(digit: u32) -> char {
    char::from(digit_byte(digit))
}

/// The character of digit 0, which also stands for each leading zero byte.
const ZERO_DIGIT: u8 = b'1';

/// The character of a digit below 58, as an ASCII byte.
fn digit_byte(digit: u32) -> u8 {
    ALPHABET
        .as_bytes()
        .get(digit as usize)
        .copied()
        .unwrap_or(ZERO_DIGIT)
}

/// Encodes bytes as base58.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(max_encoded_len(bytes.len()));
    encode_into(bytes, &mut out);
    out
}

/// Appends the base58 encoding of `bytes` to `out`: one `1` per leading zero
/// byte, then the digits of the remaining big-endian number.
pub fn encode_into(bytes: &[u8], out: &mut String) {
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    let rest = bytes.get(zeros..).unwrap_or_default();
    out.extend(std::iter::repeat(char::from(ZERO_DIGIT)).take(zeros));
    if !table::encode_digits(rest, out) {
        encode_digits_by_division(rest, out);
    }
}

/// Appends the base58 digits of `rest` (a big-endian number with no leading
/// zero byte) to `out`, for any length: the general path, and the slow twin
/// of [`table::encode_digits`].
fn encode_digits_by_division(rest: &[u8], out: &mut String) {
    let n = rest.len().div_ceil(4);
    let mut stack = Zeroizing::new([0u32; STACK_LIMBS]);
    let mut heap = Zeroizing::new(Vec::new());
    let limbs: &mut [u32] = if n <= STACK_LIMBS {
        stack.get_mut(..n).unwrap_or_default()
    } else {
        heap.resize(n, 0);
        &mut heap
    };
    // Big-endian limbs; the first one holds the bytes that do not fill a whole limb.
    let pad = n * 4 - rest.len();
    for (i, &byte) in rest.iter().enumerate() {
        let at = i + pad;
        if let Some(limb) = limbs.get_mut(at / 4) {
            *limb |= u32::from(byte) << (8 * (3 - at % 4));
        }
    }
    // Repeated division by 58^5; each remainder gives five digits, least
    // significant first.
    let mut digits = Zeroizing::new(Vec::with_capacity(max_encoded_len(rest.len()) + 5));
    let mut start = 0;
    while start < limbs.len() {
        let mut remainder = 0u64;
        for limb in limbs.iter_mut().skip(start) {
            let current = (remainder << 32) | u64::from(*limb);
            *limb = (current / BASE_POW5) as u32;
            remainder = current % BASE_POW5;
        }
        while limbs.get(start) == Some(&0) {
            start += 1;
        }
        let mut group = remainder as u32;
        for _ in 0..5 {
            digits.push(group % 58);
            group /= 58;
        }
    }
    while digits.last() == Some(&0) {
        digits.pop();
    }
    out.reserve(digits.len());
    out.extend(digits.iter().rev().map(|&d| char_of(d)));
}

/// The longest base58 string that can decode to `n` bytes: every byte one
/// character when all are zero, otherwise ceil(n * log(256) / log(58)).
pub const fn max_encoded_len(n: usize) -> usize {
    // log(256)/log(58) = 1.3657...; 1366/1000 rounds up for the sizes used here.
    (n * 1366).div_ceil(1000)
}

/// Decodes `text` into exactly `N` bytes, written to `out`.
///
/// `what` names the value in errors: [`KeyError::TooLong`] before any work
/// when `text` is longer than any encoding of `N` bytes,
/// [`KeyError::Base58`] with the byte position of the first character outside
/// the alphabet, [`KeyError::Length`] when it decodes to another number of
/// bytes. Scratch buffers are wiped afterwards, so decoding a secret leaves
/// no copy behind.
pub fn decode_into<const N: usize>(
    text: &str,
    out: &mut [u8; N],
    what: &'static str,
) -> Result<(), KeyError> {
    const { assert!(max_encoded_len(N) <= MAX_TEXT) };
    let max = max_encoded_len(N);
    if text.len() > max {
        return Err(KeyError::TooLong {
            what,
            max,
            got: text.len(),
        });
    }
    let text = text.as_bytes();
    let mut digits = Zeroizing::new([0u8; MAX_TEXT]);
    for (position, (&c, digit)) in text.iter().zip(digits.iter_mut()).enumerate() {
        *digit = DIGITS[usize::from(c)];
        if *digit == INVALID {
            return Err(KeyError::Base58 { what, position });
        }
    }
    let digits = digits.get(..text.len()).unwrap_or_default();
    let zeros = digits.iter().take_while(|&&d| d == 0).count();

    // The value, little-endian limbs, fed five digits at a time; the first
    // group takes the digits that do not fill a whole group.
    let mut limbs = Zeroizing::new([0u32; DECODE_LIMBS]);
    let mut used = 0;
    let first = match digits.len() % 5 {
        0 => 5,
        r => r,
    };
    let (head, tail) = digits.split_at(first.min(digits.len()));
    for group in std::iter::once(head).chain(tail.chunks(5)) {
        let mut multiplier = 1u64;
        let mut value = 0u64;
        for &d in group {
            multiplier *= 58;
            value = value * 58 + u64::from(d);
        }
        let mut carry = value;
        for limb in limbs.iter_mut().take(used) {
            let current = u64::from(*limb) * multiplier + carry;
            *limb = current as u32;
            carry = current >> 32;
        }
        if carry != 0 {
            // 58^96 < 2^563 fits the limbs, so this never fails for accepted
            // lengths; were it to, it is reported as the codec's overflow.
            let Some(limb) = limbs.get_mut(used) else {
                return Err(KeyError::Base58 { what, position: 0 });
            };
            *limb = carry as u32;
            used += 1;
        }
    }
    let value_len = match limbs.iter().take(used).rposition(|&l| l != 0) {
        Some(top) => top * 4 + (4 - limbs.get(top).map_or(0, |l| l.leading_zeros() as usize / 8)),
        None => 0,
    };
    let written = zeros + value_len;
    if written != N {
        return Err(KeyError::Length {
            what,
            expected: N,
            got: written,
        });
    }
    for (i, byte) in out.iter_mut().rev().enumerate() {
        let limb = limbs.get(i / 4).copied().unwrap_or(0);
        *byte = (limb >> (8 * (i % 4))) as u8;
    }
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

    /// Both encoding paths of `bytes`: the table's and the general one.
    fn both_paths(bytes: &[u8]) -> (String, String) {
        let zeros = bytes.iter().take_while(|&&b| b == 0).count();
        let rest = &bytes[zeros..];
        let (mut fast, mut general) = ("1".repeat(zeros), "1".repeat(zeros));
        assert!(table::encode_digits(rest, &mut fast) || rest.len() > table::MAX_BYTES);
        encode_digits_by_division(rest, &mut general);
        (fast, general)
    }

    #[test]
    fn table_path_equals_the_general_path() {
        let mut seed = 0x7ab1_e5ee_d000_0001u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for len in 0..=table::MAX_BYTES {
            let mut values = vec![
                vec![0xff; len],
                vec![0x01; len],
                (0..len).map(|i| (i * 37) as u8).collect::<Vec<u8>>(),
            ];
            // The largest and smallest values with a leading non-zero byte,
            // and every single bit set.
            if len > 0 {
                let mut smallest = vec![0u8; len];
                smallest[0] = 1;
                values.push(smallest);
                for bit in 0..len * 8 {
                    let mut one = vec![0u8; len];
                    one[bit / 8] = 0x80 >> (bit % 8);
                    values.push(one);
                }
            }
            for _ in 0..50 {
                values.push((0..len).map(|_| next() as u8).collect());
            }
            for value in values {
                let (fast, general) = both_paths(&value);
                assert_eq!(fast, general, "{value:?}");
            }
        }
        // Past the limit the table declines and writes nothing.
        let mut out = String::new();
        assert!(!table::encode_digits(
            &[0xff; table::MAX_BYTES + 1],
            &mut out
        ));
        assert!(out.is_empty());
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

/// Differential tests against the `bs58` crate: same encodings, and the same
/// verdict (value, length or error position) for every decoded text.
#[cfg(test)]
mod against_bs58 {
    use super::*;

    /// A small deterministic generator (xorshift64*), so failures replay.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn bytes(&mut self, len: usize) -> Vec<u8> {
            (0..len)
                .map(|_| match self.below(4) {
                    0 => 0,
                    1 => 0xff,
                    _ => self.next() as u8,
                })
                .collect()
        }
    }

    /// What bs58 makes of `text` under the rules of `decode_into::<N>`.
    fn reference<const N: usize>(text: &str) -> Result<[u8; N], KeyError> {
        let max = max_encoded_len(N);
        if text.len() > max {
            return Err(KeyError::TooLong {
                what: "v",
                max,
                got: text.len(),
            });
        }
        let mut scratch = [0u8; 96];
        let written = bs58::decode(text)
            .onto(&mut scratch[..max.max(N)])
            .map_err(|e| KeyError::Base58 {
                what: "v",
                position: match e {
                    bs58::decode::Error::InvalidCharacter { index, .. }
                    | bs58::decode::Error::NonAsciiCharacter { index } => index,
                    _ => 0,
                },
            })?;
        if written != N {
            return Err(KeyError::Length {
                what: "v",
                expected: N,
                got: written,
            });
        }
        Ok(scratch[..N].try_into().unwrap())
    }

    fn ours<const N: usize>(text: &str) -> Result<[u8; N], KeyError> {
        let mut out = [0u8; N];
        decode_into(text, &mut out, "v").map(|()| out)
    }

    #[test]
    fn encodes_like_bs58_for_all_lengths() {
        let mut rng = Rng(0x5eed_1234_5678_9abc);
        for len in 0..140 {
            for _ in 0..40 {
                let bytes = rng.bytes(len);
                assert_eq!(
                    encode(&bytes),
                    bs58::encode(&bytes).into_string(),
                    "{bytes:?}"
                );
            }
        }
        assert_eq!(encode(&[]), "");
        assert_eq!(encode(&[0, 0, 1]), "112");
    }

    #[test]
    fn decodes_like_bs58_for_valid_and_mangled_text() {
        let mut rng = Rng(0x0dd_ba11_c0ff_ee00);
        // The digits, and characters outside the alphabet.
        let alphabet: Vec<char> = ALPHABET.chars().chain("0OIl+é".chars()).collect();
        for _ in 0..20_000 {
            // Encodings of 28..36 and 60..68 bytes, some mangled, plus random text.
            let text = match rng.below(3) {
                0 => {
                    let len = 28 + rng.below(9);
                    encode(&rng.bytes(len))
                }
                1 => {
                    let len = 60 + rng.below(9);
                    let mut chars: Vec<char> = encode(&rng.bytes(len)).chars().collect();
                    if !chars.is_empty() && rng.below(2) == 0 {
                        let at = rng.below(chars.len());
                        chars[at] = alphabet[rng.below(alphabet.len())];
                    }
                    chars.into_iter().collect()
                }
                _ => (0..rng.below(95))
                    .map(|_| alphabet[rng.below(alphabet.len())])
                    .collect(),
            };
            assert_eq!(ours::<32>(&text), reference::<32>(&text), "{text}");
            assert_eq!(ours::<64>(&text), reference::<64>(&text), "{text}");
        }
    }

    #[test]
    fn edge_cases_match_bs58() {
        let cases = [
            String::new(),
            "1".repeat(32),
            "1".repeat(44),
            "1".repeat(45),
            "z".repeat(44),
            "z".repeat(88),
            format!("{}2", "1".repeat(31)),
            encode(&[0xff; 32]),
            encode(&[0xff; 33]),
            encode(&[0u8; 31]),
            "é".repeat(10),
        ];
        for text in &cases {
            assert_eq!(ours::<32>(text), reference::<32>(text), "{text}");
            assert_eq!(ours::<64>(text), reference::<64>(text), "{text}");
        }
    }
}
