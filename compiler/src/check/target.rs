//! The `first_with(guard, out, [paths], key[, choice])` rule: when `guard`
//! is set, an object reached through `paths` whose `key` is set becomes
//! `derived.<out>`: a load balancer's target container. Without `choice`,
//! or with it unset, that is the first such object (the first container
//! with a port); with `choice` set, the one whose `name` it is, so a
//! sidecar listed first does not take the traffic. No such object is an
//! error naming the candidates.

use super::rules::{dotted, follow, get, scalar_json, span_of};
use super::Checker;
use crate::diagnostics::{codes, Diagnostic};
use crate::ir::{Decl, Value};
use crate::schema::Arg;
use serde_json::Value as Json;
use std::collections::BTreeMap;

pub(super) fn first_with(
    cx: &mut Checker<'_>,
    decl: &mut Decl,
    guard: &[String],
    out: &[String],
    paths: &[Arg],
    key: &[String],
    choice: Option<&[String]>,
) {
    if !matches!(get(decl, guard), Some(v) if *v != Value::Null) {
        return;
    }
    let key = dotted(key);
    let chosen = choice.and_then(|c| match get(decl, c) {
        Some(Value::Str(s)) => Some((c, s.clone())),
        _ => None,
    });
    let mut candidates: Vec<BTreeMap<String, Value>> = vec![];
    for p in paths {
        let Arg::Path(p) = p else { continue };
        for v in follow(cx, decl, p) {
            if let Value::Map(m) = v {
                candidates.push(m);
            }
        }
    }
    let name_of = |m: &BTreeMap<String, Value>| match m.get("name") {
        Some(Value::Str(s)) => s.clone(),
        _ => String::new(),
    };
    let has_key = |m: &BTreeMap<String, Value>| m.get(&key).is_some_and(|x| *x != Value::Null);
    let found = match &chosen {
        Some((_, name)) => candidates.iter().find(|m| name_of(m) == *name),
        None => candidates.iter().find(|m| has_key(m)),
    };
    if let Some(m) = found.filter(|m| has_key(m)) {
        let obj: serde_json::Map<String, Json> = m
            .iter()
            .filter_map(|(k, x)| scalar_json(x).map(|j| (k.clone(), j)))
            .collect();
        decl.derived.insert(dotted(out), Json::Object(obj));
        return;
    }
    let names: Vec<String> = candidates
        .iter()
        .filter(|m| has_key(m))
        .map(|m| format!("`{}`", name_of(m)))
        .collect();
    let d = match (&chosen, found) {
        (Some((c, name)), Some(_)) => Diagnostic::error(
            codes::FIELD_REQUIRED_BY,
            format!("`{}` is `{name}`, which has no `{key}`", dotted(c)),
        )
        .label(span_of(decl, c), format!("`{name}` sets no `{key}`"))
        .help(format!(
            "set `{key}` on `{name}`, or pick a container that has one"
        )),
        (Some((c, name)), None) => Diagnostic::error(
            codes::FIELD_REQUIRED_BY,
            format!(
                "`{}` is `{name}`, which is not a container of the task",
                dotted(c)
            ),
        )
        .label(span_of(decl, c), "no container has this name")
        .help({
            let all: Vec<String> = candidates.iter().map(name_of).collect();
            let near = crate::diagnostics::closest(name, all.iter().map(String::as_str));
            match (near, names.is_empty()) {
                (_, true) => format!("no container of the task sets `{key}`"),
                (Some(n), false) => format!(
                    "did you mean `{n}`? containers with a `{key}`: {}",
                    names.join(", ")
                ),
                (None, false) => format!("containers with a `{key}`: {}", names.join(", ")),
            }
        }),
        (None, _) => {
            let via: Vec<String> = paths
                .iter()
                .filter_map(|p| match p {
                    Arg::Path(p) => Some(format!("`{}`", dotted(p))),
                    _ => None,
                })
                .collect();
            Diagnostic::error(
                codes::FIELD_REQUIRED_BY,
                format!(
                    "`{}` needs {} with a `{key}`",
                    dotted(guard),
                    via.join(" or ")
                ),
            )
            .label(
                span_of(decl, guard),
                format!("nothing reached through {} has a `{key}`", via.join(" or ")),
            )
            .help(format!(
                "set `{key}` on the container that should receive the traffic"
            ))
        }
    };
    cx.diags.push(d);
}
