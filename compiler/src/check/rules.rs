//! The named checks a kind schema calls (`check range(zones, 1, 6)`).
//!
//! Each rule is generic: it knows field paths and tables, never a kind.
//! Facts (bounds per volume type, instance limits) come from the tables
//! under `stdlib/data/`. A rule skips values that are null or already
//! invalid, so it never repeats an earlier diagnostic.

use super::errors;
use super::Checker;
use crate::diagnostics::{codes, Diagnostic};
use crate::ir::{Decl, Value};
use crate::schema::{Arg, CheckCall};
use crate::source::Span;
use serde_json::{json, Value as Json};

/// Every rule a schema may name; the stdlib test checks schemas against it.
pub const RULES: &[&str] = &[
    "range",
    "ordered",
    "items",
    "ref_at_least",
    "table_bounds",
    "instance_types",
    "select_instances",
    "whole",
    "cidr_prefix",
    "listed",
    "warn_if_empty",
    "pair_table",
    "image_source",
    "capacity_steps",
    "listed_by",
    "exactly_one",
    "same_ref",
    "cron_expression",
    "first_with",
    "name_shape",
    "requires",
    "available_in",
    "length",
    "manual_step",
    "needs",
    "excludes",
    "count_into",
    "count_is",
    "aws_id",
    "unique_per",
    "subset_of",
    "keys_listed",
    "entry_needs",
    "image_for",
    "warn_if_true",
    "when_ref_true",
    "items_total",
];

pub fn run(cx: &mut Checker<'_>, call: &CheckCall, decl: &mut Decl) {
    let args = call.args.as_slice();
    match (call.name.as_str(), args) {
        ("range", [Arg::Path(p), lo, hi]) => range(cx, decl, p, lo, hi),
        ("ordered", paths) => ordered(cx, decl, paths),
        ("items", [Arg::Path(p), Arg::Int(lo), Arg::Int(hi)]) => items(cx, decl, p, *lo, *hi),
        ("ref_at_least", [Arg::Path(r), Arg::Path(f), Arg::Int(n)]) => {
            ref_at_least(cx, decl, r, f, *n)
        }
        ("table_bounds", [Arg::Path(key), Arg::Path(table), Arg::List(fields)]) => {
            table_bounds(cx, decl, key, table, fields)
        }
        ("instance_types", [Arg::Path(p)]) => super::instances::instance_types(cx, decl, p),
        ("select_instances", [Arg::Path(sel), Arg::Path(out), Arg::Int(max)]) => {
            super::select::select_instances(cx, decl, sel, out, *max)
        }
        ("whole", [Arg::Path(p), unit]) => whole(cx, decl, p, unit),
        ("cidr_prefix", [Arg::Path(p), Arg::Int(lo), Arg::Int(hi)]) => {
            cidr_prefix(cx, decl, p, *lo, *hi)
        }
        ("listed", [Arg::Path(p), Arg::Path(table)]) => listed(cx, decl, p, table),
        ("warn_if_empty", [Arg::Path(p), Arg::Str(why)]) => warn_if_empty(cx, decl, p, why),
        ("warn_if_true", [Arg::Path(p), Arg::Str(why)]) => warn_if_true(cx, decl, p, why),
        ("pair_table", [Arg::Path(a), Arg::Path(b), Arg::Path(t)]) => pair_table(cx, decl, a, b, t),
        ("image_source", [Arg::Path(p), Arg::Path(k)]) => image_source(cx, decl, p, k),
        ("capacity_steps", [Arg::Path(p), Arg::Path(t), Arg::Path(k)]) => {
            capacity_steps(cx, decl, p, t, k)
        }
        ("listed_by", [Arg::Path(p), Arg::Path(t), Arg::Path(k)]) => listed_by(cx, decl, p, t, k),
        ("exactly_one", [Arg::Path(a), Arg::Path(b)]) => exactly_one(cx, decl, a, b),
        ("same_ref", [Arg::Path(a), Arg::Path(b)]) => same_ref(cx, decl, a, b),
        ("cron_expression", [Arg::Path(p)]) => cron_expression(cx, decl, p),
        ("name_shape", [Arg::Path(p), Arg::Int(lo), Arg::Int(hi), Arg::Str(extra)]) => {
            name_shape(cx, decl, p, *lo, *hi, extra)
        }
        ("first_with", [Arg::Path(g), Arg::Path(o), Arg::List(ps), Arg::Path(k)]) => {
            super::target::first_with(cx, decl, g, o, ps, k, None)
        }
        ("first_with", [Arg::Path(g), Arg::Path(o), Arg::List(ps), Arg::Path(k), Arg::Path(c)]) => {
            super::target::first_with(cx, decl, g, o, ps, k, Some(c))
        }
        ("length", [Arg::Path(p), Arg::Int(lo), Arg::Int(hi)]) => {
            super::text::length(cx, decl, p, *lo, *hi)
        }
        ("manual_step", [Arg::Path(p), Arg::Str(what)]) => {
            super::text::manual_step(cx, decl, p, what)
        }
        ("needs", [Arg::Path(a), Arg::List(bs)]) => super::choice::needs(cx, decl, a, bs),
        ("excludes", [Arg::Path(a), Arg::List(bs)]) => super::choice::excludes(cx, decl, a, bs),
        ("count_into", [Arg::Path(n), Arg::Path(l)]) => super::choice::count_into(cx, decl, n, l),
        ("count_is", [Arg::Path(l), Arg::Path(n)]) => super::choice::count_is(cx, decl, l, n),
        ("unique_per", [Arg::Path(p), Arg::Path(s)]) => super::choice::unique_per(cx, decl, p, s),
        ("subset_of", [Arg::Path(p), Arg::List(o)]) => super::choice::subset_of(cx, decl, p, o),
        ("keys_listed", [Arg::Path(p), Arg::Path(t)]) => super::choice::keys_listed(cx, decl, p, t),
        ("entry_needs", [Arg::Path(p), Arg::Path(f), Arg::Path(t), Arg::Path(c)]) => {
            match (f.as_slice(), c.as_slice()) {
                ([f], [c]) => super::choice::entry_needs(cx, decl, p, f, t, c),
                _ => cx.diags.push(internal(
                    decl,
                    "`entry_needs` takes a field and a column name",
                )),
            }
        }
        ("image_for", [Arg::Path(p), Arg::Path(t), Arg::Path(o)]) => {
            super::image::image_for(cx, decl, p, t, o)
        }
        ("when_ref_true", [Arg::Path(f), Arg::Path(m), Arg::Path(r), Arg::Path(g)]) => {
            match m.as_slice() {
                [m] => super::choice::when_ref_true(cx, decl, f, m, r, g),
                _ => cx
                    .diags
                    .push(internal(decl, "`when_ref_true` takes one enum member")),
            }
        }
        ("items_total", [Arg::List(ls), Arg::Int(hi)]) => {
            super::choice::items_total(cx, decl, ls, *hi)
        }
        ("aws_id", [Arg::Path(p), Arg::Str(prefix)]) => super::choice::aws_id(cx, decl, p, prefix),
        ("available_in", [Arg::Path(t)]) => super::regional::available_in(cx, decl, t),
        ("requires", [Arg::Path(f), Arg::Path(o), Arg::Path(m), unless @ ..]) => {
            match (m.as_slice(), unless) {
                ([member], []) => super::requires::requires(cx, decl, f, o, member),
                ([member], [Arg::Path(u)]) => {
                    super::requires::requires_unless(cx, decl, f, o, member, u)
                }
                _ => cx.diags.push(internal(
                    decl,
                    "`requires` takes one enum member, and optionally an `unless` path",
                )),
            }
        }
        _ => cx.diags.push(internal(
            decl,
            &format!(
                "the stdlib calls the check `{}` with arguments it does not take",
                call.name
            ),
        )),
    }
}

