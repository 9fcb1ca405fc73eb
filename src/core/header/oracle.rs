//! The Value-based header parser that `Header::parse` used before the
//! visitor-based one in `parse.rs`, kept only as a test oracle: the
//! equivalence test feeds both the same generated headers and expects the
//! same canonical text or the same error.

use super::HeaderError;
use crate::core::json_error;
use crate::core::stable_json;
use serde_json::{Map, Value};

fn invalid(message: impl Into<String>) -> HeaderError {
    HeaderError::Invalid(message.into())
}

/// The canonical header text, exactly as the former `Header::parse` made it.
pub(super) fn canonical(json: &str, strict: bool) -> Result<String, HeaderError> {
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
    stable_json::push_value(out, fields.get("meta").unwrap_or(&Value::Null));
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
        Value::Null | Value::Bool(_) | Value::String(_) => stable_json::push_value(out, uniqueness),
        Value::Number(n) if n.is_i64() => stable_json::push_value(out, uniqueness),
        Value::Number(_) => return Err(invalid("`uniqueness` number must be a 64-bit integer")),
        Value::Object(map) => {
            if map.values().any(|v| !v.is_string()) {
                return Err(invalid("`uniqueness` object values must be strings"));
            }
            if strict && map.keys().any(String::is_empty) {
                return Err(HeaderError::EmptyUniquenessKey);
            }
            stable_json::push_value(out, uniqueness);
        }
        Value::Array(_) => return Err(invalid("`uniqueness` cannot be an array")),
    }
    Ok(())
}
