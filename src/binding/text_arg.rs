//! String arguments that may hold secrets (`keySecret_z…`, `sealerSecret_z…`)
//! or private data (the stable JSON given to `shortHash`).
//!
//! napi-rs's own `String` conversion puts the rejected JS value into its error
//! message (`Failed to convert JavaScript value \`Object {"0":107,…}\``), so a
//! secret passed as bytes, or wrapped in an array, would be echoed back to the
//! caller and into logs. [`Text`] checks the type first and says only what was
//! expected, and wipes its copy of the string when dropped.

use crate::binding::text_kind::{refuse_lone_surrogates, AnyText, TextKind};
use napi::bindgen_prelude::{FromNapiValue, TypeName, ValidateNapiValue};
use napi::{sys, Error, Result, Status, ValueType};
use std::marker::PhantomData;
use std::ops::Deref;
use zeroize::Zeroizing;

/// A JS string argument of kind `K`, as UTF-8, wiped on drop. Lone surrogates
/// are refused for the kinds that refuse them and become U+FFFD otherwise
/// (see [`TextKind`]).
pub struct Text<K: TextKind = AnyText>(Zeroizing<String>, PhantomData<K>);

impl<K: TextKind> Text<K> {
    /// The string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<K: TextKind> Deref for Text<K> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<K: TextKind> TypeName for Text<K> {
    fn type_name() -> &'static str {
        "String"
    }

    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl<K: TextKind> ValidateNapiValue for Text<K> {}

impl<K: TextKind> FromNapiValue for Text<K> {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let mut kind = 0;
        // SAFETY: `env` and `value` come from napi-rs for the current call.
        let status = unsafe { sys::napi_typeof(env, value, &mut kind) };
        if status != sys::Status::napi_ok || ValueType::from(kind) != ValueType::String {
            return Err(Error::new(
                Status::StringExpected,
                "Expected a string argument",
            ));
        }
        // SAFETY: as above; the value is a JS string. napi-rs builds the String
        // in one allocation, which the Zeroizing wrapper wipes on drop.
        let text = unsafe { String::from_napi_value(env, value) }
            .map_err(|_| Error::new(Status::StringExpected, "Expected a string argument"))?;
        let text = Zeroizing::new(text);
        // SAFETY: as above.
        unsafe { refuse_lone_surrogates::<K>(env, value, &text) }?;
        Ok(Self(text, PhantomData))
    }
}
