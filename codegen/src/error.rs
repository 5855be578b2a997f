//! Diagnostics: errors that point at their source, collected and reported together.

use std::fmt;
use std::path::{Path, PathBuf};

/// A JSON pointer (RFC 6901) into the spec document, such as `#/paths/~1api~1v2~1audits~1query/post`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(String);

impl Pointer {
    /// The pointer to the document root.
    pub fn root() -> Self {
        Self(String::new())
    }

    /// This pointer extended by one reference token, escaped as RFC 6901 asks (`~` as `~0`, `/` as `~1`).
    pub fn join(&self, token: impl fmt::Display) -> Self {
        let token = token.to_string().replace('~', "~0").replace('/', "~1");
        Self(format!("{}/{}", self.0, token))
    }

    /// The pointer one level up (the root stays the root).
    pub fn parent(&self) -> Self {
        Self(self.0.rsplit_once('/').map_or_else(String::new, |(parent, _)| parent.to_owned()))
    }

    /// The pointer without the leading `#`, as `serde_json::Value::pointer` takes it.
    pub fn as_json_pointer(&self) -> &str {
        &self.0
    }

    /// The place a `$ref` within the document names (`#/components/schemas/Pet`, `#/paths/~1a%7Bid%7D/get`),
    /// its percent-escapes decoded; `None` for a reference to another file.
    pub(crate) fn of_reference(reference: &str) -> Option<Self> {
        let fragment = reference.strip_prefix('#')?;
        let decoded = percent_decoded(fragment);
        (decoded.is_empty() || decoded.starts_with('/')).then_some(Self(decoded))
    }

    /// The reference tokens, unescaped (`~1` as `/`, `~0` as `~`).
    pub(crate) fn tokens(&self) -> impl Iterator<Item = String> + '_ {
        self.0.split('/').skip(1).map(|token| token.replace("~1", "/").replace("~0", "~"))
    }

    /// The pointer whose escaped form (as [`Pointer::as_json_pointer`] gives it) is `escaped`.
    pub(crate) fn from_json_pointer(escaped: impl Into<String>) -> Self {
        Self(escaped.into())
    }
}

impl fmt::Display for Pointer {
    /// The pointer as a URI fragment (RFC 6901, section 6), percent-encoding `%` and what would break the
    /// line (control characters, line separators); the rest is left as it is, to be read.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Write::write_char(f, '#')?;
        for c in self.0.chars() {
            if c == '%' || breaks_line(c) {
                for byte in c.encode_utf8(&mut [0; 4]).bytes() {
                    write!(f, "%{byte:02X}")?;
                }
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        Ok(())
    }
}

/// A reference token as a `$ref` writes it (a URI fragment's, so percent-encoded) as the name it stands
/// for: `%XX` escapes decoded, then `~1` as `/` and `~0` as `~` (RFC 6901, sections 4 and 6).
pub(crate) fn reference_token(token: &str) -> String {
    percent_decoded(token).replace("~1", "/").replace("~0", "~")
}

/// `text` with each `%XX` escape decoded (a URI fragment's), kept as written where it is not one or does
/// not make UTF-8.
pub(crate) fn percent_decoded(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escape = (bytes[index] == b'%')
            .then(|| bytes.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match escape {
            Some(byte) => {
                out.push(byte);
                index += 3;
            }
            None => {
                out.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// Whether `c` could end or hide a line on a terminal: a control character or a line separator.
fn breaks_line(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// One problem found in the input, with the file and the place in it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The file the problem is in.
    pub file: PathBuf,
    /// Where in the file: a JSON pointer, or a line and column for syntax errors.
    pub location: Location,
    /// What is wrong, lower-case, without a trailing period.
    pub message: String,
}

/// Where a diagnostic points inside its file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    /// A JSON pointer into the parsed document.
    Pointer(Pointer),
    /// A line and column (both 1-based) of the raw text.
    LineColumn {
        /// The line, from 1.
        line: usize,
        /// The column, from 1.
        column: usize,
    },
    /// The file as a whole (it could not be read, say).
    File,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.display();
        let message = OneLine(&self.message);
        match &self.location {
            Location::Pointer(pointer) => write!(f, "{file}{pointer}: {message}"),
            Location::LineColumn { line, column } => write!(f, "{file}:{line}:{column}: {message}"),
            Location::File => write!(f, "{file}: {message}"),
        }
    }
}

/// Text displayed on one line: a control character or line separator in it (from the spec, quoted by a
/// parser's message, say) is written as its escape, so that a diagnostic stays one line.
struct OneLine<'a>(&'a str);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if breaks_line(c) {
                write!(f, "{}", c.escape_default())?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        Ok(())
    }
}

/// Every problem found in one run, sorted by place; displayed one per line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, diagnostic) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl Diagnostics {
    /// A single diagnostic about a whole file.
    pub fn file(file: &Path, message: impl Into<String>) -> Self {
        Self(vec![Diagnostic { file: file.to_path_buf(), location: Location::File, message: message.into() }])
    }
}

