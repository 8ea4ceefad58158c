//! The one test that loads and validates the whole standard library.

#![allow(clippy::panic, clippy::indexing_slicing)]

use super::{Arg, Stdlib, Type};
use crate::check::rules::RULES;
use crate::check::Checker;
use std::collections::BTreeMap;

fn lib() -> &'static Stdlib {
    match Stdlib::get() {
        Ok(l) => l,
        Err(e) => panic!("the stdlib does not load:\n{}", e.join("\n")),
    }
}

#[test]
fn every_kind_has_its_templates_and_no_template_is_orphaned() {
    let lib = lib();
    let mut expected = vec![];
    for k in lib.kinds.values() {
        match &k.variant {
            Some(field) => {
                let Some(Type::Enum(e)) = k.field(field).map(|f| &f.ty) else {
                    panic!("{}: variant `{field}` is not an enum field", k.name)
                };
                for m in lib.enums[e].names() {
                    expected.push(format!("{}/{}.{m}.cfn.hbs", k.dir, k.name));
                }
            }
            None => expected.push(format!("{}/{}.cfn.hbs", k.dir, k.name)),
        }
    }
    expected.sort();
    let mut have: Vec<String> = lib
        .templates
        .keys()
        .filter(|p| !p.rsplit('/').next().unwrap_or("").starts_with('_'))
        .map(|p| p.to_string())
        .collect();
    have.sort();
    assert_eq!(have, expected);
}

#[test]
fn every_template_parses() {
    let lib = lib();
    let mut h = handlebars::Handlebars::new();
    for (path, text) in &lib.templates {
        if let Err(e) = h.register_template_string(path, text) {
            panic!("{path}: {e}");
        }
    }
}

#[test]
fn checks_name_rules_and_tables_that_exist() {
    let lib = lib();
    for k in lib.kinds.values() {
        let calls = k
            .checks
            .iter()
            .chain(k.whens.iter().flat_map(|w| w.checks.iter()));
        for c in calls {
            assert!(
                RULES.contains(&c.name.as_str()),
                "{}: unknown check `{}`",
                k.name,
                c.name
            );
            if matches!(
                c.name.as_str(),
                "table_bounds" | "listed" | "capacity_steps" | "listed_by"
            ) {
                let Some(Arg::Path(t)) = c.args.get(1) else {
                    panic!("{}: `{}` needs a table", k.name, c.name)
                };
                assert!(
                    lib.table(&t.join(".")).is_some(),
                    "{}: no table `{}`",
                    k.name,
                    t.join(".")
                );
            }
        }
        for w in &k.whens {
            let Some(Type::Enum(e)) = k.field(&w.field).map(|f| &f.ty) else {
                panic!("{}: `when {}` is not an enum field", k.name, w.field)
            };
            for m in &w.members {
                assert!(
                    lib.enums[e].lowered(m).is_some(),
                    "{}: `{m}` is not a `{e}`",
                    k.name
                );
            }
        }
    }
}

#[test]
fn every_default_fits_its_type() {
    let lib = lib();
    let symbols = BTreeMap::new();
    let mut cx = Checker {
        stdlib: lib,
        symbols: &symbols,
        values: BTreeMap::new(),
        decls: BTreeMap::new(),
        diags: vec![],
    };
    for k in lib.kinds.values() {
        let fields = k
            .fields
            .iter()
            .chain(k.whens.iter().flat_map(|w| w.fields.iter()));
        for f in fields {
            if let Some(d) = &f.default {
                cx.check(d, &f.ty, "", &mut BTreeMap::new());
                assert!(
                    cx.diags.is_empty(),
                    "{}.{}: default does not fit `{}`: {:?}",
                    k.name,
                    f.name,
                    f.ty,
                    cx.diags
                );
            }
        }
    }
}

#[test]
fn every_kind_and_field_is_documented() {
    let lib = lib();
    for k in lib.kinds.values() {
        assert!(k.doc.is_some(), "kind `{}` has no doc comment", k.name);
        for f in k
            .fields
            .iter()
            .chain(k.whens.iter().flat_map(|w| w.fields.iter()))
        {
            assert!(
                f.doc.is_some(),
                "`{}.{}` has no doc comment",
                k.name,
                f.name
            );
        }
        for e in &k.exports {
            assert!(
                e.doc.is_some(),
                "`{}.{}` (export) has no doc comment",
                k.name,
                e.name
            );
        }
    }
}

#[test]
fn every_table_parses_and_its_index_agrees_with_it() {
    let lib = lib();
    let mut indexed = 0;
    for (name, table) in &lib.data {
        assert_eq!(table.validate(), Ok(()), "{name}");
        let Some(whole) = table.json() else {
            panic!("{name} does not parse")
        };
        let Some(rows) = whole.get("rows").and_then(|r| r.as_object()) else {
            assert!(lib.rows(name).is_none(), "{name} has no rows");
            continue;
        };
        let Some(index) = lib.rows(name) else {
            panic!("{name} has rows but no index")
        };
        assert_eq!(index.keys().count(), rows.len(), "{name}");
        for (k, v) in rows {
            assert_eq!(index.get(k).as_ref(), Some(v), "{name}: {k}");
        }
        for (k, v) in whole.as_object().into_iter().flatten() {
            if k != "rows" {
                assert_eq!(lib.fact(name, k), Some(v), "{name}: {k}");
            }
        }
        indexed += 1;
    }
    assert!(indexed >= 4, "only {indexed} tables with rows");
    let types = lib.rows("instance_types");
    assert!(types.is_some_and(|t| t.get("m5.large").is_some()));
    assert!(types.is_some_and(|t| t.get("m5.huge").is_none()));
}
