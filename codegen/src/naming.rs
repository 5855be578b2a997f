//! Every Rust identifier the generator emits is made here, from a wire name, before any `format_ident!`.
//!
//! The rules: words are split by `heck`; characters that cannot stand in an identifier separate words; a
//! non-ASCII letter or digit is kept as `x` and its code point in hex, so two names never merge silently;
//! a leading digit gets a prefix; keywords get a trailing underscore; and a [`Namespace`] gives a name that
//! is already taken a numeric suffix, in the order names are claimed.

use std::collections::BTreeSet;

use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};

/// Rust keywords, strict and reserved, of every edition up to 2024.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// A type or variant name: `UpperCamelCase`.
pub fn type_name(wire: &str) -> String {
    finish(ascii_words(wire).to_upper_camel_case(), "X", "Value")
}

/// The name of a type defined inline in a property: the owner's name, then the property's, without saying
/// twice the words they share where one ends and the other begins (`AuditQuerySort` and `sortOrder` give
/// `AuditQuerySortOrder`, not `AuditQuerySortSortOrder`). At least one word of the property is kept, so
/// the name never equals its owner's. It depends on these two names alone, so it stays across spec bumps.
pub fn member_type_name(owner: &str, wire: &str) -> String {
    let property = type_name(wire);
    let owner_words = camel_words(owner);
    let property_words = camel_words(&property);
    let shared = (1..property_words.len())
        .rev()
        .find(|&n| n <= owner_words.len() && owner_words[owner_words.len() - n..] == property_words[..n])
        .unwrap_or(0);
    format!("{owner}{}", property_words[shared..].concat())
}

/// The words of an `UpperCamelCase` name: each starts at an upper-case letter, or at a digit after a letter.
fn camel_words(name: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = 0;
    let bytes = name.as_bytes();
    for index in 1..bytes.len() {
        let starts_word =
            bytes[index].is_ascii_uppercase() || (bytes[index].is_ascii_digit() && !bytes[index - 1].is_ascii_digit());
        if starts_word {
            words.push(&name[start..index]);
            start = index;
        }
    }
    if start < name.len() {
        words.push(&name[start..]);
    }
    words
}

/// A field, parameter, method or module name: `snake_case`.
pub fn value_name(wire: &str) -> String {
    finish(ascii_words(wire).to_snake_case(), "x_", "value")
}

/// The longest module name, in bytes: with `.rs` it stays well within the 255 bytes a file name may have
/// on common file systems, whatever folder the crate is in.
const MODULE_NAME_MAX: usize = 120;

/// The module (and file) name of a type or an operation, its Rust name in snake case: a name longer than
/// file systems allow is cut, and ends with a hash of the whole name so that two long names that start
/// alike stay apart. Modules are private, so the cut name is seen in file names only.
pub fn module_name(rust_name: &str) -> String {
    let name = value_name(rust_name);
    if name.len() <= MODULE_NAME_MAX {
        return name;
    }
    // FNV-1a: stable across runs and platforms, as regeneration must be byte for byte.
    let hash = name.bytes().fold(0x811c_9dc5_u32, |hash, byte| (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193));
    let mut cut = MODULE_NAME_MAX - 9;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{hash:08x}", &name[..cut])
}

/// The name of an operation without an `operationId`, from its method and path: the method, then each path
/// segment, a `{parameter}` as `by` and its name, in snake case (`get /pets/{petId}` → `get_pets_by_pet_id`,
/// `get /` → `get_root`). It changes only when the method or the path does.
pub fn route_name(method: &str, path: &str) -> String {
    let mut words = vec![method.to_owned()];
    for segment in path.split('/').filter(|segment| !segment.is_empty()) {
        words.push(segment.replace('{', " by ").replace('}', " "));
    }
    if words.len() == 1 {
        words.push("root".to_owned());
    }
    value_name(&words.join(" "))
}

