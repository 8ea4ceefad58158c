//! Changes followed through references, as CloudFormation's change sets
//! report them: a resource that refers (`Ref`, `Fn::GetAtt`, `Fn::Sub`) to
//! a replaced one is itself modified when the new value lands: an update,
//! or a conditional replacement when the referring property is
//! create-only. A resource that reads an attribute of an updated one is
//! listed as updated (CloudFormation lists it, though IDs and ARNs do not
//! change in an update).
//! Repeated until nothing more changes. Without this, a CIDR change listed
//! the VPC alone while CloudFormation also modified twenty resources.
//!
//! Input: a stack's direct changes and its new template. Output: the
//! dependents added (or an update raised to a conditional replacement),
//! each naming what it follows.

use super::{Action, Certainty, Change, Replacement};
use crate::emit::intrinsics::{sub_of, sub_parts, target, SubPart};
use crate::schema::Stdlib;
use serde_json::{Map, Value as Json};
use std::collections::{BTreeMap, BTreeSet};

/// One reference inside a resource's properties: the keys leading to it
/// (array positions skipped, as create-only paths have none), what it
/// names, and the attribute read (None for a `Ref`).
struct Reference {
    keys: Vec<String>,
    target: String,
    attr: Option<String>,
}

fn references(v: &Json, keys: &mut Vec<String>, out: &mut Vec<Reference>) {
    if let Some((id, attr)) = target(v) {
        out.push(Reference {
            keys: keys.clone(),
            target: id.to_string(),
            attr: attr.map(String::from),
        });
        return;
    }
    match v {
        Json::Object(m) => {
            if let Some((text, vars)) = m.get("Fn::Sub").and_then(sub_of) {
                for part in sub_parts(text) {
                    let SubPart::Var(var) = part else { continue };
                    let (id, attr) = match var.split_once('.') {
                        Some((id, a)) => (id, Some(a.to_string())),
                        None => (var, None),
                    };
                    if !vars.is_some_and(|vs| vs.contains_key(id)) {
                        out.push(Reference {
                            keys: keys.clone(),
                            target: id.to_string(),
                            attr,
                        });
                    }
                }
                for x in vars.into_iter().flat_map(|vs| vs.values()) {
                    references(x, keys, out);
                }
                return;
            }
            for (k, x) in m {
                // Intrinsic functions are not properties: their arguments
                // stay at the property that holds them.
                let property = !k.starts_with("Fn::");
                if property {
                    keys.push(k.clone());
                }
                references(x, keys, out);
                if property {
                    keys.pop();
                }
            }
        }
        Json::Array(a) => a.iter().for_each(|x| references(x, keys, out)),
        _ => {}
    }
}

/// The create-only property paths of a type, as key lists.
fn create_only(ty: &str, stdlib: &Stdlib) -> Vec<Vec<String>> {
    stdlib
        .table("resource_types")
        .and_then(|t| t.get("types"))
        .and_then(|t| t.get(ty))
        .and_then(|t| t.get("create_only"))
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .map(|p| p.split('/').map(String::from).collect())
        .collect()
}

/// Adds to `changes` what CloudFormation will also modify. `before` and
/// `after` are the stack's resources; only resources in both can be
/// modified through a reference (a new one is created anyway).
pub(super) fn follow(
    changes: &mut Vec<Change>,
    before: &Map<String, Json>,
    after: &Map<String, Json>,
    stdlib: &Stdlib,
    decls: &BTreeMap<String, String>,
) {
    // Resources CloudFormation may replace without Cairn predicting it: an
    // attribute of an updated resource read into a create-only property
    // (CloudFormation says `Conditional`). Their readers by `Ref` are
    // listed as modified too, as CloudFormation lists them.
    let mut maybe: BTreeSet<String> = BTreeSet::new();
    loop {
        let action: BTreeMap<String, Action> = changes
            .iter()
            .map(|c| (c.logical_id.clone(), c.action))
            .collect();
        let mut grew = false;
        for (id, r) in after {
            if !before.contains_key(id) {
                continue;
            }
            let mut refs = vec![];
            if let Some(p) = r.get("Properties") {
                references(p, &mut vec![], &mut refs);
            }
            let ty = r.get("Type").and_then(Json::as_str).unwrap_or("");
            let fixed = create_only(ty, stdlib);
            for f in refs {
                if f.target == *id || !after.contains_key(&f.target) {
                    continue;
                }
                // A reference to a replaced resource gets a new value: what
                // holds it in a create-only property is replaced too. An
                // attribute of an updated resource may change, and
                // CloudFormation lists its readers as modified; identifiers
                // and ARNs do not change in an update, so a reader is
                // predicted an update, never a replacement.
                let replaced = match (action.get(&f.target), &f.attr) {
                    (Some(Action::Replace), _) => true,
                    (Some(Action::Update), Some(_)) => false,
                    _ if maybe.contains(&f.target) => false,
                    _ => continue,
                };
                let create_only = fixed.iter().find(|p| f.keys.starts_with(p));
                if !replaced && create_only.is_some() && maybe.insert(id.clone()) {
                    grew = true;
                }
                let pinned = create_only.filter(|_| replaced).map(|p| p.join("."));
                let via = match &f.attr {
                    Some(a) => format!("{}.{a}", f.target),
                    None => f.target.clone(),
                };
                grew |= add(changes, id, ty, pinned, via, decls);
            }
        }
        if !grew {
            return;
        }
    }
}

/// Records one followed change; true when it added or raised one.
fn add(
    changes: &mut Vec<Change>,
    id: &str,
    ty: &str,
    pinned: Option<String>,
    via: String,
    decls: &BTreeMap<String, String>,
) -> bool {
    let replacement = pinned.map(|property| Replacement {
        property,
        certainty: Certainty::Conditional,
    });
    match changes.iter_mut().find(|c| c.logical_id == id) {
        Some(c) if c.action == Action::Update && replacement.is_some() => {
            c.action = Action::Replace;
            c.replacement = replacement;
            // The create-only reference is the cause worth naming.
            c.follows = Some(via);
            true
        }
        Some(_) => false,
        None => {
            changes.push(Change {
                logical_id: id.to_string(),
                resource_type: ty.to_string(),
                action: if replacement.is_some() {
                    Action::Replace
                } else {
                    Action::Update
                },
                declaration: decls.get(id).cloned(),
                properties: vec![],
                replacement,
                stateful: false,
                blocked: None,
                moved: None,
                follows: Some(via),
                refused: None,
            });
            true
        }
    }
}
