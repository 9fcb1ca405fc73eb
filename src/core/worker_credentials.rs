//! A Jazz server worker's identity.
//!
//! [`WorkerCredentials`] validates the two values a worker starts from,
//! `JAZZ_WORKER_ACCOUNT` (`co_z…`) and `JAZZ_WORKER_SECRET`
//! (`sealerSecret_z…/signerSecret_z…`), and derives the agent, signer and
//! sealer ids from the secret. Errors name the variable and the problem and
//! never contain any part of the value. The secret wipes itself on drop.

use crate::core::error::KeyError;
use crate::core::keys::{SealerId, SealerSecret, SignerId, SignerSecret};
use crate::core::{base58, ed25519, x25519};
use std::fmt;
use thiserror::Error;

/// The environment variable holding the worker's account id.
pub const ACCOUNT_VARIABLE: &str = "JAZZ_WORKER_ACCOUNT";
/// The environment variable holding the worker's agent secret.
pub const SECRET_VARIABLE: &str = "JAZZ_WORKER_SECRET";
/// The longest base58 part accepted in an account id. cojson ids encode 19
/// or 20 bytes (at most 28 characters); the bound leaves room and keeps work
/// bounded.
pub const MAX_ACCOUNT_ID_BASE58: usize = 64;

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
    if let Some(position) = base58.chars().position(|c| !base58::ALPHABET.contains(c)) {
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
}
