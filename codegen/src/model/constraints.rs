//! What a schema says about its values beyond their type (format, default, example, bounds, read-only),
//! as rustdoc lines for the field or parameter that holds them.

use openapiv3::{Schema, SchemaKind, StringFormat, Type as T, VariantOrUnknownOrEmpty};

/// The longest example or default shown in full; longer ones are left out rather than cut mid-value.
const MAX_VALUE_TEXT: usize = 100;

/// One rustdoc line of facts about `schema`'s values, or none.
pub(super) fn docs(schema: &Schema) -> Vec<String> {
    let mut facts = Vec::new();
    let data = &schema.schema_data;
    if data.read_only {
        facts.push("Read-only: the server sets it, so it is optional here.".to_owned());
    }
    if data.write_only {
        facts.push("Write-only: the server does not send it back, so it is optional here.".to_owned());
    }
    if data.deprecated {
        facts.push("Deprecated.".to_owned());
    }
    facts.extend(kind_facts(&schema.schema_kind));
    if let Some(default) = data.default.as_ref().and_then(value_text) {
        facts.push(format!("Default: {default}."));
    }
    if let Some(example) = data.example.as_ref().and_then(value_text) {
        facts.push(format!("Example: {example}."));
    }
    if facts.is_empty() { Vec::new() } else { vec![facts.join(" ")] }
}

fn kind_facts(kind: &SchemaKind) -> Vec<String> {
    match kind {
        SchemaKind::Type(T::String(s)) => {
            let mut facts: Vec<String> = format_fact(&s.format).into_iter().collect();
            facts.extend(range("Length", s.min_length.map(|n| n.to_string()), s.max_length.map(|n| n.to_string())));
            if let Some(pattern) = &s.pattern {
                facts.push(format!("Matches {}.", code(pattern)));
            }
            facts
        }
        SchemaKind::Type(T::Integer(i)) => {
            let mut facts = bounds(
                i.minimum.map(|n| n.to_string()),
                i.exclusive_minimum,
                i.maximum.map(|n| n.to_string()),
                i.exclusive_maximum,
            );
            facts.extend(i.multiple_of.map(|n| format!("A multiple of {n}.")));
            let values: Vec<String> = i.enumeration.iter().flatten().map(|n| code(&n.to_string())).collect();
            if !values.is_empty() {
                facts.push(format!("One of {}.", values.join(", ")));
            }
            facts
        }
        SchemaKind::Type(T::Number(n)) => {
            let mut facts = bounds(
                n.minimum.map(|n| n.to_string()),
                n.exclusive_minimum,
                n.maximum.map(|n| n.to_string()),
                n.exclusive_maximum,
            );
            facts.extend(n.multiple_of.map(|m| format!("A multiple of {m}.")));
            facts
        }
        SchemaKind::Type(T::Array(a)) => {
            let mut facts = range("Items", a.min_items.map(|n| n.to_string()), a.max_items.map(|n| n.to_string()));
            if a.unique_items {
                facts.push("Items are unique.".to_owned());
            }
            facts
        }
        SchemaKind::Any(any) if !any.enumeration.is_empty() => {
            let values: Vec<String> = any.enumeration.iter().filter_map(value_text).collect();
            vec![format!("One of {}.", values.join(", "))]
        }
        _ => Vec::new(),
    }
}

/// What a string's `format` means for its text; dates and times have types of their own.
fn format_fact(format: &VariantOrUnknownOrEmpty<StringFormat>) -> Option<String> {
    let text = match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => "Base64-encoded bytes.".to_owned(),
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => "Binary data as text.".to_owned(),
        VariantOrUnknownOrEmpty::Item(StringFormat::Password) => "A password: keep it out of logs.".to_owned(),
        VariantOrUnknownOrEmpty::Unknown(format) => match format.as_str() {
            "uuid" => "A UUID.".to_owned(),
            "uri" | "url" => "A URI.".to_owned(),
            "email" => "An email address.".to_owned(),
            other => format!("Format: {}.", code(other)),
        },
        _ => return None,
    };
    Some(text)
}

fn bounds(min: Option<String>, exclusive_min: bool, max: Option<String>, exclusive_max: bool) -> Vec<String> {
    let mut facts = Vec::new();
    if let Some(min) = min {
        facts.push(if exclusive_min { format!("More than {min}.") } else { format!("At least {min}.") });
    }
    if let Some(max) = max {
        facts.push(if exclusive_max { format!("Less than {max}.") } else { format!("At most {max}.") });
    }
    facts
}

fn range(what: &str, min: Option<String>, max: Option<String>) -> Vec<String> {
    match (min, max) {
        (Some(min), Some(max)) if min == max => vec![format!("{what}: exactly {min}.")],
        (Some(min), Some(max)) => vec![format!("{what}: {min} to {max}.")],
        (Some(min), None) => vec![format!("{what}: at least {min}.")],
        (None, Some(max)) => vec![format!("{what}: at most {max}.")],
        (None, None) => Vec::new(),
    }
}

/// A JSON value as inline code, or `None` when it is too long to show.
fn value_text(value: &serde_json::Value) -> Option<String> {
    let text = value.to_string();
    (text.chars().count() <= MAX_VALUE_TEXT).then(|| code(&text))
}

/// Inline code that holds any text: a value with a backtick gets a longer fence.
fn code(text: &str) -> String {
    if text.contains('`') { format!("`` {text} ``") } else { format!("`{text}`") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(yaml: &str) -> Schema {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn facts_are_one_line() {
        let integer = docs(&schema("{type: integer, minimum: 1, maximum: 100, default: 25, example: 50}"));
        assert_eq!(integer, ["At least 1. At most 100. Default: `25`. Example: `50`."]);
        let string = docs(&schema("{type: string, format: uuid, readOnly: true, maxLength: 36, pattern: 'a`b'}"));
        assert_eq!(
            string,
            ["Read-only: the server sets it, so it is optional here. A UUID. Length: at most 36. Matches `` a`b ``."]
        );
        assert!(docs(&schema("{type: string}")).is_empty());
    }

    #[test]
    fn long_examples_are_left_out() {
        let long = "x".repeat(200);
        assert!(docs(&schema(&format!("{{type: string, example: '{long}'}}"))).is_empty());
    }
}
