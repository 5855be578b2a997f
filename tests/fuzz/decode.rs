//! The client's decode path (`runtime::decode_json_body`, what every JSON success response goes through)
//! on the fixture page of audit results, mutated as a document (members deleted, values of another type,
//! odd text, numbers beyond any type, deep nesting) and as bytes (truncated, garbage and invalid UTF-8
//! inserted, slices deleted or repeated). Each body gives a value or a `Decode` error with the path of the
//! place that failed, never a panic; a value encodes and decodes back to itself.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use fastrand::Rng;
use genesys_cloud_audit::models::AuditQueryExecutionResultsResponse as Page;
use genesys_cloud_runtime::{Error, decode_json_body};
use serde_json::Value;

use crate::{Config, PANICS, Tally, WRONG, mutate, run_cases};

/// Cases per CI run, of each test: a decode takes well under a millisecond.
const CASES: usize = 3_000;
/// The longest one decode may take before it counts as a hang.
const LIMIT: Duration = Duration::from_secs(30);

/// The fixture page, as the server sends it.
fn page_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let path = audit_tests::data_fixture("audit-results-page.json");
        std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("read {}: {err}", path.display()))
    })
}

/// A mutated body and what was done to it.
struct Body {
    bytes: Vec<u8>,
    mutations: Vec<String>,
}

/// Case `case` of the document mutations: the page as a JSON value, mutated, then written out, with an
/// extreme put in as text half the time.
fn mutated_document(config: &Config, case: usize) -> Body {
    let mut rng = config.rng(case);
    let mut doc: Value = serde_json::from_str(page_text()).unwrap_or_else(|err| panic!("the page is JSON: {err}"));
    let mut mutations = mutate::mutate(&mut doc, &mut rng, mutate::DATA);
    // What a JSON value cannot hold (a number beyond f64, nesting deeper than the decoder allows, a lone
    // surrogate) goes in as text, where a placeholder string stands.
    let mut extreme = None;
    if rng.bool() {
        if let Some(path) = mutate::any_node(&doc, &mut rng) {
            let text = extreme_text(&mut rng);
            mutations.push(format!("extreme {}: {}", mutate::pointer(&path), short(&text)));
            if let Some(node) = mutate::get_mut(&mut doc, &path) {
                *node = Value::String(PLACEHOLDER.to_owned());
                extreme = Some(text);
            }
        }
    }
    let mut text = serde_json::to_string(&doc).unwrap_or_else(|err| panic!("a JSON value is JSON: {err}"));
    if let Some(extreme) = extreme {
        let placeholder = Value::String(PLACEHOLDER.to_owned()).to_string();
        text = text.replacen(&placeholder, &extreme, 1);
    }
    Body { bytes: text.into_bytes(), mutations }
}

/// Where an extreme goes in the document before it is written out.
const PLACEHOLDER: &str = "\u{1}extreme\u{1}";

/// JSON text at the edges: numbers no Rust number holds, nesting around the decoder's depth limit, and
/// string escapes that are no characters.
fn extreme_text(rng: &mut Rng) -> String {
    let nested = |depth: usize, open: &str, close: &str| format!("{}1{}", open.repeat(depth), close.repeat(depth));
    let depth = [64, 127, 128, 129, 1_000, 100_000][rng.usize(..6)];
    match rng.usize(..4) {
        0 => nested(depth, "[", "]"),
        1 => nested(depth, "{\"a\":", "}"),
        2 => [
            format!("1{}", "0".repeat(400)),
            "1e400".to_owned(),
            "-1e400".to_owned(),
            "1e-400".to_owned(),
            "18446744073709551616".to_owned(),
            "-9223372036854775809".to_owned(),
            "2147483648".to_owned(),
            "-0".to_owned(),
            "1E+2".to_owned(),
            format!("0.{}1", "0".repeat(1_000)),
        ][rng.usize(..10)]
        .clone(),
        _ => ["\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\u0000\"", "\"\\/\"", "\"\\x41\"", "\"\\uD83E\\uDD80\""]
            [rng.usize(..6)]
        .to_owned(),
    }
}

/// A byte mutation: changes the body and says what it did.
type ByteMutation = fn(&mut Vec<u8>, &mut Rng) -> String;

/// The byte mutations; each is picked as often as the others.
const BYTE_MUTATIONS: &[ByteMutation] =
    &[truncate, insert_garbage, flip, invalid_utf8, delete_slice, repeat_slice, open_deeply];

