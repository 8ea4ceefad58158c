//! The export lock, found before CloudFormation finds it: a split program's
//! stacks share values through exports, and CloudFormation refuses to
//! change or remove an export another stack imports ("Export ... cannot be
//! updated as it is in use"), rolling the exporting stack back. A change
//! that would do so is refused at plan time, on the resource that causes
//! it, with the stacks that hold the lock.
//!
//! Input: the deployed (before) and new (after) templates of every stack,
//! and the plan's changes. Output: `refused` set on the causing changes.

use super::{Action, StackPlan};
use crate::emit::intrinsics::referenced;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};

/// Exports of a template: name (as JSON text) -> the output's value.
pub(super) fn exports(t: &Json) -> BTreeMap<String, Json> {
    t.get("Outputs")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(_, o)| {
            let name = o.get("Export")?.get("Name")?;
            Some((
                name.to_string(),
                o.get("Value").cloned().unwrap_or(Json::Null),
            ))
        })
        .collect()
}

/// Export names (as JSON text) that `v` imports through `Fn::ImportValue`.
pub(super) fn imports(v: &Json, out: &mut BTreeSet<String>) {
    match v {
        Json::Object(m) => {
            for (k, x) in m {
                if k == "Fn::ImportValue" {
                    out.insert(x.to_string());
                } else {
                    imports(x, out);
                }
            }
        }
        Json::Array(a) => a.iter().for_each(|x| imports(x, out)),
        _ => {}
    }
}

/// Sets `refused` on changes that would change or remove an export in use.
pub(super) fn lock(
    stacks: &mut [StackPlan],
    before: &BTreeMap<String, Json>,
    after: &BTreeMap<String, Json>,
) {
    // Who imports each export now (what is deployed holds the lock).
    let mut importers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (stack, t) in before {
        let mut names = BTreeSet::new();
        imports(t, &mut names);
        for n in names {
            importers.entry(n).or_default().push(stack.clone());
        }
    }
    for sp in stacks.iter_mut() {
        let (Some(old), new) = (before.get(&sp.name), after.get(&sp.name)) else {
            continue;
        };
        let new_exports = new.map(exports).unwrap_or_default();
        for (name, value) in exports(old) {
            let users: Vec<&String> = importers
                .get(&name)
                .into_iter()
                .flatten()
                .filter(|s| **s != sp.name)
                .collect();
            if users.is_empty() {
                continue;
            }
            let mut read = BTreeSet::new();
            referenced(&value, &mut read);
            let shown = name.trim_matches('"');
            let held = users
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let removed = !new_exports.contains_key(&name);
            for c in sp.changes.iter_mut() {
                if !read.contains(&c.logical_id) || c.refused.is_some() {
                    continue;
                }
                let why = match c.action {
                    Action::Replace => "its replacement changes",
                    Action::Delete if removed => "its deletion removes",
                    Action::Delete => "its deletion changes",
                    _ => continue,
                };
                c.refused = Some(format!(
                    "{why} the export `{shown}`, which stack(s) {held} import; CloudFormation refuses to change an export in use and would roll the stack back. Apply it in two steps: first a program in which nothing reads `{}` across stacks (keep the readers beside it, or give them their own value), then this change",
                    c.declaration.as_deref().unwrap_or(&c.logical_id)
                ));
            }
        }
    }
}
