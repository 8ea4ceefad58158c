//! The `select_instances(selector, types, max)` rule: eksctl's instance
//! selector, answered from the instance table (EC2's own vCPU, memory and
//! GPU figures, `stdlib/data/instance_types.json`) while compiling, where
//! eksctl asks EC2 when it creates the group. The chosen types are written
//! into `types`, so every later rule, the template and the plan see them
//! as if the program had listed them: a plan shows the exact types, and
//! the same program chooses the same types until the table is regenerated.
//! The table does not say which types a region offers; a type the region
//! lacks fails as it would had it been written by hand.

use super::rules::{dotted, get, span_of};
use super::Checker;
use crate::diagnostics::{codes, Diagnostic};
use crate::ir::{Decl, Value};
use serde_json::Value as Json;

const MIB: f64 = 1024.0 * 1024.0;

/// What a selector asks for; an unset criterion matches everything.
struct Wanted {
    vcpus: Option<i64>,
    memory_mib: Option<i64>,
    gpus: Option<i64>,
    arch: String,
}

impl Wanted {
    fn of(selector: &std::collections::BTreeMap<String, Value>) -> Wanted {
        let int = |k: &str| match selector.get(k) {
            Some(Value::Int(n)) => Some(*n),
            _ => None,
        };
        Wanted {
            vcpus: int("vcpus"),
            memory_mib: match selector.get("memory") {
                // Whole MiB, as EC2 reports memory.
                Some(Value::Quantity(q)) => Some((q.base / MIB).round() as i64),
                _ => None,
            },
            gpus: int("gpus"),
            arch: match selector.get("architecture") {
                Some(Value::Enum { member, .. }) => member.clone(),
                _ => "x86_64".to_string(),
            },
        }
    }

    fn matches(&self, row: &Json) -> bool {
        let n = |k: &str| row.get(k).and_then(Json::as_i64);
        let same = |want: Option<i64>, have: Option<i64>| want.is_none() || want == have;
        let gpus_ok = match self.gpus {
            // No GPUs means no accelerator of any kind: EC2 reports some
            // GPU types with a count of 0 (eksctl filters the same way).
            Some(0) => row.get("accelerator").is_none(),
            g => same(g, n("gpus")),
        };
        row.get("arch").and_then(Json::as_str) == Some(self.arch.as_str())
            && same(self.vcpus, n("vcpu"))
            && same(self.memory_mib, n("memory_mib"))
            && gpus_ok
    }

    fn describe(&self) -> String {
        let mut parts = vec![];
        if let Some(v) = self.vcpus {
            parts.push(format!("{v} vCPUs"));
        }
        if let Some(m) = self.memory_mib {
            parts.push(format!("{} GiB", m as f64 / 1024.0));
        }
        if let Some(g) = self.gpus {
            parts.push(format!("{g} GPUs"));
        }
        parts.push(self.arch.clone());
        parts.join(", ")
    }
}

pub(super) fn select_instances(
    cx: &mut Checker<'_>,
    decl: &mut Decl,
    sel: &[String],
    out: &[String],
    max: i64,
) {
    let Some(Value::Map(selector)) = get(decl, sel) else {
        return;
    };
    let wanted = Wanted::of(selector);
    let Some(rows) = cx.stdlib.rows("instance_types") else {
        return;
    };
    // In name order, as the rows are kept.
    let picked: Vec<String> = rows
        .iter()
        .filter(|(_, row)| wanted.matches(row))
        .map(|(t, _)| t.to_string())
        .collect();
    let at = span_of(decl, sel);
    let as_of = cx
        .stdlib
        .fact("instance_types", "as_of")
        .and_then(Json::as_str)
        .unwrap_or("");
    let count = i64::try_from(picked.len()).unwrap_or(i64::MAX);
    if picked.is_empty() {
        cx.diags.push(
            Diagnostic::error(
                codes::UNKNOWN_INSTANCE_TYPE,
                format!("no instance type has {}", wanted.describe()),
            )
            .label(at, format!("matches nothing in the instance table (as of {as_of})"))
            .help("loosen a criterion (memory is matched exactly, as eksctl does), or list `instance_types`"),
        );
        return;
    }
    if count > max {
        let shown: Vec<&str> = picked.iter().take(6).map(String::as_str).collect();
        cx.diags.push(
            Diagnostic::error(
                codes::TOO_MANY_ITEMS,
                format!(
                    "{count} instance types have {}; `{}` takes at most {max}",
                    wanted.describe(),
                    dotted(out)
                ),
            )
            .label(at, format!("{}, ...", shown.join(", ")))
            .help(format!(
                "narrow the selector, or list in `{}` the {max} or fewer types you want",
                dotted(out)
            )),
        );
        return;
    }
    if let [field] = out {
        let list = picked.into_iter().map(Value::Str).collect();
        decl.fields.insert(field.clone(), Value::List(list));
    }
}
