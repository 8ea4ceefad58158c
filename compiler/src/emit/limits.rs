//! CloudFormation's quotas, from `data/limits.json`: an error past a limit,
//! a warning from the table's `warn_at_percent`.

use crate::diagnostics::{codes, Diagnostic};
use crate::schema::Stdlib;
use crate::source::Span;
use serde_json::Value as Json;

/// One quota from the table (`"template_bytes_inline"`, ...).
pub fn quota(stdlib: &Stdlib, key: &str) -> Option<u64> {
    stdlib.table("limits")?.get("limits")?.get(key)?.as_u64()
}

pub fn check(
    template: &Json,
    text: &str,
    stack: &str,
    lowered: &std::collections::BTreeMap<String, u64>,
    stdlib: &Stdlib,
    anchor: Option<Span>,
) -> Vec<Diagnostic> {
    let Some(table) = stdlib.table("limits") else {
        return vec![];
    };
    // A program's own lower quota wins over CloudFormation's.
    let limit = |k: &str| {
        let q = quota(stdlib, k).unwrap_or(u64::MAX);
        lowered.get(k).map_or(q, |l| q.min(*l))
    };
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
            stack.len() as u64,
            "characters in the stack name",
        ),
        (
            "dynamic_references",
            text.matches("{{resolve:").count() as u64,
            "dynamic references",
        ),
    ];
    let mut out = vec![];
    for (key, have, what) in measures {
        let max = limit(key);
        let ours = lowered.contains_key(key);
        let whose = if ours {
            "the project's `limits` allow"
        } else {
            "CloudFormation allows"
        };
        let d = if have > max {
            Diagnostic::error(
                codes::LIMIT_EXCEEDED,
                format!("stack `{stack}` has {have} {what}; {whose} {max}"),
            )
            .help("split the program into several projects until Cairn splits stacks automatically")
        } else if max > 0 && have * 100 >= max * warn_pct {
            Diagnostic::warning(
                codes::LIMIT_NEAR,
                format!(
                    "stack `{stack}` has {have} {what}, {}% of the {max} {whose}",
                    have * 100 / max
                ),
            )
            .help("plan how the program will be split before it grows past the limit")
        } else {
            continue;
        };
        out.push(match anchor {
            Some(s) => d.label(s, "in the stack built from this program"),
            None => d,
        });
    }
    out
}