fn internal(decl: &Decl, msg: &str) -> Diagnostic {
    Diagnostic::error(codes::INTERNAL_LOWERING, msg.to_string())
        .label(decl.span, "while checking this declaration")
        .help("this is a bug in the standard library; please report it")
}

pub(super) fn get<'a>(decl: &'a Decl, path: &[String]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    decl.fields.get(first)?.at(rest)
}

pub(super) fn dotted(path: &[String]) -> String {
    path.join(".")
}

/// Where a path was written, or its nearest written ancestor, or the name.
pub(super) fn span_of(decl: &Decl, path: &[String]) -> Span {
    let mut p = path.to_vec();
    while !p.is_empty() {
        if let Some(s) = decl.spans.get(&dotted(&p)) {
            return *s;
        }
        p.pop();
    }
    decl.span
}

fn bound(cx: &mut Checker<'_>, a: &Arg) -> Option<(f64, String)> {
    match a {
        Arg::Int(n) => Some((*n as f64, n.to_string())),
        Arg::Value(e) => {
            let v = cx.eval(e);
            match v {
                Value::Quantity(q) => Some((q.base, q.text)),
                _ => None,
            }
        }
        _ => None,
    }
}

fn shown(v: &Value) -> String {
    match v {
        Value::Quantity(q) => q.text.clone(),
        Value::Int(n) => n.to_string(),
        Value::Decimal(d) => d.to_string(),
        Value::Str(s) => s.clone(),
        Value::Enum { member, .. } => member.clone(),
        _ => String::new(),
    }
}

fn range(cx: &mut Checker<'_>, decl: &Decl, p: &[String], lo: &Arg, hi: &Arg) {
    for v in at_each(cx, decl, p) {
        range_one(cx, decl, p, &v, lo, hi);
    }
}

/// The values at `p`: the one value, or one per item where the path runs
/// through a list (`containers.port`). Null and invalid values are left out.
fn at_each(cx: &Checker<'_>, decl: &Decl, p: &[String]) -> Vec<Value> {
    let through_list = matches!(
        p.first().and_then(|f| decl.fields.get(f)),
        Some(Value::List(_))
    );
    let values = match get(decl, p) {
        Some(v) => vec![v.clone()],
        None if through_list => follow(cx, decl, p),
        None => vec![],
    };
    values
        .into_iter()
        .filter(|v| !matches!(v, Value::Null | Value::Poison))
        .collect()
}

