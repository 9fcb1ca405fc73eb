//! The general parser of received batches (`transaction::wire`) against a
//! plain parser that reads each transaction into `serde_json::Value` fields
//! (`oracle/transaction.rs`), and the canonical fast path against both.
//!
//! On thousands of generated batches, valid and broken in every way the
//! generator knows (every field holding every kind of JSON value, `null`,
//! duplicate and unknown keys, whitespace and escapes, syntax errors), the
//! two parsers must give the same transactions or the same error. The one
//! documented difference: an array or object in a string field, which the
//! general parser refuses at once (both refuse the batch). Every accepted
//! batch, written back canonically, must take the fast path to the same
//! result, and its canonical text must not be longer than the input (the
//! bound `parse_batch_into` reserves).

#[path = "support/collected.rs"]
mod collected;
#[path = "oracle/transaction.rs"]
mod oracle;
#[path = "support/rng.rs"]
mod rng;

use cojson_native::core::transaction::TxError;
use collected::{batch_text, parse_batch, parse_general, scan, summarise, Collected};
use rng::Rng;

/// Values that are not strings and not containers.
const SCALARS: &[&str] = &[
    "null", "true", "false", "0", "-0", "1", "1.5", "1.0", "1e3", "-1",
];

/// Containers, each refused at its first byte when in a string field.
const CONTAINERS: &[&str] = &[
    "[]",
    "{}",
    "[0,0,0,0]",
    r#"{"a":[1,{"b":null}]}"#,
    r#"[[[[[[[[[["x"]]]]]]]]]]"#,
    "[1e400]",
    r#"["\ud800"]"#,
];

/// Not valid JSON, or refused by serde_json.
const BROKEN: &[&str] = &[
    "1e400",
    "01",
    "-",
    r#""\ud800""#,
    r#""\x""#,
    "nul",
    "\"raw\ttab\"",
];

/// Two ways to write each literal, then others.
const PRIVACY: &[&str] = &[
    r#""trusting""#,
    r#""\u0074rusting""#,
    r#""private""#,
    r#""privat\u0065""#,
    r#""other""#,
    r#""""#,
];

/// Valid ones first.
const MADE_AT: &[&str] = &[
    "0",
    "1",
    "1700000000000",
    "9007199254740991",
    "-0",
    "9007199254740992",
    "18446744073709551615",
    "18446744073709551616",
    "-1",
    "-0",
    "1.5",
    "1.0",
    "1e3",
    r#""1""#,
    "null",
];

const CHANGES: &[&str] = &[
    r#""[]""#,
    r#""[1]""#,
    r#""[{\"op\":\"set\",\"key\":\"k\",\"value\":\"é😀\"}]""#,
    r#""quote \" backslash \\ slash \/ ctl \n\t\r\b\f \u0001 \u001F \u007f""#,
    r#""\u00e9 \ud83d\ude00 \u2028""#,
    r#""""#,
];

/// Valid ones first.
const ENCRYPTED: &[&str] = &[
    r#""encrypted_UAAAA""#,
    r#""encrypted_U""#,
    r#""encrypted_UAA==""#,
    r#""encrypted_U-_09azAZ""#,
    r#""encrypted_\u0055AAAA""#,
    r#""encrypted_UAA\/A""#,
    r#""encrypted_UA A""#,
    r#""foo""#,
];

