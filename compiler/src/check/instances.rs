//! The `instance_types(path)` rule: every listed EC2 instance type is
//! looked up in `stdlib/data/instance_types.json` (the EKS AMI's own
//! tables), and the group's architecture and accelerator are derived for
//! the templates that pick a machine image.
//!
//! A type the table lacks is not necessarily wrong: the table is a snapshot
//! and EC2 launches families every month. So a name shaped like an instance
//! type (`<class><generation><options>.<size>`) whose family is new and
//! whose size is one EC2 uses is a warning and still builds; its
//! architecture comes from EC2's naming convention (a Graviton option
//! letter, read from the table) and its accelerator from its class's known
//! families. A known family with an unknown size, or a name that is not
//! shaped like a type, is an error with the nearest type of the same
//! family and hardware.

use super::rules::{dotted, get, span_of};
use super::Checker;
use crate::diagnostics::{closest, codes, Diagnostic};
use crate::ir::{Decl, Value};
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeSet;

/// What the table says, or what the name says, of one type.
struct Hardware {
    arch: String,
    accelerator: Option<String>,
}

pub(super) fn instance_types(cx: &mut Checker<'_>, decl: &mut Decl, p: &[String]) {
    let Some(Value::List(vs)) = get(decl, p).cloned() else {
        return;
    };
    let Some(index) = cx.stdlib.rows("instance_types") else {
        return;
    };
    let graviton = cx
        .stdlib
        .fact("instance_types", "graviton_option")
        .and_then(Json::as_str)
        .unwrap_or("g");
    let as_of = cx
        .stdlib
        .fact("instance_types", "as_of")
        .and_then(Json::as_str)
        .unwrap_or("");
    let mut found: Vec<(String, Hardware)> = vec![];
    let mut broken = false;
    for (i, v) in vs.iter().enumerate() {
        let Value::Str(t) = v else {
            broken = true;
            continue;
        };
        let mut item = p.to_vec();
        item.push(i.to_string());
        let at = span_of(decl, &item);
        if let Some(row) = index.get(t) {
            found.push((t.clone(), hardware_of(&row)));
            continue;
        }
        // Only a type the table lacks needs every row (to guess or to hint
        // from), so only then is the whole table read.
        let Some(rows) = cx
            .stdlib
            .table("instance_types")
            .and_then(|t| t.get("rows"))
            .and_then(Json::as_object)
        else {
            broken = true;
            continue;
        };
        match guess(t, rows, graviton) {
            Some(hw) => {
                cx.diags.push(
                    Diagnostic::warning(
                        codes::UNLISTED_INSTANCE_TYPE,
                        format!("instance type `{t}` is not in the instance table (as of {as_of})"),
                    )
                    .label(at, format!("a new family? taken as {}{}", hw.arch, accel_text(&hw)))
                    .help("if EC2 offers it in your region this builds as it is; if it is a typo, see `cairn explain W0005`"),
                );
                found.push((t.clone(), hw));
            }
            None => {
                broken = true;
                let hint = match nearest(t, rows, graviton) {
                    Some(n) => format!("did you mean `{n}`?"),
                    None => "use a type from the EKS AMI's instance table (stdlib/data/instance_types.json)".to_string(),
                };
                cx.diags.push(
                    Diagnostic::error(
                        codes::UNKNOWN_INSTANCE_TYPE,
                        format!("unknown instance type `{t}`"),
                    )
                    .label(at, "not an EC2 instance type")
                    .help(hint),
                );
            }
        }
    }
    if broken || found.is_empty() {
        return;
    }
    // One group runs one machine image: one architecture, one accelerator.
    let mixes: [Mix; 2] = [
        (
            "mixes processor architectures",
            "one group runs one machine image: use types of one architecture, and another group for the rest",
            |h| h.arch.clone(),
        ),
        (
            "mixes accelerated and plain instance types",
            "one group runs one machine image, and only the accelerated image has the drivers: put the accelerated types in a group of their own",
            |h| h.accelerator.clone().unwrap_or_else(|| "none".into()),
        ),
    ];
    for (what, help, of) in mixes {
        let kinds: BTreeSet<String> = found.iter().map(|(_, h)| of(h)).collect();
        if kinds.len() > 1 {
            let shown: Vec<String> = found
                .iter()
                .map(|(t, h)| format!("{t}: {}", of(h)))
                .collect();
            cx.diags.push(
                Diagnostic::error(
                    codes::MIXED_ARCHITECTURES,
                    format!("`{}` {what}", dotted(p)),
                )
                .label(span_of(decl, p), shown.join(", "))
                .help(help),
            );
            return;
        }
    }
    let (arch, accelerator) = match found.first() {
        Some((_, h)) => (h.arch.clone(), h.accelerator.clone()),
        None => return,
    };
    decl.derived.insert("arch".into(), json!(arch));
    decl.derived
        .insert("accelerator".into(), json!(accelerator));
}

/// What a group may not mix: its message, its help, and the property.
type Mix = (&'static str, &'static str, fn(&Hardware) -> String);

fn hardware_of(row: &Json) -> Hardware {
    Hardware {
        arch: row
            .get("arch")
            .and_then(Json::as_str)
            .unwrap_or("x86_64")
            .to_string(),
        accelerator: row
            .get("accelerator")
            .and_then(Json::as_str)
            .map(String::from),
    }
}

fn accel_text(h: &Hardware) -> String {
    match &h.accelerator {
        Some(a) => format!(" with {a} accelerators"),
        None => String::new(),
    }
}