fn range_one(cx: &mut Checker<'_>, decl: &Decl, p: &[String], v: &Value, lo: &Arg, hi: &Arg) {
    let Some(n) = v.as_number() else { return };
    let (Some((lo, lo_s)), Some((hi, hi_s))) = (bound(cx, lo), bound(cx, hi)) else {
        cx.diags.push(internal(
            decl,
            "a `range` check has bounds that are not numbers",
        ));
        return;
    };
    if n < lo || n > hi {
        let fix = if n < lo { &lo_s } else { &hi_s };
        cx.diags.push(errors::out_of_range(
            &format!("`{}`", dotted(p)),
            &shown(v),
            &format!("from {lo_s} to {hi_s}"),
            span_of(decl, p),
            format!(
                "use a value from {lo_s} to {hi_s}, e.g. `{} = {fix}`",
                p.last().map(String::as_str).unwrap_or("")
            ),
        ));
    }
}

fn ordered(cx: &mut Checker<'_>, decl: &Decl, paths: &[Arg]) {
    let present: Vec<(&[String], i64)> = paths
        .iter()
        .filter_map(|a| match a {
            Arg::Path(p) => get(decl, p)
                .and_then(Value::as_int)
                .map(|n| (p.as_slice(), n)),
            _ => None,
        })
        .collect();
    for pair in present.windows(2) {
        let [(pa, a), (pb, b)] = pair else { continue };
        if a > b {
            let name = |p: &[String]| p.last().cloned().unwrap_or_default();
            let order: Vec<String> = paths
                .iter()
                .filter_map(|x| {
                    if let Arg::Path(p) = x {
                        Some(name(p))
                    } else {
                        None
                    }
                })
                .collect();
            let d = Diagnostic::error(
                codes::SCALING_ORDER,
                format!("`{}` ({a}) is greater than `{}` ({b})", name(pa), name(pb)),
            )
            .label(span_of(decl, pa), format!("`{}` is {a}", name(pa)))
            .label(span_of(decl, pb), format!("`{}` is {b}", name(pb)))
            .help(format!("keep `{}`", order.join(" <= ")));
            cx.diags.push(d);
            return;
        }
    }
}

fn items(cx: &mut Checker<'_>, decl: &Decl, p: &[String], lo: i64, hi: i64) {
    let Some(Value::List(vs)) = get(decl, p) else {
        return;
    };
    let n = vs.len() as i64;
    let name = dotted(p);
    if n > hi {
        cx.diags.push(
            Diagnostic::error(
                codes::TOO_MANY_ITEMS,
                format!("`{name}` has {n} items; at most {hi} are allowed"),
            )
            .label(span_of(decl, p), format!("{n} items"))
            .help(format!(
                "keep {hi} at most; split the rest into another `{}`",
                decl.kind
            )),
        );
    } else if n < lo {
        cx.diags.push(
            Diagnostic::error(
                codes::TOO_FEW,
                format!("`{name}` has {n} items; at least {lo} are needed"),
            )
            .label(span_of(decl, p), format!("{n} items"))
            .help(format!("add at least {lo} to `{name}`")),
        );
    }
}

fn ref_at_least(cx: &mut Checker<'_>, decl: &Decl, r: &[String], f: &[String], n: i64) {
    let Some(Value::Ref { decl: target, kind }) = get(decl, r) else {
        return;
    };
    let Some(t) = cx.decls.get(target) else {
        return;
    };
    let Some(have) = get(t, f).and_then(Value::as_int) else {
        return;
    };
    if have >= n {
        return;
    }
    let field = dotted(f);
    let mut d = Diagnostic::error(
        codes::TOO_FEW,
        format!(
            "{} `{}` needs a {kind} with `{field}` of at least {n}; `{target}` has {have}",
            decl.kind, decl.name
        ),
    )
    .label(
        span_of(decl, r),
        format!("`{target}` has `{field} = {have}`"),
    );
    let target_span = span_of(t, f);
    d = d.label(
        target_span,
        if t.set.contains(&field) {
            format!("`{field}` is {have} here")
        } else {
            format!("`{field}` defaults to {have}")
        },
    );
    cx.diags
        .push(d.help(format!("set `{field} = {n}` in {kind} `{target}`")));
}

pub(super) fn table_rows<'a>(
    cx: &Checker<'a>,
    table: &[String],
) -> Option<&'a serde_json::Map<String, Json>> {
    cx.stdlib.table(&dotted(table))?.get("rows")?.as_object()
}

