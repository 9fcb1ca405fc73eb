//! The `items` argument of `verifyBatch` and `verifyBatchAsync`, read by hand.
//!
//! Reading an item's property can run JS (a getter, a proxy trap), and that JS
//! can resize, transfer or free any `ArrayBuffer`, including the one behind an
//! earlier item's `message`. So each item is taken in completely before the
//! next property is read: its `signature` and `signerId` are parsed and its
//! `message` bytes copied into an owned `Vec` the moment they are read; no
//! view into JS memory outlives the engine call that produced it.
//!
//! The length is read once, before any element, and capped at
//! [`MAX_BATCH_ITEMS`] (a `RangeError`, code `ERR_OUT_OF_RANGE`, beyond it),
//! and the messages' bytes together at [`MAX_BATCH_BYTES`] (checked before
//! each copy);
//! the result grows as items are read, so a sparse or lying length costs
//! nothing. Elements added while the items are read are not seen; elements
//! removed read as `undefined` and are refused like any non-object item.
//!
//! `items` is an array, or any other object with an integer `length` (an
//! array-like, a proxy of an array), read element by element.

use crate::binding::error::{range_error, OrThrow};
use crate::binding::js_object::{property, type_of};
use crate::binding::text_arg::Text;
use crate::core::error::{CryptoError, KeyError};
use crate::core::keys::{Signature, SignerId};
use crate::core::signature_batch::BatchError;
use napi::bindgen_prelude::{FromNapiValue, TypeName};
use napi::{check_status, sys, Env, Error, Result, Status, ValueType};
use std::ptr;

/// The most items one call takes: far beyond any batch a worker verifies
/// (a million signatures are about twenty seconds of work), small enough that
/// the parsed items (about 120 bytes each, messages aside) stay bounded.
pub const MAX_BATCH_ITEMS: u32 = 1 << 20;

/// The most message bytes one call copies, all items together: a batch of
/// cojson's ~50-byte messages never comes near it, and it keeps one call
/// (2^20 items showing the same large buffer) from asking for more memory
/// than the process has, which would abort it instead of throwing.
pub const MAX_BATCH_BYTES: usize = 1 << 28;

/// Room for this many items at most is reserved up front, whatever the
/// length says; the result grows from there as items are actually read.
const FIRST_ALLOCATION: u32 = 256;

/// One item, parsed, owning a copy of its message.
pub type OwnedItem = (SignerId, Signature, Vec<u8>);

/// The parsed items of a `verifyBatch` call, in order.
pub struct SignatureBatchArg(pub Vec<OwnedItem>);