/// Case `case` of the byte mutations: the page as sent, with one to four byte mutations.
fn mutated_bytes(config: &Config, case: usize) -> Body {
    let mut rng = config.rng(case);
    let mut bytes = page_text().as_bytes().to_vec();
    let mut mutations = vec![BYTE_MUTATIONS[rng.usize(..BYTE_MUTATIONS.len())](&mut bytes, &mut rng)];
    while mutations.len() < 4 && rng.bool() {
        mutations.push(BYTE_MUTATIONS[rng.usize(..BYTE_MUTATIONS.len())](&mut bytes, &mut rng));
    }
    Body { bytes, mutations }
}

/// Cuts the body short.
fn truncate(bytes: &mut Vec<u8>, rng: &mut Rng) -> String {
    let at = rng.usize(..=bytes.len());
    bytes.truncate(at);
    format!("truncate at byte {at}")
}

/// Inserts random bytes.
fn insert_garbage(bytes: &mut Vec<u8>, rng: &mut Rng) -> String {
    let at = rng.usize(..=bytes.len());
    let garbage: Vec<u8> = (0..rng.usize(1..16)).map(|_| rng.u8(..)).collect();
    let description = format!("insert {garbage:02x?} at byte {at}");
    bytes.splice(at..at, garbage);
    description
}

/// Flips one bit.
#[allow(clippy::ptr_arg, reason = "a byte mutation, of the same type as those that change the length")]
fn flip(bytes: &mut Vec<u8>, rng: &mut Rng) -> String {
    let Some(at) = (!bytes.is_empty()).then(|| rng.usize(..bytes.len())) else { return "flip nothing".to_owned() };
    bytes[at] ^= 1 << rng.u8(..8);
    format!("flip a bit of byte {at}")
}

/// Inserts a byte sequence that is not UTF-8, inside a string half the time.
fn invalid_utf8(bytes: &mut Vec<u8>, rng: &mut Rng) -> String {
    const SEQUENCES: &[&[u8]] = &[
        &[0xff],
        &[0xc0, 0x80],
        &[0xed, 0xa0, 0x80],
        &[0xf4, 0x90, 0x80, 0x80],
        &[0xe2, 0x82],
        &[0x80],
        &[0xfe, 0xfe],
    ];
    let sequence = SEQUENCES[rng.usize(..SEQUENCES.len())];
    let quotes: Vec<usize> = bytes.iter().enumerate().filter(|(_, b)| **b == b'"').map(|(i, _)| i + 1).collect();
    let at = match rng.choice(quotes) {
        Some(after_quote) if rng.bool() => after_quote,
        _ => rng.usize(..=bytes.len()),
    };
    bytes.splice(at..at, sequence.iter().copied());
    format!("insert {sequence:02x?} at byte {at}")
}

/// Removes up to 63 bytes.
fn delete_slice(bytes: &mut Vec<u8>, rng: &mut Rng) -> String {
    let start = rng.usize(..=bytes.len());
    let end = (start + rng.usize(1..64)).min(bytes.len());
    bytes.drain(start..end);
    format!("delete bytes {start}..{end}")
}

/// Inserts a copy of up to 255 bytes elsewhere.
fn repeat_slice(bytes: &mut Vec<u8>, rng: &mut Rng) -> String {
    let start = rng.usize(..=bytes.len());
    let end = (start + rng.usize(1..256)).min(bytes.len());
    let copy = bytes[start..end].to_vec();
    let at = rng.usize(..=bytes.len());
    bytes.splice(at..at, copy);
    format!("repeat bytes {start}..{end} at byte {at}")
}

/// Opens arrays or objects deeply, closed or not.
fn open_deeply(bytes: &mut Vec<u8>, rng: &mut Rng) -> String {
    let depth = [127, 128, 129, 10_000][rng.usize(..4)];
    let (open, close) = if rng.bool() { ("[", "]") } else { ("{\"a\":", "}") };
    let closed = rng.bool();
    let mut text = open.repeat(depth);
    if closed {
        text.push('1');
        text.push_str(&close.repeat(depth));
    }
    let at = rng.usize(..=bytes.len());
    bytes.splice(at..at, text.into_bytes());
    format!("open {depth} × {open:?} at byte {at}{}", if closed { ", closed" } else { "" })
}

/// The start of `text`, for a description, with its length when it is cut.
fn short(text: &str) -> String {
    let mut short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        short.push_str(&format!("… ({} bytes)", text.len()));
    }
    short
}

/// What decoding one body gave: `decoded` or `refused`, or what is wrong.
fn judge(body: &[u8]) -> Result<&'static str, String> {
    match decode_json_body::<Page>(body.to_vec()) {
        Ok(page) => round_trip(&page).map(|()| "decoded"),
        Err(Error::Decode(error)) => {
            let message = error.to_string();
            if error.path.is_empty() || !message.contains(&format!("at `{}`", error.path)) {
                return Err(format!("a decode error without a path: {message}"));
            }
            match serde_json::from_slice::<Value>(body) {
                Ok(doc) if !path_resolves(&doc, &error.path) => {
                    Err(format!("the path `{}` names no place in the body: {message}", error.path))
                }
                _ => Ok("refused"),
            }
        }
        Err(other) => Err(format!("not a decode error: {other:?}")),
    }
}

