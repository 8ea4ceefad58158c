//! Services that exist in some regions only (`check available_in(table)`):
//! a declaration of one is checked against the project's region once the
//! whole program is checked, since the project block may come after it
//! (or read a param).
//!
//! The table names the service and its regions (`data/*_regions.json`,
//! with its source). A project in another region is an error: the stack
//! would fail in CloudFormation with an unknown resource type. A project
//! that sets no region is a warning: the region is then chosen at apply
//! time (`--region`, the environment), which Cairn cannot see.

use super::rules::{dotted, span_of};
use super::Checker;
use crate::diagnostics::{codes, Diagnostic};
use crate::ir::Decl;
use crate::source::Span;
use serde_json::Value as Json;

/// A declaration that only some regions can deploy.
pub struct Regional {
    decl: String,
    span: Span,
    service: String,
    regions: Vec<String>,
    /// The region to suggest (the table's `home`, else its first).
    home: String,
}

pub fn available_in(cx: &mut Checker<'_>, decl: &Decl, table: &[String]) {
    let Some(t) = cx.stdlib.table(&dotted(table)) else {
        return;
    };
    let regions: Vec<String> = super::lit::strs(t.get("regions"))
        .map(String::from)
        .collect();
    let home = t
        .get("home")
        .and_then(Json::as_str)
        .map(String::from)
        .or_else(|| regions.first().cloned())
        .unwrap_or_default();
    cx.regional.push(Regional {
        decl: decl.name.clone(),
        span: span_of(decl, &[]),
        service: t
            .get("service")
            .and_then(Json::as_str)
            .unwrap_or("this service")
            .to_string(),
        regions,
        home,
    });
}

/// Every pending regional declaration against the project's region.
pub fn check(pending: &[Regional], region: Option<&str>) -> Vec<Diagnostic> {
    pending
        .iter()
        .filter(|r| region.is_none_or(|g| !r.regions.iter().any(|x| x == g)))
        .map(|r| {
            let list = r
                .regions
                .iter()
                .map(|x| format!("`{x}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let home = &r.home;
            match region {
                Some(g) => Diagnostic::error(
                    codes::UNAVAILABLE_IN_REGION,
                    format!("`{}` needs {}, which this project's region `{g}` does not have", r.decl, r.service),
                )
                .label(r.span, format!("{} in `{g}`", r.service))
                .help(format!(
                    "declare `{}` in a program whose project block sets `region = \"{home}\"` ({} exists in {list}); what other regions need from it (its URI) can be passed to them as a param",
                    r.decl, r.service
                )),
                None => Diagnostic::warning(
                    codes::REGION_UNSET,
                    format!("`{}` needs {}, which only some regions have (`{home}` among them), and this project sets no region", r.decl, r.service),
                )
                .label(r.span, format!("deploys only where {} exists", r.service))
                .help(format!(
                    "set `region = \"{home}\"` in the project block, or always apply this program with `--region {home}` ({} exists in {list})",
                    r.service
                )),
            }
        })
        .collect()
}
