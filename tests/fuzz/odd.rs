//! Odd values to put where a spec or a body has ordinary ones: text that is empty, blank, not ASCII, a
//! Rust keyword, JSON pointer or path template syntax, very long, control characters, or digits first;
//! numbers at the edges of the types they land in; and twins of a name, which differ on the wire but not
//! once made a Rust identifier.

use fastrand::Rng;
use serde_json::{Number, Value};

/// Text that has broken parsers, pointers, identifiers, doc comments and string literals before.
const TEXTS: &[&str] = &[
    "",
    " ",
    "\t",
    "\n",
    "\r\n",
    "é",
    "名前",
    "🦀",
    "Ω≈ç√",
    "\u{200b}",
    "\u{feff}",
    "\u{2028}",
    "\u{85}",
    "\u{7f}",
    "\u{0}",
    "\u{7}",
    "\u{1b}[31m",
    "self",
    "Self",
    "type",
    "crate",
    "super",
    "r#type",
    "async",
    "_",
    "__",
    "{",
    "}",
    "{}",
    "{id}",
    "{{x}}",
    "/",
    "//",
    "#",
    "#/",
    "~",
    "~0",
    "~1",
    "%2F",
    "\"",
    "\\",
    "'",
    "`",
    "```rust\nfn main() {}\n```",
    "*/",
    "/*",
    "///",
    "#![deny(warnings)]",
    "]]",
    "<script>",
    "${x}",
    "1",
    "0x1F",
    "1st",
    "123abc",
    "-1",
    "null",
    "true",
    "3.0.3",
    "3.1.0",
    "application/json",
    "*/*",
    "default",
    "2XX",
    "unrecognized",
    "additional_properties",
];

/// Odd text: one of [`TEXTS`], a very long word, or random characters from across Unicode.
pub fn text(rng: &mut Rng) -> String {
    match rng.usize(..10) {
        0 => {
            let unit = ["a", "ab/", "é", "{x}"][rng.usize(..4)];
            unit.repeat(rng.usize(1_000..20_000) / unit.len())
        }
        1 => (0..rng.usize(1..12)).map(|_| any_char(rng)).collect(),
        _ => TEXTS[rng.usize(..TEXTS.len())].to_owned(),
    }
}

/// A character from anywhere: ASCII, controls, Latin, CJK, emoji.
fn any_char(rng: &mut Rng) -> char {
    let ranges = [(0x00, 0x80), (0x80, 0x250), (0x4e00, 0x4f00), (0x1f600, 0x1f650), (0x2000, 0x2070)];
    let (low, high) = ranges[rng.usize(..ranges.len())];
    char::from_u32(rng.u32(low..high)).unwrap_or('?')
}

/// A number at an edge: zero, negative, fractional, beyond `i32`, `i64` or `u64`, tiny or huge.
pub fn number(rng: &mut Rng) -> Value {
    let float = |f: f64| Number::from_f64(f).map_or(Value::Null, Value::Number);
    match rng.usize(..10) {
        0 => Value::from(0),
        1 => Value::from(-1),
        2 => float(1.5),
        3 => Value::from(2_147_483_648_i64),
        4 => Value::from(i64::MIN),
        5 => Value::from(u64::MAX),
        6 => float(1e300),
        7 => float(-1e-300),
        8 => float(-0.0),
        _ => Value::from(rng.i64(..)),
    }
}

/// A name that differs from `name` but that the generator may make the same Rust name of: another case
/// style, a separator more, a numeric suffix like the generator's own, or the same with odd text around.
pub fn twin(name: &str, rng: &mut Rng) -> String {
    let candidates = [
        snake(name),
        lower_camel(name),
        upper_camel(name),
        name.to_uppercase(),
        name.replace(['_', ' '], "-"),
        format!("{name}_"),
        format!("_{name}"),
        format!("{name}2"),
        format!("{name} "),
        format!("{name}.{name}"),
        format!("{name}/"),
    ];
    let start = rng.usize(..candidates.len());
    let found = candidates.iter().cycle().skip(start).take(candidates.len()).find(|twin| twin.as_str() != name);
    found.cloned().unwrap_or_else(|| format!("{name}_"))
}

/// The words of a name: split at separators and before an upper-case letter that follows a lower-case one.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            words.extend((!current.is_empty()).then(|| std::mem::take(&mut current)));
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.push(c);
    }
    words.extend((!current.is_empty()).then_some(current));
    words
}

/// `snake_case`.
fn snake(name: &str) -> String {
    words(name).iter().map(|w| w.to_lowercase()).collect::<Vec<_>>().join("_")
}

/// `UpperCamelCase`.
pub fn upper_camel(name: &str) -> String {
    words(name).iter().map(|w| capitalised(w)).collect()
}

/// `lowerCamelCase`.
fn lower_camel(name: &str) -> String {
    let upper = upper_camel(name);
    let mut chars = upper.chars();
    chars.next().map(|first| first.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

/// `word` in lower case with its first letter in upper case.
fn capitalised(word: &str) -> String {
    let lower = word.to_lowercase();
    let mut chars = lower.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[test]
fn twins_differ_from_their_name() {
    let mut rng = Rng::with_seed(1);
    for name in ["fooBar", "foo_bar", "FOO", "x", "", "getAuditsQuery", "/api/v2/audits"] {
        for _ in 0..20 {
            assert_ne!(twin(name, &mut rng), name);
        }
    }
    assert_eq!(snake("fooBar"), "foo_bar");
    assert_eq!(upper_camel("foo_bar"), "FooBar");
    assert_eq!(lower_camel("foo-bar"), "fooBar");
}
