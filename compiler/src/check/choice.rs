//! Rules about which settings go together, for kinds where one field
//! changes what the others mean (a `network` given an existing VPC's ID
//! creates nothing, so its NAT and zone count mean nothing):
//!
//! - `needs(a, [b, ...])`: with `a` set, each `b` must be written too;
//! - `excludes(a, [b, ...])`: with `a` set, no `b` may be written;
//! - `count_into(n, list)`: with `list` non-empty, `n` is its length, so
//!   checks elsewhere that read `n` (a cluster needs two zones) see it;
//! - `count_is(list, n)`: a non-empty `list` has exactly `n` items (a
//!   block per zone);
//! - `unique_per(path, scope)`: no other declaration of the kind has the
//!   same value at `path` with the same `scope` (a rule's priority on one
//!   load balancer);
//! - `subset_of(path, [others])`: each value at `path` is among those at
//!   the `others`, which may lead through references (a node group's
//!   zones among its cluster's network's zones and Local Zones);
//! - `keys_listed(map, table)`: each key of `map` is a row of `table`;
//! - `entry_needs(map, field, table, column)`: an entry of `map` may set
//!   `field` only when its row has `column` (an add-on takes a role only
//!   where it has a service account);
//! - `when_ref_true(field, member, ref, flag)`: with `field` set to the
//!   enum `member`, the declaration at `ref` must have `flag` on (an IPv6
//!   cluster on a dual-stack network);
//! - `items_total([a, b], hi)`: the lists together hold at most `hi` items
//!   (a listener rule's five condition values, paths and hosts alike);
//! - `aws_id(path, "vpc")`: each string is an ID of that resource type
//!   (`vpc-` and 8 or 17 lowercase hex digits).
//!
//! "Set" means written in the program (a default is not), to a value that
//! is not null.

use super::rules::{dotted, follow, get, span_of, table_rows};
use super::Checker;
use crate::diagnostics::{codes, Diagnostic};
use crate::ir::{Decl, Value};
use crate::schema::Arg;

fn is_set(decl: &Decl, p: &[String]) -> bool {
    let written = decl.set.contains(&dotted(p)) || decl.spans.contains_key(&dotted(p));
    written && get(decl, p).is_some_and(|v| !matches!(v, Value::Null | Value::Poison))
}

fn paths(args: &[Arg]) -> impl Iterator<Item = &Vec<String>> {
    args.iter().filter_map(|a| match a {
        Arg::Path(p) => Some(p),
        _ => None,
    })
}

pub(super) fn needs(cx: &mut Checker<'_>, decl: &Decl, a: &[String], bs: &[Arg]) {
    if !is_set(decl, a) {
        return;
    }
    let na = dotted(a);
    for b in paths(bs) {
        if is_set(decl, b) {
            continue;
        }
        let nb = dotted(b);
        cx.diags.push(
            Diagnostic::error(
                codes::FIELD_REQUIRED_BY,
                format!("{} `{}` sets `{na}` but not `{nb}`", decl.kind, decl.name),
            )
            .label(span_of(decl, a), format!("`{na}` needs `{nb}`"))
            .help(format!("add `{nb} = ...` beside `{na}`")),
        );
    }
}

pub(super) fn excludes(cx: &mut Checker<'_>, decl: &Decl, a: &[String], bs: &[Arg]) {
    if !is_set(decl, a) {
        return;
    }
    let na = dotted(a);
    for b in paths(bs) {
        let nb = dotted(b);
        if !is_set(decl, b) {
            continue;
        }
        cx.diags.push(
            Diagnostic::error(
                codes::FIELD_NOT_ALLOWED,
                format!("`{nb}` cannot be set together with `{na}`"),
            )
            .label(span_of(decl, b), format!("`{nb}` here"))
            .label(span_of(decl, a), format!("`{na}` here"))
            .help(format!("remove `{nb}`, or remove `{na}`")),
        );
    }
}

pub(super) fn count_into(cx: &mut Checker<'_>, decl: &mut Decl, n: &[String], list: &[String]) {
    let count = match get(decl, list) {
        Some(Value::List(items)) if !items.is_empty() => items.len(),
        _ => return,
    };
    let (nn, nl) = (dotted(n), dotted(list));
    if decl.set.contains(&nn) {
        cx.diags.push(
            Diagnostic::error(
                codes::FIELD_NOT_ALLOWED,
                format!("`{nn}` is the number of `{nl}`; it cannot be set as well"),
            )
            .label(span_of(decl, n), format!("`{nn}` here"))
            .label(span_of(decl, list), format!("{count} items here"))
            .help(format!("remove `{nn}`")),
        );
        return;
    }
    if let [field] = n {
        decl.fields.insert(field.clone(), Value::Int(count as i64));
    }
}

