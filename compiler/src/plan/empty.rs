//! Notes on resources created empty that something reads at once: a new
//! ECR repository holds no image, and a service created in the same apply
//! pulls from it and fails, rolling the stack back. Which types start empty
//! and which read them is `data/starts_empty.json`; this file follows
//! references (as emit reads them, and `Fn::ImportValue` through the
//! exports of the fresh build) from each reader to them.

use super::exports::{exports, imports};
use super::{Action, StackPlan};
use crate::emit::intrinsics::referenced;
use crate::schema::Stdlib;
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Note {
    /// The resource that starts empty (`MediaImagesRepository`).
    pub created: String,
    /// The resources that read it on create (`TranscodeService`).
    pub readers: Vec<String>,
    pub text: String,
}

/// A resource, by stack and logical ID.
type Key = (String, String);

pub fn notes(stacks: &[StackPlan], afters: &BTreeMap<String, Json>, stdlib: &Stdlib) -> Vec<Note> {
    let Some(rows) = stdlib
        .table("starts_empty")
        .and_then(|t| t.get("rows"))
        .and_then(Json::as_object)
    else {
        return vec![];
    };
    let graph = Graph::of(afters);
    let mut out = vec![];
    for st in stacks {
        for c in st.changes.iter().filter(|c| c.action == Action::Create) {
            let Some(row) = rows.get(&c.resource_type) else {
                continue;
            };
            let text = |k: &str| row.get(k).and_then(Json::as_str).unwrap_or_default();
            let reader_types: BTreeSet<&str> = row
                .get("readers")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .filter_map(Json::as_str)
                .collect();
            let target = (st.name.clone(), c.logical_id.clone());
            let readers: Vec<String> = graph
                .types
                .iter()
                .filter(|(_, ty)| reader_types.contains(ty.as_str()))
                .filter(|(k, _)| graph.reaches(k, &target))
                .map(|((_, id), _)| id.clone())
                .collect();
            if readers.is_empty() {
                continue;
            }
            out.push(Note {
                created: c.logical_id.clone(),
                text: format!(
                    "{} ({}) is created by this apply and holds {}, but {} read it as soon as they are created and would fail: {}.",
                    c.logical_id,
                    c.resource_type,
                    text("holds"),
                    readers.join(", "),
                    text("way_out")
                ),
                readers,
            });
        }
    }
    out
}

/// What each resource of the fresh build refers to.
struct Graph {
    types: BTreeMap<Key, String>,
    edges: BTreeMap<Key, BTreeSet<Key>>,
}

impl Graph {
    fn of(afters: &BTreeMap<String, Json>) -> Graph {
        // Export name -> the resources its value refers to.
        let mut exported: BTreeMap<String, BTreeSet<Key>> = BTreeMap::new();
        for (stack, t) in afters {
            for (name, value) in exports(t) {
                let mut ids = BTreeSet::new();
                referenced(&value, &mut ids);
                let keys = ids.into_iter().map(|i| (stack.clone(), i)).collect();
                exported.insert(name, keys);
            }
        }
        let mut g = Graph {
            types: BTreeMap::new(),
            edges: BTreeMap::new(),
        };
        for (stack, t) in afters {
            let Some(res) = t.get("Resources").and_then(Json::as_object) else {
                continue;
            };
            for (id, r) in res {
                let key = (stack.clone(), id.clone());
                if let Some(ty) = r.get("Type").and_then(Json::as_str) {
                    g.types.insert(key.clone(), ty.to_string());
                }
                let props = r.get("Properties").unwrap_or(&Json::Null);
                let (mut ids, mut names) = (BTreeSet::new(), BTreeSet::new());
                referenced(props, &mut ids);
                imports(props, &mut names);
                let mut to: BTreeSet<Key> = ids
                    .into_iter()
                    .filter(|i| res.contains_key(i))
                    .map(|i| (stack.clone(), i))
                    .collect();
                for name in names {
                    to.extend(exported.get(&name).into_iter().flatten().cloned());
                }
                g.edges.insert(key, to);
            }
        }
        g
    }

    fn reaches(&self, from: &Key, to: &Key) -> bool {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from];
        while let Some(k) = todo.pop() {
            if k == to {
                return true;
            }
            if seen.insert(k) {
                todo.extend(self.edges.get(k).into_iter().flatten());
            }
        }
        false
    }
}
