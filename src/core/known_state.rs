//! Per-session transaction counts in insertion order: the `sessions` record of
//! a known state, and the streaming bookkeeping built on it.

use std::collections::HashMap;

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

    /// The sessions of `self` with a count above the one `current` reports
    /// (unknown counts as zero).
    pub fn ahead_of(&self, current: impl Fn(&str) -> Option<u32>) -> SessionCounts {
        Self::from_pairs(
            self.iter()
                .filter(|(id, count)| *count > current(id).unwrap_or(0))
                .map(|(id, count)| (id.to_owned(), count)),
        )
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
        let ahead = counts(&[("a", 3), ("b", 1), ("q", 0), ("r", 4)]).ahead_of(have);
        assert_eq!(ahead.iter().collect::<Vec<_>>(), vec![("a", 3), ("r", 4)]);
    }
}