fn table_bounds(
    cx: &mut Checker<'_>,
    decl: &Decl,
    key: &[String],
    table: &[String],
    fields: &[Arg],
) {
    let Some(member) = get(decl, key).and_then(Value::member).map(String::from) else {
        return;
    };
    let Some(row) = table_rows(cx, table).and_then(|r| r.get(&member)).cloned() else {
        cx.diags.push(internal(
            decl,
            &format!("table `{}` has no row `{member}`", dotted(table)),
        ));
        return;
    };
    for f in fields {
        let Arg::Path(fp) = f else { continue };
        let Some(v) = get(decl, fp) else { continue };
        let Some(n) = v.as_number() else { continue };
        let name = dotted(fp);
        // The table's columns are the last segment: `volume.iops` is `iops`.
        let column = fp.last().cloned().unwrap_or_default();
        match row.get(&column).and_then(Json::as_array).map(|b| {
            (
                b.first().and_then(Json::as_f64),
                b.get(1).and_then(Json::as_f64),
            )
        }) {
            None => {
                let d = Diagnostic::error(
                    codes::FIELD_NOT_ALLOWED,
                    format!("`{name}` does not apply to `{member}`"),
                )
                .label(
                    span_of(decl, fp),
                    format!("`{member}` has no configurable `{name}`"),
                )
                .label(
                    span_of(decl, key),
                    format!("`{}` is `{member}` here", dotted(key)),
                );
                let allowing: Vec<String> = table_rows(cx, table)
                    .map(|rows| {
                        rows.iter()
                            .filter(|(_, r)| r.get(&column).is_some())
                            .map(|(k, _)| format!("`{k}`"))
                            .collect()
                    })
                    .unwrap_or_default();
                cx.diags
                    .push(d.help(format!("remove `{name}`, or use {}", allowing.join(" or "))));
            }
            Some((Some(lo), Some(hi))) if n < lo || n > hi => {
                cx.diags.push(errors::out_of_range(
                    &format!("`{name}`"),
                    &shown(v),
                    &format!("{member} allows {lo} to {hi}"),
                    span_of(decl, fp),
                    format!("use a value from {lo} to {hi} for `{member}`"),
                ));
            }
            _ => {}
        }
    }
}

fn whole(cx: &mut Checker<'_>, decl: &Decl, p: &[String], unit: &Arg) {
    for v in at_each(cx, decl, p) {
        whole_one(cx, decl, p, &v, unit);
    }
}

fn whole_one(cx: &mut Checker<'_>, decl: &Decl, p: &[String], v: &Value, unit: &Arg) {
    let Value::Quantity(q) = v else {
        return;
    };
    let Some((per, unit_text)) = bound(cx, unit) else {
        return;
    };
    let count = q.base / per;
    if count.fract() != 0.0 {
        let unit_name = unit_text.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
        cx.diags.push(
            Diagnostic::error(
                codes::NOT_WHOLE,
                format!("`{}` must be a whole number of {unit_name}", dotted(p)),
            )
            .label(
                span_of(decl, p),
                format!("`{}` is {count:.2}{unit_name}", q.text),
            )
            .help(format!("write `{}{unit_name}`", count.ceil())),
        );
    }
}

fn cidr_prefix(cx: &mut Checker<'_>, decl: &Decl, p: &[String], lo: i64, hi: i64) {
    let Some(Value::Str(s)) = get(decl, p) else {
        return;
    };
    let Some(len) = super::lit::prefix_len(s) else {
        return;
    };
    if i64::from(len) < lo || i64::from(len) > hi {
        let d = errors::invalid_cidr(
            s,
            &format!("the prefix must be from /{lo} to /{hi}"),
            span_of(decl, p),
            None,
        );
        cx.diags.push(d.help(format!(
            "use a block from /{lo} (largest) to /{hi} (smallest), like `\"10.0.0.0/{lo}\"`"
        )));
    }
}

fn listed(cx: &mut Checker<'_>, decl: &Decl, p: &[String], table: &[String]) {
    let Some(v) = get(decl, p) else { return };
    let Some(t) = cx.stdlib.table(&dotted(table)) else {
        return;
    };
    let values: Vec<Json> = t
        .get("values")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    let unit = t.get("unit").and_then(Json::as_str);
    let probe: Json = match (v, unit) {
        (Value::Quantity(q), Some(u)) => match crate::ir::Dim::of_unit(u) {
            Some((_, scale)) if (q.base / scale).fract() == 0.0 => json!((q.base / scale) as i64),
            _ => json!(null),
        },
        (Value::Str(s), _) => json!(s),
        (Value::Int(n), _) => json!(n),
        _ => return,
    };
    if values.contains(&probe) {
        lifecycle(cx, decl, p, t, &probe);
        return;
    }
    let text = |j: &Json| match j {
        Json::String(s) => s.clone(),
        other => format!("{other}{}", unit.unwrap_or("")),
    };
    let all: Vec<String> = values.iter().map(text).collect();
    cx.diags.push(errors::out_of_range(
        &format!("`{}`", dotted(p)),
        &shown(v),
        &format!("not one of the {} values AWS accepts", all.len()),
        span_of(decl, p),
        format!("use one of {}", all.join(", ")),
    ));
}

