//! The fast path of [`super::encode_into`] for values of up to 64 bytes
//! (every key, id, hash and signature cojson encodes).
//!
//! The general path divides the whole number by 58^5 once per five digits,
//! each division a chain of dependent steps over every remaining limb. This
//! one converts with a table instead: the value is cut into 24-bit limbs,
//! and `TABLE[i]` holds 2^(24·i) written in base 58^5, so group `j` of the
//! result is the sum over the limbs of `limb[i] · TABLE[i][j]`, normalised
//! by one pass of carries. The products are independent of each other, so
//! they run at the processor's multiply throughput rather than its latency.
//!
//! Bounds: a limb is below 2^24 and a table entry below 58^5 < 2^30, so a
//! product is below 2^54 and the sum of at most 22 of them below 2^59; with
//! the carry from the group below (< 2^30) it still fits a `u64`.
//! `tests::table_path_equals_the_general_path` holds the two paths equal at
//! every length from 0 to 65 bytes, on edge and random values.

use super::{digit_byte, max_encoded_len, BASE_POW5, ZERO_DIGIT};
use zeroize::Zeroizing;

/// The longest value, in bytes, this path encodes.
pub(super) const MAX_BYTES: usize = 64;
/// Bits per input limb.
const LIMB_BITS: usize = 24;
/// Input limbs for `MAX_BYTES` bytes: 22 (528 bits).
const LIMBS: usize = (MAX_BYTES * 8).div_ceil(LIMB_BITS);
/// Groups of five digits for `MAX_BYTES` bytes: 58^90 > 2^528.
const GROUPS: usize = max_encoded_len(MAX_BYTES).div_ceil(5);

/// `TABLE[i]` is 2^(24·i) in base 58^5, least significant group first.
const TABLE: [[u64; GROUPS]; LIMBS] = {
    let mut table = [[0u64; GROUPS]; LIMBS];
    table[0][0] = 1;
    let mut i = 1;
    while i < LIMBS {
        // Row i is row i − 1 times 2^24, carried in base 58^5.
        let mut carry = 0u64;
        let mut j = 0;
        while j < GROUPS {
            let value = (table[i - 1][j] << LIMB_BITS) + carry;
            table[i][j] = value % BASE_POW5;
            carry = value / BASE_POW5;
            j += 1;
        }
        // 2^(24·21) < 58^90, so nothing is left over.
        assert!(carry == 0);
        i += 1;
    }
    table
};

/// Appends the base58 digits of `rest` (a big-endian number of at most
/// [`MAX_BYTES`] bytes with no leading zero byte) to `out`, and returns
/// `true`; returns `false`, writing nothing, for longer input.
pub(super) fn encode_digits(rest: &[u8], out: &mut String) -> bool {
    if rest.len() > MAX_BYTES {
        return false;
    }
    // 24-bit limbs, least significant first.
    let mut limbs = Zeroizing::new([0u64; LIMBS]);
    let mut used = 0;
    for chunk in rest.rchunks(3) {
        let limb = chunk
            .iter()
            .fold(0u64, |limb, &byte| (limb << 8) | u64::from(byte));
        if let Some(slot) = limbs.get_mut(used) {
            *slot = limb;
        }
        used += 1;
    }
    // Enough groups for any value of this many bytes.
    let groups = max_encoded_len(rest.len()).div_ceil(5).min(GROUPS);
    let mut sums = Zeroizing::new([0u64; GROUPS]);
    for (limb, row) in limbs.iter().zip(TABLE.iter()).take(used) {
        for (sum, &entry) in sums.iter_mut().zip(row.iter()).take(groups) {
            *sum += limb * entry;
        }
    }
    // Carry, and write each group as five digit characters, from the end of
    // `text` backwards (the least significant group comes first).
    let mut text = Zeroizing::new([0u8; GROUPS * 5]);
    let mut carry = 0u64;
    let mut end = groups * 5;
    for sum in sums.iter().take(groups) {
        let value = sum + carry;
        carry = value / BASE_POW5;
        // Below 58^5 < 2^32.
        let mut group = (value % BASE_POW5) as u32;
        for _ in 0..5 {
            end -= 1;
            if let Some(slot) = text.get_mut(end) {
                *slot = digit_byte(group % 58);
            }
            group /= 58;
        }
    }
    if carry != 0 {
        // Cannot happen (`groups` covers every value of this length); the
        // general path then encodes it.
        return false;
    }
    let text = text.get(..groups * 5).unwrap_or_default();
    // Leading zero digits are not written: the number starts at its first
    // non-zero digit (the `1`s for leading zero bytes came before).
    let first = text
        .iter()
        .position(|&c| c != ZERO_DIGIT)
        .unwrap_or(text.len());
    match std::str::from_utf8(text.get(first..).unwrap_or_default()) {
        Ok(digits) => out.push_str(digits),
        // Every character comes from the alphabet, which is ASCII.
        Err(_) => return false,
    }
    true
}
