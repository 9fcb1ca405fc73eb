//! Counters of the crypto work a `NativeCryptoEngine` or `WorkerHandle`
//! served: per kind of operation, the number of calls and the total time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Calls `$then!` with the kinds of crypto work counted by [`WorkStats`], in
/// reporting order: each as `Variant "camelCaseName" " Doc."`. The core
/// declares [`Operation`] from this one list and the binding declares the JS
/// enum `CryptoOperation` from it, so the two cannot drift apart. Docs are
/// plain strings for `#[doc = …]`: a `///` comment passed through a macro
/// reaches napi as a raw string and would show as `r"…"` in `index.d.ts`.
macro_rules! with_operations {
    ($then:path) => {
        $then! {
            Sign "sign" " Ed25519 signature.",
            Verify "verify" " Ed25519 verification.",
            Encrypt "encrypt" " XSalsa20 encryption.",
            Decrypt "decrypt" " XSalsa20 decryption.",
            Seal "seal" " Authenticated seal to a sealer id.",
            Unseal "unseal" " Open of a sealed message.",
            SealForGroup "sealForGroup" " Anonymous seal to a group.",
            UnsealForGroup "unsealForGroup" " Open of a group-sealed message.",
            Hash "hash" " BLAKE3 hashing (secure hash, short hash, raw hashes).",
            DeriveId "deriveId" " Public id derivation from a secret.",
            AddTransactions "addTransactions" " Transactions received and verified by a session map.",
            MakeTransaction "makeTransaction" " Transactions made and signed by a session map.",
            DecryptTransaction "decryptTransaction" " Transactions decrypted by a session map.",
        }
    };
}
pub(crate) use with_operations;

/// Declares [`Operation`] from the list of [`with_operations`].
macro_rules! declare_operation {
    ($($variant:ident $name:tt $doc:tt,)*) => {
        /// The kinds of crypto work counted by [`WorkStats`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Operation {
            $(#[doc = $doc] $variant,)*
        }

        impl Operation {
            /// Every operation, in reporting order.
            pub const ALL: [Operation; [$(Operation::$variant),*].len()] =
                [$(Operation::$variant),*];

            /// The camelCase name used in reports.
            pub fn name(self) -> &'static str {
                match self {
                    $(Operation::$variant => $name,)*
                }
            }
        }
    };
}
self::with_operations!(declare_operation);

impl Operation {
    fn index(self) -> usize {
        self as usize
    }
}

/// Calls and total time of one kind of operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationCount {
    /// The operation.
    pub operation: Operation,
    /// How many times it ran (failed runs included).
    pub calls: u64,
    /// Total time spent, in nanoseconds: exact for work recorded with its
    /// time, estimated from the timed calls for work [`WorkStats::measure`]
    /// counted (see [`TIMED_ONE_IN`]).
    pub nanos: u64,
}

/// [`WorkStats::measure`] reads the clock for one call in this many of each
/// operation (the first, the 17th, …) and counts the others without it, so
/// the counters cost a few nanoseconds per call instead of two clock reads.
/// The total time of an operation is then its timed calls' time scaled to all
/// of its calls.
pub const TIMED_ONE_IN: u64 = 16;

/// Lock-free counters of crypto work, shareable between threads. Counters
/// saturate at `u64::MAX` (2^64 − 1 calls; about 584 years of time) instead
/// of wrapping, so a total never goes down.
#[derive(Debug, Default)]
pub struct WorkStats {
    calls: [AtomicU64; Operation::ALL.len()],
    /// The calls among `calls` whose time is in `nanos`.
    timed_calls: [AtomicU64; Operation::ALL.len()],
    nanos: [AtomicU64; Operation::ALL.len()],
}

/// Adds `amount` to `counter`, stopping at `u64::MAX`; returns the value
/// before.
fn saturating_add(counter: &AtomicU64, amount: u64) -> u64 {
    // The closure always returns `Some`, so the update always succeeds.
    counter
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |total| {
            Some(total.saturating_add(amount))
        })
        .unwrap_or_else(|total| total)
}

impl WorkStats {
    /// Adds one call of `operation` that took `nanos` nanoseconds.
    pub fn record(&self, operation: Operation, nanos: u64) {
        let i = operation.index();
        if let (Some(calls), Some(timed), Some(total)) = (
            self.calls.get(i),
            self.timed_calls.get(i),
            self.nanos.get(i),
        ) {
            saturating_add(calls, 1);
            saturating_add(timed, 1);
            saturating_add(total, nanos);
        }
    }

    /// Runs `work`, counting it as one call of `operation`; times it when it
    /// is one of the calls [`TIMED_ONE_IN`] picks.
    pub fn measure<T>(&self, operation: Operation, work: impl FnOnce() -> T) -> T {
        let Some(calls) = self.calls.get(operation.index()) else {
            return work();
        };
        if saturating_add(calls, 1) % TIMED_ONE_IN != 0 {
            return work();
        }
        let started = Instant::now();
        let result = work();
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        let i = operation.index();
        if let (Some(timed), Some(total)) = (self.timed_calls.get(i), self.nanos.get(i)) {
            saturating_add(timed, 1);
            saturating_add(total, nanos);
        }
        result
    }

