//! Per-session transaction counts in insertion order: the `sessions` record of
//! a known state, and the streaming bookkeeping built on it.

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// Session id → count, iterated in the order sessions were first inserted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionCounts {
    entries: Vec<(String, u32)>,
    index: HashMap<String, usize>,
}

impl SessionCounts {
    /// An empty record.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds a record from pairs; a repeated id keeps its first position and
    /// its last count (as `JSON.parse` does for repeated keys).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, u32)>) -> Self {
        let mut out = Self::new();
        for (id, count) in pairs {
            out.set(&id, count);
        }
        out
    }

    /// The count for `id`, if present.
    pub fn get(&self, id: &str) -> Option<u32> {
        self.index
            .get(id)
            .and_then(|&i| self.entries.get(i))
            .map(|(_, count)| *count)
    }

    /// Sets the count for `id`, appending it if new.
    pub fn set(&mut self, id: &str, count: u32) {
        match self.index.get(id).and_then(|&i| self.entries.get_mut(i)) {
            Some(entry) => entry.1 = count,
            None => {
                self.index.insert(id.to_owned(), self.entries.len());
                self.entries.push((id.to_owned(), count));
            }
        }
    }

    /// Raises the count for `id` to at least `count`, appending it if new.
    pub fn raise(&mut self, id: &str, count: u32) {
        let current = self.get(id);
        if current.map_or(true, |c| c < count) {
            self.set(id, count);
        }
    }

    /// Raises every count to at least the one in `other`.
    pub fn combine(&mut self, other: &SessionCounts) {
        for (id, count) in other.iter() {
            self.raise(id, count);
        }
    }

    /// True when every session in `self` has at most the count `current`
    /// reports for it (a session `current` does not know is never covered).
    pub fn is_covered_by(&self, current: impl Fn(&str) -> Option<u32>) -> bool {
        self.iter()
            .all(|(id, count)| current(id).is_some_and(|have| count <= have))
    }

    /// The entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        self.entries.iter().map(|(id, count)| (id.as_str(), *count))
    }

    /// Number of sessions.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no sessions.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Why announced counts were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnnouncedError {
    /// Not JSON, or not an object (described without quoting the input).
    #[error("{0}")]
    Json(String),
    /// A count that is not an integer from 0 to 2^32 - 1, for this session.
    #[error("invalid value, expected u32 for {0:?}")]
    Count(String),
}

/// Parses `{sessionId: count}` as a peer announces it: the sessions in the
/// order they first appear, a repeated id keeping its last count (as
/// `JSON.parse` would). Keys without escapes are borrowed from `json`.
pub fn parse_announced(json: &str) -> Result<Vec<(Cow<'_, str>, u32)>, AnnouncedError> {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let parsed = deserializer
        .deserialize_map(EntriesVisitor)
        .and_then(|entries| deserializer.end().map(|()| entries))
        .map_err(|e| AnnouncedError::Json(crate::core::json_error::describe(&e)))?;
    dedupe(parsed)
        .into_iter()
        .map(|(id, count)| match count {
            Some(count) => Ok((id, count)),
            None => Err(AnnouncedError::Count(id.into_owned())),
        })
        .collect()
}

/// Entries as read, a count `None` when it is not a u32.
type RawEntries<'a> = Vec<(Cow<'a, str>, Option<u32>)>;

/// One entry per id, at its first position, with its last count.
fn dedupe(entries: RawEntries<'_>) -> RawEntries<'_> {
    let mut seen = HashSet::with_capacity(entries.len());
    if entries.iter().all(|(id, _)| seen.insert(&**id)) {
        return entries;
    }
    let mut position: HashMap<String, usize> = HashMap::with_capacity(entries.len());
    let mut out: RawEntries<'_> = Vec::with_capacity(entries.len());
    for (id, count) in entries {
        match position.get(&*id).and_then(|&i| out.get_mut(i)) {
            Some(entry) => entry.1 = count,
            None => {
                position.insert(id.to_string(), out.len());
                out.push((id, count));
            }
        }
    }
    out
}

struct EntriesVisitor;

impl<'de> Visitor<'de> for EntriesVisitor {
    type Value = RawEntries<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(Key(id)) = map.next_key()? {
            let Count(count) = map.next_value()?;
            out.push((id, count));
        }
        Ok(out)
    }
}

