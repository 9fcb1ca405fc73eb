//! Reading one JSON value with serde's `deserialize_any`, keeping only what
//! the caller checks (the header's fields, a streaming known state's counts).
//!
//! Every value, kept or not, is parsed exactly as `serde_json::Value` parses
//! it: strings are unescaped (a lone surrogate is an error), numbers are
//! range-checked (`1e400` is an error) and nesting counts towards
//! serde_json's depth limit. serde's `IgnoredAny` would go through
//! serde_json's skipping scanner instead, which accepts all three, so the
//! parsers built on this would accept texts that a parser into `Value`
//! refuses.

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// A JSON value reduced to what the checks look at.
pub(crate) enum Scalar<'de> {
    Null,
    Bool(bool),
    Str(Cow<'de, str>),
    /// An integer that fits in an `i64`.
    Int(i64),
    /// A float, or an integer above `i64::MAX`.
    OtherNumber,
    Array,
    Object,
}

/// What to make of one JSON value. Whatever a reader does not keep is still
/// parsed in full by [`Reading`].
pub(crate) trait Reader<'de>: Sized {
    type Output;

    /// The value, for anything but an object.
    fn scalar(self, value: Scalar<'de>) -> Self::Output;

    /// A string that does not borrow from the input (it had escapes).
    fn unescaped(self, text: &str) -> Self::Output {
        self.scalar(Scalar::Str(Cow::Owned(text.to_owned())))
    }

    /// An object, whose entries must all be read.
    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Output, A::Error> {
        while map.next_key_seed(Reading(Skip))?.is_some() {
            map.next_value_seed(Reading(Skip))?;
        }
        Ok(self.scalar(Scalar::Object))
    }
}

/// Runs a [`Reader`] on one value, read with `deserialize_any`.
pub(crate) struct Reading<R>(pub(crate) R);

impl<'de, R: Reader<'de>> DeserializeSeed<'de> for Reading<R> {
    type Value = R::Output;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<R::Output, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, R: Reader<'de>> Visitor<'de> for Reading<R> {
    type Value = R::Output;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<R::Output, E> {
        Ok(self.0.scalar(Scalar::Null))
    }

    fn visit_bool<E>(self, value: bool) -> Result<R::Output, E> {
        Ok(self.0.scalar(Scalar::Bool(value)))
    }

    fn visit_i64<E>(self, value: i64) -> Result<R::Output, E> {
        Ok(self.0.scalar(Scalar::Int(value)))
    }

    fn visit_u64<E>(self, value: u64) -> Result<R::Output, E> {
        Ok(self
            .0
            .scalar(i64::try_from(value).map_or(Scalar::OtherNumber, Scalar::Int)))
    }

    fn visit_f64<E>(self, _: f64) -> Result<R::Output, E> {
        Ok(self.0.scalar(Scalar::OtherNumber))
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<R::Output, E> {
        Ok(self.0.scalar(Scalar::Str(Cow::Borrowed(value))))
    }

    fn visit_str<E>(self, value: &str) -> Result<R::Output, E> {
        Ok(self.0.unescaped(value))
    }

    fn visit_string<E>(self, value: String) -> Result<R::Output, E> {
        Ok(self.0.scalar(Scalar::Str(Cow::Owned(value))))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<R::Output, A::Error> {
        while seq.next_element_seed(Reading(Skip))?.is_some() {}
        Ok(self.0.scalar(Scalar::Array))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<R::Output, A::Error> {
        self.0.object(map)
    }
}

/// Parses a value and keeps nothing.
pub(crate) struct Skip;

impl<'de> Reader<'de> for Skip {
    type Output = ();
    fn scalar(self, _: Scalar<'de>) {}
    fn unescaped(self, _: &str) {}
}

/// Keeps a value as a [`Scalar`].
pub(crate) struct Keep;

impl<'de> Reader<'de> for Keep {
    type Output = Scalar<'de>;
    fn scalar(self, value: Scalar<'de>) -> Scalar<'de> {
        value
    }
}
