//! The header's `meta` (any JSON) read straight into its canonical text,
//! without a `serde_json::Value` tree.
//!
//! Scalars and arrays are written as they are read. An object's entries are
//! written into one buffer for that object (key text, then canonical value
//! text), with their positions beside it, then sorted by key and copied into
//! the enclosing text, a repeated key keeping its last value: the stable
//! JSON text of the `serde_json::Value` the same JSON parses to (which the
//! oracle of `tests/header_equivalence.rs` writes). Memory is the canonical
//! text, plus a second copy of an object's entries while it is sorted, plus
//! 32 bytes per entry of the open objects; a `Value` tree costs many times
//! its text (about 38 times for an array of zeros).
//!
//! Every value goes through `deserialize_any`, as `Value` does, so numbers,
//! strings and nesting depth are checked with the same errors.

use crate::core::stable_json;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::ops::Range;

/// Reads one JSON value and appends its canonical text to the string.
pub(super) struct CanonicalMeta<'o>(pub(super) &'o mut String);

impl<'de> DeserializeSeed<'de> for CanonicalMeta<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CanonicalMeta<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.0.push_str("null");
        Ok(())
    }

    fn visit_bool<E>(self, value: bool) -> Result<(), E> {
        self.0.push_str(if value { "true" } else { "false" });
        Ok(())
    }

    fn visit_i64<E>(self, value: i64) -> Result<(), E> {
        stable_json::push_number(self.0, &value.into());
        Ok(())
    }

    fn visit_u64<E>(self, value: u64) -> Result<(), E> {
        stable_json::push_number(self.0, &value.into());
        Ok(())
    }

    fn visit_f64<E>(self, value: f64) -> Result<(), E> {
        // As `Value`: a number that is not finite would be `null` (serde_json
        // refuses such literals before they get here).
        match serde_json::Number::from_f64(value) {
            Some(number) => stable_json::push_number(self.0, &number),
            None => self.0.push_str("null"),
        }
        Ok(())
    }

    fn visit_str<E>(self, value: &str) -> Result<(), E> {
        stable_json::push_string(self.0, value);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let out = self.0;
        out.push('[');
        let mut first = true;
        loop {
            let before = out.len();
            if !first {
                out.push(',');
            }
            if seq.next_element_seed(CanonicalMeta(&mut *out))?.is_none() {
                out.truncate(before);
                break;
            }
            first = false;
        }
        out.push(']');
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut entries = Entries::default();
        while let Some(key) = map.next_key_seed(KeyText(&mut entries.text))? {
            let start = entries.text.len();
            map.next_value_seed(CanonicalMeta(&mut entries.text))?;
            entries.at.push((key, start..entries.text.len()));
        }
        entries.write_sorted(self.0);
        Ok(())
    }
}

/// The entries of one object: keys (decoded) and values (canonical) in one
/// text, with where each sits.
#[derive(Default)]
struct Entries {
    text: String,
    at: Vec<(Range<usize>, Range<usize>)>,
}

impl Entries {
    fn slice(&self, range: &Range<usize>) -> &str {
        self.text.get(range.clone()).unwrap_or_default()
    }

    /// `{"key":value,…}` by key, the last value of a repeated key.
    fn write_sorted(mut self, out: &mut String) {
        let mut at = std::mem::take(&mut self.at);
        // Stable: of equal keys, the last one read stays last.
        at.sort_by(|a, b| self.slice(&a.0).cmp(self.slice(&b.0)));
        out.push('{');
        let mut first = true;
        for (i, (key, value)) in at.iter().enumerate() {
            let repeated_later = at
                .get(i + 1)
                .is_some_and(|(next, _)| self.slice(next) == self.slice(key));
            if repeated_later {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            stable_json::push_string(out, self.slice(key));
            out.push(':');
            out.push_str(self.slice(value));
        }
        out.push('}');
    }
}

/// Reads an object key and appends its decoded text; returns where it sits.
struct KeyText<'o>(&'o mut String);

impl<'de> DeserializeSeed<'de> for KeyText<'_> {
    type Value = Range<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Range<usize>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyText<'_> {
    type Value = Range<usize>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, key: &str) -> Result<Range<usize>, E> {
        let start = self.0.len();
        self.0.push_str(key);
        Ok(start..self.0.len())
    }
}
