//! String arguments read with one engine call into a stack buffer.
//!
//! napi-rs's `String` asks the engine for the length, allocates, then copies:
//! two engine calls and an allocation per argument. [`InlineText`] asks once,
//! into a buffer of `N` bytes on the stack. A longer string, or a value that
//! is not a string, takes the [`Text`] path, so results and error messages are
//! the same either way. Only for values that are not secret: the inline
//! buffer is not wiped.

use crate::binding::text_arg::Text;
use napi::bindgen_prelude::FromNapiValue;
use napi::{sys, Result};

/// A string argument read into an inline buffer of `N` bytes (terminating
/// NUL included) when it fits.
pub struct InlineText<const N: usize> {
    inline: [u8; N],
    inline_len: usize,
    long: Option<String>,
}

/// A session or CoValue id.
pub type IdArg = InlineText<192>;

/// A CoValue header's JSON (a few hundred bytes unless its `meta` is large).
pub type HeaderArg = InlineText<1024>;

impl<const N: usize> InlineText<N> {
    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.long {
            Some(text) => text,
            // Checked to be UTF-8 of this length when read.
            None => self
                .inline
                .get(..self.inline_len)
                .and_then(|bytes| std::str::from_utf8(bytes).ok())
                .unwrap_or_default(),
        }
    }
}

impl<const N: usize> FromNapiValue for InlineText<N> {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let mut inline = [0u8; N];
        let mut written = 0usize;
        // SAFETY: the buffer is writable for its whole length, which is what
        // we pass; the engine writes at most that many bytes (NUL included).
        let status = unsafe {
            sys::napi_get_value_string_utf8(env, value, inline.as_mut_ptr().cast(), N, &mut written)
        };
        // `written` below N - 1 means the whole string fit.
        let complete = status == sys::Status::napi_ok && written < N.saturating_sub(1);
        let utf8 = complete
            && inline
                .get(..written)
                .is_some_and(|bytes| std::str::from_utf8(bytes).is_ok());
        if utf8 {
            return Ok(Self {
                inline,
                inline_len: written,
                long: None,
            });
        }
        // SAFETY: the same `env` and `value` napi-rs handed us. `Text` says
        // only "Expected a string argument" for a non-string, where napi-rs's
        // `String` would echo the value (a secret passed by mistake).
        let long = unsafe { Text::from_napi_value(env, value) }?;
        Ok(Self {
            inline,
            inline_len: 0,
            long: Some(long.as_str().to_owned()),
        })
    }
}
