//! The `image_for(os, table, owner)` rule: whether EKS publishes a machine
//! image for a node group's operating system on its hardware, and whether
//! its cluster has what that operating system needs.

use super::rules::{dotted, get, span_of};
use super::Checker;
use crate::diagnostics::{codes, Diagnostic};
use crate::ir::{Decl, Value};
use serde_json::{json, Value as Json};

/// The `image_for(os, table, owner)` rule: the table's row for the
/// operating system at `os` has an image for the group's architecture and
/// accelerator (derived by `instance_types`, so it runs after it): EKS
/// publishes no Windows image for Graviton. An accelerator without an
/// image of its own takes its architecture's plain one.
/// A row's `needs` names a bool field the `owner` declaration must have on
/// (Windows nodes need their cluster's Windows support).
pub(super) fn image_for(
    cx: &mut Checker<'_>,
    decl: &mut Decl,
    os: &[String],
    table: &[String],
    owner: &[String],
) {
    let Some(member) = get(decl, os).and_then(Value::member).map(String::from) else {
        return;
    };
    let needs = cx
        .stdlib
        .table(&dotted(table))
        .and_then(|t| t.get("rows")?.get(&member)?.get("needs")?.as_str());
    if let (Some(flag), Some(Value::Ref { decl: target, kind })) = (needs, get(decl, owner)) {
        let off = cx
            .decls
            .get(target)
            .is_some_and(|t| t.fields.get(flag) == Some(&Value::Bool(false)));
        if off {
            cx.diags.push(
                Diagnostic::error(
                    codes::FIELD_REQUIRED_BY,
                    format!("`{member}` nodes need {kind} `{target}` to set `{flag} = true`"),
                )
                .label(span_of(decl, os), format!("`{member}` here"))
                .help(format!("add `{flag} = true` to {kind} `{target}`")),
            );
        }
    }
    let Some(arch) = decl
        .derived
        .get("arch")
        .and_then(Json::as_str)
        .map(String::from)
    else {
        return;
    };
    let key = match decl.derived.get("accelerator").and_then(Json::as_str) {
        Some(acc) => format!("{arch}_{acc}"),
        None => arch.clone(),
    };
    let Some(images) = cx
        .stdlib
        .table(&dotted(table))
        .and_then(|t| t.get("rows")?.get(&member)?.get("images")?.as_object())
    else {
        return;
    };
    // An accelerator with no image of its own (AMD, Habana) runs on the
    // plain image of its architecture, with drivers the user installs.
    let found = [&key, &arch]
        .into_iter()
        .find(|k| images.contains_key(k.as_str()))
        .cloned();
    if let Some(found) = found {
        decl.derived.insert("image_key".into(), json!(found));
        return;
    }
    let offered: Vec<String> = images.keys().map(|k| format!("`{k}`")).collect();
    cx.diags.push(
        Diagnostic::error(
            codes::INVALID_COMBINATION,
            format!("EKS publishes no `{member}` image for `{key}` instances"),
        )
        .label(span_of(decl, os), format!("`{member}` here"))
        .label(
            span_of(decl, &["instance_types".to_string()]),
            format!("these are `{key}`"),
        )
        .help(format!(
            "use instance types for {} with `{member}`, or another `{}`",
            offered.join(", "),
            dotted(os)
        )),
    );
}
