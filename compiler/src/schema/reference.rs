//! The standard library reference, generated from the schemas themselves
//! (committed as `docs/stdlib.md`; a test fails when it drifts).

use super::{KindSchema, Stdlib, Type};
use std::fmt::Write as _;

pub fn markdown(lib: &Stdlib) -> String {
    let mut s = String::from(
        "# Standard library reference\n\nGenerated from `stdlib/` by `cairn`'s test suite \
         (`CAIRN_BLESS=1 cargo test -p cairn-tests --test docs` regenerates it). Do not edit.\n\n",
    );
    s.push_str("## Kinds\n\n");
    for k in lib.kinds.values() {
        let _ = writeln!(s, "- [`{}`](#{})", k.name, k.name);
    }
    s.push('\n');
    for k in lib.kinds.values() {
        kind(&mut s, lib, k);
    }
    s.push_str("## Enums\n\n");
    for e in lib.enums.values() {
        let _ = writeln!(s, "### `{}`\n", e.name);
        if let Some(d) = &e.doc {
            let _ = writeln!(s, "{}\n", one_line(d));
        }
        s.push_str("| member | lowers to | |\n|---|---|---|\n");
        for (m, v, d) in &e.members {
            let _ = writeln!(
                s,
                "| `{m}` | `{v}` | {} |",
                d.as_deref().map(one_line).unwrap_or_default()
            );
        }
        s.push('\n');
    }
    s
}

fn kind(s: &mut String, lib: &Stdlib, k: &KindSchema) {
    let _ = writeln!(s, "## {}\n", k.name);
    if let Some(d) = &k.doc {
        let _ = writeln!(s, "{d}\n");
    }
    s.push_str("| field | type | default | |\n|---|---|---|---|\n");
    for f in &k.fields {
        let _ = writeln!(
            s,
            "| `{}` | `{}` | {} | {} |",
            f.name,
            ty(&f.ty),
            default(lib, k, f),
            f.doc.as_deref().map(one_line).unwrap_or_default()
        );
    }
    for w in &k.whens {
        let cond = format!(
            "when `{}` is {}",
            w.field,
            w.members
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        );
        for f in &w.fields {
            let doc = f.doc.as_deref().map(one_line).unwrap_or_default();
            let _ = writeln!(
                s,
                "| `{}` | `{}` | {} | ({cond}) {doc} |",
                f.name,
                ty(&f.ty),
                default(lib, k, f)
            );
        }
    }
    s.push('\n');
    if !k.exports.is_empty() {
        s.push_str("Attributes (`name.attribute`):\n\n");
        for e in &k.exports {
            let _ = writeln!(
                s,
                "- `{}`: `{}`. {}",
                e.name,
                ty(&e.ty),
                e.doc.as_deref().map(one_line).unwrap_or_default()
            );
        }
        s.push('\n');
    }
    let checks: Vec<String> = k
        .checks
        .iter()
        .chain(k.whens.iter().flat_map(|w| w.checks.iter()))
        .map(|c| format!("`{}`", c.name))
        .collect();
    if !checks.is_empty() {
        let _ = writeln!(s, "Checks: {}.\n", checks.join(", "));
    }
}

fn ty(t: &Type) -> String {
    t.to_string().replace('|', "\\|")
}

fn default(lib: &Stdlib, k: &KindSchema, f: &super::FieldSchema) -> String {
    match (written_default(lib, k, f), f.optional) {
        (Some(text), _) => format!("`{}`", one_line(text)),
        (None, true) => "optional".to_string(),
        (None, false) => "**required**".to_string(),
    }
}

/// A field's default as its schema writes it (`[api, audit]`, `20Gi`).
pub fn written_default<'a>(
    lib: &'a Stdlib,
    k: &KindSchema,
    f: &super::FieldSchema,
) -> Option<&'a str> {
    let e = f.default.as_ref()?;
    let text = lib
        .schema_files
        .iter()
        .find(|(p, _)| *p == k.file)
        .map(|(_, t)| *t)?;
    text.get(e.span.start as usize..e.span.end as usize)
}

fn one_line(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}
