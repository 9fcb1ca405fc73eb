//! The `ruleset` object of a header: read field by field, then checked and
//! written for its `type` (only the fields of that type are looked at).

use super::error::{invalid, unknown_field, HeaderError};
use super::fields::{next_field, string_field, Field, ObjectFields};
use crate::core::json_read::{Keep, Reading, Scalar, Skip};
use crate::core::stable_json;
use serde::de::MapAccess;

/// The `type` of a ruleset.
#[derive(Clone, Copy, Default)]
enum RulesetType {
    Group,
    OwnedByGroup,
    UnsafeAllowAll,
    /// Missing, not a string, or another name.
    #[default]
    Unknown,
}

/// The ruleset's fields as read, checked only when written.
#[derive(Default)]
pub(super) struct RulesetFields<'de> {
    kind: RulesetType,
    initial_admin: Option<Scalar<'de>>,
    group: Option<Scalar<'de>>,
    restrict_deletion: Option<Scalar<'de>>,
    /// Some key other than the four above.
    other: bool,
}

impl<'de> ObjectFields<'de> for RulesetFields<'de> {
    fn read<A: MapAccess<'de>>(&mut self, mut map: A) -> Result<(), A::Error> {
        while let Some(field) = next_field(&mut map)? {
            match field {
                Field::Type => {
                    self.kind = match map.next_value_seed(Reading(Keep))? {
                        Scalar::Str(name) => match name.as_ref() {
                            "group" => RulesetType::Group,
                            "ownedByGroup" => RulesetType::OwnedByGroup,
                            "unsafeAllowAll" => RulesetType::UnsafeAllowAll,
                            _ => RulesetType::Unknown,
                        },
                        _ => RulesetType::Unknown,
                    };
                }
                Field::InitialAdmin => {
                    self.initial_admin = Some(map.next_value_seed(Reading(Keep))?)
                }
                Field::Group => self.group = Some(map.next_value_seed(Reading(Keep))?),
                Field::RestrictDeletion => {
                    self.restrict_deletion = Some(map.next_value_seed(Reading(Keep))?);
                }
                Field::Ruleset
                | Field::Meta
                | Field::Uniqueness
                | Field::CreatedAt
                | Field::Other => {
                    self.other = true;
                    map.next_value_seed(Reading(Skip))?;
                }
            }
        }
        Ok(())
    }
}

impl RulesetFields<'_> {
    /// Only the fields of the ruleset's own `type` are checked and written.
    pub(super) fn write(self, strict: bool, out: &mut String) -> Result<(), HeaderError> {
        let fields = self;
        let has_admin = fields.initial_admin.is_some();
        let has_group = fields.group.is_some();
        let has_restrict = fields.restrict_deletion.is_some();
        match fields.kind {
            RulesetType::Group => {
                if strict && (fields.other || has_group || has_restrict) {
                    return Err(unknown_field("ruleset"));
                }
                let admin = string_field(fields.initial_admin.as_ref(), "initialAdmin")?;
                out.push_str("{\"initialAdmin\":");
                stable_json::push_string(out, admin);
                out.push_str(",\"type\":\"group\"}");
            }
            RulesetType::OwnedByGroup => {
                if strict && (fields.other || has_admin) {
                    return Err(unknown_field("ruleset"));
                }
                let group = string_field(fields.group.as_ref(), "group")?;
                out.push_str("{\"group\":");
                stable_json::push_string(out, group);
                match fields.restrict_deletion {
                    None | Some(Scalar::Null) => {}
                    Some(Scalar::Bool(true)) => out.push_str(",\"restrictDeletion\":true"),
                    Some(Scalar::Bool(false)) => out.push_str(",\"restrictDeletion\":false"),
                    Some(_) => return Err(invalid("`restrictDeletion` must be a boolean")),
                }
                out.push_str(",\"type\":\"ownedByGroup\"}");
            }
            RulesetType::UnsafeAllowAll => {
                if strict && (fields.other || has_admin || has_group || has_restrict) {
                    return Err(unknown_field("ruleset"));
                }
                out.push_str("{\"type\":\"unsafeAllowAll\"}");
            }
            RulesetType::Unknown => return Err(invalid("unknown ruleset type")),
        }
        Ok(())
    }
}