/// The Cargo feature of a tag: kebab case (`Telephony Providers Edge` → `telephony-providers-edge`);
/// `default`, which Cargo reserves, and names that do not start with a letter get a `tag-` prefix.
pub fn feature_name(tag: &str) -> String {
    let name = ascii_words(tag).to_kebab_case();
    if name == "default" || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        format!("tag-{name}").trim_end_matches('-').to_owned()
    } else {
        name
    }
}

/// Replaces what cannot stand in an identifier, so that heck sees only ASCII words.
fn ascii_words(wire: &str) -> String {
    let mut out = String::with_capacity(wire.len());
    for c in wire.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c.is_alphanumeric() {
            // Kept as its code point, as a word of its own, so that "é" and "è" stay apart.
            out.push_str(&format!(" x{:x} ", c as u32));
        } else {
            out.push(' ');
        }
    }
    out
}

fn finish(name: String, digit_prefix: &str, empty: &str) -> String {
    let name = if name.is_empty() { empty.to_owned() } else { name };
    let name = if name.starts_with(|c: char| c.is_ascii_digit()) { format!("{digit_prefix}{name}") } else { name };
    if KEYWORDS.contains(&name.as_str()) { format!("{name}_") } else { name }
}

/// The names already used in one scope (a module, a struct's fields, an enum's variants).
#[derive(Debug, Default)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// A namespace in which `reserved` are already taken (names the runtime or the emitter use).
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self { taken: reserved.iter().map(|name| (*name).to_owned()).collect() }
    }

    /// Claims `candidate`, or `candidate2`, `candidate3`, ... if it is taken; returns what it claimed.
    pub fn claim(&mut self, candidate: String) -> String {
        if self.taken.insert(candidate.clone()) {
            return candidate;
        }
        // `Self_` becomes `Self2`, not `Self_2`, which the camel-case lint rejects; `v2` becomes `v2_2`.
        let base = candidate.trim_end_matches('_');
        let base = if base.is_empty() { candidate.as_str() } else { base };
        let separator = if base.ends_with(|c: char| c.is_ascii_digit()) { "_" } else { "" };
        (2..)
            .map(|n| format!("{base}{separator}{n}"))
            .find(|name| self.taken.insert(name.clone()))
            .expect("an unbounded range always yields a free name")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_fit_in_a_file_name_and_long_ones_stay_apart() {
        assert_eq!(module_name("PostAuditsQuery"), "post_audits_query");
        let long = |tail: &str| module_name(&format!("{}{tail}", "Very".repeat(80)));
        let (one, other) = (long("One"), long("Other"));
        assert!(one.len() <= MODULE_NAME_MAX && other.len() <= MODULE_NAME_MAX, "{one}");
        assert_ne!(one, other, "names that start alike keep apart");
        assert_eq!(one, long("One"), "the same name, the same module");
        assert!(one.starts_with("very_very_"), "{one}");
    }

    #[test]
    fn features_are_kebab_case_tags() {
        assert_eq!(feature_name("Telephony Providers Edge"), "telephony-providers-edge");
        assert_eq!(feature_name("Audit"), "audit");
        assert_eq!(feature_name("AI Studio"), "ai-studio");
        assert_eq!(feature_name("default"), "tag-default");
        assert_eq!(feature_name("3rd party"), "tag-3rd-party");
        assert_eq!(feature_name("!"), "tag");
    }

    #[test]
    fn member_type_names_do_not_repeat_the_owners_last_words() {
        assert_eq!(member_type_name("AuditQuerySort", "sortOrder"), "AuditQuerySortOrder");
        assert_eq!(member_type_name("AuditQuerySort", "name"), "AuditQuerySortName");
        assert_eq!(member_type_name("AuditLogMessage", "messageParams"), "AuditLogMessageParams");
        assert_eq!(member_type_name("QueueMember", "memberRoutingStatus"), "QueueMemberRoutingStatus");
        // The whole property repeated: nothing is dropped, so the name is not its owner's.
        assert_eq!(member_type_name("UserRoutingStatus", "routingStatus"), "UserRoutingStatusRoutingStatus");
        assert_eq!(member_type_name("Sort", "sort"), "SortSort");
        assert_eq!(member_type_name("Sort", "sort_order"), "SortOrder");
        // Words are compared whole: `Pet` does not end `Carpet`.
        assert_eq!(member_type_name("Carpet", "petType"), "CarpetPetType");
        assert_eq!(member_type_name("Item", "v2Status"), "ItemV2Status");
    }

    #[test]
    fn type_names_are_upper_camel_case() {
        assert_eq!(type_name("AuditLogMessage"), "AuditLogMessage");
        assert_eq!(type_name("workforce.management.agent.availability"), "WorkforceManagementAgentAvailability");
        assert_eq!(type_name("SUCCESS"), "Success");
        assert_eq!(type_name("audits:audit:view"), "AuditsAuditView");
    }

    #[test]
    fn value_names_are_snake_case() {
        assert_eq!(value_name("getAuditsQueryTransactionIdResults"), "get_audits_query_transaction_id_results");
        assert_eq!(value_name("pageSize"), "page_size");
        assert_eq!(value_name("ININ-Correlation-Id"), "inin_correlation_id");
        assert_eq!(value_name("selfUri"), "self_uri");
    }

    #[test]
    fn operations_without_an_id_are_named_from_method_and_path() {
        assert_eq!(route_name("get", "/pets/{petId}"), "get_pets_by_pet_id");
        assert_eq!(route_name("post", "/api/v2/users/{userId}/roles"), "post_api_v2_users_by_user_id_roles");
        assert_eq!(route_name("get", "/"), "get_root");
        assert_eq!(route_name("delete", "/files/{name}.json"), "delete_files_by_name_json");
        assert_eq!(route_name("patch", "/a-b/c_d/{x-id}"), "patch_a_b_c_d_by_x_id");
    }

    #[test]
    fn keywords_get_a_trailing_underscore() {
        assert_eq!(value_name("type"), "type_");
        assert_eq!(value_name("self"), "self_");
        assert_eq!(value_name("async"), "async_");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(value_name("gen"), "gen_");
    }

    #[test]
    fn leading_digits_get_a_prefix() {
        assert_eq!(type_name("2fa"), "X2fa");
        assert_eq!(value_name("1stPlace"), "x_1st_place");
        assert_eq!(type_name("404"), "X404");
    }

    #[test]
    fn names_without_letters_fall_back() {
        assert_eq!(type_name(""), "Value");
        assert_eq!(value_name("$$"), "value");
        assert_eq!(type_name("-"), "Value");
    }

    #[test]
    fn non_ascii_letters_become_code_points() {
        assert_eq!(value_name("größe"), "gr_xf6_xdf_e");
        assert_eq!(type_name("é"), "Xe9");
        assert_ne!(type_name("é"), type_name("è"));
        assert!(type_name("名前").is_ascii());
    }

    #[test]
    fn namespace_suffixes_collisions_in_claim_order() {
        let mut names = Namespace::with_reserved(&["unrecognized"]);
        assert_eq!(names.claim(value_name("entityType")), "entity_type");
        assert_eq!(names.claim(value_name("entity_type")), "entity_type2");
        assert_eq!(names.claim(value_name("EntityType")), "entity_type3");
        assert_eq!(names.claim("unrecognized".to_owned()), "unrecognized2");
        assert_eq!(names.claim("v2".to_owned()), "v2");
        assert_eq!(names.claim("v2".to_owned()), "v2_2");
        assert_eq!(names.claim(type_name("Self")), "Self_");
        assert_eq!(names.claim(type_name("self")), "Self2");
        assert_eq!(names.claim(value_name("type")), "type_");
        assert_eq!(names.claim(value_name("type")), "type2");
    }

    #[test]
    fn every_name_is_a_valid_identifier() {
        for wire in ["", "a b", "x-y", "9", "Ω", "__", "type", "crate", "r#x", "a.b.c", "ÄÖÜ", "_1"] {
            for name in [type_name(wire), value_name(wire)] {
                assert!(syn::parse_str::<syn::Ident>(&name).is_ok(), "{wire:?} gave {name:?}");
            }
        }
    }
}