/// `m7gd.2xlarge` -> ("m", "7", "gd", "2xlarge"); None when not so shaped.
fn parts(t: &str) -> Option<(&str, &str, &str, &str)> {
    let (family, size) = t.split_once('.')?;
    let digits = family.find(|c: char| c.is_ascii_digit())?;
    let (class, rest) = family.split_at(digits);
    let gen_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (generation, options) = rest.split_at(gen_end);
    let ok = !class.is_empty()
        && class.chars().all(|c| c.is_ascii_lowercase())
        && options
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !size.is_empty();
    ok.then_some((class, generation, options, size))
}

fn family(t: &str) -> &str {
    t.split_once('.').map_or(t, |(f, _)| f)
}

/// The hardware of a well-shaped type of a family the table does not have
/// yet, in a size EC2 uses; None when the name cannot be such a type.
fn guess(t: &str, rows: &Map<String, Json>, graviton: &str) -> Option<Hardware> {
    let (class, _, options, size) = parts(t)?;
    let fam = family(t);
    let family_known = rows.keys().any(|k| family(k) == fam);
    let size_known = rows
        .keys()
        .any(|k| k.split_once('.').map(|(_, s)| s) == Some(size));
    if family_known || !size_known {
        return None;
    }
    let main_options = options.split('-').next().unwrap_or("");
    let arch = if main_options.contains(graviton) {
        "arm64"
    } else {
        "x86_64"
    };
    // A class whose known families all carry one accelerator (every `p` is
    // NVIDIA, every `trn` Neuron) passes it on; a mixed class (`g`: NVIDIA
    // and AMD) gives the most common, which the warning names.
    let mut counts: Vec<(Option<&str>, usize)> = vec![];
    let mut classes = 0;
    for (k, row) in rows {
        if parts(k).map(|(c, ..)| c) != Some(class) {
            continue;
        }
        classes += 1;
        let a = row.get("accelerator").and_then(Json::as_str);
        match counts.iter_mut().find(|(x, _)| *x == a) {
            Some((_, n)) => *n += 1,
            None => counts.push((a, 1)),
        }
    }
    let accelerator = if classes == 0 {
        None
    } else {
        counts
            .iter()
            .max_by_key(|(_, n)| *n)
            .and_then(|(a, _)| a.map(String::from))
    };
    Some(Hardware {
        arch: arch.to_string(),
        accelerator,
    })
}

/// The nearest known type: within the family when it is known (a misspelt
/// size), else among types of the same size, class and hardware as the
/// name suggests, so a GPU type is never offered a plain one.
fn nearest<'a>(t: &str, rows: &'a Map<String, Json>, graviton: &str) -> Option<&'a str> {
    let fam = family(t);
    let same_family: Vec<&str> = rows
        .keys()
        .map(String::as_str)
        .filter(|k| family(k) == fam)
        .collect();
    if !same_family.is_empty() {
        return closest(t, same_family).or_else(|| closest(t, rows.keys().map(String::as_str)));
    }
    let Some((class, _, options, _)) = parts(t) else {
        return closest(t, rows.keys().map(String::as_str));
    };
    let arm = options.split('-').next().unwrap_or("").contains(graviton);
    let same_kind: Vec<&str> = rows
        .iter()
        .filter(|(k, row)| {
            parts(k).map(|(c, ..)| c) == Some(class) && (hardware_of(row).arch == "arm64") == arm
        })
        .map(|(k, _)| k.as_str())
        .collect();
    closest(t, same_kind).or_else(|| closest(t, rows.keys().map(String::as_str)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Map<String, Json> {
        let mut m = Map::new();
        for (t, arch, acc) in [
            ("m5.large", "x86_64", None),
            ("m5.xlarge", "x86_64", None),
            ("m6g.large", "arm64", None),
            ("p3.2xlarge", "x86_64", Some("nvidia")),
            ("p4d.24xlarge", "x86_64", Some("nvidia")),
            ("t3.2xlarge", "x86_64", None),
        ] {
            m.insert(t.into(), json!({ "arch": arch, "accelerator": acc }));
        }
        m
    }

    #[test]
    fn a_new_family_in_a_known_size_is_guessed_from_its_name() {
        let r = rows();
        let hw = guess("m9g.large", &r, "g").map(|h| (h.arch, h.accelerator));
        assert_eq!(hw, Some(("arm64".to_string(), None)));
        let hw = guess("p7.2xlarge", &r, "g").map(|h| (h.arch, h.accelerator));
        assert_eq!(hw, Some(("x86_64".to_string(), Some("nvidia".to_string()))));
    }

    #[test]
    fn misspellings_are_not_guessed() {
        let r = rows();
        assert!(
            guess("m5.lrage", &r, "g").is_none(),
            "known family, unknown size"
        );
        assert!(guess("m9.lrage", &r, "g").is_none(), "unknown size");
        assert!(guess("large", &r, "g").is_none());
        assert!(guess("M5.large", &r, "g").is_none());
    }

    #[test]
    fn hints_stay_within_the_family_and_hardware() {
        let r = rows();
        assert_eq!(nearest("m5.lrage", &r, "g"), Some("m5.large"));
        assert_eq!(nearest("p3.2xlage", &r, "g"), Some("p3.2xlarge"));
        assert_eq!(nearest("p9.2xlarg", &r, "g"), Some("p3.2xlarge"));
    }
}
