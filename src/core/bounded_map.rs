//! The one bounded map behind every key cache of cojson-native.
//!
//! [`ClockMap`] holds at most its capacity of entries and, when full, evicts
//! with the CLOCK policy: entries wait in a queue in insertion order, a lookup
//! marks its entry as used, and eviction takes the first unmarked entry from
//! the front of the queue, clearing the mark of (and requeueing) each marked
//! one it passes. Used keys so get a second chance at O(1) amortized cost per
//! access, without a linked list.
//!
//! A new entry is stored only once it was made: a value that fails to build
//! (an invalid key) neither enters the map nor pushes anything out of it.
//! An evicted value is dropped at once, so values that zeroize on drop are
//! wiped when evicted, when the map is cleared and when it is dropped.
//!
//! [`ClockMap`] is not thread-safe by itself (an engine's cache sits behind
//! the engine's mutex); [`SharedClockMap`] puts one behind its own mutex for
//! the process-wide caches.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard};

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
        match self.slots.entry(key) {
            Entry::Occupied(mut found) => {
                found.insert((value, false));
            }
            Entry::Vacant(_) => self.insert_new(key, value),
        }
    }

    /// `read` of the value for `key` with `true` (a hit, marked as used), or
    /// else `read` of the value `make` returns, stored, with `false`. A
    /// failing `make` changes nothing: room for the new entry is made only
    /// once it exists.
    pub fn read_or_try_insert_with<R, E>(
        &mut self,
        key: K,
        make: impl FnOnce() -> Result<V, E>,
        read: impl FnOnce(&V) -> R,
    ) -> Result<(R, bool), E> {
        if let Some((value, used)) = self.slots.get_mut(&key) {
            *used = true;
            return Ok((read(value), true));
        }
        let value = make()?;
        let result = read(&value);
        self.insert_new(key, value);
        Ok((result, false))
    }

    /// Stores an entry for a `key` the map does not hold, evicting one entry
    /// first if the map is full.
    fn insert_new(&mut self, key: K, value: V) {
        if self.slots.len() >= self.capacity {
            self.evict_one();
        }
        self.clock.push_back(key);
        self.slots.insert(key, (value, false));
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

/// A [`ClockMap`] shared by threads: behind a mutex, handing out clones of
/// its values, so that no work on a value holds the lock.
pub struct SharedClockMap<K, V> {
    entries: Mutex<ClockMap<K, V>>,
}

impl<K: Eq + Hash + Copy, V: Clone> SharedClockMap<K, V> {
    /// A map holding at most `capacity` entries (at least 2).
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(ClockMap::new(capacity.max(2))),
        }
    }

    /// The stored value for `key`, or `make()`'s value, which is stored when
    /// it is `Some`. `make` runs outside the lock.
    pub fn get_or_insert_with(&self, key: K, make: impl FnOnce() -> Option<V>) -> Option<V> {
        if let Some(value) = self.lock().get(&key) {
            return Some(value.clone());
        }
        let value = make()?;
        self.lock().insert(key, value.clone());
        Some(value)
    }

    /// The map; a poisoned lock only means another thread panicked while
    /// holding it, and no operation of the map can leave it half-updated.
    fn lock(&self) -> MutexGuard<'_, ClockMap<K, V>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Entries held now.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether nothing is stored.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `read_or_try_insert_with` returning a copy of the value.
    fn lookup<E>(
        map: &mut ClockMap<u8, u8>,
        key: u8,
        make: impl FnOnce() -> Result<u8, E>,
    ) -> Result<(u8, bool), E> {
        map.read_or_try_insert_with(key, make, |value| *value)
    }

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
        assert_eq!(lookup(&mut map, 1, || Err("bad")), Err("bad"));
        assert!(map.is_empty());
        assert_eq!(lookup(&mut map, 1, || Ok::<_, ()>(7)), Ok((7, false)));
        assert_eq!(lookup(&mut map, 1, || Err(())), Ok((7, true)));
    }

    #[test]
    fn failed_makes_evict_nothing_from_a_full_map() {
        let mut map: ClockMap<u8, u8> = ClockMap::new(2);
        lookup(&mut map, 1, || Ok::<_, ()>(10)).unwrap();
        lookup(&mut map, 2, || Ok::<_, ()>(20)).unwrap();
        for bad in 3..10 {
            assert_eq!(
                lookup(&mut map, bad, || Err("invalid key")),
                Err("invalid key")
            );
        }
        assert_eq!(map.len(), 2);
        assert_eq!(map.get(&1), Some(&10));
        assert_eq!(map.get(&2), Some(&20));
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

    #[test]
    fn shared_map_stays_bounded_and_keeps_recent_entries() {
        let cache = SharedClockMap::new(8);
        for i in 0u32..100 {
            assert_eq!(cache.get_or_insert_with(i, || Some(i * 2)), Some(i * 2));
            assert!(cache.len() <= 8);
        }
        // The most recent entries are hits: `make` is not called.
        assert_eq!(cache.get_or_insert_with(99, || None), Some(198));
        assert_eq!(cache.get_or_insert_with(97, || None), Some(194));
        // Long-evicted entries are misses.
        assert_eq!(cache.get_or_insert_with(1, || None), None);
    }

    #[test]
    fn shared_map_stores_no_failed_derivation() {
        let cache: SharedClockMap<u8, u8> = SharedClockMap::new(2);
        assert_eq!(cache.get_or_insert_with(1, || None), None);
        assert!(cache.is_empty());
        cache.get_or_insert_with(1, || Some(10));
        cache.get_or_insert_with(2, || Some(20));
        assert_eq!(cache.get_or_insert_with(3, || None), None);
        assert_eq!(cache.get_or_insert_with(1, || None), Some(10));
        assert_eq!(cache.get_or_insert_with(2, || None), Some(20));
    }
}
