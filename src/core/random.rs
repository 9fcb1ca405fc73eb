//! Operating-system randomness for new keys and ephemeral sealing keys.

use crate::core::error::CryptoError;
use rand_core::{OsRng, RngCore};

/// Fills an array with random bytes from the operating system.
pub fn random_array<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut out = [0u8; N];
    OsRng
        .try_fill_bytes(&mut out)
        .map_err(|_| CryptoError::Random)?;
    Ok(out)
}
