//! Project tags on every taggable resource, in the form each type takes
//! (a list of `Key`/`Value` pairs, with `PropagateAtLaunch` for Auto Scaling
//! groups, or a map; `FileSystemTags` for EFS), from `data/resource_types.json`.
//! Tags a template sets itself win over project tags of the same key.

use crate::schema::Stdlib;
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;

pub fn apply(resources: &mut Map<String, Json>, tags: &BTreeMap<String, String>, stdlib: &Stdlib) {
    if tags.is_empty() {
        return;
    }
    let types = stdlib
        .table("resource_types")
        .and_then(|t| t.get("types"))
        .and_then(Json::as_object);
    for res in resources.values_mut() {
        let Some(ty) = res.get("Type").and_then(Json::as_str).map(String::from) else {
            continue;
        };
        let entry = types.and_then(|t| t.get(&ty));
        let form = entry
            .and_then(|r| r.get("tags"))
            .and_then(Json::as_str)
            .unwrap_or("");
        let prop = entry
            .and_then(|r| r.get("tags_property"))
            .and_then(Json::as_str)
            .unwrap_or("Tags")
            .to_string();
        let Some(obj) = res.as_object_mut() else {
            continue;
        };
        let props = obj.entry("Properties").or_insert_with(|| json!({}));
        let Some(props) = props.as_object_mut() else {
            continue;
        };
        match form {
            "list" | "list_propagate" => {
                let mut list: Vec<Json> = props
                    .get(&prop)
                    .and_then(Json::as_array)
                    .cloned()
                    .unwrap_or_default();
                let has = |list: &[Json], k: &str| {
                    list.iter()
                        .any(|t| t.get("Key").and_then(Json::as_str) == Some(k))
                };
                for (k, v) in tags {
                    if !has(&list, k) {
                        if form == "list_propagate" {
                            list.push(json!({ "Key": k, "Value": v, "PropagateAtLaunch": true }));
                        } else {
                            list.push(json!({ "Key": k, "Value": v }));
                        }
                    }
                }
                list.sort_by(|a, b| {
                    a.get("Key")
                        .and_then(Json::as_str)
                        .cmp(&b.get("Key").and_then(Json::as_str))
                });
                props.insert(prop.clone(), Json::Array(list));
            }
            "map" => {
                let mut map = props
                    .get(&prop)
                    .and_then(Json::as_object)
                    .cloned()
                    .unwrap_or_default();
                for (k, v) in tags {
                    map.entry(k.clone()).or_insert_with(|| json!(v));
                }
                props.insert(prop.clone(), Json::Object(map));
            }
            _ => {}
        }
    }
}