pub(super) fn count_is(cx: &mut Checker<'_>, decl: &Decl, list: &[String], n: &[String]) {
    let (Some(Value::List(items)), Some(want)) =
        (get(decl, list), get(decl, n).and_then(Value::as_int))
    else {
        return;
    };
    let have = items.len() as i64;
    if have == 0 || have == want {
        return;
    }
    let (nl, nn) = (dotted(list), dotted(n));
    cx.diags.push(
        Diagnostic::error(
            if have > want {
                codes::TOO_MANY_ITEMS
            } else {
                codes::TOO_FEW
            },
            format!("`{nl}` has {have} items, but `{nn}` is {want}"),
        )
        .label(span_of(decl, list), format!("{have} items"))
        .help(format!("give exactly {want} items, one per zone")),
    );
}

pub(super) fn aws_id(cx: &mut Checker<'_>, decl: &Decl, p: &[String], prefix: &str) {
    for v in follow(cx, decl, p) {
        let Value::Str(s) = v else { continue };
        let hex = s.strip_prefix(prefix).and_then(|r| r.strip_prefix('-'));
        let ok = hex.is_some_and(|h| {
            (h.len() == 8 || h.len() == 17)
                && h.chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        });
        if ok {
            continue;
        }
        cx.diags.push(
            Diagnostic::error(
                codes::INVALID_AWS_NAME,
                format!("`{s}` in `{}` is not a {prefix} ID", dotted(p)),
            )
            .label(
                span_of(decl, p),
                format!("not `{prefix}-` and 8 or 17 hex digits"),
            )
            .help(format!(
                "use the ID as the EC2 console or API shows it, like `{prefix}-0123456789abcdef0`"
            )),
        );
    }
}

pub(super) fn unique_per(cx: &mut Checker<'_>, decl: &Decl, p: &[String], scope: &[String]) {
    let (Some(v), Some(Value::Ref { decl: within, kind })) = (get(decl, p), get(decl, scope))
    else {
        return;
    };
    if matches!(v, Value::Null | Value::Poison) {
        return;
    }
    // Of two declarations with one value, the one checked second reports
    // it, naming the other.
    let taken = cx.decls.values().find(|d| {
        d.kind == decl.kind
            && d.name != decl.name
            && get(d, p) == Some(v)
            && matches!(get(d, scope), Some(Value::Ref { decl: w, .. }) if w == within)
    });
    let Some(other) = taken else { return };
    let np = dotted(p);
    let shown = super::rules::scalar_json(v)
        .map(|j| j.to_string())
        .unwrap_or_default();
    let d = Diagnostic::error(
        codes::INVALID_COMBINATION,
        format!(
            "`{np} = {shown}` is taken on {kind} `{within}` by {} `{}`",
            other.kind, other.name
        ),
    )
    .label(span_of(decl, p), "the same value here")
    .label(span_of(other, p), format!("taken by `{}` here", other.name))
    .help(format!(
        "give each {} on `{within}` its own `{np}`",
        decl.kind
    ));
    cx.diags.push(d);
}

pub(super) fn subset_of(cx: &mut Checker<'_>, decl: &Decl, p: &[String], others: &[Arg]) {
    let have = follow(cx, decl, p);
    if have.is_empty() {
        return;
    }
    let others: Vec<&Vec<String>> = paths(others).collect();
    let allowed: Vec<Value> = others.iter().flat_map(|o| follow(cx, decl, o)).collect();
    let shown: Vec<String> = allowed
        .iter()
        .filter_map(|v| match v {
            Value::Str(s) => Some(format!("`{s}`")),
            _ => None,
        })
        .collect();
    for v in have {
        let Value::Str(s) = &v else { continue };
        if allowed.contains(&v) {
            continue;
        }
        let np = dotted(p);
        let no = others
            .iter()
            .map(|o| dotted(o))
            .collect::<Vec<_>>()
            .join("` or `");
        let help = if shown.is_empty() {
            format!("`{no}` names none: name them there first, or use subnet IDs")
        } else {
            format!("use one of {}", shown.join(", "))
        };
        cx.diags.push(
            Diagnostic::error(
                codes::UNKNOWN_ENUM_MEMBER,
                format!("`{s}` in `{np}` is not one of `{no}`"),
            )
            .label(span_of(decl, p), format!("`{s}` is not in `{no}`"))
            .help(help),
        );
    }
}