/// Collects diagnostics for one file while a pass walks it.
///
/// Warnings are kept apart: they say what the generator chose where the spec left it open (a name for an
/// operation without an `operationId`, say), and never stop it.
#[derive(Debug)]
pub(crate) struct Sink {
    file: PathBuf,
    found: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl Sink {
    pub(crate) fn new(file: &Path) -> Self {
        Self { file: file.to_path_buf(), found: Vec::new(), warnings: Vec::new() }
    }

    fn at(&self, pointer: &Pointer, message: impl Into<String>) -> Diagnostic {
        Diagnostic { file: self.file.clone(), location: Location::Pointer(pointer.clone()), message: message.into() }
    }

    /// Records a problem at `pointer`.
    pub(crate) fn error(&mut self, pointer: &Pointer, message: impl Into<String>) {
        let diagnostic = self.at(pointer, message);
        self.found.push(diagnostic);
    }

    /// Records a warning at `pointer`.
    pub(crate) fn warn(&mut self, pointer: &Pointer, message: impl Into<String>) {
        let diagnostic = self.at(pointer, message);
        self.warnings.push(diagnostic);
    }

    /// The warnings recorded so far, sorted by place, leaving none behind.
    pub(crate) fn take_warnings(&mut self) -> Vec<Diagnostic> {
        let mut warnings = std::mem::take(&mut self.warnings);
        warnings.sort();
        warnings.dedup();
        warnings
    }

    /// `Ok(value)` when nothing was recorded, every recorded problem otherwise.
    pub(crate) fn finish<T>(mut self, value: T) -> Result<T, Diagnostics> {
        if self.found.is_empty() {
            Ok(value)
        } else {
            self.found.sort();
            self.found.dedup();
            Err(Diagnostics(self.found))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes_slash_and_tilde() {
        let pointer = Pointer::root().join("paths").join("/api/v2/audits/query").join("post");
        assert_eq!(pointer.to_string(), "#/paths/~1api~1v2~1audits~1query/post");
        assert_eq!(Pointer::root().join("a~b").to_string(), "#/a~0b");
    }

    #[test]
    fn references_within_the_document_are_pointers() {
        let pointer = Pointer::of_reference("#/paths/~1a~1%7Bid%7D/get").unwrap();
        assert_eq!(pointer.as_json_pointer(), "/paths/~1a~1{id}/get");
        assert_eq!(pointer.tokens().collect::<Vec<_>>(), ["paths", "/a/{id}", "get"]);
        assert_eq!(Pointer::of_reference("#").unwrap(), Pointer::root());
        assert_eq!(Pointer::of_reference("other.yaml#/a"), None);
        assert_eq!(Pointer::of_reference("#a"), None);
    }

    #[test]
    fn reference_tokens_are_percent_decoded_then_unescaped() {
        assert_eq!(reference_token("a~1b~0c"), "a/b~c");
        assert_eq!(reference_token("Page%C2%ABUser%C2%BB"), "Page«User»");
        assert_eq!(reference_token("100%"), "100%");
        assert_eq!(reference_token("%7E1"), "/", "an escaped `~` is a pointer escape all the same");
        assert_eq!(percent_decoded("%FF%2"), "%FF%2", "not UTF-8, and half an escape: kept as written");
    }

    #[test]
    fn pointer_displays_line_breaks_and_percent_encoded() {
        let pointer = Pointer::root().join("a\nb").join("50%").join("{id}é");
        assert_eq!(pointer.to_string(), "#/a%0Ab/50%25/{id}é");
        assert_eq!(pointer.as_json_pointer(), "/a\nb/50%/{id}é");
    }

    #[test]
    fn diagnostic_is_one_line_with_file_and_pointer() {
        let mut sink = Sink::new(Path::new("spec/x.yaml"));
        sink.error(&Pointer::root().join("paths"), "no operations");
        // A line break the spec brings into a message is written as its escape.
        sink.error(&Pointer::root().join("x"), "unknown variant `cr\r`, or `l\u{2028}s`\n");
        let err = sink.finish(()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "spec/x.yaml#/paths: no operations\nspec/x.yaml#/x: unknown variant `cr\\r`, or `l\\u{2028}s`\\n"
        );
    }
}