/// A listed value with a support lifecycle (`"lifecycle": {value:
/// {standard_until, extended_until}}` and the table's `as_of` date):
/// a warning once standard support has ended (extended support costs
/// more) and once extended support has ended too (AWS no longer creates
/// it). Dates are the table's, never the clock's, so a build does not
/// change by itself.
fn lifecycle(cx: &mut Checker<'_>, decl: &Decl, p: &[String], t: &Json, probe: &Json) {
    let Some(key) = probe.as_str() else { return };
    let Some(life) = t.get("lifecycle").and_then(|l| l.get(key)) else {
        return;
    };
    let as_of = t.get("as_of").and_then(Json::as_str).unwrap_or("");
    let date = |k: &str| life.get(k).and_then(Json::as_str).unwrap_or("");
    let (standard, extended) = (date("standard_until"), date("extended_until"));
    // Values in standard support: those whose standard support has not
    // ended, and those too new to have dates yet.
    let current: Vec<&str> = t
        .get("values")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .filter(|v| {
            t.get("lifecycle")
                .and_then(|l| l.get(*v))
                .and_then(|l| l.get("standard_until"))
                .and_then(Json::as_str)
                .is_none_or(|d| d > as_of)
        })
        .collect();
    let (message, label) = if as_of >= extended {
        (
            format!(
                "`{key}` is past its extended support (ended {extended}): AWS no longer creates it"
            ),
            format!("no longer supported (table as of {as_of})"),
        )
    } else if as_of >= standard {
        (
            format!("`{key}` is in extended support since {standard}, at an extra cost per cluster hour"),
            format!("extended support until {extended}"),
        )
    } else {
        return;
    };
    cx.diags.push(
        Diagnostic::warning(codes::SUPPORT_ENDED, message)
            .label(span_of(decl, p), label)
            .help(format!(
                "move `{}` to a version in standard support ({}), one minor version at a time",
                dotted(p),
                current.join(", ")
            )),
    );
}

/// A name AWS constrains: `lo`..`hi` characters, ASCII letters and digits
/// or one of `extra`, starting with a letter or digit.
fn name_shape(cx: &mut Checker<'_>, decl: &Decl, p: &[String], lo: i64, hi: i64, extra: &str) {
    let Some(Value::Str(s)) = get(decl, p) else {
        return;
    };
    let len = s.chars().count() as i64;
    let ok_char = |c: char| c.is_ascii_alphanumeric() || extra.contains(c);
    let bad = s.chars().find(|c| !ok_char(*c));
    let first_ok = s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    let why = if len < lo || len > hi {
        format!("{len} characters; {lo} to {hi} are allowed")
    } else if let Some(c) = bad {
        format!("`{c}` is not allowed")
    } else if !first_ok {
        "it must start with a letter or a digit".to_string()
    } else {
        return;
    };
    let allowed = if extra.is_empty() {
        "letters and digits".to_string()
    } else {
        let shown: Vec<String> = extra.chars().map(|c| format!("`{c}`")).collect();
        format!("letters, digits and {}", shown.join(", "))
    };
    cx.diags.push(
        Diagnostic::error(
            codes::INVALID_AWS_NAME,
            format!("`{}` `{s}` is not a valid name: {why}", dotted(p)),
        )
        .label(span_of(decl, p), why)
        .help(format!(
            "use {lo} to {hi} characters: {allowed}, starting with a letter or digit"
        )),
    );
}

fn warn_if_empty(cx: &mut Checker<'_>, decl: &Decl, p: &[String], why: &str) {
    let Some(Value::List(vs)) = get(decl, p) else {
        return;
    };
    if vs.is_empty() {
        let name = dotted(p);
        cx.diags.push(
            Diagnostic::warning(
                codes::EMPTY_SETTING,
                format!("{} `{}` has no `{name}`: {why}", decl.kind, decl.name),
            )
            .label(span_of(decl, p), format!("`{name}` is empty"))
            .help(format!("set `{name} = [...]`")),
        );
    }
}

/// `warn_if_true(flag, why)`: a secure default turned off builds, with a
/// warning a reviewer sees.
fn warn_if_true(cx: &mut Checker<'_>, decl: &Decl, p: &[String], why: &str) {
    if get(decl, p) != Some(&Value::Bool(true)) {
        return;
    }
    let name = dotted(p);
    cx.diags.push(
        Diagnostic::warning(
            codes::INSECURE_SETTING,
            format!("{} `{}` sets `{name} = true`: {why}", decl.kind, decl.name),
        )
        .label(span_of(decl, p), "a secure default turned off")
        .help(format!(
            "remove `{name}` unless the software cannot do without it"
        )),
    );
}

