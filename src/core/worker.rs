//! A Jazz server worker's identity and its crypto work counters.
//!
//! [`WorkerCredentials`] validates the two values a worker starts from,
//! `JAZZ_WORKER_ACCOUNT` (`co_z…`) and `JAZZ_WORKER_SECRET`
//! (`sealerSecret_z…/signerSecret_z…`), and derives the agent, signer and
//! sealer ids from the secret. Errors name the variable and the problem and
//! never contain any part of the value. The secret wipes itself on drop.
//!
//! [`WorkStats`] counts the crypto operations a worker served, per kind of
//! operation: number of calls and total time.

use crate::core::error::KeyError;
use crate::core::keys::{SealerId, SealerSecret, SignerId, SignerSecret};
use crate::core::{ed25519, x25519};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use thiserror::Error;

/// The environment variable holding the worker's account id.
pub const ACCOUNT_VARIABLE: &str = "JAZZ_WORKER_ACCOUNT";
/// The environment variable holding the worker's agent secret.
pub const SECRET_VARIABLE: &str = "JAZZ_WORKER_SECRET";
/// The longest base58 part accepted in an account id. cojson ids encode 19
/// or 20 bytes (at most 28 characters); the bound leaves room and keeps work
/// bounded.
pub const MAX_ACCOUNT_ID_BASE58: usize = 64;

const BASE58_ALPHABET: &str = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Why worker credentials were rejected. `variable` is the environment
/// variable or option the value came from; no message contains the value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WorkerConfigError {
    /// Neither an explicit value nor the environment variable was given.
    #[error("{variable} is not set")]
    Missing {
        /// Where the value was expected.
        variable: &'static str,
    },
    /// The environment variable holds bytes that are not Unicode.
    #[error("{variable} is not valid Unicode")]
    NotUnicode {
        /// The environment variable.
        variable: &'static str,
    },
    /// The account id is malformed.
    #[error("{variable} is not a valid account ID: {problem}")]
    InvalidAccount {
        /// Where the value came from.
        variable: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// The agent secret is malformed.
    #[error("{variable} is not a valid agent secret: {problem}")]
    InvalidSecret {
        /// Where the value came from.
        variable: &'static str,
        /// What is wrong with it (the underlying key errors never contain
        /// their input).
        problem: String,
    },
    /// The handle was closed and its secret wiped.
    #[error("The worker handle is closed; its secret was wiped")]
    Closed,
}

fn check_whitespace(text: &str) -> Option<String> {
    text.chars()
        .any(char::is_whitespace)
        .then(|| "contains whitespace (a trailing newline?)".to_owned())
}

/// Checks a `co_z…` account id.
pub fn validate_account_id(text: &str, variable: &'static str) -> Result<(), WorkerConfigError> {
    let problem = |problem: String| WorkerConfigError::InvalidAccount { variable, problem };
    if text.is_empty() {
        return Err(WorkerConfigError::Missing { variable });
    }
    if let Some(found) = check_whitespace(text) {
        return Err(problem(found));
    }
    let Some(base58) = text.strip_prefix("co_z") else {
        return Err(problem("must start with 'co_z'".to_owned()));
    };
    if base58.is_empty() {
        return Err(problem("nothing follows 'co_z'".to_owned()));
    }
    if base58.len() > MAX_ACCOUNT_ID_BASE58 {
        return Err(problem(format!(
            "{} characters after 'co_z', at most {MAX_ACCOUNT_ID_BASE58}",
            base58.len()
        )));
    }
    if let Some(position) = base58.chars().position(|c| !BASE58_ALPHABET.contains(c)) {
        return Err(problem(format!(
            "invalid base58 character at position {}",
            position + 4
        )));
    }
    Ok(())
}

/// A worker's agent secret, parsed: both halves wipe on drop.
pub struct AgentSecret {
    sealer: SealerSecret,
    signer: SignerSecret,
}

impl fmt::Debug for AgentSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AgentSecret(<redacted>)")
    }
}

impl AgentSecret {
    /// Parses `sealerSecret_z…/signerSecret_z…` (both keys 32 bytes).
    pub fn parse(text: &str, variable: &'static str) -> Result<Self, WorkerConfigError> {
        let problem = |problem: String| WorkerConfigError::InvalidSecret { variable, problem };
        let key_problem = |part: &str, err: KeyError| problem(format!("{part}: {err}"));
        if text.is_empty() {
            return Err(WorkerConfigError::Missing { variable });
        }
        if let Some(found) = check_whitespace(text) {
            return Err(problem(found));
        }
        let Some((sealer, signer)) = text.split_once('/') else {
            return Err(problem(
                "must have the form 'sealerSecret_z…/signerSecret_z…'".to_owned(),
            ));
        };
        let sealer = SealerSecret::parse(sealer).map_err(|e| key_problem("first part", e))?;
        let signer = SignerSecret::parse(signer).map_err(|e| key_problem("second part", e))?;
        Ok(Self { sealer, signer })
    }