impl TypeName for SignatureBatchArg {
    fn type_name() -> &'static str {
        "Array<SignatureToVerify>"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl FromNapiValue for SignatureBatchArg {
    unsafe fn from_napi_value(env: sys::napi_env, items: sys::napi_value) -> Result<Self> {
        // SAFETY (this block and the calls below): `env` and `items` are the
        // environment and argument napi-rs hands this conversion, valid for
        // the rest of the call.
        let length = unsafe { batch_length(env, items) }?;
        let mut parsed = Vec::with_capacity(length.min(FIRST_ALLOCATION) as usize);
        let mut budget = MAX_BATCH_BYTES;
        for index in 0..length {
            parsed.push(unsafe { read_item(env, items, index, &mut budget) }?);
        }
        Ok(Self(parsed))
    }
}

/// The error for an unusable item: `InvalidArg`, naming its index.
fn item_error(index: u32, problem: &str) -> Error {
    Error::new(
        Status::InvalidArg,
        format!("Invalid batch item {index}: {problem}"),
    )
}

/// What `items` was when it is no array.
fn not_an_array() -> Error {
    Error::new(
        Status::InvalidArg,
        "Invalid batch: items must be an array of { signature, message, signerId }",
    )
}

/// The `RangeError` for a length beyond the cap (or not a length at all).
fn length_error(env: sys::napi_env, shown: &str) -> Error {
    range_error(
        &Env::from_raw(env),
        &format!("items.length must be an integer from 0 to {MAX_BATCH_ITEMS}, got {shown}"),
    )
}

/// `value` as JS writes it where Rust differs: `Infinity`, `-Infinity`.
fn js_number(value: f64) -> String {
    match value {
        f64::INFINITY => "Infinity".to_owned(),
        f64::NEG_INFINITY => "-Infinity".to_owned(),
        _ => value.to_string(),
    }
}

/// How many items to read: the array's length, or an array-like's integer
/// `length`, at most [`MAX_BATCH_ITEMS`]. Allocates nothing.
unsafe fn batch_length(env: sys::napi_env, items: sys::napi_value) -> Result<u32> {
    if unsafe { type_of(env, items) }? != ValueType::Object {
        return Err(not_an_array());
    }
    let mut is_array = false;
    // SAFETY: `items` is a live JS object.
    check_status!(unsafe { sys::napi_is_array(env, items, &mut is_array) })?;
    let length = if is_array {
        let mut length = 0u32;
        // SAFETY: `items` is an array; reading its length runs no JS.
        check_status!(unsafe { sys::napi_get_array_length(env, items, &mut length) })?;
        f64::from(length)
    } else {
        let length = unsafe { property(env, items, c"length") }?;
        if unsafe { type_of(env, length) }? != ValueType::Number {
            return Err(not_an_array());
        }
        let mut value = 0f64;
        // SAFETY: `length` is a JS number.
        check_status!(unsafe { sys::napi_get_value_double(env, length, &mut value) })?;
        value
    };
    // `MAX_BATCH_ITEMS` is far below 2^53, so the comparison is exact.
    if length.is_finite()
        && length.fract() == 0.0
        && length >= 0.0
        && length <= f64::from(MAX_BATCH_ITEMS)
    {
        // In range and integral: the cast is exact.
        Ok(length as u32)
    } else {
        Err(length_error(env, &js_number(length)))
    }
}

/// Reads item `index` and takes it in completely: after each engine call that
/// may run JS, what it returned is parsed or copied before the next one.
/// `budget` is what is left of [`MAX_BATCH_BYTES`]; the message's bytes are
/// taken from it before they are copied.
unsafe fn read_item(
    env: sys::napi_env,
    items: sys::napi_value,
    index: u32,
    budget: &mut usize,
) -> Result<OwnedItem> {
    let mut item = ptr::null_mut();
    // SAFETY: `items` is a live JS object; a getter or trap may run.
    check_status!(unsafe { sys::napi_get_element(env, items, index, &mut item) })?;
    if unsafe { type_of(env, item) }? != ValueType::Object {
        return Err(item_error(
            index,
            "expected an object { signature, message, signerId }",
        ));
    }
    let signature = unsafe { property(env, item, c"signature") }?;
    let signature = unsafe { parse_text(env, signature, index, "signature", Signature::parse) }?;
    let message = unsafe { property(env, item, c"message") }?;
    let message = match unsafe { copy_bytes(env, message, *budget) } {
        Copied::Bytes(bytes) => bytes,
        Copied::NotBytes => return Err(item_error(index, "`message` must be a Uint8Array")),
        Copied::OverBudget => {
            let text = format!("the messages of all items must add up to at most {MAX_BATCH_BYTES} bytes (item {index} goes past it)");
            return Err(range_error(&Env::from(env), &text));
        }
    };
    *budget -= message.len();
    let signer_id = unsafe { property(env, item, c"signerId") }?;
    let signer_id = unsafe { parse_text(env, signer_id, index, "signerId", SignerId::parse) }?;
    Ok((signer_id, signature, message))
}

/// Reads a string field and parses it at once. Runs no JS.
unsafe fn parse_text<T>(
    env: sys::napi_env,
    value: sys::napi_value,
    index: u32,
    field: &str,
    parse: impl FnOnce(&str) -> std::result::Result<T, KeyError>,
) -> Result<T> {
    // SAFETY: `value` is live; `Text` checks the type first and copies the
    // string (wiping its copy on drop), without calling into JS.
    let text: Text = unsafe { Text::from_napi_value(env, value) }
        .map_err(|_| item_error(index, &format!("`{field}` must be a string")))?;
    parse(&text)
        .map_err(|error| BatchError::Item {
            index: index as usize,
            error: CryptoError::from(error),
        })
        .or_throw()
}

/// What [`copy_bytes`] found.
enum Copied {
    /// A copy of the bytes.
    Bytes(Vec<u8>),
    /// The value is no `Uint8Array`.
    NotBytes,
    /// More bytes than the budget allows; nothing was copied.
    OverBudget,
}

/// A copy of the bytes a `Uint8Array` (or `Buffer`) shows now, if they are
/// at most `budget`. A detached or out-of-bounds view has no bytes. Runs no JS.
unsafe fn copy_bytes(env: sys::napi_env, value: sys::napi_value, budget: usize) -> Copied {
    let mut kind = 0;
    let mut length = 0usize;
    let mut data = ptr::null_mut();
    let mut buffer = ptr::null_mut();
    let mut offset = 0usize;
    // SAFETY: `value` is live; for a value that is no typed array the engine
    // returns an error status and writes nothing.
    let status = unsafe {
        sys::napi_get_typedarray_info(
            env,
            value,
            &mut kind,
            &mut length,
            &mut data,
            &mut buffer,
            &mut offset,
        )
    };
    if status != sys::Status::napi_ok || kind != sys::TypedarrayType::uint8_array {
        return Copied::NotBytes;
    }
    if length == 0 || data.is_null() {
        return Copied::Bytes(Vec::new());
    }
    if length > budget {
        return Copied::OverBudget;
    }
    // SAFETY: the engine just reported `length` readable bytes at `data`, the
    // view's current window into its buffer. No JS has run since, so nothing
    // can have resized, detached or freed that buffer; the bytes are copied
    // before this function returns and the pointer is not kept.
    Copied::Bytes(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), length) }.to_vec())
}
