//! Secret-bearing types wipe their bytes and never print them.
//!
//! Every type that holds a secret key (`SignerSecret`, `SealerSecret`,
//! `KeySecret`), the shared secret of X25519, and the dalek key types used
//! transiently while signing and sealing must implement `ZeroizeOnDrop`; the
//! key types must Debug as `<redacted>`; and no error produced while parsing a
//! malformed secret may contain a run of its text.

use cojson_native::core::keys::{KeySecret, SealerId, SealerSecret, SignerSecret};
use cojson_native::core::x25519;
use std::mem::ManuallyDrop;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

fn wipes_on_drop<T: ZeroizeOnDrop>() {}
fn can_be_wiped<T: Zeroize>() {}

#[test]
fn every_secret_type_wipes_on_drop() {
    wipes_on_drop::<SignerSecret>();
    wipes_on_drop::<SealerSecret>();
    wipes_on_drop::<KeySecret>();
    can_be_wiped::<SignerSecret>();
    can_be_wiped::<SealerSecret>();
    can_be_wiped::<KeySecret>();
    // The library key types that briefly hold the same secrets.
    wipes_on_drop::<ed25519_dalek::SigningKey>();
    wipes_on_drop::<Zeroizing<[u8; 32]>>();
    // x25519-dalek wipes in a Drop impl without the ZeroizeOnDrop marker;
    // `dalek_x25519_secrets_wipe_on_drop` checks the effect instead.
    can_be_wiped::<x25519_dalek::StaticSecret>();
    can_be_wiped::<x25519_dalek::SharedSecret>();
    assert!(std::mem::needs_drop::<x25519_dalek::StaticSecret>());
    assert!(std::mem::needs_drop::<x25519_dalek::SharedSecret>());
}

#[test]
fn dalek_x25519_secrets_wipe_on_drop() {
    let mut secret = ManuallyDrop::new(x25519_dalek::StaticSecret::from([0x5a; 32]));
    let public = x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from([0x11; 32]));
    let mut shared = ManuallyDrop::new(secret.diffie_hellman(&public));
    assert_ne!(secret.as_bytes(), &[0u8; 32]);
    assert_ne!(shared.as_bytes(), &[0u8; 32]);
    // SAFETY: each value is dropped once, in place; the byte arrays they hold
    // stay allocated and initialised inside the ManuallyDrop slots.
    unsafe {
        std::ptr::drop_in_place(&mut *secret as *mut x25519_dalek::StaticSecret);
        std::ptr::drop_in_place(&mut *shared as *mut x25519_dalek::SharedSecret);
    }
    assert_eq!(secret.as_bytes(), &[0u8; 32]);
    assert_eq!(shared.as_bytes(), &[0u8; 32]);
}

macro_rules! check_wiped_after_drop {
    ($ty:ty) => {{
        let mut slot = ManuallyDrop::new(<$ty>::from_bytes([0x5a; 32]));
        assert_eq!(slot.as_bytes(), &[0x5a; 32]);
        // SAFETY: the value is dropped exactly once, in place; its storage (a
        // plain byte array) stays allocated and initialised in `slot`, so
        // reading it afterwards shows what drop left behind.
        unsafe { std::ptr::drop_in_place(&mut *slot as *mut $ty) };
        assert_eq!(slot.as_bytes(), &[0u8; 32], "{} not wiped", stringify!($ty));
    }};
}

#[test]
fn dropping_a_secret_leaves_zeros() {
    check_wiped_after_drop!(SignerSecret);
    check_wiped_after_drop!(SealerSecret);
    check_wiped_after_drop!(KeySecret);
}

#[test]
fn zeroize_clears_a_parsed_secret() {
    let text = SignerSecret::from_bytes([7; 32]).to_text();
    let mut secret = SignerSecret::parse(&text).unwrap();
    assert_eq!(secret.as_bytes(), &[7; 32]);
    secret.zeroize();
    assert_eq!(secret.as_bytes(), &[0; 32]);
}

#[test]
fn shared_secrets_are_returned_in_a_wiping_wrapper() {
    let a = SealerSecret::from_bytes([1; 32]);
    let b = x25519::sealer_id(&SealerSecret::from_bytes([2; 32]));
    // The type annotation is the check: a plain array would not compile here.
    let shared: Zeroizing<[u8; 32]> = x25519::shared_secret(&a, &b).unwrap();
    assert!(shared.iter().any(|byte| *byte != 0));
}

#[test]
fn secrets_debug_as_redacted() {
    let cases = [
        (
            format!("{:?}", SignerSecret::from_bytes([0x41; 32])),
            "SignerSecret(<redacted>)",
        ),
        (
            format!("{:?}", SealerSecret::from_bytes([0x41; 32])),
            "SealerSecret(<redacted>)",
        ),
        (
            format!("{:?}", KeySecret::from_bytes([0x41; 32])),
            "KeySecret(<redacted>)",
        ),
    ];
    for (printed, expected) in cases {
        assert_eq!(printed, expected);
    }
    // Also inside other values' Debug output.
    let wrapped = format!("{:?}", Some((KeySecret::from_bytes([0x41; 32]), 1)));
    assert!(
        !wrapped.contains("65") && wrapped.contains("<redacted>"),
        "{wrapped}"
    );
    // Public ids do print, as their text form.
    let id = SealerId::from_bytes([3; 32]);
    assert_eq!(format!("{id:?}"), id.to_text());
}

/// Malformed forms of a secret's text: bad characters at every position,
/// truncated, extended, wrong prefix.
fn malformed(text: &str, prefix: &str) -> Vec<String> {
    let body = &text[prefix.len()..];
    let mut out = vec![
        format!("{body}"),
        format!(" {text}"),
        format!("{text}{body}"),
        format!("{prefix}{}", &body[..body.len() - 3]),
        format!("{text}1"),
        format!("{text}é"),
        format!("signer_z{body}"),
        format!("sealer_z{body}"),
        format!("keySecret_Z{body}"),
    ];
    for position in 0..body.len() {
        for bad in ['0', 'O', 'I', 'l', '_', '\u{fffd}'] {
            let mut chars: Vec<char> = body.chars().collect();
            chars[position] = bad;
            out.push(format!("{prefix}{}", chars.into_iter().collect::<String>()));
        }
    }
    out
}

#[test]
fn parse_errors_never_contain_the_secret() {
    let secrets = [
        (
            SignerSecret::from_bytes([0x9c; 32]).to_text(),
            "signerSecret_z",
        ),
        (
            SealerSecret::from_bytes([0x37; 32]).to_text(),
            "sealerSecret_z",
        ),
        (KeySecret::from_bytes([0xe1; 32]).to_text(), "keySecret_z"),
    ];
    let mut checked = 0;
    for (text, prefix) in &secrets {
        let body = &text[prefix.len()..];
        let runs: Vec<&str> = (0..=body.len() - 4).map(|i| &body[i..i + 4]).collect();
        for bad in malformed(text, prefix) {
            let errors = [
                SignerSecret::parse(&bad).err(),
                SealerSecret::parse(&bad).err(),
                KeySecret::parse(&bad).err(),
                SignerSecret::parse_utf8(bad.as_bytes()).err(),
            ];
            for error in errors.into_iter().flatten() {
                let shown = format!("{error} / {error:?}");
                for run in &runs {
                    assert!(!shown.contains(run), "{shown} contains {run}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "{checked}");
}
