//! Reading the header's two objects (the top level and its `ruleset`): the
//! field names both may hold, a reader that hands each field to its object,
//! and the check of a field that must be a string.

use super::error::{invalid, missing, HeaderError};
use crate::core::json_read::{Reader, Reading, Scalar};
use serde::de::MapAccess;

/// A key of the header or of its ruleset.
#[derive(Clone, Copy)]
pub(super) enum Field {
    Type,
    Ruleset,
    Meta,
    Uniqueness,
    CreatedAt,
    InitialAdmin,
    Group,
    RestrictDeletion,
    Other,
}

impl Field {
    fn named(name: &str) -> Self {
        match name {
            "type" => Self::Type,
            "ruleset" => Self::Ruleset,
            "meta" => Self::Meta,
            "uniqueness" => Self::Uniqueness,
            "createdAt" => Self::CreatedAt,
            "initialAdmin" => Self::InitialAdmin,
            "group" => Self::Group,
            "restrictDeletion" => Self::RestrictDeletion,
            _ => Self::Other,
        }
    }
}

/// Reads a key as a [`Field`]. serde_json's keys are always strings.
struct FieldName;

impl<'de> Reader<'de> for FieldName {
    type Output = Field;
    fn scalar(self, value: Scalar<'de>) -> Field {
        match value {
            Scalar::Str(name) => Field::named(&name),
            _ => Field::Other,
        }
    }
    fn unescaped(self, name: &str) -> Field {
        Field::named(name)
    }
}

/// The next key of an object, as a [`Field`].
pub(super) fn next_field<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Field>, A::Error> {
    map.next_key_seed(Reading(FieldName))
}

/// The fields of one object as they are read, checked only when written.
pub(super) trait ObjectFields<'de> {
    /// Reads every entry of the object (each value must be read, kept or
    /// not), the keys with [`next_field`].
    fn read<A: MapAccess<'de>>(&mut self, map: A) -> Result<(), A::Error>;
}

/// Reads an object into its fields; `false` when the value is not an object.
pub(super) struct ObjectReader<'a, F>(pub(super) &'a mut F);

impl<'de, F: ObjectFields<'de>> Reader<'de> for ObjectReader<'_, F> {
    type Output = bool;

    fn scalar(self, _: Scalar<'de>) -> bool {
        false
    }

    fn object<A: MapAccess<'de>>(self, map: A) -> Result<bool, A::Error> {
        self.0.read(map).map(|()| true)
    }
}

/// The text of a field that must be a string.
pub(super) fn string_field<'a>(
    value: Option<&'a Scalar<'_>>,
    name: &str,
) -> Result<&'a str, HeaderError> {
    match value {
        Some(Scalar::Str(text)) => Ok(text),
        Some(_) => Err(invalid(format!("`{name}` must be a string"))),
        None => Err(missing(name)),
    }
}
