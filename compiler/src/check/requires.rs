//! The `requires(field, other, member)` rule: `field` may be set only where
//! `other` is set to the enum member `member`, for settings that mean
//! something only with another (scaling on requests per target needs an
//! application load balancer to count them). `requires(field, other,
//! member, unless)` also accepts `unless` being set instead (a shared load
//! balancer's route counts requests too).

use super::rules::{dotted, get, span_of};
use super::Checker;
use crate::diagnostics::{codes, Diagnostic};
use crate::ir::{Decl, Value};

pub(super) fn requires(
    cx: &mut Checker<'_>,
    decl: &Decl,
    field: &[String],
    other: &[String],
    member: &str,
) {
    // Both inside one list (`access.groups` and `access.type`): each item
    // on its own, seen as a declaration of its fields.
    if let (Some((list, f)), Some((same, o))) = (field.split_first(), other.split_first()) {
        if let (true, Some(Value::List(items))) = (list == same, decl.fields.get(list)) {
            for (i, item) in items.iter().enumerate() {
                let Value::Map(fields) = item else { continue };
                let prefix = format!("{list}.{i}.");
                let mut view = decl.clone();
                view.fields = fields.clone();
                view.spans = decl
                    .spans
                    .iter()
                    .filter_map(|(k, s)| Some((k.strip_prefix(&prefix)?.to_string(), *s)))
                    .collect();
                view.set = view.spans.keys().cloned().collect();
                view.span = span_of(decl, &[list.clone(), i.to_string()]);
                requires(cx, &view, f, o, member);
            }
            return;
        }
    }
    // An empty list is as good as unset: `groups = []` asks for nothing.
    let set = |p: &[String]| {
        get(decl, p).is_some_and(|v| match v {
            Value::Null | Value::Poison => false,
            Value::List(items) => !items.is_empty(),
            _ => true,
        })
    };
    if !set(field) {
        return;
    }
    let have = match get(decl, other) {
        Some(Value::Enum { member: m, .. }) => Some(m.as_str()),
        // Already reported, or unknown until deployed: nothing to add.
        Some(Value::Poison) => return,
        _ => None,
    };
    if have == Some(member) {
        return;
    }
    let (f, o) = (dotted(field), dotted(other));
    let found = match have {
        Some(m) => format!("`{o}` is `{m}`"),
        None => format!("`{o}` is not set"),
    };
    let mut d = Diagnostic::error(
        codes::INVALID_COMBINATION,
        format!("`{f}` needs `{o} = {member}`"),
    )
    .label(span_of(decl, field), format!("`{f}` set here"));
    if have.is_some() {
        d = d.label(span_of(decl, other), found.clone());
    }
    // Without the object that holds `other`, say how to write it whole.
    let fix = match other.split_last() {
        Some((last, parent)) if !parent.is_empty() && !set(parent) => {
            format!("add `{} = {{ {last} = {member} }}`", dotted(parent))
        }
        _ => format!("set `{o} = {member}`"),
    };
    cx.diags
        .push(d.help(format!("{found}: {fix}, or remove `{f}`")));
}

pub(super) fn requires_unless(
    cx: &mut Checker<'_>,
    decl: &Decl,
    field: &[String],
    other: &[String],
    member: &str,
    unless: &[String],
) {
    if get(decl, unless).is_some_and(|v| !matches!(v, Value::Null | Value::Poison)) {
        return;
    }
    requires(cx, decl, field, other, member);
}
