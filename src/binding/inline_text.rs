//! String arguments read with one engine call into a stack buffer.
//!
//! napi-rs's `String` asks the engine for the length, allocates, then copies:
//! two engine calls and an allocation per argument. [`InlineText`] asks once,
//! into a buffer of `N` bytes on the stack. A string that does not fit with
//! room to spare, or a value that is not a string, takes the [`Text`] path,
//! so results and error messages are the same either way. Only for values
//! that are not secret: the inline buffer is not wiped.

use crate::binding::text_arg::Text;
use crate::binding::text_kind::{refuse_lone_surrogates, AnyText, CoValueId, SessionId, TextKind};
use crate::core::js_text::{inline_copy_is_whole, MAX_UTF8_CHAR_BYTES};
use napi::bindgen_prelude::FromNapiValue;
use napi::{sys, Result};

/// A string argument of kind `K`, read into an inline buffer of `N` bytes
/// (terminating NUL included) when it fits with room to spare.
pub struct InlineText<const N: usize, K: TextKind = AnyText> {
    inline: [u8; N],
    inline_len: usize,
    long: Option<Text<K>>,
}

/// A session id; lone surrogates are refused.
pub type SessionIdArg = InlineText<192, SessionId>;

/// A CoValue id; lone surrogates are refused.
pub type CoValueIdArg = InlineText<192, CoValueId>;

/// A CoValue header's JSON (a few hundred bytes unless its `meta` is large).
pub type HeaderArg = InlineText<1024>;

impl<const N: usize, K: TextKind> InlineText<N, K> {
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

impl<const N: usize, K: TextKind> FromNapiValue for InlineText<N, K> {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        const { assert!(N > MAX_UTF8_CHAR_BYTES + 1, "no room for any text") };
        let mut inline = [0u8; N];
        let mut written = 0usize;
        // SAFETY: the buffer is writable for its whole length, which is what
        // we pass; the engine writes at most that many bytes (NUL included).
        let status = unsafe {
            sys::napi_get_value_string_utf8(env, value, inline.as_mut_ptr().cast(), N, &mut written)
        };
        // The engine writes whole characters only, so `written < N - 1` does
        // not mean the string fit: `inline_copy_is_whole` accepts only copies
        // that left room for the longest character, which a cut copy cannot
        // (the argument is in `core::js_text`). Anything else, however
        // slightly in doubt, is read again in full below.
        let text = if status == sys::Status::napi_ok && inline_copy_is_whole(written, N) {
            inline
                .get(..written)
                .and_then(|bytes| std::str::from_utf8(bytes).ok())
        } else {
            None
        };
        if let Some(text) = text {
            // SAFETY: `env` and `value` are napi-rs's; the value is a string
            // (the engine converted it).
            unsafe { refuse_lone_surrogates::<K>(env, value, text) }?;
            return Ok(Self {
                inline,
                inline_len: written,
                long: None,
            });
        }
        // SAFETY: the same `env` and `value` napi-rs handed us. `Text` says
        // only "Expected a string argument" for a non-string, where napi-rs's
        // `String` would echo the value (a secret passed by mistake), and
        // applies the same lone-surrogate rule.
        let long = unsafe { Text::<K>::from_napi_value(env, value) }?;
        Ok(Self {
            inline,
            inline_len: 0,
            long: Some(long),
        })
    }
}