    /// The text form `sealerSecret_z…/signerSecret_z…`.
    pub fn to_text(&self) -> String {
        format!("{}/{}", self.sealer.to_text(), self.signer.to_text())
    }

    /// The public `sealer_z…` id.
    pub fn sealer_id(&self) -> SealerId {
        x25519::sealer_id(&self.sealer)
    }

    /// The public `signer_z…` id.
    pub fn signer_id(&self) -> SignerId {
        ed25519::signer_id(&self.signer)
    }
}

/// A validated account id with its parsed agent secret and derived ids.
#[derive(Debug)]
pub struct WorkerCredentials {
    account_id: String,
    secret: AgentSecret,
    sealer_id: SealerId,
    signer_id: SignerId,
}

impl WorkerCredentials {
    /// Validates both values; `account_variable` and `secret_variable` name
    /// where each came from, for error messages.
    pub fn parse(
        account_id: &str,
        account_variable: &'static str,
        secret: &str,
        secret_variable: &'static str,
    ) -> Result<Self, WorkerConfigError> {
        validate_account_id(account_id, account_variable)?;
        let secret = AgentSecret::parse(secret, secret_variable)?;
        Ok(Self {
            account_id: account_id.to_owned(),
            sealer_id: secret.sealer_id(),
            signer_id: secret.signer_id(),
            secret,
        })
    }

    /// The `co_z…` account id.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The agent id `sealer_z…/signer_z…`, as cojson's `getAgentID` gives it.
    pub fn agent_id(&self) -> String {
        format!("{}/{}", self.sealer_id.to_text(), self.signer_id.to_text())
    }

    /// The `sealer_z…` id.
    pub fn sealer_id(&self) -> SealerId {
        self.sealer_id
    }

    /// The `signer_z…` id.
    pub fn signer_id(&self) -> SignerId {
        self.signer_id
    }

    /// The agent secret.
    pub fn secret(&self) -> &AgentSecret {
        &self.secret
    }
}

