//! The `transactionsJson` argument of `SessionLog.tryAdd`: an array of
//! strings, read by hand.
//!
//! napi-rs's `Vec<String>` reserves room for the whole `length` before
//! reading an element, so `new Array(2 ** 32 - 1)` would abort the process,
//! and its errors quote the rejected value. Here the list grows as elements
//! are read, and the array is capped at [`MAX_TEXTS`] elements and
//! [`MAX_TEXT_BYTES`] bytes together (a `RangeError`, code
//! `ERR_OUT_OF_RANGE`, beyond either). Every element is copied when it is
//! read, before the method runs, so a getter on an element (the only JS that
//! can run) sees the log unchanged and cannot change it mid-call.

use crate::binding::error::range_error;
use crate::binding::text_arg::Text;
use napi::bindgen_prelude::FromNapiValue;
use napi::{check_status, sys, Env, Error, Result, Status};
use std::ptr;

/// The most elements one call takes: 16 times the largest batch cojson's
/// sync sends, and at most this many small vectors are held at once.
pub const MAX_TEXTS: u32 = 1 << 24;

/// The most bytes all elements may hold together: V8's longest string on
/// 64-bit targets is about 2^29 UTF-16 units, so this is what one JSON text
/// (as `SessionMap.addTransactions` takes) can carry, and it keeps a sparse
/// array that repeats one large string from asking for unbounded memory.
pub const MAX_TEXT_BYTES: usize = 1 << 29;

/// Room for this many elements is reserved up front at most.
const FIRST_ALLOCATION: u32 = 256;

/// The strings of a `transactionsJson` array, in order.
pub struct TextListArg(pub Vec<Text>);

fn not_an_array() -> Error {
    Error::new(
        Status::InvalidArg,
        "transactionsJson must be an array of strings",
    )
}

impl FromNapiValue for TextListArg {
    unsafe fn from_napi_value(env: sys::napi_env, list: sys::napi_value) -> Result<Self> {
        let mut is_array = false;
        // SAFETY (this block and the calls below): `env` and `list` are the
        // environment and argument napi-rs hands this conversion, valid for
        // the rest of the call.
        check_status!(unsafe { sys::napi_is_array(env, list, &mut is_array) })?;
        if !is_array {
            return Err(not_an_array());
        }
        let mut length = 0u32;
        // Reading an array's length runs no JS.
        check_status!(unsafe { sys::napi_get_array_length(env, list, &mut length) })?;
        if length > MAX_TEXTS {
            let message =
                format!("transactionsJson.length must be at most {MAX_TEXTS}, got {length}");
            return Err(range_error(&Env::from_raw(env), &message));
        }
        let mut texts = Vec::with_capacity(length.min(FIRST_ALLOCATION) as usize);
        let mut bytes = 0usize;
        for index in 0..length {
            let mut element = ptr::null_mut();
            // A getter or proxy trap may run here; it cannot reach the log,
            // which is only borrowed once every element is read.
            check_status!(unsafe { sys::napi_get_element(env, list, index, &mut element) })?;
            let text: Text = unsafe { Text::from_napi_value(env, element) }.map_err(|_| {
                Error::new(
                    Status::StringExpected,
                    format!("transactionsJson[{index}] must be a string"),
                )
            })?;
            bytes = bytes.saturating_add(text.len());
            if bytes > MAX_TEXT_BYTES {
                let message = format!("transactionsJson must hold at most {MAX_TEXT_BYTES} bytes together (element {index} goes past it)");
                return Err(range_error(&Env::from_raw(env), &message));
            }
            texts.push(text);
        }
        Ok(Self(texts))
    }
}
