//! Turns spec text into rustdoc that renders as the spec meant it and never runs as a doctest.
//!
//! Spec descriptions are Markdown written for a web page. In rustdoc, a fenced or indented block would be
//! compiled as a doctest, `[x]` would be an intra-doc link, `<x>` an HTML tag and a bare URL a lint warning,
//! so fences become `text` blocks, lines lose their indentation, brackets are escaped and URLs are
//! wrapped in `<...>`.

/// Rustdoc lines for `text`, one per line, each ready for a `#[doc = ...]` attribute.
pub fn lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    // The indentation that continues the list item above, if the previous line belongs to one.
    let mut item_indent: Option<usize> = None;
    // Tabs line up nothing in rendered docs, and clippy asks for spaces.
    let text = text.replace('\t', "    ");
    for line in text.trim().lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            out.push(if in_fence { "```".to_owned() } else { "```text".to_owned() });
            in_fence = !in_fence;
            item_indent = None;
        } else if in_fence {
            out.push(line.trim_end().to_owned());
        } else if trimmed.is_empty() {
            out.push(String::new());
            item_indent = None;
        } else if let Some(marker) = list_marker(trimmed) {
            out.push(escape_markdown(trimmed));
            item_indent = Some(marker);
        } else {
            // A line that goes on with a list item is indented under it, as rustdoc (and clippy) expect.
            let indent = " ".repeat(item_indent.unwrap_or(0));
            out.push(format!("{indent}{}", escape_markdown(trimmed)));
        }
    }
    if in_fence {
        out.push("```".to_owned());
    }
    out
}

/// The width of a Markdown list marker that starts `line` (`- `, `* `, `+ `, `12. `) with the spaces after
/// it (`*   text` is 4 wide), if one does: where the item's text, and so its continuation lines, start.
fn list_marker(line: &str) -> Option<usize> {
    let bullet = if line.starts_with(['-', '*', '+']) { 1 } else { 0 };
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let marker = match (bullet, digits) {
        (1, _) => 1,
        (_, 1..) if line[digits..].starts_with('.') => digits + 1,
        _ => return None,
    };
    let spaces = line[marker..].bytes().take_while(|b| *b == b' ').count();
    // Five spaces or more after the marker start an indented block inside the item: its text is one space in.
    (spaces > 0).then_some(marker + if spaces > 4 { 1 } else { spaces })
}

/// Appends `more` to `lines` as a new paragraph.
pub fn push_paragraph(lines: &mut Vec<String>, more: Vec<String>) {
    if more.is_empty() {
        return;
    }
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.extend(more);
}

/// A line of prose: brackets and angle brackets escaped, URLs made into autolinks.
fn escape_markdown(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if let Some(url_len) = url_length(rest) {
            out.push('<');
            out.push_str(&rest[..url_len]);
            out.push('>');
            rest = &rest[url_len..];
            continue;
        }
        match c {
            '[' | ']' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The length of the URL `text` starts with, if it starts with one.
fn url_length(text: &str) -> Option<usize> {
    if !(text.starts_with("https://") || text.starts_with("http://")) {
        return None;
    }
    let end =
        text.find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']')).unwrap_or(text.len());
    // A sentence's full stop or comma after a URL is not part of it.
    Some(text[..end].trim_end_matches(['.', ',', ';', ':']).len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_and_tags_are_escaped() {
        assert_eq!(lines("yyyy-MM-ddTHH:mm:ss[.mmm]Z"), ["yyyy-MM-ddTHH:mm:ss\\[.mmm\\]Z"]);
        assert_eq!(lines("a <b> c"), ["a \\<b\\> c"]);
    }

    #[test]
    fn urls_become_autolinks() {
        assert_eq!(lines("see https://example.com/a?b=1."), ["see <https://example.com/a?b=1>."]);
    }

    #[test]
    fn lines_that_continue_a_list_item_are_indented_under_it() {
        let text = "Modes:\n- `A` does one thing\nand goes on.\n10. ten\nmore\n\nAfter.";
        assert_eq!(
            lines(text),
            ["Modes:", "- `A` does one thing", "  and goes on.", "10. ten", "    more", "", "After."]
        );
    }

    #[test]
    fn a_marker_with_spaces_after_it_sets_the_indentation_and_tabs_become_spaces() {
        let text = "**Notes:**\n*   first\nmore\n1.  one\nagain\n| a\t| b |";
        assert_eq!(lines(text), ["**Notes:**", "*   first", "    more", "1.  one", "    again", "    | a    | b |"]);
    }

    #[test]
    fn fences_become_text_blocks_and_indentation_goes() {
        let text = "Example:\n```\nlet x = 1;\n```\n    indented";
        assert_eq!(lines(text), ["Example:", "```text", "let x = 1;", "```", "indented"]);
        assert_eq!(lines("```rust\nfn f() {}"), ["```text", "fn f() {}", "```"]);
    }
}