const KEY_USED: &[&str] = &[r#""key_z1""#, r#""key_\u00e9\"""#, r#""""#];

/// What one generated batch holds, beyond its text.
#[derive(Default)]
struct Traits {
    /// A string field holds an array or an object.
    container_in_string_field: bool,
    /// An element of the batch is an array (serde's derive reads those as
    /// transactions, field by field; the general parser refuses them).
    array_element: bool,
}

fn ws(rng: &mut Rng, out: &mut String) {
    if rng.chance(10) {
        out.push_str(rng.pick(&[" ", "\n", "\t ", "\r\n  "]));
    }
}

/// A value for a field that must hold a string: usually one from `pool`.
fn string_field(rng: &mut Rng, pool: &[&str], traits: &mut Traits) -> String {
    match rng.below(100) {
        0..=79 => rng.pick(pool).to_owned(),
        80..=91 => rng.pick(SCALARS).to_owned(),
        92..=97 => {
            traits.container_in_string_field = true;
            rng.pick(CONTAINERS).to_owned()
        }
        _ => rng.pick(BROKEN).to_owned(),
    }
}

/// Any value: for `privacy`, `madeAt` and unknown keys.
fn other_value(rng: &mut Rng, pool: &[&str]) -> String {
    match rng.below(100) {
        0..=84 => rng.pick(pool).to_owned(),
        85..=90 => rng.pick(SCALARS).to_owned(),
        91..=96 => rng.pick(CONTAINERS).to_owned(),
        _ => rng.pick(BROKEN).to_owned(),
    }
}

/// A transaction that should be accepted: only valid values, the fields
/// its privacy needs.
fn clean_entries(rng: &mut Rng) -> Vec<(&'static str, String)> {
    let private = rng.chance(50);
    let mut entries: Vec<(&str, String)> = vec![
        (
            "privacy",
            PRIVACY[usize::from(private) * 2 + rng.below(2)].to_owned(),
        ),
        ("madeAt", rng.pick(&MADE_AT[..4]).to_owned()),
    ];
    if private {
        entries.push(("encryptedChanges", rng.pick(&ENCRYPTED[..5]).to_owned()));
        entries.push(("keyUsed", rng.pick(KEY_USED).to_owned()));
    } else {
        entries.push(("changes", rng.pick(CHANGES).to_owned()));
    }
    if rng.chance(30) {
        let pool = if private { &ENCRYPTED[..5] } else { CHANGES };
        entries.push(("meta", rng.pick(pool).to_owned()));
    }
    entries
}

/// A transaction that may have any fault: fields missing, doubled, unknown
/// or holding any kind of value.
fn faulty_entries(rng: &mut Rng, traits: &mut Traits) -> Vec<(&'static str, String)> {
    let private = rng.chance(50);
    let mut entries: Vec<(&str, String)> = Vec::new();
    if !rng.chance(3) {
        entries.push(("privacy", other_value(rng, PRIVACY)));
    }
    if !rng.chance(3) {
        entries.push(("madeAt", other_value(rng, MADE_AT)));
    }
    if private || rng.chance(5) {
        if !rng.chance(5) {
            entries.push(("encryptedChanges", string_field(rng, ENCRYPTED, traits)));
        }
        if !rng.chance(5) {
            entries.push(("keyUsed", string_field(rng, KEY_USED, traits)));
        }
    }
    if (!private || rng.chance(5)) && !rng.chance(5) {
        entries.push(("changes", string_field(rng, CHANGES, traits)));
    }
    if rng.chance(30) {
        let pool = if private { ENCRYPTED } else { CHANGES };
        entries.push(("meta", string_field(rng, pool, traits)));
    }
    if rng.chance(3) {
        entries.push((rng.pick(&["x", "Changes", ""]), other_value(rng, SCALARS)));
    }
    if rng.chance(3) && !entries.is_empty() {
        let (name, _) = entries[rng.below(entries.len())];
        let value = match name {
            "privacy" => other_value(rng, PRIVACY),
            "madeAt" => other_value(rng, MADE_AT),
            _ => string_field(rng, CHANGES, traits),
        };
        entries.push((name, value));
    }
    entries
}

/// A transaction object, clean or faulty, in any key order.
fn transaction(rng: &mut Rng, traits: &mut Traits, out: &mut String) {
    let mut entries = if rng.chance(70) {
        clean_entries(rng)
    } else {
        faulty_entries(rng, traits)
    };
    // Shuffle (sometimes keep the canonical-ish order).
    if rng.chance(70) {
        for i in (1..entries.len()).rev() {
            let j = rng.below(i + 1);
            entries.swap(i, j);
        }
    }
    out.push('{');
    for (i, (name, value)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        ws(rng, out);
        out.push('"');
        out.push_str(name);
        out.push('"');
        ws(rng, out);
        out.push(':');
        ws(rng, out);
        out.push_str(value);
        ws(rng, out);
    }
    out.push('}');
}

/// A batch of 0 to 3 elements, mostly transaction objects.
fn batch(rng: &mut Rng) -> (String, Traits) {
    let mut traits = Traits::default();
    let mut out = String::new();
    ws(rng, &mut out);
    out.push('[');
    for i in 0..rng.below(4) {
        if i > 0 {
            out.push(',');
        }
        ws(rng, &mut out);
        match rng.below(100) {
            0..=93 => transaction(rng, &mut traits, &mut out),
            94..=96 => {
                traits.array_element = true;
                out.push_str(rng.pick(&[
                    r#"["trusting",1,"[1]"]"#,
                    r#"["trusting",1,"[1]",null,null,null]"#,
                    r#"["private",1,null,"encrypted_UAAAA","k"]"#,
                    "[]",
                ]));
            }
            _ => out.push_str(rng.pick(&["1", "null", r#""x""#, "{}"])),
        }
        ws(rng, &mut out);
    }
    out.push(']');
    ws(rng, &mut out);
    match rng.below(100) {
        0 => {
            let mut cut = rng.below(out.len());
            while !out.is_char_boundary(cut) {
                cut -= 1;
            }
            out.truncate(cut);
        }
        1 => out.push_str(" x"),
        2 => out.insert(0, '{'),
        _ => {}
    }
    (out, traits)
}

/// The refusals the general parser gives for a container in a string field.
const REFUSALS: &[&str] = &[
    "changes must be a string",
    "encryptedChanges must be a string",
    "keyUsed must be a string",
    "meta must be a string when present",
];

fn same_result(json: &str, traits: &Traits) {
    let ours = parse_batch(json);
    let general = parse_general(json);
    let oracle = oracle::parse(json);
    // The fast path, when it applies, gives what the general path gives.
    assert_eq!(
        ours.as_ref().map(Collected::summary),
        general.as_ref().map(Collected::summary),
        "{json}"
    );
    if traits.container_in_string_field || traits.array_element {
        // Both refuse; the general parser perhaps with another error.
        assert!(ours.is_err(), "accepted: {json}");
        if traits.container_in_string_field {
            assert!(oracle.is_err(), "oracle accepted: {json}");
        }
        // Where the oracle finds a fault in a transaction, the general
        // parser reports that fault or the refusal.
        if let (Err(TxError::Invalid(message)), Err(TxError::Invalid(expected))) = (&ours, &oracle)
        {
            assert!(
                REFUSALS.contains(message) || message == expected,
                "{message}: {json}"
            );
        }
        return;
    }
    match (&ours, &oracle) {
        (Ok(ours), Ok(expected)) => {
            assert_eq!(ours.summary(), summarise(expected), "{json}");
            assert!(ours.text.len() <= json.len(), "longer: {json}");
            // Written back canonically, the batch takes the fast path.
            let canonical = batch_text(expected);
            let Some(scanned) = scan(&canonical) else {
                panic!("{canonical}")
            };
            assert_eq!(scanned.summary(), summarise(expected), "{canonical}");
        }
        (Err(ours), Err(expected)) => assert_eq!(ours, expected, "{json}"),
        _ => panic!(
            "{json}: ours {:?}, oracle {:?}",
            ours.as_ref().map(Collected::summary),
            oracle.map(|b| summarise(&b))
        ),
    }
}

#[test]
fn generated_batches_parse_as_the_oracle_parses_them() {
    let mut rng = Rng(0x007a_11f1_e1d5);
    let mut accepted = 0;
    for _ in 0..20_000 {
        let (json, traits) = batch(&mut rng);
        if parse_batch(&json).is_ok_and(|c| !c.items.is_empty()) {
            accepted += 1;
        }
        same_result(&json, &traits);
    }
    // The generator must reach the accepting paths often enough to matter.
    assert!(accepted > 3_000, "only {accepted} accepted");
}

/// `{"privacy":…,"madeAt":1,<field>:<value>}` with the other fields filled.
fn with_field(privacy: &str, field: &str, value: &str) -> String {
    let rest = match privacy {
        "private" => r#""encryptedChanges":"encrypted_UAAAA","keyUsed":"k""#,
        _ => r#""changes":"[1]""#,
    };
    let rest = match field {
        "changes" | "encryptedChanges" | "keyUsed" => rest
            .split(',')
            .filter(|part| !part.starts_with(&format!("\"{field}\"")))
            .collect::<Vec<_>>()
            .join(","),
        _ => rest.to_owned(),
    };
    let comma = if rest.is_empty() { "" } else { "," };
    format!(r#"[{{"privacy":"{privacy}","madeAt":1{comma}{rest},"{field}":{value}}}]"#)
}

#[test]
fn every_string_field_refuses_every_other_kind_of_value() {
    let cases = [
        ("trusting", "changes", "changes must be a string"),
        (
            "private",
            "encryptedChanges",
            "encryptedChanges must be a string",
        ),
        ("private", "keyUsed", "keyUsed must be a string"),
        ("trusting", "meta", "meta must be a string when present"),
        ("private", "meta", "meta must be a string when present"),
    ];
    let deep_inside = format!("{}0{}", "[".repeat(100), "]".repeat(100));
    let too_deep = format!("{}0{}", "[".repeat(200), "]".repeat(200));
    let values = [
        "null",
        "true",
        "false",
        "0",
        "-1.5e3",
        "[]",
        "{}",
        "[0,0,0]",
        r#"{"a":"b"}"#,
        &deep_inside,
        &too_deep,
        // Refused at the `[`: what follows is never read.
        "[1e400, \"\\ud800\"",
    ];
    for (privacy, field, message) in cases {
        for value in values {
            let json = with_field(privacy, field, value);
            assert_eq!(
                parse_batch(&json).map(|c| c.summary()),
                Err(TxError::Invalid(message)),
                "{json}"
            );
        }
        // The same field holding a string is fine (for the other fields).
        let good = match field {
            "encryptedChanges" | "meta" if privacy == "private" => r#""encrypted_UAA==""#,
            _ => r#""x""#,
        };
        assert!(
            parse_batch(&with_field(privacy, field, good)).is_ok(),
            "{field}"
        );
    }
}

#[test]
fn privacy_and_made_at_refuse_other_values_as_json_errors() {
    for json in [
        r#"[{"privacy":[0,0],"madeAt":1,"changes":"x"}]"#,
        r#"[{"privacy":{"a":1},"madeAt":1,"changes":"x"}]"#,
        r#"[{"privacy":null,"madeAt":1,"changes":"x"}]"#,
        r#"[{"privacy":1,"madeAt":1,"changes":"x"}]"#,
        r#"[{"privacy":"trusting","madeAt":[0,0],"changes":"x"}]"#,
        r#"[{"privacy":"trusting","madeAt":{},"changes":"x"}]"#,
        r#"[{"privacy":"trusting","madeAt":null,"changes":"x"}]"#,
        r#"[{"privacy":"trusting","madeAt":true,"changes":"x"}]"#,
    ] {
        let ours = parse_batch(json).map(|c| c.summary());
        assert!(
            matches!(&ours, Err(TxError::Json(m)) if m.starts_with("unexpected JSON value at line 1 column")),
            "{json}"
        );
        assert_eq!(ours, oracle::parse(json).map(|b| summarise(&b)), "{json}");
    }
}

#[test]
fn duplicate_and_unknown_keys_are_json_errors_as_in_the_oracle() {
    for json in [
        r#"[{"privacy":"trusting","madeAt":1,"changes":"[1]","changes":"[2]"}]"#,
        r#"[{"privacy":"trusting","madeAt":1,"changes":"[1]","changes":[2]}]"#,
        r#"[{"privacy":"trusting","privacy":"trusting","madeAt":1,"changes":"[1]"}]"#,
        r#"[{"privacy":"trusting","madeAt":1,"madeAt":1,"changes":"[1]"}]"#,
        r#"[{"privacy":"private","madeAt":1,"encryptedChanges":"encrypted_U","keyUsed":"k","keyUsed":"k"}]"#,
        r#"[{"privacy":"trusting","madeAt":1,"changes":"x","meta":"a","meta":"b"}]"#,
        r#"[{"privacy":"trusting","madeAt":1,"changes":"x","x":[0,0,0]}]"#,
        r#"[{"privacy":"trusting","madeAt":1}]"#,
        r#"[{"madeAt":1,"changes":"x"}]"#,
        r#"[{"privacy":"trusting","changes":"x"}]"#,
    ] {
        let ours = parse_batch(json).map(|c| c.summary());
        assert!(
            matches!(ours, Err(TxError::Json(_)) | Err(TxError::Invalid(_))),
            "{json}"
        );
        assert_eq!(ours, oracle::parse(json).map(|b| summarise(&b)), "{json}");
    }
}

#[test]
fn transactions_must_be_objects() {
    // serde's derive reads an array as the fields in declaration order, so
    // the oracle accepts this (the reference does not).
    let array = r#"[["trusting",1,"[1]"]]"#;
    assert!(oracle::parse(array).is_ok());
    assert_eq!(
        parse_batch(array).map(|c| c.summary()),
        Err(TxError::Json(
            "unexpected JSON value at line 1 column 1".to_owned()
        ))
    );
}

#[test]
fn huge_non_string_fields_are_refused_at_their_first_byte() {
    let zeros = format!("[{}0]", "0,".repeat(4 << 20));
    let nested = format!("[{}]", r#"{"a":[{"a":[0]}]},"#.repeat(1 << 18) + "0");
    let deep = "[".repeat(8 << 20);
    for (field, privacy) in [
        ("changes", "trusting"),
        ("meta", "trusting"),
        ("encryptedChanges", "private"),
        ("keyUsed", "private"),
    ] {
        for value in [&zeros, &nested, &deep] {
            let json = with_field(privacy, field, value);
            assert!(
                matches!(parse_batch(&json), Err(TxError::Invalid(m)) if m.starts_with(field)),
                "{field}"
            );
        }
    }
    // A huge valid string goes through, borrowed from the input.
    let big = "x".repeat(8 << 20);
    let json = format!(r#"[{{"madeAt":1,"privacy":"trusting","changes":"{big}"}}]"#);
    let parsed = parse_batch(&json).unwrap();
    assert_eq!(parsed.summary()[0].2, big.len());
    assert!(parsed.text.len() <= json.len());
}
