//! cojson's prefixed ids and keys, parsed once into fixed-size values.
//!
//! | type | text form | bytes |
//! |---|---|---|
//! | [`SignerSecret`] | `signerSecret_z…` | 32, Ed25519 seed |
//! | [`SignerId`] | `signer_z…` | 32, Ed25519 public key |
//! | [`Signature`] | `signature_z…` | 64 |
//! | [`SealerSecret`] | `sealerSecret_z…` | 32, X25519 secret |
//! | [`SealerId`] | `sealer_z…` | 32, X25519 public key |
//! | [`KeySecret`] | `keySecret_z…` | 32, XSalsa20 key |
//!
//! Every type parses from its text form with [`str::parse`] ([`FromStr`]).
//! Public types print as their text form ([`fmt::Display`]). Secret types
//! wipe their bytes when dropped, print as `<redacted>` (`Debug` only, no
//! `Display`), and give their text form only when asked by name
//! (`to_text`).

use crate::core::base58;
use crate::core::error::KeyError;
use std::fmt;
use std::str::FromStr;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Splits `text` at the exact `prefix`, or says which prefix was expected.
fn strip<'a>(text: &'a str, prefix: &'static str, what: &'static str) -> Result<&'a str, KeyError> {
    text.strip_prefix(prefix)
        .ok_or(KeyError::Prefix { what, prefix })
}

/// Reads UTF-8 bytes as text, for the functions that take ids as bytes.
pub fn utf8<'a>(bytes: &'a [u8], what: &'static str) -> Result<&'a str, KeyError> {
    std::str::from_utf8(bytes).map_err(|_| KeyError::Utf8 { what })
}

/// Copies a raw buffer into a fixed-size array, or names the length problem.
pub fn fixed<const N: usize>(bytes: &[u8], what: &'static str) -> Result<[u8; N], KeyError> {
    bytes.try_into().map_err(|_| KeyError::Length {
        what,
        expected: N,
        got: bytes.len(),
    })
}

/// One row per type: `kind Name, bytes, "prefix", "what it is called in errors";`.
macro_rules! prefixed_types {
    ($($(#[$doc:meta])* $kind:ident $name:ident, $len:expr, $prefix:expr, $what:expr;)*) => {
        $(prefixed_types!(@$kind $(#[$doc])* $name, $len, $prefix, $what);)*
    };
    (@secret $(#[$doc:meta])* $name:ident, $len:expr, $prefix:expr, $what:expr) => {
        prefixed_types!(@common $(#[$doc])* [Clone, Zeroize, ZeroizeOnDrop]
            $name, $len, $prefix, $what);

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }
    };
    (@public $(#[$doc:meta])* $name:ident, $len:expr, $prefix:expr, $what:expr) => {
        prefixed_types!(@common $(#[$doc])* [Clone, Copy, PartialEq, Eq, Hash]
            $name, $len, $prefix, $what);

        impl fmt::Display for $name {
            /// The text form: prefix plus base58.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_text())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }
    };
    (@common $(#[$doc:meta])* [$($derive:ident),*] $name:ident, $len:expr, $prefix:expr, $what:expr) => {
        $(#[$doc])*
        #[derive($($derive),*)]
        pub struct $name([u8; $len]);

        impl FromStr for $name {
            type Err = KeyError;

            /// Parses the text form (prefix plus base58), as [`Self::parse`].
            fn from_str(text: &str) -> Result<Self, KeyError> {
                Self::parse(text)
            }
        }

        impl $name {
            /// The exact prefix of the text form.
            pub const PREFIX: &'static str = $prefix;
            /// What this value is called in error messages.
            pub const WHAT: &'static str = $what;

            /// Parses the text form (prefix plus base58); `text.parse()` is
            /// the same.
            pub fn parse(text: &str) -> Result<Self, KeyError> {
                let mut value = Self([0u8; $len]);
                let digits = strip(text, Self::PREFIX, Self::WHAT)?;
                base58::decode_into(digits, &mut value.0, Self::WHAT)?;
                Ok(value)
            }

            /// Parses the text form given as UTF-8 bytes.
            pub fn parse_utf8(bytes: &[u8]) -> Result<Self, KeyError> {
                Self::parse(utf8(bytes, Self::WHAT)?)
            }

            /// Wraps raw bytes.
            pub fn from_bytes(bytes: [u8; $len]) -> Self {
                Self(bytes)
            }

            /// Checks the length of a raw buffer and wraps it.
            pub fn from_slice(bytes: &[u8]) -> Result<Self, KeyError> {
                Ok(Self(fixed(bytes, Self::WHAT)?))
            }

            /// The raw bytes.
            pub fn as_bytes(&self) -> &[u8; $len] {
                &self.0
            }

            /// The text form: prefix plus base58.
            pub fn to_text(&self) -> String {
                let mut out =
                    String::with_capacity(Self::PREFIX.len() + base58::max_encoded_len($len));
                out.push_str(Self::PREFIX);
                base58::encode_into(&self.0, &mut out);
                out
            }
        }
    };
}

prefixed_types! {
    /// An Ed25519 signing key seed, `signerSecret_z…`.
    secret SignerSecret, 32, "signerSecret_z", "signer secret";
    /// An Ed25519 public key, `signer_z…`.
    public SignerId, 32, "signer_z", "signer ID";
    /// An Ed25519 signature, `signature_z…`.
    public Signature, 64, "signature_z", "signature";
    /// An X25519 secret key, `sealerSecret_z…`.
    secret SealerSecret, 32, "sealerSecret_z", "sealer secret";
    /// An X25519 public key, `sealer_z…`.
    public SealerId, 32, "sealer_z", "sealer ID";
    /// A symmetric XSalsa20 key, `keySecret_z…`.
    secret KeySecret, 32, "keySecret_z", "key secret";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_text() {
        let id = SignerId::from_bytes([9u8; 32]);
        assert_eq!(SignerId::parse(&id.to_text()).unwrap(), id);
        assert!(id.to_text().starts_with("signer_z"));
        assert_eq!(id.to_string(), id.to_text());
        assert_eq!(format!("{id:?}"), id.to_text());
        assert_eq!(id.to_text().parse::<SignerId>(), Ok(id));
        let secret = KeySecret::from_bytes([4u8; 32]);
        let parsed: KeySecret = secret.to_text().parse().unwrap();
        assert_eq!(parsed.as_bytes(), secret.as_bytes());
        assert_eq!(
            "keySecret_z0".parse::<KeySecret>().map(|k| *k.as_bytes()),
            Err(KeyError::Base58 {
                what: "key secret",
                position: 0
            })
        );
    }

    #[test]
    fn prefixes_are_exact() {
        let text = SealerId::from_bytes([1u8; 32]).to_text();
        assert_eq!(
            SealerSecret::parse(&text).unwrap_err(),
            KeyError::Prefix {
                what: "sealer secret",
                prefix: "sealerSecret_z"
            }
        );
        assert!(SealerId::parse(&format!("x{text}")).is_err());
        // A public id never stands in for a secret: `signer_z` is not `signerSecret_z`.
        let signer = SignerId::from_bytes([2u8; 32]).to_text();
        assert!(SignerSecret::parse(&signer).is_err());
    }

    #[test]
    fn secrets_never_print() {
        let secret = SignerSecret::from_bytes([3u8; 32]);
        assert_eq!(format!("{secret:?}"), "SignerSecret(<redacted>)");
    }
}
