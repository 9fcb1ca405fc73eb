//! `Header::parse` against a plain parser over a `serde_json::Value` tree
//! (`oracle/header.rs`): on thousands of generated headers, valid and broken
//! in every way the generator knows, both must give the same canonical text
//! or the same error (variant and message, syntax-error positions included),
//! strict or not.

#[path = "oracle/header.rs"]
mod oracle;
#[path = "support/rng.rs"]
mod rng;

use cojson_native::core::header::{Header, HeaderError};
use rng::Rng;
use serde_json::Value;
use std::collections::BTreeMap;

/// The canonical text `Header::parse` gives, or its error.
fn parsed(json: &str, strict: bool) -> Result<String, HeaderError> {
    Header::parse(json, strict).map(|header| header.json().to_owned())
}

const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "1.5",
    "1e3",
    "1E-7",
    "0.1",
    "1e21",
    "123456.789",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "12345678901234567890",
    "18446744073709551615",
    "18446744073709551616",
];

/// Literals that are not valid JSON, or that serde_json refuses to read.
const BROKEN: &[&str] = &[
    "1e400",
    "-1e400",
    "01",
    "1.",
    "-",
    r#""lone \ud800""#,
    r#""bad \x escape""#,
    "\"raw\ttab\"",
    "nul",
];

/// String literals as written in JSON, escapes included (some invalid).
const STRINGS: &[&str] = &[
    r#""""#,
    r#""co_zKp3vT9xQ2mW8rLd4nYc6hJ""#,
    r#""sealer_z1/signer_z2""#,
    r#""comap""#,
    r#""2024-01-01T00:00:00.000Z""#,
    r#""é😀 \u2028""#,
    r#""quote \" backslash \\ slash \/""#,
    r#""ctl \n\t\r\b\f \u0001 \u001F""#,
    r#""\u0063o_z\u0041""#,
    r#""pair \ud83d\ude00""#,
];

/// Fields known at either level, plus unknown ones.
const KEYS: &[&str] = &[
    "type",
    "ruleset",
    "meta",
    "uniqueness",
    "createdAt",
    "initialAdmin",
    "group",
    "restrictDeletion",
    "extra",
    "",
    "Type",
];

fn ws(rng: &mut Rng, out: &mut String) {
    if rng.chance(15) {
        out.push_str(rng.pick(&[" ", "\n", "\t ", "\r\n  "]));
    }
}

/// A key as a JSON string, sometimes with a character written as `\u` escape.
fn key(rng: &mut Rng, name: &str, out: &mut String) {
    out.push('"');
    let escape_at = if rng.chance(10) && !name.is_empty() {
        Some(rng.below(name.len()))
    } else {
        None
    };
    for (i, c) in name.chars().enumerate() {
        if Some(i) == escape_at {
            let hex = format!("{:04x}", u32::from(c));
            out.push_str("\\u");
            out.push_str(&if rng.chance(50) {
                hex.to_uppercase()
            } else {
                hex
            });
        } else {
            out.push(c);
        }
    }
    out.push('"');
}

fn any_value(rng: &mut Rng, depth: usize, out: &mut String) {
    ws(rng, out);
    let kind = if depth > 3 {
        rng.below(5)
    } else {
        rng.below(8)
    };
    if rng.chance(1) {
        out.push_str(rng.pick(BROKEN));
        return;
    }
    match kind {
        0 => out.push_str(rng.pick(&["null", "true", "false"])),
        1 | 2 => out.push_str(rng.pick(NUMBERS)),
        3 | 4 => out.push_str(rng.pick(STRINGS)),
        5 => {
            out.push('[');
            for i in 0..rng.below(4) {
                if i > 0 {
                    out.push(',');
                }
                any_value(rng, depth + 1, out);
            }
            out.push(']');
        }
        6 if rng.chance(3) => {
            // Deeper than serde_json's limit of 128.
            let levels = 120 + rng.below(20);
            out.push_str(&"[".repeat(levels));
            out.push_str(&"]".repeat(levels));
        }
        _ => {
            let entries: Vec<(String, String)> = (0..rng.below(4))
                .map(|_| {
                    let mut value = String::new();
                    any_value(rng, depth + 1, &mut value);
                    (rng.pick(KEYS).to_owned(), value)
                })
                .collect();
            object(rng, entries, out);
        }
    }
    ws(rng, out);
}

/// Writes `entries` (key, value text) as an object, in their given order.
fn object(rng: &mut Rng, entries: Vec<(String, String)>, out: &mut String) {
    out.push('{');
    for (i, (name, value)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        ws(rng, out);
        key(rng, &name, out);
        ws(rng, out);
        out.push(':');
        out.push_str(&value);
    }
    ws(rng, out);
    out.push('}');
}

