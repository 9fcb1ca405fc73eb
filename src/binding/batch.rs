//! Binds `verifyBatch` and `verifyBatchAsync`: many Ed25519 signatures
//! checked at once (see [`crate::core::batch`] for the method and its
//! one caveat).

use crate::binding::error::OrThrow;
use crate::binding::text_arg::Text;
use crate::core::batch::{self, BatchError, BatchItem};
use crate::core::error::CryptoError;
use crate::core::keys::{Signature, SignerId};
use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Result, Task};
use napi_derive::napi;

/// One signature to check: `signature` (`signature_z…`) over `message` by
/// `signerId` (`signer_z…`), exactly as `verify` takes them, but as strings.
#[napi(object, object_to_js = false)]
pub struct SignatureToVerify {
    /// A `signature_z…`.
    #[napi(ts_type = "string")]
    pub signature: Text,
    /// The signed bytes.
    pub message: napi::bindgen_prelude::Uint8Array,
    /// A `signer_z…`.
    #[napi(ts_type = "string")]
    pub signer_id: Text,
}

/// Parsed items, owning their messages so they can move to a worker thread.
struct ParsedItems(Vec<(SignerId, Signature, Vec<u8>)>);

impl ParsedItems {
    fn parse(items: &[SignatureToVerify], copy: bool) -> std::result::Result<Self, BatchError> {
        let item = |index: usize, it: &SignatureToVerify| {
            let err = |e: crate::core::error::KeyError| BatchError::Item {
                index,
                error: CryptoError::from(e),
            };
            let signature = Signature::parse(&it.signature).map_err(err)?;
            let id = SignerId::parse(&it.signer_id).map_err(err)?;
            let message = if copy {
                it.message.to_vec()
            } else {
                Vec::new()
            };
            Ok((id, signature, message))
        };
        items
            .iter()
            .enumerate()
            .map(|(index, it)| item(index, it))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map(Self)
    }

    fn verify(&self) -> std::result::Result<Vec<bool>, BatchError> {
        let items: Vec<BatchItem<'_>> = self.0.iter().map(BatchItem::of).collect();
        batch::verify_batch(&items)
    }
}

/// Verifies many signatures at once. Returns one boolean per item, in order:
/// what `verify` would return for it. About 2.5× cheaper per signature than
/// `verify` for batches of a hundred or more; one invalid signature makes its
/// chunk of 128 fall back to single verification, so results stay exact.
/// Throws for a malformed item, naming its index.
#[napi(catch_unwind)]
pub fn verify_batch(items: Vec<SignatureToVerify>) -> Result<Vec<bool>> {
    let parsed = ParsedItems::parse(&items, false).or_throw()?;
    let batch_items: Vec<BatchItem<'_>> = parsed
        .0
        .iter()
        .zip(&items)
        .map(|((id, signature, _), item)| BatchItem {
            id: *id,
            message: &item.message,
            signature: *signature,
        })
        .collect();
    batch::verify_batch(&batch_items).or_throw()
}

/// The work of `verifyBatchAsync`, run on the libuv thread pool.
pub struct VerifyBatchTask(ParsedItems);

#[napi]
impl Task for VerifyBatchTask {
    type Output = Vec<bool>;
    type JsValue = Vec<bool>;

    fn compute(&mut self) -> Result<Vec<bool>> {
        self.0.verify().or_throw()
    }

    fn resolve(&mut self, _env: Env, output: Vec<bool>) -> Result<Vec<bool>> {
        Ok(output)
    }
}

/// `verifyBatch` on the libuv thread pool: the event loop stays free while
/// the signatures are checked. Items are parsed and their messages copied
/// before it returns, so a malformed item throws at once and later changes
/// to the messages do not matter. Resolves to one boolean per item.
#[napi(catch_unwind)]
pub fn verify_batch_async(items: Vec<SignatureToVerify>) -> Result<AsyncTask<VerifyBatchTask>> {
    let parsed = ParsedItems::parse(&items, true).or_throw()?;
    Ok(AsyncTask::new(VerifyBatchTask(parsed)))
}
