//! A small, deterministic YAML writer for Kubernetes manifests. Every
//! string is double-quoted (JSON's quoting is valid YAML), so no value can
//! change type on the way (`"true"`, `"0755"` stay strings).

use serde_json::Value as Json;

pub fn to_yaml(v: &Json) -> String {
    let mut out = String::new();
    block(v, 0, &mut out);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn scalar(v: &Json) -> String {
    match v {
        Json::String(s) => serde_json::to_string(s).unwrap_or_default(),
        Json::Null => "null".to_string(),
        other => other.to_string(),
    }
}

fn key(k: &str) -> String {
    let plain = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./".contains(c));
    if plain {
        k.to_string()
    } else {
        serde_json::to_string(k).unwrap_or_default()
    }
}

fn is_empty_collection(v: &Json) -> bool {
    matches!(v, Json::Object(m) if m.is_empty()) || matches!(v, Json::Array(a) if a.is_empty())
}

fn block(v: &Json, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Json::Object(m) => {
            for (k, x) in m {
                match x {
                    Json::Object(_) | Json::Array(_) if !is_empty_collection(x) => {
                        out.push_str(&format!("{pad}{}:\n", key(k)));
                        block(x, indent + 2, out);
                    }
                    Json::Object(_) => out.push_str(&format!("{pad}{}: {{}}\n", key(k))),
                    Json::Array(_) => out.push_str(&format!("{pad}{}: []\n", key(k))),
                    _ => out.push_str(&format!("{pad}{}: {}\n", key(k), scalar(x))),
                }
            }
        }
        Json::Array(a) => {
            for x in a {
                match x {
                    Json::Object(_) | Json::Array(_) if !is_empty_collection(x) => {
                        let mut inner = String::new();
                        block(x, indent + 2, &mut inner);
                        let trimmed = inner.get(indent + 2..).unwrap_or("");
                        out.push_str(&format!("{pad}- {trimmed}"));
                    }
                    _ => out.push_str(&format!("{pad}- {}\n", scalar(x))),
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_maps_and_lists() {
        let v = json!({"a": {"b": "x"}, "l": [{"k": 1, "v": 2}, "s"], "e": {}});
        assert_eq!(
            to_yaml(&v),
            "a:\n  b: \"x\"\ne: {}\nl:\n  - k: 1\n    v: 2\n  - \"s\"\n"
        );
    }
}
