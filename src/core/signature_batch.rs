//! Batch verification of Ed25519 signatures.
//!
//! [`verify_batch`] returns one verdict per item, each the verdict of
//! [`ed25519::verify_with`] on that item for every signature an RFC 8032
//! signer produces, at roughly 40% of the cost per signature for batches of
//! a hundred or more.
//!
//! How: items are checked in chunks of [`CHUNK`] with one randomized
//! multi-scalar equation (ed25519-dalek's `verify_batch`). A chunk whose
//! equation holds is all valid; a chunk whose equation fails is verified item
//! by item, so one bad signature costs its chunk the single-verification
//! price and every verdict stays exact. Items by a weak (small-order) key and
//! chunks of fewer than [`MIN_BATCH`] items are always verified singly.
//!
//! Caveat: strict single verification also rejects a signature whose `R`
//! carries a small-order component on top of a valid point; the batch
//! equation misses such a component with probability up to 1/2. Only the
//! owner of the secret key can build such a signature (the rest of the
//! equation must hold), so this matters only where every node must agree bit
//! for bit on adversarial signatures; use single `verify` there.

use crate::core::ed25519;
use crate::core::error::CryptoError;
use crate::core::keys::{Signature, SignerId};
use ed25519_dalek::VerifyingKey;
use thiserror::Error;

/// Items verified by one batch equation at most.
pub const CHUNK: usize = 128;
/// Chunks smaller than this are verified one signature at a time, where a
/// batch equation saves nothing.
pub const MIN_BATCH: usize = 4;

/// One signature to check.
#[derive(Debug, Clone, Copy)]
pub struct BatchItem<'a> {
    /// The claimed signer.
    pub id: SignerId,
    /// The signed bytes.
    pub message: &'a [u8],
    /// The signature.
    pub signature: Signature,
}

impl<'a> BatchItem<'a> {
    /// The item for a parsed `(signer id, signature, message)` triple,
    /// borrowing its message; `items.iter().map(BatchItem::of)` turns owned
    /// triples into a batch.
    pub fn of<M: AsRef<[u8]>>((id, signature, message): &'a (SignerId, Signature, M)) -> Self {
        Self {
            id: *id,
            message: message.as_ref(),
            signature: *signature,
        }
    }
}

/// Why a batch could not be verified at all.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BatchError {
    /// An item could not be parsed, or its signer id is not a public key.
    #[error("Invalid batch item {index}: {error}")]
    Item {
        /// Zero-based position of the item.
        index: usize,
        /// What was wrong with it.
        error: CryptoError,
    },
}

/// Verifies every item; `result[i]` is whether item `i` verifies strictly.
///
/// Fails, naming the first such item, when a signer id is not a curve point
/// (where single verification fails too).
pub fn verify_batch(items: &[BatchItem<'_>]) -> Result<Vec<bool>, BatchError> {
    let keys = items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            ed25519::verifying_key(&item.id).map_err(|error| BatchError::Item { index, error })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut verdicts = Vec::with_capacity(items.len());
    for (chunk, chunk_keys) in items.chunks(CHUNK).zip(keys.chunks(CHUNK)) {
        verify_chunk(chunk, chunk_keys, &mut verdicts);
    }
    Ok(verdicts)
}

fn verify_chunk(items: &[BatchItem<'_>], keys: &[VerifyingKey], out: &mut Vec<bool>) {
    let batchable = items.len() >= MIN_BATCH && keys.iter().all(|k| !k.is_weak());
    if batchable {
        let messages: Vec<&[u8]> = items.iter().map(|item| item.message).collect();
        let signatures: Vec<ed25519_dalek::Signature> = items
            .iter()
            .map(|item| ed25519_dalek::Signature::from_bytes(item.signature.as_bytes()))
            .collect();
        if ed25519_dalek::verify_batch(&messages, &signatures, keys).is_ok() {
            out.extend(std::iter::repeat(true).take(items.len()));
            return;
        }
    }
    out.extend(
        items
            .iter()
            .zip(keys)
            .map(|(item, key)| ed25519::verify_with(key, item.message, &item.signature)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::keys::SignerSecret;

    fn signed(n: usize) -> Vec<(SignerId, Vec<u8>, Signature)> {
        (0..n)
            .map(|i| {
                let secret = SignerSecret::from_bytes([(i % 7) as u8 + 1; 32]);
                let message = format!("message {i}").into_bytes();
                let signature = ed25519::sign(&secret, &message);
                (ed25519::signer_id(&secret), message, signature)
            })
            .collect()
    }

    fn items(list: &[(SignerId, Vec<u8>, Signature)]) -> Vec<BatchItem<'_>> {
        list.iter()
            .map(|(id, message, signature)| BatchItem {
                id: *id,
                message,
                signature: *signature,
            })
            .collect()
    }

    fn singly(items: &[BatchItem<'_>]) -> Vec<bool> {
        items
            .iter()
            .map(|i| ed25519::verify(&i.id, i.message, &i.signature).unwrap())
            .collect()
    }

    #[test]
    fn all_valid_batches_verify() {
        for n in [0, 1, 3, 4, 5, 127, 128, 129, 300] {
            let list = signed(n);
            assert_eq!(verify_batch(&items(&list)).unwrap(), vec![true; n]);
        }
    }

    #[test]
    fn bad_items_are_found_exactly() {
        let mut list = signed(300);
        list[5].1.push(b'!');
        let mut sig = *list[130].2.as_bytes();
        sig[3] ^= 1;
        list[130].2 = Signature::from_bytes(sig);
        list[299].0 = list[0].0;
        let items = items(&list);
        let verdicts = verify_batch(&items).unwrap();
        assert_eq!(verdicts, singly(&items));
        let bad: Vec<usize> = (0..300).filter(|&i| !verdicts[i]).collect();
        // Item 299 was signed by key (299 % 7) + 1 = 5, not by key 1.
        assert_eq!(bad, vec![5, 130, 299]);
    }

    #[test]
    fn a_signer_id_that_is_no_point_names_its_item() {
        let list = signed(6);
        let mut items = items(&list);
        // y = 2 is not the y-coordinate of any Ed25519 point.
        let mut not_a_point = [0u8; 32];
        not_a_point[0] = 2;
        items[4].id = SignerId::from_bytes(not_a_point);
        assert_eq!(
            verify_batch(&items).unwrap_err(),
            BatchError::Item {
                index: 4,
                error: CryptoError::InvalidVerifyingKey
            }
        );
    }

    #[test]
    fn small_order_keys_never_verify_in_a_batch() {
        let list = signed(8);
        let mut items = items(&list);
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut sig = [0u8; 64];
        sig[0] = 1;
        items[2].id = SignerId::from_bytes(identity);
        items[2].signature = Signature::from_bytes(sig);
        let verdicts = verify_batch(&items).unwrap();
        assert!(!verdicts[2]);
        assert_eq!(verdicts.iter().filter(|&&v| v).count(), 7);
    }
}
