//! Diagnostics for machines: JSON (documented in docs/diagnostics-json.md,
//! versioned) and GitHub Actions workflow commands, which show errors inline
//! in pull requests.

use super::{Diagnostic, Severity};
use crate::source::Sources;
use serde_json::{json, Value as Json};

/// The JSON report: `{ "version": 1, "diagnostics": [...], "errors": n, "warnings": n }`.
pub fn to_json(diags: &[Diagnostic], sources: &Sources) -> Json {
    let items: Vec<Json> = diags
        .iter()
        .map(|d| {
            let labels: Vec<Json> = d
                .labels
                .iter()
                .map(|l| {
                    let (line, column) = sources.line_col(l.span.file, l.span.start);
                    let (end_line, end_column) = sources.line_col(l.span.file, l.span.end);
                    json!({
                        "file": sources.name(l.span.file),
                        "line": line, "column": column, "end_line": end_line, "end_column": end_column,
                        "message": l.message,
                    })
                })
                .collect();
            let primary = labels.first().cloned().unwrap_or(Json::Null);
            json!({
                "code": d.code.id,
                "name": d.code.name,
                "severity": d.severity,
                "message": d.message,
                "file": primary.get("file").cloned().unwrap_or(Json::Null),
                "line": primary.get("line").cloned().unwrap_or(Json::Null),
                "column": primary.get("column").cloned().unwrap_or(Json::Null),
                "labels": labels,
                "help": d.help,
            })
        })
        .collect();
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    json!({ "version": 1, "diagnostics": items, "errors": errors, "warnings": diags.len() - errors })
}

/// One `::error file=...,line=...,col=...,title=...::message` line each.
pub fn to_github(diags: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for d in diags {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = vec![format!(
            "title={}",
            escape_property(&format!("{} {}", d.code.id, d.code.name))
        )];
        if let Some(s) = d.primary_span() {
            let (line, col) = sources.line_col(s.file, s.start);
            let (end_line, end_col) = sources.line_col(s.file, s.end);
            props.insert(
                0,
                format!(
                    "file={},line={line},col={col},endLine={end_line},endColumn={end_col}",
                    escape_property(sources.name(s.file))
                ),
            );
        }
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        out.push_str(&format!(
            "::{level} {}::{}\n",
            props.join(","),
            escape_data(&message)
        ));
    }
    out
}

// GitHub's workflow command escaping.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
