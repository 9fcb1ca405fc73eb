//! The one bounded map behind every key cache of cojson-native.
//!
//! [`ClockMap`] holds at most its capacity of entries and, when full, evicts
//! with the CLOCK policy: entries wait in a queue in insertion order, a lookup
//! marks its entry as used, and eviction takes the first unmarked entry from
//! the front of the queue, clearing the mark of (and requeueing) each marked
//! one it passes. Used keys so get a second chance at O(1) amortized cost per
//! access, without a linked list.
//!
//! An evicted value is dropped at once, so values that zeroize on drop are
//! wiped when evicted, when the map is cleared and when it is dropped. The map
//! is not thread-safe by itself: [`crate::core::key_cache::KeyCache`] sits
//! behind the engine's mutex, and
//! [`crate::core::signing_cache::BoundedCache`] wraps it in its own.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// A map of at most `capacity` entries, evicting with CLOCK.
pub struct ClockMap<K, V> {
    capacity: usize,
    /// Each value with its "used since the last sweep" mark.
    slots: HashMap<K, (V, bool)>,
    /// Keys in the order the eviction sweep visits them.
    clock: VecDeque<K>,
}

impl<K: Eq + Hash + Copy, V> ClockMap<K, V> {
    /// An empty map holding at most `capacity` entries (at least 1).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            slots: HashMap::new(),
            clock: VecDeque::new(),
        }
    }

    /// The number of entries held now.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether the map holds no entries.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Drops every entry.
    pub fn clear(&mut self) {
        self.slots.clear();
        self.clock.clear();
    }

    /// The value for `key`, marked as used; `None` if absent.
    pub fn get(&mut self, key: &K) -> Option<&V> {
        let (value, used) = self.slots.get_mut(key)?;
        *used = true;
        Some(value)
    }

    /// Stores `value` for `key` (replacing any value it had), evicting one
    /// entry first if the map is full and `key` is new.
    pub fn insert(&mut self, key: K, value: V) {
        self.make_room_for(&key);
        match self.slots.entry(key) {
            Entry::Occupied(mut found) => {
                found.insert((value, false));
            }
            Entry::Vacant(empty) => {
                self.clock.push_back(key);
                empty.insert((value, false));
            }
        }
    }

    /// The value for `key` with `true` (a hit, marked as used), or else the
    /// value `make` returns, stored, with `false`. A failing `make` stores
    /// nothing; the map made room for the new entry before calling it.
    pub fn get_or_try_insert_with<E>(
        &mut self,
        key: K,
        make: impl FnOnce() -> Result<V, E>,
    ) -> Result<(&V, bool), E> {
        self.make_room_for(&key);
        match self.slots.entry(key) {
            Entry::Occupied(found) => {
                let (value, used) = found.into_mut();
                *used = true;
                Ok((value, true))
            }
            Entry::Vacant(empty) => {
                let value = make()?;
                self.clock.push_back(key);
                let (value, _) = empty.insert((value, false));
                Ok((value, false))
            }
        }
    }

    /// Evicts one entry if the map is full and does not hold `key`.
    fn make_room_for(&mut self, key: &K) {
        if self.slots.len() >= self.capacity && !self.slots.contains_key(key) {
            self.evict_one();
        }
    }

    /// Evicts one entry that has not been used since the last sweep.
    fn evict_one(&mut self) {
        // Each entry is passed over at most once before it loses its mark, so
        // two rounds always find a victim.
        for _ in 0..self.clock.len().saturating_mul(2) {
            let Some(candidate) = self.clock.pop_front() else {
                return;
            };
            match self.slots.get_mut(&candidate) {
                Some((_, used)) if *used => {
                    *used = false;
                    self.clock.push_back(candidate);
                }
                Some(_) => {
                    self.slots.remove(&candidate);
                    return;
                }
                None => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_bounded_and_gives_used_entries_a_second_chance() {
        let mut map = ClockMap::new(3);
        map.insert(0u32, "hot");
        for i in 1..20u32 {
            assert_eq!(map.get(&0), Some(&"hot"));
            map.insert(i, "cold");
            assert!(map.len() <= 3);
        }
        assert_eq!(map.get(&0), Some(&"hot"));
        assert_eq!(map.get(&19), Some(&"cold"));
        assert_eq!(map.get(&1), None);
        map.clear();
        assert!(map.is_empty());
    }

    #[test]
    fn failed_makes_store_nothing_and_hits_do_not_make() {
        let mut map: ClockMap<u8, u8> = ClockMap::new(2);
        assert_eq!(map.get_or_try_insert_with(1, || Err("bad")), Err("bad"));
        assert!(map.is_empty());
        assert_eq!(
            map.get_or_try_insert_with(1, || Ok::<_, ()>(7)),
            Ok((&7, false))
        );
        assert_eq!(map.get_or_try_insert_with(1, || Err(())), Ok((&7, true)));
    }

    #[test]
    fn inserting_an_existing_key_replaces_without_evicting() {
        let mut map = ClockMap::new(2);
        map.insert(1u8, 10u8);
        map.insert(2, 20);
        map.insert(1, 11);
        assert_eq!(map.len(), 2);
        assert_eq!(map.get(&1), Some(&11));
        assert_eq!(map.get(&2), Some(&20));
    }
}
