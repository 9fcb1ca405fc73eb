//! Describes a `serde_json` parse error without quoting the input.
//!
//! serde_json's own messages quote the offending value or field name
//! (`invalid type: string "signerSecret_z…"`), which would put untrusted and
//! possibly secret input into error messages, at any length. This keeps only
//! the category and the position.

use serde_json::error::Category;

/// `"invalid JSON at line 1 column 7"`, `"unexpected JSON value at line 1
/// column 30"` and so on: what went wrong and where, never what was read.
pub fn describe(err: &serde_json::Error) -> String {
    let what = match err.classify() {
        Category::Syntax => "invalid JSON",
        Category::Eof => "unexpected end of JSON",
        Category::Data => "unexpected JSON value",
        Category::Io => "unreadable JSON",
    };
    format!("{what} at line {} column {}", err.line(), err.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Shape {
        a: u32,
    }

    #[test]
    fn never_quotes_values_or_field_names() {
        for input in [
            r#"{"a":"signerSecret_zSECRET"}"#,
            r#"{"SECRETFIELD":1}"#,
            r#"["SECRET"#,
            "SECRET",
        ] {
            let err = serde_json::from_str::<Shape>(input).unwrap_err();
            let text = describe(&err);
            assert!(!text.contains("SECRET"), "{text}");
            assert!(text.contains("line 1 column"), "{text}");
        }
    }

    #[test]
    fn names_the_category() {
        let eof = serde_json::from_str::<Shape>("{").unwrap_err();
        assert!(describe(&eof).starts_with("unexpected end of JSON"));
        let data = serde_json::from_str::<Shape>(r#"{"a":"x"}"#).unwrap_err();
        assert!(describe(&data).starts_with("unexpected JSON value"));
        let syntax = serde_json::from_str::<Shape>("{]").unwrap_err();
        assert!(describe(&syntax).starts_with("invalid JSON"));
    }
}
