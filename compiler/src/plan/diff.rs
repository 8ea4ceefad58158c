//! Property diffs, path by path, and replacement prediction.

use super::{Certainty, Replacement};
use crate::schema::Stdlib;
use serde::Serialize;
use serde_json::Value as Json;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PropChange {
    /// `ScalingConfig.MaxSize`, `Selectors[0].Namespace`.
    pub path: String,
    pub before: Option<Json>,
    pub after: Option<Json>,
}

/// Every changed leaf (or changed list, when its length changed) under the
/// resource's `Properties` and its policies, in path order.
pub fn properties(before: &Json, after: &Json) -> Vec<PropChange> {
    let mut out = vec![];
    for key in [
        "Properties",
        "DeletionPolicy",
        "UpdateReplacePolicy",
        "DependsOn",
    ] {
        let (b, a) = (before.get(key), after.get(key));
        let prefix = if key == "Properties" {
            String::new()
        } else {
            key.to_string()
        };
        walk(&prefix, b, a, &mut out);
    }
    out
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn walk(path: &str, b: Option<&Json>, a: Option<&Json>, out: &mut Vec<PropChange>) {
    if b == a {
        return;
    }
    match (b, a) {
        (Some(Json::Object(x)), Some(Json::Object(y))) if !is_intrinsic(x) && !is_intrinsic(y) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                walk(&join(path, k), x.get(k), y.get(k), out);
            }
        }
        // Lists item by item; items past the shorter end are added or
        // removed, so a new selector reads as one line, not a blob.
        (Some(Json::Array(x)), Some(Json::Array(y))) => {
            for i in 0..x.len().max(y.len()) {
                walk(&format!("{path}[{i}]"), x.get(i), y.get(i), out);
            }
        }
        _ => out.push(PropChange {
            path: path.to_string(),
            before: b.cloned(),
            after: a.cloned(),
        }),
    }
}

fn is_intrinsic(m: &serde_json::Map<String, Json>) -> bool {
    m.len() == 1 && m.keys().all(|k| k == "Ref" || k.starts_with("Fn::"))
}

/// Whether a value is known only at deploy time.
pub fn deployed(v: &Json) -> bool {
    match v {
        Json::Object(m) => is_intrinsic(m) || m.values().any(deployed),
        Json::Array(a) => a.iter().any(deployed),
        Json::String(s) => s.contains("{{resolve:"),
        _ => false,
    }
}

/// The first changed property that is create-only for the type.
pub fn replacement(ty: &str, changes: &[PropChange], stdlib: &Stdlib) -> Option<Replacement> {
    let create_only: Vec<String> = stdlib
        .table("resource_types")
        .and_then(|t| t.get("types"))
        .and_then(|t| t.get(ty))
        .and_then(|t| t.get("create_only"))
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Json::as_str)
                .map(|p| p.replace('/', "."))
                .collect()
        })
        .unwrap_or_default();
    for c in changes {
        let bare: String = strip_indexes(&c.path);
        let hit = create_only.iter().find(|p| {
            bare == **p || bare.starts_with(&format!("{p}.")) || p.starts_with(&format!("{bare}."))
        });
        if let Some(p) = hit {
            let intrinsic =
                c.before.as_ref().is_some_and(deployed) || c.after.as_ref().is_some_and(deployed);
            let certainty = if intrinsic {
                Certainty::Conditional
            } else {
                Certainty::Certain
            };
            return Some(Replacement {
                property: p.clone(),
                certainty,
            });
        }
    }
    None
}

fn strip_indexes(path: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn leaves_lists_and_intrinsics() {
        let b = json!({"Properties": {"A": {"B": 1, "C": [1, 2]}, "R": {"Ref": "X"}}});
        let a = json!({"Properties": {"A": {"B": 2, "C": [1, 2, 3]}, "R": {"Ref": "Y"}}});
        let paths: Vec<String> = properties(&b, &a).into_iter().map(|c| c.path).collect();
        assert_eq!(paths, vec!["A.B", "A.C[2]", "R"]);
    }

    #[test]
    fn list_items_by_index() {
        let b = json!({"Properties": {"S": [{"N": "a"}, {"N": "b"}]}});
        let a = json!({"Properties": {"S": [{"N": "a"}, {"N": "c"}]}});
        assert_eq!(
            properties(&b, &a).first().map(|c| c.path.as_str()),
            Some("S[1].N")
        );
        assert_eq!(strip_indexes("S[1].N"), "S.N");
    }
}