/// `pair_table(cpu, memory, table)`: the pair must be a row of the table
/// (`pairs`: vCPU -> accepted memory sizes in GB). Memory written in GB,
/// GiB or MB all match, as the services mean binary units. Sets
/// `derived.cpu_units` (1024 per vCPU) and `derived.memory_mib`.
fn pair_table(
    cx: &mut Checker<'_>,
    decl: &mut Decl,
    cpu_p: &[String],
    mem_p: &[String],
    table: &[String],
) {
    let (Some(Value::Quantity(cpu)), Some(Value::Quantity(mem))) =
        (get(decl, cpu_p).cloned(), get(decl, mem_p).cloned())
    else {
        return;
    };
    let Some(t) = cx.stdlib.table(&dotted(table)) else {
        return;
    };
    let service = t
        .get("service")
        .and_then(Json::as_str)
        .unwrap_or("the service")
        .to_string();
    let pairs = t
        .get("pairs")
        .and_then(Json::as_object)
        .cloned()
        .unwrap_or_default();
    let vcpu = cpu.base / 1000.0;
    let key = format!("{vcpu}");
    let gb_options: Vec<f64> = pairs
        .get(&key)
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_f64).collect())
        .unwrap_or_default();
    // Services mean binary units however they are written: `2GB`, `2Gi` and
    // `2048MB` are all the service's "2 GB".
    let as_gb = [
        mem.base / 1e9,
        mem.base / (1024.0 * 1024.0 * 1024.0),
        mem.base / 1e6 / 1024.0,
    ];
    let hit = gb_options
        .iter()
        .copied()
        .find(|g| as_gb.iter().any(|x| (x - g).abs() < 1e-6));
    match hit {
        Some(gb) => {
            decl.derived
                .insert("cpu_units".into(), json!((vcpu * 1024.0).round() as i64));
            decl.derived
                .insert("memory_mib".into(), json!((gb * 1024.0).round() as i64));
        }
        None => {
            let cpus: Vec<String> = pairs.keys().map(|k| format!("{k}vcpu")).collect();
            let help = if gb_options.is_empty() {
                format!("{service} takes {} of CPU", cpus.join(", "))
            } else {
                let mems: Vec<String> = gb_options.iter().map(|g| format!("{g}GB")).collect();
                format!("with {}, use `memory` {}", cpu.text, mems.join(", "))
            };
            cx.diags.push(
                Diagnostic::error(
                    codes::INVALID_COMBINATION,
                    format!(
                        "{service} does not accept `cpu = {}` with `memory = {}`",
                        cpu.text, mem.text
                    ),
                )
                .label(
                    span_of(decl, mem_p),
                    format!("{} is not offered with {}", mem.text, cpu.text),
                )
                .label(span_of(decl, cpu_p), "with this cpu")
                .help(help),
            );
        }
    }
}

/// `image_source(image, kind)`: an image from a repository of `kind` in the
/// program, a private ECR URI, or ECR Public; anything else is an error.
/// Sets `derived.image_repository_type` (`ECR` / `ECR_PUBLIC`) and, for a
/// repository in the program, `derived.image_repository_id`.
fn image_source(cx: &mut Checker<'_>, decl: &mut Decl, p: &[String], kind: &[String]) {
    // Unset is another check's business (`exactly_one` with a source).
    let Some(v) = get(decl, p)
        .filter(|v| !matches!(v, Value::Null | Value::Poison))
        .cloned()
    else {
        return;
    };
    let kind = dotted(kind);
    let from_program = match &v {
        Value::Interp(parts) => parts.iter().find_map(|part| match part {
            crate::ir::InterpPart::Attr { decl: d, .. }
                if cx.decls.get(d).is_some_and(|x| x.kind == kind) =>
            {
                Some(d.clone())
            }
            _ => None,
        }),
        Value::Attr { decl: d, .. } if cx.decls.get(d).is_some_and(|x| x.kind == kind) => {
            Some(d.clone())
        }
        _ => None,
    };
    let kind_of = |s: &str| {
        let host = s.split('/').next().unwrap_or("");
        if host == "public.ecr.aws" {
            Some("ECR_PUBLIC")
        } else if host.contains(".dkr.ecr.") && host.ends_with(".amazonaws.com") {
            Some("ECR")
        } else {
            None
        }
    };
    let repo_type = match (&from_program, &v) {
        (Some(d), _) => {
            decl.derived.insert(
                "image_repository_id".into(),
                json!(crate::lower::logical_root(d)),
            );
            Some("ECR")
        }
        (None, Value::Str(s)) => kind_of(s),
        _ => None,
    };
    match repo_type {
        Some(t) => {
            decl.derived.insert("image_repository_type".into(), json!(t));
        }
        None => cx.diags.push(
            Diagnostic::error(codes::UNSUPPORTED_IMAGE_SOURCE, format!("`{}` must come from Amazon ECR or ECR Public", dotted(p)))
                .label(span_of(decl, p), "not an ECR or ECR Public image")
                .help(format!("push the image to an `{kind}` and write `image = \"${{repo.uri}}:tag\"`, or use `public.ecr.aws/...`")),
        ),
    }
}

