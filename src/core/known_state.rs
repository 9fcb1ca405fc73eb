//! Per-session transaction counts in insertion order: the `sessions` record of
//! a known state, and the streaming bookkeeping built on it.

use crate::core::json_read::{Keep, Reader, Reading, Scalar};
use serde::de::{Deserializer, MapAccess};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

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
    // `deserialize_map`: anything but an object is refused by serde_json
    // itself, with its position, as parsing into a `Map` refuses it.
    let parsed = deserializer
        .deserialize_map(Reading(Entries))
        .and_then(|entries| deserializer.end().map(|()| entries))
        .map_err(|e| AnnouncedError::Json(crate::core::json_error::describe(&e)))?
        .ok_or_else(|| AnnouncedError::Json("expected a JSON object".to_owned()))?;
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

/// Reads the top level: its entries when it is an object (`None` otherwise,
/// which `deserialize_map` does not let through).
/// Every value is parsed in full (as `serde_json::Value` would), a count
/// kept only when it is an integer from 0 to 2^32 - 1.
struct Entries;

impl<'de> Reader<'de> for Entries {
    type Output = Option<RawEntries<'de>>;

    fn scalar(self, _: Scalar<'de>) -> Self::Output {
        None
    }

    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Output, A::Error> {
        let mut out = Vec::new();
        while let Some(key) = map.next_key_seed(Reading(Keep))? {
            let count = match map.next_value_seed(Reading(Keep))? {
                Scalar::Int(n) => u32::try_from(n).ok(),
                _ => None,
            };
            // Object keys are always strings.
            if let Scalar::Str(id) = key {
                out.push((id, count));
            }
        }
        Ok(Some(out))
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
    fn raise_takes_the_maximum() {
        let mut c = counts(&[("a", 5)]);
        c.raise("a", 3);
        c.raise("b", 0);
        assert_eq!(c.iter().collect::<Vec<_>>(), vec![("a", 5), ("b", 0)]);
        for (id, count) in [("a", 9), ("c", 1)] {
            c.raise(id, count);
        }
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
        // Malformed JSON, a top level that is no object, and garbage nested in
        // a count fail as JSON errors, at the position a parse into a
        // `serde_json::Map` reports.
        for bad in [
            "",
            "[1]",
            "null",
            r#"{"a":1"#,
            r#"{"a":1} x"#,
            r#"{"a":[1e400]}"#,
            r#"{"a":{"x":"\ud800"}}"#,
        ] {
            let map: Result<serde_json::Map<String, serde_json::Value>, _> =
                serde_json::from_str(bad);
            let expected = crate::core::json_error::describe(&map.unwrap_err());
            assert_eq!(
                parse_announced(bad).unwrap_err(),
                AnnouncedError::Json(expected),
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