fn text(rng: &mut Rng, write: impl FnOnce(&mut Rng, &mut String)) -> String {
    let mut out = String::new();
    write(rng, &mut out);
    out
}

fn string_value(rng: &mut Rng) -> String {
    if rng.chance(1) {
        return rng.pick(BROKEN).to_owned();
    }
    rng.pick(STRINGS).to_owned()
}

/// A field value: mostly of its right type, otherwise anything.
fn either(rng: &mut Rng, valid: impl FnOnce(&mut Rng) -> String) -> String {
    if rng.chance(85) {
        valid(rng)
    } else {
        text(rng, |rng, out| any_value(rng, 1, out))
    }
}

fn ruleset(rng: &mut Rng) -> String {
    let kind = rng.pick(&[
        "\"group\"",
        "\"ownedByGroup\"",
        "\"unsafeAllowAll\"",
        "\"gr\\u006fup\"",
        "\"other\"",
        "5",
        "null",
    ]);
    let mut entries = vec![("type".to_owned(), kind.to_owned())];
    let mut add = |rng: &mut Rng, name: &str, normal: bool, value: String| {
        if (normal && rng.chance(90)) || (!normal && rng.chance(8)) {
            entries.push((name.to_owned(), value));
        }
    };
    let admin = either(rng, string_value);
    add(
        rng,
        "initialAdmin",
        kind.contains("group\"") || kind.contains("u006f"),
        admin,
    );
    let group = either(rng, string_value);
    add(rng, "group", kind.contains("ownedByGroup"), group);
    let restrict = either(rng, |rng| rng.pick(&["true", "false", "null"]).to_owned());
    let usual = kind.contains("ownedByGroup") && rng.chance(50);
    add(rng, "restrictDeletion", usual, restrict);
    finish(rng, entries)
}

fn uniqueness(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => string_value(rng),
        1 => rng.pick(&["true", "false", "null"]).to_owned(),
        2 => rng.pick(NUMBERS).to_owned(),
        3 if rng.chance(5) => rng.pick(BROKEN).to_owned(),
        3 => text(rng, |rng, out| any_value(rng, 1, out)),
        _ => {
            let entries = (0..rng.below(4))
                .map(|_| {
                    let name = rng.pick(&["a", "b", "", "\u{e9}", "createdAt"]).to_owned();
                    (name, either(rng, string_value))
                })
                .collect();
            text(rng, |rng, out| object(rng, entries, out))
        }
    }
}

/// Adds unknown and repeated fields, shuffles and writes the object.
fn finish(rng: &mut Rng, mut entries: Vec<(String, String)>) -> String {
    if rng.chance(15) {
        let value = text(rng, |rng, out| any_value(rng, 1, out));
        entries.push((rng.pick(KEYS).to_owned(), value));
    }
    if rng.chance(10) && !entries.is_empty() {
        let (name, _) = entries[rng.below(entries.len())].clone();
        let value = text(rng, |rng, out| any_value(rng, 1, out));
        entries.push((name, value));
    }
    for i in (1..entries.len()).rev() {
        entries.swap(i, rng.below(i + 1));
    }
    text(rng, |rng, out| object(rng, entries, out))
}

fn header(rng: &mut Rng) -> String {
    if rng.chance(4) {
        return text(rng, |rng, out| any_value(rng, 0, out));
    }
    let mut entries = Vec::new();
    let mut add = |rng: &mut Rng, name: &str, value: String| {
        if rng.chance(93) {
            entries.push((name.to_owned(), value));
        }
    };
    let co_type = either(rng, string_value);
    add(rng, "type", co_type);
    let rules = either(rng, ruleset);
    add(rng, "ruleset", rules);
    let meta = if rng.chance(50) {
        "null".to_owned()
    } else {
        text(rng, |rng, out| any_value(rng, 0, out))
    };
    add(rng, "meta", meta);
    let unique = uniqueness(rng);
    add(rng, "uniqueness", unique);
    if rng.chance(50) {
        let created = either(rng, |rng| {
            if rng.chance(30) {
                "null".to_owned()
            } else {
                string_value(rng)
            }
        });
        add(rng, "createdAt", created);
    }
    let mut json = finish(rng, entries);
    ws(rng, &mut json);
    if rng.chance(6) {
        let cut = rng.below(json.len());
        let cut = (0..=cut)
            .rev()
            .find(|&i| json.is_char_boundary(i))
            .unwrap_or(0);
        json.truncate(cut);
    } else if rng.chance(3) {
        json.push_str(rng.pick(&["x", ",", "}", " {}", "]"]));
    }
    json
}

