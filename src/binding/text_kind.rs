//! What a string argument is, and whether a lone surrogate in it is refused.
//!
//! The engine converts a lone UTF-16 surrogate to U+FFFD, so `'x\uD800'`,
//! `'x\uDC00'` and `'x\uFFFD'` would all arrive as the same text: the same
//! session, the same CoValue, the same hash. Ids, and text that is hashed or
//! signed, are refused instead when they hold one (`InvalidArg`, `Invalid
//! session ID: contains a lone surrogate (not well-formed UTF-16)`). cojson's
//! stable JSON escapes lone surrogates (`"\ud800"`), so no honest caller sends
//! one; the reference replaces them silently.
//!
//! This is the one home of that check: [`Text`](crate::binding::text_arg::Text)
//! and [`InlineText`](crate::binding::inline_text::InlineText) call
//! [`refuse_lone_surrogates`] with their kind. It costs one scan of the UTF-8
//! for U+FFFD; only when that is present is the string read again as UTF-16.

use crate::core::js_text::{has_lone_surrogate, may_hide_lone_surrogate};
use napi::{sys, Error, Result, Status};
use zeroize::Zeroizing;

/// The kind of a string argument: its name in errors, and whether a lone
/// surrogate in it is refused.
pub trait TextKind {
    /// The argument's name in the lone-surrogate error (`"session ID"`), or
    /// `None` where a lone surrogate becomes U+FFFD, as in the reference.
    const REFUSES_LONE_SURROGATES_AS: Option<&'static str>;
}

macro_rules! text_kinds {
    ($($(#[$doc:meta])* $kind:ident => $name:expr;)*) => {$(
        $(#[$doc])*
        pub struct $kind;

        impl TextKind for $kind {
            const REFUSES_LONE_SURROGATES_AS: Option<&'static str> = $name;
        }
    )*};
}

text_kinds! {
    /// Text converted as the reference converts it (lone surrogates become
    /// U+FFFD): keys and secrets (which then fail to parse), JSON, plaintext.
    AnyText => None;
    /// A session id (`co_z…_session_z…`).
    SessionId => Some("session ID");
    /// A CoValue id (`co_z…`).
    CoValueId => Some("CoValue ID");
    /// The id of a key a private transaction names (`key_z…`).
    KeyId => Some("key ID");
    /// Text whose hash identifies something (`shortHash`, `secureHash`).
    TextToHash => Some("text to hash");
    /// A message to sign or verify.
    Message => Some("message");
    /// The nonce material a nonce is hashed from.
    NonceMaterial => Some("nonce material");
}

/// The error for a lone surrogate in the argument named `what`.
pub fn lone_surrogate_error(what: &str) -> Error {
    Error::new(
        Status::InvalidArg,
        format!("Invalid {what}: contains a lone surrogate (not well-formed UTF-16)"),
    )
}

/// Refuses `value` if kind `K` refuses lone surrogates and it holds one.
/// `utf8` is the engine's UTF-8 conversion of `value`.
///
/// # Safety
///
/// `env` and `value` are those napi-rs handed the caller for the current
/// call, and `value` is a JS string.
pub unsafe fn refuse_lone_surrogates<K: TextKind>(
    env: sys::napi_env,
    value: sys::napi_value,
    utf8: &str,
) -> Result<()> {
    let Some(what) = K::REFUSES_LONE_SURROGATES_AS else {
        return Ok(());
    };
    if !may_hide_lone_surrogate(utf8) {
        return Ok(());
    }
    // SAFETY: as this function requires.
    let units = unsafe { utf16_units(env, value) }?;
    if has_lone_surrogate(&units) {
        return Err(lone_surrogate_error(what));
    }
    Ok(())
}

/// The UTF-16 code units of a JS string (two engine calls: length, then copy),
/// wiped on drop like the UTF-8 copy of text that may be private.
///
/// # Safety
///
/// As [`refuse_lone_surrogates`].
unsafe fn utf16_units(env: sys::napi_env, value: sys::napi_value) -> Result<Zeroizing<Vec<u16>>> {
    let not_a_string = || Error::new(Status::StringExpected, "Expected a string argument");
    let mut len = 0usize;
    // SAFETY: a null buffer asks only for the length, written to `len`.
    let status =
        unsafe { sys::napi_get_value_string_utf16(env, value, std::ptr::null_mut(), 0, &mut len) };
    if status != sys::Status::napi_ok {
        return Err(not_a_string());
    }
    let mut units = Zeroizing::new(vec![0u16; len.saturating_add(1)]);
    let mut written = 0usize;
    // SAFETY: the buffer is writable for `units.len()` code units, which is
    // what we pass; the engine writes at most that many (NUL included).
    let status = unsafe {
        sys::napi_get_value_string_utf16(env, value, units.as_mut_ptr(), units.len(), &mut written)
    };
    // JS strings are immutable, so the second read has the length of the first.
    if status != sys::Status::napi_ok || written != len {
        return Err(not_a_string());
    }
    units.truncate(written);
    Ok(units)
}
