//! Rules about a string setting as a whole: its length (`length`), and a
//! setting that needs a step outside CloudFormation (`manual_step`, a
//! warning with the step).

use super::rules::{dotted, get, span_of};
use super::Checker;
use crate::diagnostics::{codes, Diagnostic};
use crate::ir::{Decl, Value};

/// A setting that works only after a step outside CloudFormation: a
/// warning, wherever the program is built, planned or applied, so the
/// step is not first learnt from a failed stack. `what` is the step.
pub fn manual_step(cx: &mut Checker<'_>, decl: &Decl, p: &[String], what: &str) {
    let Some(v) = get(decl, p) else { return };
    if matches!(v, Value::Null | Value::Poison) {
        return;
    }
    let value = match v {
        Value::Str(s) => format!(" `{s}`"),
        _ => String::new(),
    };
    cx.diags.push(
        Diagnostic::warning(
            codes::MANUAL_STEP,
            format!(
                "{} `{}` needs a step outside CloudFormation for `{}`{value}",
                decl.kind,
                decl.name,
                dotted(p)
            ),
        )
        .label(span_of(decl, p), "made and completed by hand, once")
        .help(what.to_string()),
    );
}

/// A string's length in characters, within `lo..=hi`.
pub fn length(cx: &mut Checker<'_>, decl: &Decl, p: &[String], lo: i64, hi: i64) {
    let Some(Value::Str(s)) = get(decl, p) else {
        return;
    };
    let n = s.chars().count() as i64;
    if n < lo || n > hi {
        let field = p.last().map(String::as_str).unwrap_or("");
        let help = if n > hi {
            format!("shorten `{field}` to at most {hi} characters")
        } else {
            format!("give `{field}` at least {lo} characters, or leave it out")
        };
        cx.diags.push(
            Diagnostic::error(
                codes::OUT_OF_RANGE,
                format!(
                    "`{}` is {n} characters long; {lo} to {hi} are allowed",
                    dotted(p)
                ),
            )
            .label(span_of(decl, p), format!("{n} characters"))
            .help(help),
        );
    }
}