/// `capacity_steps(capacity, table, key)`: a size the table's row for the
/// key's member offers: one of `capacity_gib.listed`, or a multiple of
/// `capacity_gib.step` (GiB).
fn capacity_steps(
    cx: &mut Checker<'_>,
    decl: &Decl,
    p: &[String],
    table: &[String],
    key: &[String],
) {
    let (Some(Value::Quantity(q)), Some(member)) =
        (get(decl, p), get(decl, key).and_then(Value::member))
    else {
        return;
    };
    let Some(t) = cx.stdlib.table(&dotted(table)) else {
        return;
    };
    let service = t
        .get("service")
        .and_then(Json::as_str)
        .unwrap_or("the service")
        .to_string();
    let Some(rule) = t
        .get("rows")
        .and_then(|r| r.get(member))
        .and_then(|r| r.get("capacity_gib"))
    else {
        return;
    };
    let listed: Vec<f64> = rule
        .get("listed")
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_f64).collect())
        .unwrap_or_default();
    let step = rule.get("step").and_then(Json::as_f64).unwrap_or(1.0);
    let gib = q.base / (1024.0 * 1024.0 * 1024.0);
    let ok = gib.fract() == 0.0 && gib > 0.0 && (listed.contains(&gib) || gib % step == 0.0);
    if !ok {
        let nearest = ((gib / step).ceil().max(1.0)) * step;
        let first: Vec<String> = listed.iter().map(|g| format!("{g}Gi")).collect();
        cx.diags.push(errors::out_of_range(
            &format!("`{}`", dotted(p)),
            &q.text,
            &format!(
                "{service} {member} takes {} or a multiple of {step}Gi",
                first.join(", ")
            ),
            span_of(decl, p),
            format!(
                "use `{}Gi`",
                if gib < listed.first().copied().unwrap_or(0.0) {
                    listed.first().copied().unwrap_or(step)
                } else {
                    nearest
                }
            ),
        ));
    }
}

/// `listed_by(field, table, key)`: the field's allowed values depend on the
/// key's member (`rows.<member>.<field>`): required where the row lists
/// values, not allowed where it does not.
fn listed_by(cx: &mut Checker<'_>, decl: &Decl, p: &[String], table: &[String], key: &[String]) {
    let Some(member) = get(decl, key).and_then(Value::member).map(String::from) else {
        return;
    };
    let Some(t) = cx.stdlib.table(&dotted(table)) else {
        return;
    };
    let service = t
        .get("service")
        .and_then(Json::as_str)
        .unwrap_or("the service")
        .to_string();
    let name = dotted(p);
    let allowed: Option<Vec<i64>> = t
        .get("rows")
        .and_then(|r| r.get(&member))
        .and_then(|r| r.get(&name))
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_i64).collect());
    let value = get(decl, p);
    let shown_allowed = |a: &[i64]| {
        a.iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (allowed, value) {
        (Some(a), Some(Value::Int(n))) if !a.contains(n) => cx.diags.push(errors::out_of_range(
            &format!("`{name}`"),
            &n.to_string(),
            &format!("{service} {member} takes {}", shown_allowed(&a)),
            span_of(decl, p),
            format!("use one of {}", shown_allowed(&a)),
        )),
        (Some(a), Some(Value::Null) | None) => cx.diags.push(
            Diagnostic::error(
                codes::FIELD_REQUIRED_BY,
                format!(
                    "{} `{}` needs `{name}` when `{}` is `{member}`",
                    decl.kind,
                    decl.name,
                    dotted(key)
                ),
            )
            .label(span_of(decl, key), format!("`{member}` needs `{name}`"))
            .help(format!(
                "add `{name} = {}`",
                a.first().copied().unwrap_or(0)
            )),
        ),
        (None, Some(Value::Int(_))) => cx.diags.push(
            Diagnostic::error(
                codes::FIELD_NOT_ALLOWED,
                format!("`{name}` does not apply to `{member}`"),
            )
            .label(
                span_of(decl, p),
                format!("{service} {member} has no `{name}`"),
            )
            .label(
                span_of(decl, key),
                format!("`{}` is `{member}` here", dotted(key)),
            )
            .help(format!("remove `{name}`")),
        ),
        _ => {}
    }
}

/// `exactly_one(a, b)`: one of two optional fields, not both, not neither.
fn exactly_one(cx: &mut Checker<'_>, decl: &Decl, a: &[String], b: &[String]) {
    let present = |p: &[String]| {
        get(decl, p).is_some_and(|v| match v {
            Value::Null => false,
            Value::List(items) => !items.is_empty(),
            _ => true,
        })
    };
    // Two fields of an optional object (`ssh.key`, `ssh.public_key`) are
    // asked for only when the object is there.
    let parent = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if parent > 0 && !present(a.get(..parent).unwrap_or(&[])) {
        return;
    }
    let (has_a, has_b) = (present(a), present(b));
    let (na, nb) = (dotted(a), dotted(b));
    if has_a && has_b {
        cx.diags.push(
            Diagnostic::error(
                codes::EXACTLY_ONE,
                format!("{} `{}` sets both `{na}` and `{nb}`", decl.kind, decl.name),
            )
            .label(span_of(decl, b), format!("`{nb}` here"))
            .label(span_of(decl, a), format!("`{na}` here"))
            .help(format!("keep one of `{na}` and `{nb}`")),
        );
    } else if !has_a && !has_b {
        cx.diags.push(
            Diagnostic::error(
                codes::EXACTLY_ONE,
                format!("{} `{}` needs `{na}` or `{nb}`", decl.kind, decl.name),
            )
            .label(decl.span, format!("neither `{na}` nor `{nb}` is set"))
            .help(format!("add `{na} = ...`")),
        );
    }
}