    /// The counters of every operation, in [`Operation::ALL`] order.
    pub fn snapshot(&self) -> Vec<OperationCount> {
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        Operation::ALL
            .into_iter()
            .zip(self.calls.iter())
            .zip(self.timed_calls.iter().zip(self.nanos.iter()))
            .map(|((operation, calls), (timed, nanos))| OperationCount {
                operation,
                calls: load(calls),
                nanos: scaled_total(load(nanos), load(timed), load(calls)),
            })
            .collect()
    }

    /// Sets every counter back to zero.
    pub fn reset(&self) {
        let counters = self
            .calls
            .iter()
            .chain(&self.timed_calls)
            .chain(&self.nanos);
        for counter in counters {
            counter.store(0, Ordering::Relaxed);
        }
    }
}

/// `nanos` (the time of `timed` calls) scaled to `calls` calls: exact when
/// every call was timed, 0 before any was.
fn scaled_total(nanos: u64, timed: u64, calls: u64) -> u64 {
    if timed == 0 || timed >= calls {
        return nanos;
    }
    let scaled = u128::from(nanos) * u128::from(calls) / u128::from(timed);
    u64::try_from(scaled).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_work() {
        let stats = WorkStats::default();
        let value = stats.measure(Operation::Verify, || 42);
        stats.record(Operation::AddTransactions, 10);
        stats.record(Operation::AddTransactions, 5);
        assert_eq!(value, 42);
        let snapshot = stats.snapshot();
        let add = snapshot
            .iter()
            .find(|c| c.operation == Operation::AddTransactions)
            .unwrap();
        assert_eq!((add.calls, add.nanos), (2, 15));
        let verify = Operation::ALL.into_iter().find(|op| op.name() == "verify");
        assert_eq!(verify, Some(Operation::Verify));
        stats.reset();
        assert!(stats.snapshot().iter().all(|c| c.calls == 0));
    }

    #[test]
    fn measure_times_one_call_in_sixteen_and_scales_the_total() {
        let stats = WorkStats::default();
        let i = Operation::Decrypt.index();
        let timed = |stats: &WorkStats| stats.timed_calls[i].load(Ordering::Relaxed);
        // The first call is timed, then the 17th, the 33rd, …
        stats.measure(Operation::Decrypt, || ());
        assert_eq!(timed(&stats), 1);
        for _ in 1..16 {
            stats.measure(Operation::Decrypt, || ());
        }
        assert_eq!(timed(&stats), 1);
        stats.measure(Operation::Decrypt, || ());
        assert_eq!(timed(&stats), 2);
        for _ in 17..100 {
            stats.measure(Operation::Decrypt, || ());
        }
        assert_eq!(timed(&stats), 7);
        // The total is the timed calls' time times 100 / 7.
        stats.nanos[i].store(700, Ordering::Relaxed);
        let decrypt = stats.snapshot()[i];
        assert_eq!((decrypt.calls, decrypt.nanos), (100, 10_000));
        // Recorded work is exact, and mixing the two scales only the total
        // of the operation that has untimed calls.
        stats.record(Operation::Sign, 123);
        assert_eq!(stats.snapshot()[Operation::Sign.index()].nanos, 123);
        assert_eq!(scaled_total(5, 0, 3), 5);
        assert_eq!(scaled_total(u64::MAX, 1, u64::MAX), u64::MAX);
    }

    #[test]
    fn totals_saturate_instead_of_wrapping() {
        let stats = WorkStats::default();
        let near_max = u64::MAX - 5;
        let i = Operation::Sign.index();
        stats.calls[i].store(near_max, Ordering::Relaxed);
        stats.nanos[i].store(near_max, Ordering::Relaxed);
        // The largest duration JS can record, many times over.
        for _ in 0..10 {
            stats.record(Operation::Sign, (1 << 53) - 1);
        }
        let sign = stats.snapshot()[i];
        assert_eq!((sign.calls, sign.nanos), (u64::MAX, u64::MAX));
        // From zero, 2^11 records of 2^53 - 1 ns pass 2^64 (where a wrapping
        // add would have come back to a small total).
        let stats = WorkStats::default();
        let mut previous = 0;
        for _ in 0..(1 << 12) {
            stats.record(Operation::Verify, (1 << 53) - 1);
            let total = stats.snapshot()[Operation::Verify.index()].nanos;
            assert!(total >= previous, "a total went down");
            previous = total;
        }
        assert_eq!(previous, u64::MAX);
        // Other operations are untouched.
        assert_eq!(stats.snapshot()[Operation::Hash.index()].calls, 0);
    }
}