/// A decoded page, encoded, decodes to the same page, and encodes the same again.
fn round_trip(page: &Page) -> Result<(), String> {
    let encoded = serde_json::to_vec(page).map_err(|err| format!("the decoded page does not encode: {err}"))?;
    let again: Page = decode_json_body(encoded.clone())
        .map_err(|err| format!("the decoded page, encoded, does not decode: {err}"))?;
    let encoded_again =
        serde_json::to_vec(&again).map_err(|err| format!("the page decoded again does not encode: {err}"))?;
    if &again != page || encoded_again != encoded {
        return Err(format!(
            "the decoded page, encoded and decoded again, differs:\n  {}\n  {}",
            String::from_utf8_lossy(&encoded),
            String::from_utf8_lossy(&encoded_again)
        ));
    }
    Ok(())
}

/// Whether a decode error's path (`entities[3].eventDate`, `.` for the whole body, `?` for a step it could
/// not name) leads to a place in `doc`, or to a member missing from an object of it.
fn path_resolves(doc: &Value, path: &str) -> bool {
    if path == "." {
        return true;
    }
    let mut node = doc;
    let mut rest = path;
    while !rest.is_empty() {
        rest = rest.strip_prefix('.').unwrap_or(rest);
        if let Some(after) = rest.strip_prefix('[') {
            let Some((index, tail)) = after.split_once(']') else { return false };
            let Some(next) = index.parse().ok().and_then(|i: usize| node.get(i)) else { return false };
            (node, rest) = (next, tail);
        } else if rest.starts_with('?') {
            return true;
        } else {
            let Some(map) = node.as_object() else { return false };
            // A key may hold `.` or `[`: the longest one the path goes on with.
            let key = map
                .keys()
                .filter(|key| {
                    rest.strip_prefix(key.as_str()).is_some_and(|tail| tail.is_empty() || tail.starts_with(['.', '[']))
                })
                .max_by_key(|key| key.len());
            match key {
                Some(key) => (node, rest) = (&map[key], &rest[key.len()..]),
                // The last step may name a member the object lacks (a required one).
                None => return !rest.contains(['.', '[']),
            }
        }
    }
    true
}

/// Decodes every case `body` makes, under a watchdog, and fails with each one that gave no value or
/// decode error with a path, or whose value does not round-trip.
fn fuzz_decode(test: &'static str, what: &str, body: fn(&Config, usize) -> Body) {
    let config = Config::from_env(CASES);
    let started = Instant::now();
    let shared = config.clone();
    let results = run_cases(test, config.indices(), LIMIT, Arc::new(move |case| judge(&body(&shared, case).bytes)));
    let results = results.unwrap_or_else(|hang| {
        panic!("{}", failure(&config, test, body, hang.case, &format!("still decoding after {:.1?}", hang.after)))
    });
    let mut tally = Tally::new(&[PANICS, WRONG]);
    for (case, ran) in results {
        match ran {
            Ok(Ok(outcome)) => tally.add(outcome, None),
            Ok(Err(problem)) => tally.add(WRONG, Some(failure(&config, test, body, case, &problem))),
            Err(panic) => tally.add(PANICS, Some(failure(&config, test, body, case, &format!("panicked: {panic}")))),
        }
    }
    let summary = tally.summary(what, &config, started.elapsed());
    eprintln!("{summary}");
    tally.assert_none(&summary);
}

/// A failing case, described: what failed, the mutations, the start of the body, how to replay it.
fn failure(config: &Config, test: &str, body: fn(&Config, usize) -> Body, case: usize, what: &str) -> String {
    let body = body(config, case);
    format!(
        "case {case}: {what}\n  mutations:\n    {}\n  body: {}\n  replay: {}",
        body.mutations.join("\n    "),
        short(&String::from_utf8_lossy(&body.bytes)),
        config.replay(test, case)
    )
}

#[test]
fn mutated_pages_decode_or_fail_with_a_path() {
    fuzz_decode("decode::mutated_pages_decode_or_fail_with_a_path", "decoding mutated pages", mutated_document);
}

#[test]
fn pages_with_bytes_changed_decode_or_fail_with_a_path() {
    let test = "decode::pages_with_bytes_changed_decode_or_fail_with_a_path";
    fuzz_decode(test, "decoding pages with bytes changed", mutated_bytes);
}
