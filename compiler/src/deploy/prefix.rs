//! `--stack-prefix`: deploying a second copy of a program (`dev-`, `pr-42-`)
//! beside the first. Stack names get the prefix where they are deployed;
//! the export names of a split program name their stacks, so they get it
//! too, or two copies would fight over one export.

use crate::emit::{canonical, pretty};
use serde_json::Value as Json;

/// `template` with `prefix` before every export name and imported name
/// that begins with one of `stacks` and a colon (the names Cairn writes).
/// Unchanged, byte for byte, when there is nothing to prefix.
pub fn apply(template: &str, prefix: &str, stacks: &[String]) -> String {
    if prefix.is_empty() {
        return template.to_string();
    }
    let Ok(mut t) = serde_json::from_str::<Json>(template) else {
        return template.to_string();
    };
    let ours = |name: &str| {
        stacks.iter().any(|s| {
            name.strip_prefix(s.as_str())
                .is_some_and(|r| r.starts_with(':'))
        })
    };
    let mut changed = false;
    if let Some(outputs) = t.get_mut("Outputs").and_then(Json::as_object_mut) {
        for o in outputs.values_mut() {
            if let Some(Json::String(name)) = o.get_mut("Export").and_then(|e| e.get_mut("Name")) {
                if ours(name) {
                    name.insert_str(0, prefix);
                    changed = true;
                }
            }
        }
    }
    if let Some(resources) = t.get_mut("Resources") {
        imports(resources, prefix, &ours, &mut changed);
    }
    if let Some(outputs) = t.get_mut("Outputs") {
        imports(outputs, prefix, &ours, &mut changed);
    }
    if changed {
        pretty(&canonical(t))
    } else {
        template.to_string()
    }
}

fn imports(v: &mut Json, prefix: &str, ours: &dyn Fn(&str) -> bool, changed: &mut bool) {
    match v {
        Json::Object(m) => {
            for (k, x) in m.iter_mut() {
                match x {
                    Json::String(name) if k == "Fn::ImportValue" && ours(name) => {
                        name.insert_str(0, prefix);
                        *changed = true;
                    }
                    _ => imports(x, prefix, ours, changed),
                }
            }
        }
        Json::Array(a) => a.iter_mut().for_each(|x| imports(x, prefix, ours, changed)),
        _ => {}
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::apply;
    use serde_json::json;

    #[test]
    fn export_and_import_names_of_the_build_get_the_prefix() {
        let stacks = vec!["shop".to_string(), "shop-vpc".to_string()];
        let t = json!({
            "Resources": { "A": { "Type": "X", "Properties": {
                "V": { "Fn::ImportValue": "shop-vpc:Vpc" },
                "W": { "Fn::ImportValue": "someone-else:Vpc" }
            } } },
            "Outputs": { "E": { "Value": "x", "Export": { "Name": "shop:A" } } }
        })
        .to_string();
        let out: serde_json::Value =
            serde_json::from_str(&apply(&t, "dev-", &stacks)).unwrap_or_default();
        assert_eq!(
            out["Resources"]["A"]["Properties"]["V"]["Fn::ImportValue"],
            "dev-shop-vpc:Vpc"
        );
        assert_eq!(
            out["Resources"]["A"]["Properties"]["W"]["Fn::ImportValue"],
            "someone-else:Vpc"
        );
        assert_eq!(out["Outputs"]["E"]["Export"]["Name"], "dev-shop:A");
        assert_eq!(apply(&t, "", &stacks), t);
    }
}
