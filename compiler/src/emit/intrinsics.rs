//! Reading CloudFormation's intrinsic functions: the one place that knows
//! how `Ref`, `Fn::GetAtt` (both forms), `Fn::Sub` (both forms, with `${!`
//! escapes) and `DependsOn` name resources, for the resource graph, for
//! where an output goes, and for wiring references across stacks.

use serde_json::{Map, Value as Json};
use std::collections::BTreeSet;

/// The resource, and the attribute (`None` for `Ref`), that `v` names when
/// it is `{"Ref": X}`, `{"Fn::GetAtt": [X, A]}` or `{"Fn::GetAtt": "X.A"}`.
pub fn target(v: &Json) -> Option<(&str, Option<&str>)> {
    let m = v.as_object().filter(|m| m.len() == 1)?;
    if let Some(id) = m.get("Ref").and_then(Json::as_str) {
        return Some((id, None));
    }
    match m.get("Fn::GetAtt")? {
        Json::Array(a) => match a.as_slice() {
            [Json::String(id), Json::String(attr)] => Some((id, Some(attr))),
            _ => None,
        },
        Json::String(s) => s.split_once('.').map(|(id, a)| (id, Some(a))),
        _ => None,
    }
}

/// A piece of an `Fn::Sub` string.
#[derive(Debug, PartialEq)]
pub enum SubPart<'a> {
    /// Written as is (an escaped `${!x}` included).
    Text(&'a str),
    /// `${name}` or `${Resource.Attribute}`, without the braces.
    Var(&'a str),
}

/// `text` in pieces; joining them back (a variable as `${name}`) gives it.
pub fn sub_parts(text: &str) -> Vec<SubPart<'_>> {
    let mut out = vec![];
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        let (before, after) = rest.split_at(at);
        let body = after.get(2..).unwrap_or("");
        match body.split_once('}') {
            Some((var, tail)) if !var.starts_with('!') => {
                if !before.is_empty() {
                    out.push(SubPart::Text(before));
                }
                out.push(SubPart::Var(var));
                rest = tail;
            }
            // An escape, or no closing brace: `${` is text.
            _ => {
                let (text, tail) = rest.split_at(at + 2);
                out.push(SubPart::Text(text));
                rest = tail;
            }
        }
    }
    if !rest.is_empty() {
        out.push(SubPart::Text(rest));
    }
    out
}

/// The string and the variables of an `Fn::Sub`'s argument, in either form.
pub fn sub_of(arg: &Json) -> Option<(&str, Option<&Map<String, Json>>)> {
    match arg {
        Json::String(s) => Some((s, None)),
        Json::Array(a) => match a.as_slice() {
            [Json::String(s)] => Some((s, None)),
            [Json::String(s), Json::Object(vars)] => Some((s, Some(vars))),
            _ => None,
        },
        _ => None,
    }
}

/// The logical IDs `v` names through `Ref`, `Fn::GetAtt`, `Fn::Sub` and
/// `DependsOn` (and pseudo parameters and `Fn::Sub` variables: callers keep
/// the names they know).
pub fn referenced(v: &Json, out: &mut BTreeSet<String>) {
    if let Some((id, _)) = target(v) {
        out.insert(id.to_string());
        return;
    }
    match v {
        Json::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("DependsOn", Json::String(t)) => {
                        out.insert(t.clone());
                    }
                    ("DependsOn", Json::Array(a)) => {
                        out.extend(a.iter().filter_map(|t| t.as_str().map(String::from)))
                    }
                    ("Fn::Sub", arg) => {
                        let (text, _) = sub_of(arg).unwrap_or(("", None));
                        for part in sub_parts(text) {
                            if let SubPart::Var(var) = part {
                                let id = var.split_once('.').map_or(var, |(id, _)| id);
                                out.insert(id.to_string());
                            }
                        }
                        referenced(arg, out);
                    }
                    _ => referenced(x, out),
                }
            }
        }
        Json::Array(a) => a.iter().for_each(|x| referenced(x, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sub_strings_come_apart_and_back() {
        let text = "a${X}b${!Y}c${X.Arn}${";
        let parts = sub_parts(text);
        assert_eq!(
            parts,
            [
                SubPart::Text("a"),
                SubPart::Var("X"),
                SubPart::Text("b${"),
                SubPart::Text("!Y}c"),
                SubPart::Var("X.Arn"),
                SubPart::Text("${"),
            ]
        );
        let joined: String = parts
            .iter()
            .map(|p| match p {
                SubPart::Text(t) => t.to_string(),
                SubPart::Var(v) => format!("${{{v}}}"),
            })
            .collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn references_in_every_form() {
        let mut ids = BTreeSet::new();
        referenced(
            &json!({
                "DependsOn": "D",
                "A": { "Ref": "R" },
                "B": { "Fn::GetAtt": "G.Arn" },
                "C": { "Fn::GetAtt": ["H", "Arn"] },
                "E": { "Fn::Sub": ["${S}${!Not}", { "V": { "Ref": "W" } }] }
            }),
            &mut ids,
        );
        assert_eq!(
            ids.into_iter().collect::<Vec<_>>(),
            ["D", "G", "H", "R", "S", "W"]
        );
    }
}