/// A key, borrowed when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Any JSON value: `Some` for an integer from 0 to 2^32 - 1.
struct Count(Option<u32>);

impl<'de> de::Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CountVisitor;
        impl<'de> Visitor<'de> for CountVisitor {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Count, E> {
                Ok(Count(u32::try_from(v).ok()))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Count, E> {
                Ok(Count(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Count, E> {
                Ok(Count(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Count, E> {
                Ok(Count(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Count, E> {
                Ok(Count(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Count, E> {
                Ok(Count(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Count, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Count(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Count, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Count(None))
            }
        }
        deserializer.deserialize_any(CountVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pairs: &[(&str, u32)]) -> SessionCounts {
        SessionCounts::from_pairs(pairs.iter().map(|(id, c)| (id.to_string(), *c)))
    }

    #[test]
    fn keeps_insertion_order_and_last_value() {
        let c = counts(&[("b", 1), ("a", 2), ("b", 7)]);
        assert_eq!(c.iter().collect::<Vec<_>>(), vec![("b", 7), ("a", 2)]);
    }

    #[test]
    fn raise_and_combine_take_the_maximum() {
        let mut c = counts(&[("a", 5)]);
        c.raise("a", 3);
        c.raise("b", 0);
        assert_eq!(c.iter().collect::<Vec<_>>(), vec![("a", 5), ("b", 0)]);
        c.combine(&counts(&[("a", 9), ("c", 1)]));
        assert_eq!(
            c.iter().collect::<Vec<_>>(),
            vec![("a", 9), ("b", 0), ("c", 1)]
        );
    }

    #[test]
    fn subset_and_ahead() {
        let current = counts(&[("a", 2), ("b", 1)]);
        let have = |id: &str| current.get(id);
        assert!(counts(&[("a", 2)]).is_covered_by(have));
        assert!(!counts(&[("a", 3)]).is_covered_by(have));
        // A session absent from `current` is never covered, even at zero.
        assert!(!counts(&[("q", 0)]).is_covered_by(have));
        assert!(counts(&[]).is_covered_by(have));
    }

    #[test]
    fn announced_counts_parse_like_a_json_object() {
        let parsed = parse_announced(r#"{"b":1,"a\u0062":2,"b":7}"#).unwrap();
        let pairs: Vec<(&str, u32)> = parsed.iter().map(|(id, c)| (&**id, *c)).collect();
        assert_eq!(pairs, vec![("b", 7), ("ab", 2)]);
        // An invalid count replaced by a later valid one is fine, as in a JSON object.
        assert!(parse_announced(r#"{"a":-1,"a":3}"#).is_ok());
        assert_eq!(
            parse_announced(r#"{"x":1,"y":[1,{"z":2}]}"#).unwrap_err(),
            AnnouncedError::Count("y".to_owned())
        );
        for bad in ["", "[1]", "null", r#"{"a":1"#, r#"{"a":1} x"#] {
            assert!(
                matches!(parse_announced(bad), Err(AnnouncedError::Json(_))),
                "{bad}"
            );
        }
        for bad in ["1.0", "-1", "4294967296", "true", "\"1\"", "null"] {
            let json = format!(r#"{{"a":{bad}}}"#);
            assert_eq!(
                parse_announced(&json).unwrap_err(),
                AnnouncedError::Count("a".to_owned())
            );
        }
        let many: String = (0..40).map(|i| format!(r#""s{}":{i},"#, i % 30)).collect();
        let json = format!("{{{many}\"end\":1}}");
        let parsed = parse_announced(&json).unwrap();
        assert_eq!(parsed.len(), 31);
        assert_eq!(parsed.first().map(|(id, c)| (&**id, *c)), Some(("s0", 30)));
    }
}
