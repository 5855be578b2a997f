//! The report as Markdown for people and JSON for machines.

use super::{Class, Report};

/// Markdown: the overall class on the first line, then the changes grouped by class.
pub fn markdown(report: &Report) -> String {
    let mut out = format!("# API diff: {}\n\n", report.class.as_str());
    let count = |class: Class| report.changes.iter().filter(|c| c.class == class).count();
    out.push_str(&format!(
        "{} → {}: {} major, {} minor, {} patch.\n",
        report.old,
        report.new,
        count(Class::Major),
        count(Class::Minor),
        count(Class::Patch)
    ));
    for (class, heading) in [
        (Class::Major, "Major: existing code may stop compiling or decoding"),
        (Class::Minor, "Minor: additions"),
        (Class::Patch, "Patch: documentation"),
    ] {
        let changes: Vec<_> = report.changes.iter().filter(|c| c.class == class).collect();
        if changes.is_empty() {
            continue;
        }
        out.push_str(&format!("\n## {heading}\n\n"));
        for change in changes {
            out.push_str(&format!("- `{}`: {}\n", change.location, change.description));
        }
    }
    out
}

/// JSON: `{"class": ..., "old": ..., "new": ..., "changes": [{"class", "location", "description"}]}`.
pub fn json(report: &Report) -> String {
    serde_json::to_string_pretty(report).expect("a report is plain data") + "\n"
}