/// The values at a path, following references into other declarations and
/// fanning out over lists: `task.volumes.efs.network`.
pub(super) fn follow(cx: &Checker<'_>, decl: &Decl, path: &[String]) -> Vec<Value> {
    // Borrowed until the end: a rule asks this of every declaration, and
    // cloning the fields on each call was a tenth of a large build.
    let Some((first, rest)) = path.split_first() else {
        return vec![Value::Map(decl.fields.clone())];
    };
    let mut values: Vec<&Value> = decl.fields.get(first).into_iter().collect();
    for seg in rest {
        let mut next = vec![];
        let mut stack = values;
        while let Some(v) = stack.pop() {
            match v {
                Value::List(items) => stack.extend(items),
                Value::Map(m) => next.extend(m.get(seg)),
                Value::Ref { decl: d, .. } => {
                    next.extend(cx.decls.get(d).and_then(|x| x.fields.get(seg)))
                }
                _ => {}
            }
        }
        values = next;
    }
    values
        .into_iter()
        .flat_map(|v| match v {
            Value::List(items) => items.clone(),
            v => vec![v.clone()],
        })
        .collect()
}

/// `same_ref(a, b)`: every declaration reached by `b` is the one reached by
/// `a` (a task's file systems live in the network its service runs in).
fn same_ref(cx: &mut Checker<'_>, decl: &Decl, a: &[String], b: &[String]) {
    let name = |v: &Value| match v {
        Value::Ref { decl, kind } => Some((decl.clone(), kind.clone())),
        _ => None,
    };
    let Some((want, kind)) = follow(cx, decl, a).iter().find_map(name) else {
        return;
    };
    let mut seen = vec![];
    for v in follow(cx, decl, b) {
        let Some((got, _)) = name(&v) else { continue };
        if got != want && !seen.contains(&got) {
            seen.push(got.clone());
            cx.diags.push(
                Diagnostic::error(
                    codes::MISMATCHED_REFERENCE,
                    format!(
                        "`{}` leads to {kind} `{got}`, but `{}` is {kind} `{want}`",
                        dotted(b),
                        dotted(a)
                    ),
                )
                .label(
                    span_of(decl, b.get(..1).unwrap_or(b)),
                    format!("through here `{}` is `{got}`", dotted(b)),
                )
                .label(
                    span_of(decl, a.get(..1).unwrap_or(a)),
                    format!("through here `{}` is `{want}`", dotted(a)),
                )
                .help(format!(
                    "both must be the same {kind}: move one, or use a resource in `{want}`"
                )),
            );
        }
    }
}

/// `cron_expression(path)`: an EventBridge cron expression: six fields
/// (minutes hours day-of-month month day-of-week year), exactly one of the
/// day fields `?`.
fn cron_expression(cx: &mut Checker<'_>, decl: &Decl, p: &[String]) {
    for v in follow(cx, decl, p) {
        if let Value::Str(s) = v {
            one_cron(cx, decl, p, &s);
        }
    }
}

fn one_cron(cx: &mut Checker<'_>, decl: &Decl, p: &[String], s: &str) {
    let fields: Vec<&str> = s.split_whitespace().collect();
    let names = [
        "minutes",
        "hours",
        "day-of-month",
        "month",
        "day-of-week",
        "year",
    ];
    let bounds = [(0, 59), (0, 23), (1, 31), (1, 12), (1, 7), (1970, 2199)];
    let problem = if fields.len() != 6 {
        Some(format!(
            "it has {} fields; EventBridge cron has 6",
            fields.len()
        ))
    } else if (fields.get(2) == Some(&"?")) == (fields.get(4) == Some(&"?")) {
        Some("exactly one of day-of-month and day-of-week must be `?`".to_string())
    } else {
        fields
            .iter()
            .zip(names.iter().zip(bounds))
            .find_map(|(f, (n, (lo, hi)))| {
                let allowed = |c: char| c.is_ascii_alphanumeric() || ",-*/?LW#".contains(c);
                if !f.chars().all(allowed) {
                    return Some(format!(
                        "the {n} field `{f}` has a character cron does not use"
                    ));
                }
                let out = f
                    .split([',', '-', '/'])
                    .filter_map(|x| x.parse::<i64>().ok())
                    .find(|x| *x < lo || *x > hi);
                out.map(|x| format!("{x} is not a valid {n} ({lo} to {hi})"))
            })
    };
    if let Some(why) = problem {
        cx.diags.push(
            Diagnostic::error(codes::INVALID_SCHEDULE, format!("`{s}` is not a valid cron expression: {why}"))
                .label(span_of(decl, p), why)
                .help("write minutes hours day-of-month month day-of-week year, e.g. `\"0 3 * * ? *\"` for 03:00 UTC every day"),
        );
    }
}

pub(super) fn scalar_json(v: &Value) -> Option<Json> {
    Some(match v {
        Value::Str(s) => json!(s),
        Value::Int(n) => json!(n),
        Value::Bool(b) => json!(b),
        _ => return None,
    })
}
