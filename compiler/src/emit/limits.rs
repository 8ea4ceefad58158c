//! CloudFormation's quotas, from `data/limits.json`: an error past a limit,
//! a warning from the table's `warn_at_percent`.

use crate::diagnostics::{codes, Diagnostic};
use crate::schema::Stdlib;
use crate::source::Span;
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// One quota from the table (`"template_bytes_inline"`, ...).
pub fn quota(stdlib: &Stdlib, key: &str) -> Option<u64> {
    stdlib.table("limits")?.get("limits")?.get(key)?.as_u64()
}

/// One concrete way out of a quota.
fn fix(key: &str) -> &'static str {
    match key {
        "resources" | "template_bytes_s3" => "a declaration's resources always share a stack: split the largest declaration of this stack into smaller ones",
        "logical_id_chars" => "shorten the declared name: a logical ID is its PascalCase followed by the resource's role",
        "stack_name_chars" => "shorten the project's `name` (a split stack's name also carries the declaration that closes it)",
        "description_bytes" => "shorten the project's `name`, which every template's description carries",
        _ => "split the program into several projects, or trim what this stack carries",
    }
}

/// A quota as it applies to a program: its own lower quota wins over
/// CloudFormation's.
pub fn limit(stdlib: &Stdlib, lowered: &BTreeMap<String, u64>, key: &str) -> u64 {
    let q = quota(stdlib, key).unwrap_or(u64::MAX);
    lowered.get(key).map_or(q, |l| q.min(*l))
}

/// The stack a template is checked as.
pub struct Stack<'a> {
    pub name: &'a str,
    /// Where to point, and what to say there.
    pub anchor: Option<(Span, String)>,
    /// One of several stacks: Cairn already keeps each within the
    /// resource and size quotas, so nearing them is no news.
    pub split: bool,
}

pub fn check(
    template: &Json,
    text: &str,
    stack: &Stack<'_>,
    lowered: &BTreeMap<String, u64>,
    stdlib: &Stdlib,
) -> Vec<Diagnostic> {
    let Some(table) = stdlib.table("limits") else {
        return vec![];
    };
    let limit = |k: &str| limit(stdlib, lowered, k);
    let warn_pct = table
        .get("warn_at_percent")
        .and_then(Json::as_u64)
        .unwrap_or(80);
    let count = |k: &str| {
        template
            .get(k)
            .and_then(Json::as_object)
            .map(|m| m.len())
            .unwrap_or(0) as u64
    };
    let longest_id = template
        .get("Resources")
        .and_then(Json::as_object)
        .and_then(|m| m.keys().map(String::len).max())
        .unwrap_or(0) as u64;
    let description = template
        .get("Description")
        .and_then(Json::as_str)
        .map_or(0, str::len) as u64;
    let measures = [
        ("resources", count("Resources"), "resources"),
        ("outputs", count("Outputs"), "outputs"),
        ("parameters", count("Parameters"), "parameters"),
        ("mappings", count("Mappings"), "mappings"),
        (
            "template_bytes_s3",
            text.len() as u64,
            "bytes of template body",
        ),
        ("description_bytes", description, "bytes of description"),
        ("logical_id_chars", longest_id, "characters in a logical ID"),
        (
            "stack_name_chars",
            stack.name.len() as u64,
            "characters in the stack name",
        ),
        (
            "dynamic_references",
            text.matches("{{resolve:").count() as u64,
            "dynamic references",
        ),
    ];
    let mut out = vec![];
    let name = stack.name;
    for (key, have, what) in measures {
        let max = limit(key);
        let split_keeps = matches!(key, "resources" | "template_bytes_s3");
        let ours = lowered.contains_key(key);
        let whose = if ours {
            "the project's `limits` allow"
        } else {
            "CloudFormation allows"
        };
        let d = if have > max {
            Diagnostic::error(
                codes::LIMIT_EXCEEDED,
                format!("stack `{name}` has {have} {what}; {whose} {max}"),
            )
            .help(fix(key))
        } else if stack.split && split_keeps {
            continue;
        } else if max > 0 && have * 100 >= max * warn_pct {
            Diagnostic::warning(
                codes::LIMIT_NEAR,
                format!(
                    "stack `{name}` has {have} {what}, {}% of the {max} {whose}",
                    have * 100 / max
                ),
            )
            .help(if split_keeps {
                "past the limit Cairn splits the program into several stacks; a resource moved to another stack is deleted and created again, and `cairn plan` shows each one"
            } else {
                fix(key)
            })
        } else {
            continue;
        };
        out.push(match &stack.anchor {
            Some((s, label)) => d.label(*s, label.clone()),
            None => d,
        });
    }
    out
}