pub(super) fn keys_listed(cx: &mut Checker<'_>, decl: &Decl, p: &[String], table: &[String]) {
    let (Some(Value::Map(m)), Some(rows)) = (get(decl, p), table_rows(cx, table)) else {
        return;
    };
    let known: Vec<&str> = rows.keys().map(String::as_str).collect();
    for k in m.keys().filter(|k| !rows.contains_key(*k)) {
        let np = dotted(p);
        let mut path = p.to_vec();
        path.push(k.clone());
        let mut d = Diagnostic::error(codes::UNKNOWN_FIELD, format!("`{np}` has no entry `{k}`"))
            .label(span_of(decl, &path), format!("`{k}` is not one of them"));
        d = match crate::diagnostics::closest(k, known.iter().copied()) {
            Some(c) => d.help(format!(
                "did you mean `{c}`? The entries are {}",
                known.join(", ")
            )),
            None => d.help(format!("use one of {}", known.join(", "))),
        };
        cx.diags.push(d);
    }
}

pub(super) fn entry_needs(
    cx: &mut Checker<'_>,
    decl: &Decl,
    p: &[String],
    field: &str,
    table: &[String],
    column: &str,
) {
    let (Some(Value::Map(m)), Some(rows)) = (get(decl, p), table_rows(cx, table)) else {
        return;
    };
    for (k, v) in m {
        let set = matches!(v, Value::Map(e) if matches!(e.get(field), Some(Value::List(l)) if !l.is_empty())
            || matches!(e.get(field), Some(x) if !matches!(x, Value::Null | Value::List(_))));
        let has = rows.get(k).is_some_and(|r| r.get(column).is_some());
        if !set || has || !rows.contains_key(k) {
            continue;
        }
        let path: Vec<String> = p
            .iter()
            .cloned()
            .chain([k.clone(), field.to_string()])
            .collect();
        let with: Vec<&str> = rows
            .iter()
            .filter(|(_, r)| r.get(column).is_some())
            .map(|(k, _)| k.as_str())
            .collect();
        cx.diags.push(
            Diagnostic::error(
                codes::FIELD_NOT_ALLOWED,
                format!(
                    "`{k}` takes no `{field}`: it has no {}",
                    column.replace('_', " ")
                ),
            )
            .label(span_of(decl, &path), format!("`{field}` here"))
            .help(format!(
                "remove it; only {} take `{field}`",
                with.join(", ")
            )),
        );
    }
}

pub(super) fn when_ref_true(
    cx: &mut Checker<'_>,
    decl: &Decl,
    field: &[String],
    member: &str,
    r: &[String],
    flag: &[String],
) {
    if get(decl, field).and_then(Value::member) != Some(member) {
        return;
    }
    let Some(Value::Ref { decl: target, kind }) = get(decl, r) else {
        return;
    };
    let Some(t) = cx.decls.get(target) else {
        return;
    };
    if get(t, flag) != Some(&Value::Bool(false)) {
        return;
    }
    let (nf, nflag) = (dotted(field), dotted(flag));
    cx.diags.push(
        Diagnostic::error(
            codes::FIELD_REQUIRED_BY,
            format!("`{nf} = {member}` needs {kind} `{target}` to set `{nflag} = true`"),
        )
        .label(span_of(decl, field), format!("`{member}` here"))
        .label(span_of(decl, r), format!("{kind} `{target}`"))
        .help(format!("add `{nflag} = true` to {kind} `{target}`")),
    );
}

pub(super) fn items_total(cx: &mut Checker<'_>, decl: &Decl, lists: &[Arg], hi: i64) {
    let lists: Vec<&Vec<String>> = paths(lists).collect();
    let count = |p: &[String]| match get(decl, p) {
        Some(Value::List(items)) => items.len() as i64,
        _ => 0,
    };
    let total: i64 = lists.iter().map(|p| count(p)).sum();
    if total <= hi {
        return;
    }
    let names: Vec<String> = lists.iter().map(|p| format!("`{}`", dotted(p))).collect();
    let mut d = Diagnostic::error(
        codes::TOO_MANY_ITEMS,
        format!(
            "{} hold {total} items together; at most {hi} are allowed",
            names.join(" and ")
        ),
    );
    for p in lists.iter().filter(|p| count(p) > 0) {
        d = d.label(span_of(decl, p), format!("{} here", count(p)));
    }
    cx.diags.push(d.help(format!(
        "keep {hi} at most between them, or split the rule in two"
    )));
}
