//! Tags on every taggable resource, in the form each type takes (a list of
//! `Key`/`Value` pairs, with `PropagateAtLaunch` for Auto Scaling groups, or
//! a map; `FileSystemTags` for EFS), from `data/resource_types.json`.
//!
//! A declaration whose `tags` field is set puts those tags on each resource
//! it makes (a resource two declarations share carries those of the first);
//! project tags fill in the keys left. Tags a template sets itself win over
//! both.

use crate::ir;
use crate::schema::Stdlib;
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;

/// The tags of a program, ready to put on its resources one at a time.
pub struct Tagging<'a> {
    /// By the declaration's flattened name; only declarations with tags.
    declared: BTreeMap<String, BTreeMap<String, String>>,
    project: &'a BTreeMap<String, String>,
    types: Option<&'a Map<String, Json>>,
}

impl<'a> Tagging<'a> {
    pub fn new(program: &'a ir::Program, stdlib: &'a Stdlib) -> Self {
        let declared = program
            .decls
            .iter()
            .filter_map(|d| match d.fields.get("tags") {
                Some(ir::Value::Map(m)) => Some((crate::names::flat(&d.name), m)),
                _ => None,
            })
            .map(|(name, m)| {
                let tags = m
                    .iter()
                    .filter_map(|(k, v)| match v {
                        ir::Value::Str(s) => Some((k.clone(), s.clone())),
                        _ => None,
                    })
                    .collect();
                (name, tags)
            })
            .collect();
        Tagging {
            declared,
            project: &program.project.tags,
            types: stdlib
                .table("resource_types")
                .and_then(|t| t.get("types"))
                .and_then(Json::as_object),
        }
    }

    /// Tags one resource that declaration `decl` made.
    pub fn apply(&self, decl: &str, res: &mut Json) {
        if let Some(tags) = self.declared.get(decl) {
            put(res, tags, self.types);
        }
        put(res, self.project, self.types);
    }
}

fn put(res: &mut Json, tags: &BTreeMap<String, String>, types: Option<&Map<String, Json>>) {
    if tags.is_empty() {
        return;
    }
    let Some(ty) = res.get("Type").and_then(Json::as_str).map(String::from) else {
        return;
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
        return;
    };
    let props = obj.entry("Properties").or_insert_with(|| json!({}));
    let Some(props) = props.as_object_mut() else {
        return;
    };
    // Where tags are create-only and the template names the resource
    // (an EC2 key pair), a tag added to the project later would need a
    // replacement under the same name, which CloudFormation cannot make:
    // such a resource keeps only the tags its template gives it.
    let create_only = |p: &str| {
        entry
            .and_then(|r| r.get("create_only"))
            .and_then(Json::as_array)
            .is_some_and(|c| c.iter().any(|x| x.as_str() == Some(p)))
    };
    let named = entry
        .and_then(|r| r.get("name"))
        .and_then(Json::as_str)
        .is_some_and(|n| props.contains_key(n));
    if named && create_only(&prop) {
        return;
    }
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
