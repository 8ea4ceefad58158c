//! Plan: what a deployment of the fresh build would change, offline.
//!
//! Input: the fresh build's files, the files of an earlier build (the
//! templates committed in the repository, or what is deployed), the stdlib
//! and the program's `allow_replace` / `allow_delete`. Output: a [`Plan`]:
//! per stack, every resource that changes with its property paths;
//! replacements predicted from the resource schemas' create-only properties
//! (certain when both values are literals, conditional when a value is
//! known only at deploy); stateful deletions and replacements blocked unless
//! allowed by declaration name; a security section; outputs and manifests.
//! Invariant: no I/O, deterministic order, no change reported for equal
//! values (no noise).

mod diff;
mod empty;
mod exports;
mod follow;
pub mod render;
mod security;

use crate::schema::Stdlib;
use serde::Serialize;
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;

pub use diff::PropChange;
pub use empty::Note;
pub use security::Security;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Replace,
    Delete,
}

impl Action {
    /// The word plans print, as in the JSON.
    pub fn word(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Replace => "replace",
            Action::Delete => "delete",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Certainty {
    /// Both values are literals: the resource will be replaced.
    Certain,
    /// A value is known only at deploy time: it may turn out equal.
    Conditional,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Replacement {
    pub property: String,
    pub certainty: Certainty,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Blocked {
    /// What would be lost.
    pub loses: String,
    /// The line that allows it.
    pub allow: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    pub logical_id: String,
    pub resource_type: String,
    pub action: Action,
    /// The declaration the resource comes from, when known.
    pub declaration: Option<String>,
    pub properties: Vec<PropChange>,
    pub replacement: Option<Replacement>,
    pub stateful: bool,
    pub blocked: Option<Blocked>,
    /// The other stack, when the resource moves between stacks (a delete
    /// here and a create there, with the same logical ID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved: Option<Moved>,
    /// What the change follows, when the resource changes only because it
    /// refers to a replaced resource (`MainVpc`) or reads an attribute of a
    /// changed one (`MainCluster.Endpoint`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follows: Option<String>,
    /// Why CloudFormation cannot make this change (a custom-named resource
    /// that would be replaced under the same name), and the way out. Apply
    /// refuses a plan with one, as it refuses a blocked change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Moved {
    To(String),
    From(String),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutputChange {
    pub name: String,
    pub action: Action,
    pub before: Option<Json>,
    pub after: Option<Json>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ManifestChange {
    pub path: String,
    pub action: Action,
    /// A unified diff of the file.
    pub diff: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StackPlan {
    pub name: String,
    pub changes: Vec<Change>,
    pub outputs: Vec<OutputChange>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub replace: usize,
    pub delete: usize,
    pub blocked: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Plan {
    pub version: u32,
    pub stacks: Vec<StackPlan>,
    pub manifests: Vec<ManifestChange>,
    pub security: Security,
    /// What would fail on create although CloudFormation accepts the
    /// template (a service reading a repository created empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    pub summary: Summary,
}

impl Plan {
    pub fn has_changes(&self) -> bool {
        let s = &self.summary;
        s.create + s.update + s.replace + s.delete > 0
            || !self.manifests.is_empty()
            || self.stacks.iter().any(|st| !st.outputs.is_empty())
    }
}

/// What the program allows to be lost, by declaration name.
#[derive(Clone, Debug, Default)]
pub struct Allow {
    pub replace: Vec<String>,
    pub delete: Vec<String>,
}

impl Allow {
    /// The project block's `allow_replace` and `allow_delete`.
    pub fn of(project: &crate::ir::Project) -> Allow {
        Allow {
            replace: project.allow_replace.clone(),
            delete: project.allow_delete.clone(),
        }
    }
}

/// Compares two builds (relative path -> file text).
pub fn offline(
    new: &BTreeMap<String, String>,
    old: &BTreeMap<String, String>,
    stdlib: &Stdlib,
    allow: &Allow,
) -> Plan {
    let new_decls = declarations(new);
    let old_decls = declarations(old);
    let mut plan = Plan {
        version: 1,
        ..Default::default()
    };
    let mut stacks: Vec<&String> = new
        .keys()
        .chain(old.keys())
        .filter(|k| k.ends_with(".template.json"))
        .collect();
    stacks.sort();
    stacks.dedup();
    let mut security = Security::default();
    let (mut befores, mut afters) = (BTreeMap::new(), BTreeMap::new());
    for path in stacks {
        let name = path.trim_end_matches(".template.json").to_string();
        let parse = |files: &BTreeMap<String, String>| {
            files
                .get(path)
                .and_then(|t| serde_json::from_str::<Json>(t).ok())
                .unwrap_or(Json::Null)
        };
        let (before, after) = (parse(old), parse(new));
        let mut sp = StackPlan {
            name,
            ..Default::default()
        };
        let empty = Map::new();
        let res = |t: &Json| {
            t.get("Resources")
                .and_then(Json::as_object)
                .cloned()
                .unwrap_or_else(|| empty.clone())
        };
        let (rb, ra) = (res(&before), res(&after));
        let mut ids: Vec<&String> = rb.keys().chain(ra.keys()).collect();
        ids.sort();
        ids.dedup();
        for id in ids {
            let decl = new_decls.get(id).or_else(|| old_decls.get(id)).cloned();
            if let Some(c) = change(id, rb.get(id), ra.get(id), decl, stdlib, allow) {
                sp.changes.push(c);
            }
        }
        follow::follow(&mut sp.changes, &rb, &ra, stdlib, &new_decls);
        for c in sp.changes.iter_mut() {
            if c.follows.is_some() {
                guard(c, stdlib, allow);
            }
            c.refused = named_replacement(c, &rb, &ra, stdlib);
        }
        sp.changes.sort_by(|a, b| a.logical_id.cmp(&b.logical_id));
        sp.outputs = output_changes(&before, &after);
        security.extend(security::compare(&rb, &ra));
        if !before.is_null() {
            befores.insert(sp.name.clone(), before);
        }
        if !after.is_null() {
            afters.insert(sp.name.clone(), after);
        }
        plan.stacks.push(sp);
    }
    mark_moves(&mut plan.stacks);
    exports::lock(&mut plan.stacks, &befores, &afters);
    plan.manifests = manifest_changes(new, old);
    plan.security = security;
    plan.notes = empty::notes(&plan.stacks, &afters, stdlib);
    for c in plan.stacks.iter().flat_map(|s| &s.changes) {
        match c.action {
            Action::Create => plan.summary.create += 1,
            Action::Update => plan.summary.update += 1,
            Action::Replace => plan.summary.replace += 1,
            Action::Delete => plan.summary.delete += 1,
        }
        if c.blocked.is_some() || c.refused.is_some() {
            plan.summary.blocked += 1;
        }
    }
    plan
}

fn change(
    id: &str,
    before: Option<&Json>,
    after: Option<&Json>,
    decl: Option<String>,
    stdlib: &Stdlib,
    allow: &Allow,
) -> Option<Change> {
    let ty = |r: &Json| {
        r.get("Type")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string()
    };
    let (action, resource_type, properties, replacement) = match (before, after) {
        (None, Some(a)) => (Action::Create, ty(a), vec![], None),
        (Some(b), None) => (Action::Delete, ty(b), vec![], None),
        (Some(b), Some(a)) if b == a => return None,
        (Some(b), Some(a)) => {
            let props = diff::properties(b, a);
            if ty(b) != ty(a) {
                let r = Replacement {
                    property: "Type".into(),
                    certainty: Certainty::Certain,
                };
                (Action::Replace, ty(a), props, Some(r))
            } else {
                let replacement = diff::replacement(&ty(a), &props, stdlib);
                let action = if replacement.is_some() {
                    Action::Replace
                } else {
                    Action::Update
                };
                (action, ty(a), props, replacement)
            }
        }
        (None, None) => return None,
    };
    let mut c = Change {
        logical_id: id.to_string(),
        resource_type,
        action,
        declaration: decl,
        properties,
        replacement,
        stateful: false,
        blocked: None,
        moved: None,
        follows: None,
        refused: None,
    };
    guard(&mut c, stdlib, allow);
    Some(c)
}

/// A replacement CloudFormation cannot perform: the type is named by a
/// property the template sets (`data/resource_types.json` `name`), and the
/// name stays what it was, so the new resource would take the old one's
/// name while the old one still holds it.
fn named_replacement(
    c: &Change,
    before: &Map<String, Json>,
    after: &Map<String, Json>,
    stdlib: &Stdlib,
) -> Option<String> {
    if c.action != Action::Replace {
        return None;
    }
    let prop = stdlib
        .table("resource_types")
        .and_then(|t| t.get("types"))
        .and_then(|t| t.get(&c.resource_type))
        .and_then(|t| t.get("name"))
        .and_then(Json::as_str)?;
    let value = |m: &Map<String, Json>| m.get(&c.logical_id)?.get("Properties")?.get(prop).cloned();
    let (old, new) = (value(before)?, value(after)?);
    // A name read from another resource changes when that one is replaced.
    let mut refs = std::collections::BTreeSet::new();
    crate::emit::intrinsics::referenced(&new, &mut refs);
    if old != new || !refs.is_empty() {
        return None;
    }
    let shown = new
        .as_str()
        .map(String::from)
        .unwrap_or_else(|| new.to_string());
    let how = match &c.declaration {
        Some(d) => format!("give the declaration `{d}` a new name (a new resource is made beside the old one, which is deleted once `allow_delete` names `{d}`), or undo the change that forces the replacement"),
        None => "undo the change that forces the replacement".to_string(),
    };
    Some(format!(
        "CloudFormation cannot replace a custom-named resource: its {prop} would stay `{shown}`; {how}"
    ))
}

/// Marks a change of a stateful type, and blocks its deletion or
/// replacement unless the program allows it by declaration name.
fn guard(c: &mut Change, stdlib: &Stdlib, allow: &Allow) {
    let loses = stdlib
        .table("stateful")
        .and_then(|t| t.get("types"))
        .and_then(|t| t.get(&c.resource_type))
        .and_then(Json::as_str)
        .map(String::from);
    c.stateful = loses.is_some();
    c.blocked = match (&loses, c.action) {
        (Some(what), Action::Delete | Action::Replace) => {
            let name = c
                .declaration
                .clone()
                .unwrap_or_else(|| c.logical_id.clone());
            let (list, verb) = if c.action == Action::Delete {
                (&allow.delete, "delete")
            } else {
                (&allow.replace, "replace")
            };
            if list.contains(&name) {
                None
            } else {
                Some(Blocked {
                    loses: what.clone(),
                    allow: format!("allow_{verb} = [\"{name}\"]"),
                })
            }
        }
        _ => None,
    };
}

/// Marks a delete in one stack and a create of the same logical ID in
/// another as the two halves of a move: a split program that grew moved
/// the declaration, and CloudFormation will delete and create it.
fn mark_moves(stacks: &mut [StackPlan]) {
    let mut deleted: BTreeMap<String, String> = BTreeMap::new();
    let mut created: BTreeMap<String, String> = BTreeMap::new();
    for s in stacks.iter() {
        for c in &s.changes {
            let side = match c.action {
                Action::Delete => &mut deleted,
                Action::Create => &mut created,
                _ => continue,
            };
            side.insert(c.logical_id.clone(), s.name.clone());
        }
    }
    for s in stacks.iter_mut() {
        for c in &mut s.changes {
            c.moved = match c.action {
                Action::Delete => created.get(&c.logical_id).cloned().map(Moved::To),
                Action::Create => deleted.get(&c.logical_id).cloned().map(Moved::From),
                _ => None,
            };
        }
    }
}

/// Logical ID -> declaration, from one template's `Metadata.Cairn`.
pub fn declared_in(t: &Json) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    add_declared(
        t.pointer("/Metadata/Cairn/declarations")
            .and_then(Json::as_object),
        &mut out,
    );
    out
}

/// Adds a `{declaration: [logical IDs]}` map; a resource shared by several
/// declarations (a CSI add-on) keeps the first, in name order.
fn add_declared(decls: Option<&Map<String, Json>>, out: &mut BTreeMap<String, String>) {
    for (decl, ids) in decls.into_iter().flatten() {
        for id in ids
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
        {
            out.entry(id.to_string()).or_insert_with(|| decl.clone());
        }
    }
}

/// Logical ID -> declaration, from a build's `cairn.build.json`, or from
/// the templates' `Metadata.Cairn` (what is deployed carries it).
fn declarations(files: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (_, text) in files.iter().filter(|(p, _)| p.ends_with(".template.json")) {
        let Ok(t) = serde_json::from_str::<Json>(text) else {
            continue;
        };
        for (id, decl) in declared_in(&t) {
            out.entry(id).or_insert(decl);
        }
    }
    let Some(m) = files
        .get("cairn.build.json")
        .and_then(|t| serde_json::from_str::<Json>(t).ok())
    else {
        return out;
    };
    for stack in m
        .get("stacks")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        add_declared(
            stack.get("declarations").and_then(Json::as_object),
            &mut out,
        );
    }
    out
}

fn output_changes(before: &Json, after: &Json) -> Vec<OutputChange> {
    let get = |t: &Json| {
        t.get("Outputs")
            .and_then(Json::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (ob, oa) = (get(before), get(after));
    let mut names: Vec<&String> = ob.keys().chain(oa.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter_map(|n| {
            let (b, a) = (
                ob.get(n).and_then(|o| o.get("Value")).cloned(),
                oa.get(n).and_then(|o| o.get("Value")).cloned(),
            );
            let action = match (&b, &a) {
                (None, Some(_)) => Action::Create,
                (Some(_), None) => Action::Delete,
                (Some(x), Some(y)) if x != y => Action::Update,
                _ => return None,
            };
            Some(OutputChange {
                name: n.clone(),
                action,
                before: b,
                after: a,
            })
        })
        .collect()
}

fn manifest_changes(
    new: &BTreeMap<String, String>,
    old: &BTreeMap<String, String>,
) -> Vec<ManifestChange> {
    let mut paths: Vec<&String> = new
        .keys()
        .chain(old.keys())
        .filter(|k| k.starts_with("manifests/"))
        .collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter_map(|p| {
            let (b, a) = (old.get(p), new.get(p));
            let action = match (b, a) {
                (None, Some(_)) => Action::Create,
                (Some(_), None) => Action::Delete,
                (Some(x), Some(y)) if x != y => Action::Update,
                _ => return None,
            };
            let (x, y) = (
                b.map(String::as_str).unwrap_or(""),
                a.map(String::as_str).unwrap_or(""),
            );
            let diff = similar::TextDiff::from_lines(x, y)
                .unified_diff()
                .context_radius(2)
                .header(&format!("a/{p}"), &format!("b/{p}"))
                .to_string();
            Some(ManifestChange {
                path: p.clone(),
                action,
                diff,
            })
        })
        .collect()
}
