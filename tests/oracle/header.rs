//! A plain header parser over a `serde_json::Value` tree: the oracle that
//! `Header::parse` (which reads the text field by field, without a tree) is
//! held to. The equivalence tests feed both the same headers and expect the
//! same canonical text or the same error.

use cojson_native::core::header::HeaderError;
use cojson_native::core::json_error;
use cojson_native::core::stable_json;
use serde_json::{Map, Value};

fn invalid(message: impl Into<String>) -> HeaderError {
    HeaderError::Invalid(message.into())
}

/// The canonical header text, or why the header is refused.
pub fn canonical(json: &str, strict: bool) -> Result<String, HeaderError> {
    let value: Value = serde_json::from_str(json).map_err(|e| invalid(json_error::describe(&e)))?;
    let Value::Object(fields) = value else {
        return Err(invalid("expected an object"));
    };
    let mut canonical = String::with_capacity(json.len());
    write_canonical(&fields, strict, &mut canonical)?;
    Ok(canonical)
}

fn reject_unknown(
    fields: &Map<String, Value>,
    known: &[&str],
    what: &str,
) -> Result<(), HeaderError> {
    match fields.keys().find(|k| !known.contains(&k.as_str())) {
        Some(_) => Err(invalid(format!("unknown field in {what}"))),
        None => Ok(()),
    }
}

fn string_field<'a>(fields: &'a Map<String, Value>, name: &str) -> Result<&'a str, HeaderError> {
    match fields.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(invalid(format!("`{name}` must be a string"))),
        None => Err(invalid(format!("missing field `{name}`"))),
    }
}

fn write_key(out: &mut String, key: &str) {
    stable_json::push_string(out, key);
    out.push(':');
}

fn write_canonical(
    fields: &Map<String, Value>,
    strict: bool,
    out: &mut String,
) -> Result<(), HeaderError> {
    if strict {
        reject_unknown(
            fields,
            &["createdAt", "meta", "ruleset", "type", "uniqueness"],
            "header",
        )?;
    }
    let co_type = string_field(fields, "type")?;
    let ruleset = fields
        .get("ruleset")
        .ok_or_else(|| invalid("missing field `ruleset`"))?;
    let uniqueness = fields
        .get("uniqueness")
        .ok_or_else(|| invalid("missing field `uniqueness`"))?;

    out.push('{');
    match fields.get("createdAt") {
        None => {}
        Some(Value::Null) => out.push_str("\"createdAt\":null,"),
        Some(Value::String(s)) => {
            write_key(out, "createdAt");
            stable_json::push_string(out, s);
            out.push(',');
        }
        Some(_) => return Err(invalid("`createdAt` must be a string or null")),
    }
    write_key(out, "meta");
    push_value(out, fields.get("meta").unwrap_or(&Value::Null));
    out.push(',');
    write_key(out, "ruleset");
    write_ruleset(ruleset, strict, out)?;
    out.push(',');
    write_key(out, "type");
    stable_json::push_string(out, co_type);
    out.push(',');
    write_key(out, "uniqueness");
    write_uniqueness(uniqueness, strict, out)?;
    out.push('}');
    Ok(())
}

fn write_ruleset(ruleset: &Value, strict: bool, out: &mut String) -> Result<(), HeaderError> {
    let Value::Object(fields) = ruleset else {
        return Err(invalid("`ruleset` must be an object"));
    };
    match fields.get("type").and_then(Value::as_str) {
        Some("group") => {
            if strict {
                reject_unknown(fields, &["type", "initialAdmin"], "ruleset")?;
            }
            let admin = string_field(fields, "initialAdmin")?;
            out.push_str("{\"initialAdmin\":");
            stable_json::push_string(out, admin);
            out.push_str(",\"type\":\"group\"}");
        }
        Some("ownedByGroup") => {
            if strict {
                reject_unknown(fields, &["type", "group", "restrictDeletion"], "ruleset")?;
            }
            let group = string_field(fields, "group")?;
            out.push_str("{\"group\":");
            stable_json::push_string(out, group);
            match fields.get("restrictDeletion") {
                None | Some(Value::Null) => {}
                Some(Value::Bool(flag)) => {
                    out.push_str(if *flag {
                        ",\"restrictDeletion\":true"
                    } else {
                        ",\"restrictDeletion\":false"
                    });
                }
                Some(_) => return Err(invalid("`restrictDeletion` must be a boolean")),
            }
            out.push_str(",\"type\":\"ownedByGroup\"}");
        }
        Some("unsafeAllowAll") => {
            if strict {
                reject_unknown(fields, &["type"], "ruleset")?;
            }
            out.push_str("{\"type\":\"unsafeAllowAll\"}");
        }
        _ => return Err(invalid("unknown ruleset type")),
    }
    Ok(())
}

fn write_uniqueness(uniqueness: &Value, strict: bool, out: &mut String) -> Result<(), HeaderError> {
    match uniqueness {
        Value::Null | Value::Bool(_) | Value::String(_) => push_value(out, uniqueness),
        Value::Number(n) if n.is_i64() => push_value(out, uniqueness),
        Value::Number(_) => return Err(invalid("`uniqueness` number must be a 64-bit integer")),
        Value::Object(map) => {
            if map.values().any(|v| !v.is_string()) {
                return Err(invalid("`uniqueness` object values must be strings"));
            }
            if strict && map.keys().any(String::is_empty) {
                return Err(HeaderError::EmptyUniquenessKey);
            }
            push_value(out, uniqueness);
        }
        Value::Array(_) => return Err(invalid("`uniqueness` cannot be an array")),
    }
    Ok(())
}

/// Appends `value` as stable JSON: object keys in sorted (byte) order at
/// every level, numbers as `stable_json::push_number` writes them.
pub fn push_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => stable_json::push_number(out, number),
        Value::String(text) => stable_json::push_string(out, text),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                stable_json::push_string(out, key);
                out.push(':');
                push_value(out, item);
            }
            out.push('}');
        }
    }
}