/// What a result is, for the coverage check: the message without position.
fn outcome(result: &Result<String, HeaderError>) -> String {
    match result {
        Ok(_) => "ok".to_owned(),
        Err(HeaderError::Invalid(message)) => match message.find(" at line ") {
            Some(at) => message[..at].to_owned(),
            None => message.clone(),
        },
        Err(other) => other.to_string(),
    }
}

fn assert_same(json: &str, seen: &mut BTreeMap<String, usize>) {
    for strict in [false, true] {
        let ours = parsed(json, strict);
        let oracle = oracle::canonical(json, strict);
        assert_eq!(ours, oracle, "strict={strict} json={json}");
        *seen.entry(outcome(&ours)).or_default() += 1;
    }
}

#[test]
fn generated_headers_parse_as_the_oracle_parses_them() {
    let mut rng = Rng(0x5eed_c0de);
    let mut seen = BTreeMap::new();
    for _ in 0..6000 {
        assert_same(&header(&mut rng), &mut seen);
    }
    let expected = [
        "ok",
        "Invalid uniqueness: Object keys cannot be empty",
        "expected an object",
        "invalid JSON",
        "unexpected end of JSON",
        "missing field `type`",
        "`type` must be a string",
        "missing field `ruleset`",
        "missing field `uniqueness`",
        "`createdAt` must be a string or null",
        "`ruleset` must be an object",
        "unknown ruleset type",
        "unknown field in header",
        "unknown field in ruleset",
        "missing field `initialAdmin`",
        "`initialAdmin` must be a string",
        "missing field `group`",
        "`group` must be a string",
        "`restrictDeletion` must be a boolean",
        "`uniqueness` number must be a 64-bit integer",
        "`uniqueness` object values must be strings",
        "`uniqueness` cannot be an array",
    ];
    for outcome in expected {
        assert!(
            seen.get(outcome).is_some_and(|&n| n >= 5),
            "{outcome} seen too rarely: {seen:?}"
        );
    }
    assert!(seen["ok"] >= 1000, "{seen:?}");
}