/// Declares an enum of the kinds of crypto work counted by [`WorkStats`]:
/// every variant with its doc, in reporting order. The core declares
/// [`Operation`] with it (`core`, which adds `Operation::ALL`); the binding
/// declares the JS enum `CryptoOperation` with it (`mirror`, which adds the
/// conversion into [`Operation`]), so the two lists cannot drift apart.
/// Docs are written `#[doc = "…"]`: `///` comments passed through a
/// `macro_rules!` reach napi as raw strings and would show as `r"…"` in
/// `index.d.ts`.
macro_rules! operation_enum {
    ($role:ident; $(#[$($attr:tt)*])* $vis:vis enum $name:ident) => {
        $crate::core::worker::operation_enum!(@$role [$(#[$($attr)*])*] $vis $name [
            #[doc = " Ed25519 signature."]
            Sign,
            #[doc = " Ed25519 verification."]
            Verify,
            #[doc = " XSalsa20 encryption."]
            Encrypt,
            #[doc = " XSalsa20 decryption."]
            Decrypt,
            #[doc = " Authenticated seal to a sealer id."]
            Seal,
            #[doc = " Open of a sealed message."]
            Unseal,
            #[doc = " Anonymous seal to a group."]
            SealForGroup,
            #[doc = " Open of a group-sealed message."]
            UnsealForGroup,
            #[doc = " BLAKE3 hashing (secure hash, short hash, raw hashes)."]
            Hash,
            #[doc = " Public id derivation from a secret."]
            DeriveId,
            #[doc = " Transactions received and verified by a session map."]
            AddTransactions,
            #[doc = " Transactions made and signed by a session map."]
            MakeTransaction,
            #[doc = " Transactions decrypted by a session map."]
            DecryptTransaction,
        ]);
    };
    (@core [$($attr:tt)*] $vis:vis $name:ident [$($(#[$($doc:tt)*])* $variant:ident,)*]) => {
        $($attr)*
        $vis enum $name {
            $($(#[$($doc)*])* $variant,)*
        }

        impl $name {
            /// Every operation, in reporting order.
            pub const ALL: [$name; [$($name::$variant),*].len()] = [$($name::$variant),*];
        }
    };
    (@mirror [$($attr:tt)*] $vis:vis $name:ident [$($(#[$($doc:tt)*])* $variant:ident,)*]) => {
        $($attr)*
        $vis enum $name {
            $($(#[$($doc)*])* $variant,)*
        }

        impl From<$name> for $crate::core::worker::Operation {
            fn from(op: $name) -> Self {
                match op {
                    $($name::$variant => Self::$variant,)*
                }
            }
        }
    };
}
pub(crate) use operation_enum;

operation_enum! { core;
    /// The kinds of crypto work counted by [`WorkStats`].
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Operation
}

impl Operation {
    /// The camelCase name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Operation::Sign => "sign",
            Operation::Verify => "verify",
            Operation::Encrypt => "encrypt",
            Operation::Decrypt => "decrypt",
            Operation::Seal => "seal",
            Operation::Unseal => "unseal",
            Operation::SealForGroup => "sealForGroup",
            Operation::UnsealForGroup => "unsealForGroup",
            Operation::Hash => "hash",
            Operation::DeriveId => "deriveId",
            Operation::AddTransactions => "addTransactions",
            Operation::MakeTransaction => "makeTransaction",
            Operation::DecryptTransaction => "decryptTransaction",
        }
    }

    /// The operation with this `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.name() == name)
    }

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
    /// Total time spent, in nanoseconds.
    pub nanos: u64,
}

/// Lock-free counters of crypto work, shareable between threads. Counters
/// saturate at `u64::MAX` (2^64 − 1 calls; about 584 years of time) instead
/// of wrapping, so a total never goes down.
#[derive(Debug, Default)]
pub struct WorkStats {
    calls: [AtomicU64; Operation::ALL.len()],
    nanos: [AtomicU64; Operation::ALL.len()],
}

/// Adds `amount` to `counter`, stopping at `u64::MAX`.
fn saturating_add(counter: &AtomicU64, amount: u64) {
    // The closure always returns `Some`, so the update always succeeds; the
    // result (the previous value) is not needed.
    let _ = counter.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |total| {
        Some(total.saturating_add(amount))
    });
}

impl WorkStats {
    /// Adds one call of `operation` that took `nanos` nanoseconds.
    pub fn record(&self, operation: Operation, nanos: u64) {
        let i = operation.index();
        if let (Some(calls), Some(total)) = (self.calls.get(i), self.nanos.get(i)) {
            saturating_add(calls, 1);
            saturating_add(total, nanos);
        }
    }

    /// Runs `work`, counting it as one call of `operation`.
    pub fn measure<T>(&self, operation: Operation, work: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let result = work();
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.record(operation, nanos);
        result
    }

    /// The counters of every operation, in [`Operation::ALL`] order.
    pub fn snapshot(&self) -> Vec<OperationCount> {
        Operation::ALL
            .into_iter()
            .zip(self.calls.iter().zip(self.nanos.iter()))
            .map(|(operation, (calls, nanos))| OperationCount {
                operation,
                calls: calls.load(Ordering::Relaxed),
                nanos: nanos.load(Ordering::Relaxed),
            })
            .collect()
    }

    /// Sets every counter back to zero.
    pub fn reset(&self) {
        for counter in self.calls.iter().chain(self.nanos.iter()) {
            counter.store(0, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret_text() -> String {
        format!(
            "{}/{}",
            SealerSecret::from_bytes([5u8; 32]).to_text(),
            SignerSecret::from_bytes([6u8; 32]).to_text()
        )
    }

    #[test]
    fn parses_and_derives_ids() {
        let credentials = WorkerCredentials::parse(
            "co_zabc123",
            ACCOUNT_VARIABLE,
            &secret_text(),
            SECRET_VARIABLE,
        )
        .unwrap();
        assert_eq!(credentials.account_id(), "co_zabc123");
        assert_eq!(
            credentials.signer_id(),
            ed25519::signer_id(&SignerSecret::from_bytes([6u8; 32]))
        );
        assert_eq!(credentials.secret().to_text(), secret_text());
        assert!(credentials.agent_id().starts_with("sealer_z"));
    }

    #[test]
    fn errors_name_the_variable_and_never_the_value() {
        let secret = secret_text();
        let short = &secret[..secret.len() - 3];
        let cases = [
            ("co_zabc", short),
            ("co_zabc", &secret[..40]),
            ("co_zabc", "sealerSecret_zzz"),
            ("co_zabc", "garbage"),
        ];
        for (account, secret) in cases {
            let err = WorkerCredentials::parse(account, ACCOUNT_VARIABLE, secret, SECRET_VARIABLE)
                .unwrap_err()
                .to_string();
            assert!(err.starts_with(SECRET_VARIABLE), "{err}");
            assert!(!err.contains(&secret_text()[14..24]), "{err}");
        }
        let err = validate_account_id("cox_zabc", ACCOUNT_VARIABLE).unwrap_err();
        assert!(err.to_string().contains("must start with 'co_z'"));
        let err = validate_account_id("co_z0OIl", "accountID").unwrap_err();
        assert!(err.to_string().starts_with("accountID"));
        assert!(err.to_string().contains("position 4"));
        assert_eq!(
            validate_account_id("", ACCOUNT_VARIABLE).unwrap_err(),
            WorkerConfigError::Missing {
                variable: ACCOUNT_VARIABLE
            }
        );
    }

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
        assert_eq!(Operation::from_name("verify"), Some(Operation::Verify));
        stats.reset();
        assert!(stats.snapshot().iter().all(|c| c.calls == 0));
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
