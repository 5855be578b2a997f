//! Genesys's `x-inin-error-codes`: the codes each error response of an operation can carry in the error
//! body's `code`, with what each means. They become an enum of every code (so that a caller matches a
//! known code without comparing text, and an unknown one is kept), a method of the error body that reads
//! its `code` as one, and a list in each operation's rustdoc.

use std::collections::BTreeMap;

use openapiv3::Response;

use super::types::{TypeBuilder, described_enumeration};
use super::{EnumReader, Operation, Type, TypeKind};
use crate::docs;
use crate::error::Pointer;
use crate::naming;

/// The extension, on a Response Object: a map from each code to what it means.
const EXTENSION: &str = "x-inin-error-codes";

/// The codes an error response documents, sorted; the meaning of each goes into `meanings` unless a code
/// has one there already (the first operation that documents a code, in the order operations are built,
/// gives its meaning).
pub(super) fn of_response(response: &Response, meanings: &mut BTreeMap<String, String>) -> Vec<String> {
    let Some(serde_json::Value::Object(codes)) = response.extensions.get(EXTENSION) else { return Vec::new() };
    let mut listed: Vec<String> = codes.keys().cloned().collect();
    listed.sort();
    for (code, meaning) in codes {
        let meaning = meaning.as_str().unwrap_or_default().to_owned();
        meanings.entry(code.clone()).or_insert(meaning);
    }
    listed
}

/// With codes documented: the enum of them all, the error body's method that reads its `code` as one
/// (when it has a text `code`), and each operation's `# Errors` section.
pub(super) fn define(
    meanings: BTreeMap<String, String>,
    error_body: &Type,
    operations: &mut [Operation],
    types: &mut TypeBuilder<'_>,
) {
    if meanings.is_empty() {
        return;
    }
    let name = types.names.claim(naming::type_name("ErrorCode"));
    let values = meanings.into_iter().map(|(code, meaning)| (code, docs::lines(&meaning))).collect();
    let docs = vec![
        "An error code of the API: what an error body's `code` holds when the call fails, among the codes the \
         API description documents for its operations' error statuses (`x-inin-error-codes`). Each operation \
         lists its own in its rustdoc, under \"Errors\"."
            .to_owned(),
    ];
    types.insert(name.clone(), &Pointer::root().join("paths"), docs, TypeKind::Enum(described_enumeration(values)));
    let reader = add_reader(error_body, &name, types);
    for operation in operations {
        operation.error_docs = section(&operation.error_codes, &name, reader.as_ref());
    }
}

/// The method of the error body that reads its `code` as the enum `enumeration`: `(struct, method)`.
fn add_reader(error_body: &Type, enumeration: &str, types: &mut TypeBuilder<'_>) -> Option<(String, String)> {
    let Some(Type::Named(body)) = types.unaliased(error_body).cloned() else { return None };
    let Some(TypeKind::Struct(strukt)) = types.get_mut(&body).map(|def| &mut def.kind) else { return None };
    let field = strukt.fields.iter().find(|field| field.wire_name == "code" && field.ty == Type::String)?;
    let method = naming::value_name(&format!("error_{}", field.name));
    let docs = vec![format!(
        "`{}` as an [`{enumeration}`](crate::models::{enumeration}), to match a code without comparing text; a \
         code this version does not know is kept as [`{enumeration}::Unrecognized`](crate::models::{enumeration}::Unrecognized).",
        field.name
    )];
    let reader =
        EnumReader { method: method.clone(), field: field.name.clone(), enumeration: enumeration.to_owned(), docs };
    strukt.readers.push(reader);
    Some((body, method))
}

/// An operation's `# Errors` section: the codes of each error status, in status order.
fn section(codes: &[(String, Vec<String>)], enumeration: &str, reader: Option<&(String, String)>) -> Vec<String> {
    if codes.iter().all(|(_, codes)| codes.is_empty()) {
        return Vec::new();
    }
    let read = match reader {
        Some((body, method)) => {
            format!(", as [`{body}::{method}`](crate::models::{body}::{method}) reads them from the error body")
        }
        None => String::new(),
    };
    let mut lines = vec![
        "# Errors".to_owned(),
        String::new(),
        format!(
            "The error codes the API documents for each status ([`{enumeration}`](crate::models::{enumeration}){read}):"
        ),
        String::new(),
    ];
    for (status, codes) in codes.iter().filter(|(_, codes)| !codes.is_empty()) {
        let codes: Vec<String> = codes.iter().map(|code| format!("`{code}`")).collect();
        let status = if status == "default" { "any other status" } else { status };
        lines.push(format!("- {status}: {}", codes.join(", ")));
    }
    lines
}