#[test]
fn values_that_a_skipping_scanner_would_pass_are_rejected_as_by_the_oracle() {
    let deep = format!("{}{}", "[".repeat(130), "]".repeat(130));
    let bad_values = ["1e400", "\"\\ud800\"", "\"\\udc00x\"", deep.as_str()];
    let mut seen = BTreeMap::new();
    for bad in bad_values {
        for json in [
            format!(
                r#"{{"type":"comap","x":{bad},"ruleset":{{"type":"unsafeAllowAll"}},"uniqueness":null}}"#
            ),
            format!(
                r#"{{"type":"comap","ruleset":{{"type":"unsafeAllowAll","x":{bad}}},"uniqueness":null}}"#
            ),
            format!(
                r#"{{"type":"comap","ruleset":{{"type":"unsafeAllowAll"}},"meta":{bad},"uniqueness":null}}"#
            ),
            format!(r#"{{"type":{bad},"ruleset":{{"type":"unsafeAllowAll"}},"uniqueness":null}}"#),
            format!(r#"[{bad}]"#),
        ] {
            assert_same(&json, &mut seen);
            assert!(
                matches!(parsed(&json, false), Err(HeaderError::Invalid(_))),
                "{json}"
            );
        }
    }
    // A syntax error after a shape error is still the error reported.
    for json in [
        r#"{"type":5,"ruleset":{"type":"unsafeAllowAll"},"uniqueness":null} x"#,
        r#"{"type":5,"ruleset":[],"uniqueness":null"#,
        "[1,2",
        "5 5",
    ] {
        assert_same(json, &mut seen);
        let message = outcome(&parsed(json, true));
        assert!(message.contains("JSON"), "{json}: {message}");
    }
}

#[test]
fn uniqueness_objects_keep_only_strings_and_the_last_value_of_a_key() {
    let zeros = format!("[{}0]", "0,".repeat(1 << 20));
    let mut seen = BTreeMap::new();
    for entries in [
        r#""b":"2","a":"1""#.to_owned(),
        r#""a":[0],"a":"1""#.to_owned(),
        r#""a":"1","a":[0]"#.to_owned(),
        r#""a":{"x":"y"},"b":"2""#.to_owned(),
        r#""":"x","a":"y","a":"z""#.to_owned(),
        r#""a":null"#.to_owned(),
        r#""a":1e400"#.to_owned(),
        format!(r#""a":{zeros}"#),
        format!(r#""a":{zeros},"a":"ok""#),
    ] {
        let json = format!(
            r#"{{"type":"comap","ruleset":{{"type":"unsafeAllowAll"}},"meta":null,"uniqueness":{{{entries}}}}}"#
        );
        assert_same(&json, &mut seen);
    }
    // Strict and not: the first two and the last both ways, the empty key once.
    assert_eq!(seen["ok"], 7, "{seen:?}");
}

#[test]
fn meta_is_written_as_the_oracle_writes_its_value_tree() {
    let zeros = format!("[{}0]", "0,".repeat(1 << 20));
    let many_keys: String = (0..50_000)
        .map(|i| format!(r#""k{}":{i},"#, i % 7_000))
        .collect();
    let mut seen = BTreeMap::new();
    for meta in [
        "null".to_owned(),
        "{}".to_owned(),
        "[]".to_owned(),
        "[[],{},[{}]]".to_owned(),
        r#"{"b":1,"a":2,"b":3}"#.to_owned(),
        r#"{"a":{"z":1,"a":[{"y":1,"x":2,"y":0}]},"\u0061":null}"#.to_owned(),
        r#"{"é":1,"z":2,"Z":3,"":4,"aa":5,"a":6}"#.to_owned(),
        r#"[1e20,1e21,-0,-0.0,0.1,1E-7,123456.789,9223372036854775808,-9223372036854775809,18446744073709551616,5e-324]"#.to_owned(),
        r#"["\u0000\u001f\"\\\/\b\f\n\r\t","\ud83d\ude00","é\u2028"]"#.to_owned(),
        format!("{{{many_keys}\"end\":true}}"),
        zeros.clone(),
        format!(r#"{{"a":{zeros},"a":1}}"#),
        format!("{}0{}", "[".repeat(120), "]".repeat(120)),
        format!("{}0{}", "[".repeat(130), "]".repeat(130)),
        "[1e400]".to_owned(),
        r#"{"a":"\ud800"}"#.to_owned(),
        "[1,]".to_owned(),
    ] {
        let json = format!(
            r#"{{"type":"comap","ruleset":{{"type":"unsafeAllowAll"}},"meta":{meta},"uniqueness":null}}"#
        );
        assert_same(&json, &mut seen);
    }
    // Strict and not, for each of the first 13.
    assert_eq!(seen["ok"], 2 * 13, "{seen:?}");
}

#[test]
fn check_id_matches_comparing_the_id_text() {
    let mut rng = Rng(7);
    let mut with_leading_one = 0;
    for n in 0..3000 {
        let json = format!(
            r#"{{"type":"comap","ruleset":{{"type":"unsafeAllowAll"}},"meta":null,"uniqueness":{n}}}"#
        );
        let header = Header::parse(&json, true).unwrap();
        let id = header.co_id();
        if id.starts_with("co_z1") {
            with_leading_one += 1;
        }
        let mut claims = vec![
            id.clone(),
            format!("co_z1{}", &id[4..]),
            id[..id.len() - 1].to_owned(),
            format!("{id}1"),
            id.replacen("co_z", "co_Z", 1),
            id[4..].to_owned(),
            "co_z".to_owned(),
            String::new(),
            format!("co_z{}", "1".repeat(19)),
        ];
        let mut changed = id.clone().into_bytes();
        let at = 4 + rng.below(changed.len() - 4);
        changed[at] = rng.pick(&["1", "2", "z", "0", "O", "l", "_"]).as_bytes()[0];
        claims.push(String::from_utf8(changed).unwrap());
        if let Some(rest) = id.strip_prefix("co_z1") {
            claims.push(format!("co_z{rest}"));
        }
        for claim in claims {
            let result = header.check_id(&claim);
            assert_eq!(result.is_ok(), claim == id, "{claim} vs {id}");
            if let Err(error) = result {
                assert_eq!(
                    error,
                    HeaderError::IdMismatch {
                        expected: id.clone(),
                        actual: claim
                    }
                );
            }
        }
    }
    // Ids whose hash starts with a zero byte (a leading `1`) were covered.
    assert!(with_leading_one > 0);
}

/// The oracle's stable JSON writer sorts keys at every level.
#[test]
fn sorts_keys_at_every_level() {
    let value: Value =
        serde_json::from_str(r#"{"b":1,"a":{"z":[{"y":1,"x":2}],"c":null},"A":true}"#).unwrap();
    let mut text = String::new();
    oracle::push_value(&mut text, &value);
    assert_eq!(
        text,
        r#"{"A":true,"a":{"c":null,"z":[{"x":2,"y":1}]},"b":1}"#
    );
}
