//! Where each part of a converted document came from, so that a diagnostic about the 3.0 form points
//! into the 2.0 file the user holds.

use std::collections::HashMap;

use crate::error::{Diagnostic, Location, Pointer};

/// Pointers of the converted document that moved, with the pointer each had in the original one.
///
/// A pointer below a moved one moved with it: `#/components/schemas/Pet/properties/id` is below
/// `#/components/schemas`, recorded as `#/definitions`, so it came from `#/definitions/Pet/properties/id`.
/// A pointer with no recorded ancestor did not move.
#[derive(Debug, Default)]
pub(crate) struct Origins {
    moved: HashMap<String, String>,
    /// Whole sections that moved (`components/schemas` was `definitions`), as messages name them.
    sections: Vec<(String, String)>,
    /// `$ref`s as the converted document writes them, with the text the original has for each: a name
    /// 3.0 cannot hold was changed, and a message quotes the reference as the user wrote it.
    references: HashMap<String, String>,
}

impl Origins {
    /// Records that what is at `converted` was at `original`.
    pub(crate) fn record(&mut self, converted: &Pointer, original: &Pointer) {
        if converted != original {
            self.moved.insert(converted.as_json_pointer().to_owned(), original.as_json_pointer().to_owned());
        }
    }

    /// Records that the `$ref` written `converted` was written `original`.
    pub(crate) fn record_reference(&mut self, converted: &str, original: &str) {
        if !self.references.contains_key(converted) {
            self.references.insert(converted.to_owned(), original.to_owned());
        }
    }

    /// Records that the section at `converted` was at `original`, entries and all.
    pub(crate) fn record_section(&mut self, converted: &Pointer, original: &Pointer) {
        self.record(converted, original);
        let name = |pointer: &Pointer| pointer.as_json_pointer().trim_start_matches('/').to_owned();
        self.sections.push((name(converted), name(original)));
    }

    /// The pointer in the original document of what is at `pointer` in the converted one.
    pub(crate) fn original(&self, pointer: &Pointer) -> Pointer {
        let full = pointer.as_json_pointer();
        let mut prefix = full;
        loop {
            if let Some(original) = self.moved.get(prefix) {
                return Pointer::from_json_pointer(format!("{original}{}", &full[prefix.len()..]));
            }
            // Escaped tokens hold no `/`, so each cut is one token up.
            match prefix.rfind('/') {
                Some(cut) => prefix = &prefix[..cut],
                None => return pointer.clone(),
            }
        }
    }

    /// `diagnostic` pointing into the original document, when it points into the converted one; the
    /// places and sections its message names are the original ones too.
    pub(crate) fn relocate(&self, mut diagnostic: Diagnostic) -> Diagnostic {
        if let Location::Pointer(pointer) = &diagnostic.location {
            diagnostic.location = Location::Pointer(self.original(pointer));
        }
        diagnostic.message = self.relocate_text(&diagnostic.message);
        diagnostic
    }

    /// `text` with each pointer in it (`#/...`, up to a quote, a space or punctuation) as the original
    /// one, and each moved section named as it was (`in components/schemas` as `in definitions`).
    fn relocate_text(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("#/") {
            out.push_str(&rest[..start]);
            let token = &rest[start + 1..];
            let end = token.find(|c: char| c.is_whitespace() || "\"'`,;)".contains(c)).unwrap_or(token.len());
            match self.references.get(&rest[start..start + 1 + end]) {
                Some(written) => out.push_str(written),
                None => out.push_str(&self.original(&Pointer::from_json_pointer(&token[..end])).to_string()),
            }
            rest = &token[end..];
        }
        out.push_str(rest);
        for (converted, original) in &self.sections {
            out = out.replace(&format!(" in {converted}"), &format!(" in {original}"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(tokens: &[&str]) -> Pointer {
        tokens.iter().fold(Pointer::root(), |pointer, token| pointer.join(token))
    }

    #[test]
    fn the_nearest_moved_ancestor_gives_the_original() {
        let mut origins = Origins::default();
        origins.record(&at(&["components", "schemas"]), &at(&["definitions"]));
        origins.record(&at(&["components", "schemas", "Foo_Bar_"]), &at(&["definitions", "Foo«Bar»"]));
        let body = at(&["paths", "/pets", "post", "requestBody"]);
        origins.record(&body, &at(&["paths", "/pets", "post", "parameters", "1"]));
        origins.record(
            &body.join("content").join("application/json").join("schema"),
            &at(&["paths", "/pets", "post", "parameters", "1", "schema"]),
        );

        let moved = |tokens: &[&str]| origins.original(&at(tokens)).to_string();
        assert_eq!(moved(&["components", "schemas", "Pet", "properties", "id"]), "#/definitions/Pet/properties/id");
        assert_eq!(moved(&["components", "schemas", "Foo_Bar_", "type"]), "#/definitions/Foo«Bar»/type");
        assert_eq!(
            moved(&["paths", "/pets", "post", "requestBody", "content", "application/json", "schema", "items"]),
            "#/paths/~1pets/post/parameters/1/schema/items"
        );
        assert_eq!(
            moved(&["paths", "/pets", "post", "requestBody", "required"]),
            "#/paths/~1pets/post/parameters/1/required"
        );
        assert_eq!(moved(&["paths", "/pets", "post", "operationId"]), "#/paths/~1pets/post/operationId");
        assert_eq!(moved(&[]), "#");
    }

    #[test]
    fn messages_name_the_original_places_and_sections() {
        let mut origins = Origins::default();
        origins.record_section(&at(&["components", "schemas"]), &at(&["definitions"]));
        let text = "reference \"#/components/schemas/Gone\" names no schema in components/schemas; \
                    #/components/schemas/A -> #/components/schemas/B, and `#/paths/~1a`";
        assert_eq!(
            origins.relocate_text(text),
            "reference \"#/definitions/Gone\" names no schema in definitions; #/definitions/A -> #/definitions/B, \
             and `#/paths/~1a`"
        );
    }
}
