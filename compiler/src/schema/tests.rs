//! The one test that loads and validates the whole standard library.

#![allow(clippy::panic, clippy::indexing_slicing)]

use super::{Arg, Stdlib, Type};
use crate::check::rules::RULES;
use crate::check::Checker;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Every schema parsed and resolved at once, the index checked against
/// the files: what the lazy stdlib of a run hands out piece by piece.
fn lib() -> &'static Stdlib {
    static LIB: OnceLock<Result<Stdlib, Vec<String>>> = OnceLock::new();
    match LIB.get_or_init(|| super::load(Stdlib::files())) {
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
                for m in lib.enums.get(e).into_iter().flat_map(|x| x.names()) {
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
                    lib.enums.get(e).and_then(|x| x.lowered(m)).is_some(),
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
        regional: vec![],
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

#[test]
fn lazily_resolved_schemas_equal_those_loaded_at_once() {
    let eager = lib();
    let Ok(lazy) = Stdlib::get() else {
        panic!("the stdlib does not index")
    };
    let kinds: Vec<&str> = lazy.kinds.keys().collect();
    assert_eq!(kinds, eager.kinds.keys().collect::<Vec<_>>());
    assert!(kinds.len() >= 16, "{kinds:?}");
    for k in kinds {
        assert!(lazy.kinds.get(k).is_some(), "{k}");
        assert_eq!(lazy.kinds.get(k), eager.kinds.get(k), "{k}");
    }
    for e in eager.enums.keys() {
        assert!(lazy.enums.get(e).is_some(), "{e}");
        assert_eq!(lazy.enums.get(e), eager.enums.get(e), "{e}");
    }
    assert!(lazy.kinds.get("no_such_kind").is_none());
}

#[test]
fn a_schema_the_index_cannot_see_or_resolve_is_a_load_error() {
    let load = |files: &[(&'static str, &'static str)]| match super::load(files) {
        Ok(_) => vec![],
        Err(e) => e,
    };
    let good: &[(&str, &str)] = &[(
        "x/a.cairn",
        "enum size_class { small, large }\ntype pair = { a: int, b: int }\nkind a {\n  size: size_class = small\n  p: pair?\n}\n",
    )];
    assert_eq!(load(good), Vec::<String>::new());
    // Indented: a full parse finds the kind, the line scan does not.
    let hidden = load(&[("x/a.cairn", " kind a {\n  n: int = 1\n}\n")]);
    assert!(hidden.iter().any(|e| e.contains("index")), "{hidden:?}");
    let twice = load(&[
        ("x/a.cairn", "kind a {\n  n: int = 1\n}\n"),
        ("x/b.cairn", "kind a {\n  m: int = 1\n}\n"),
    ]);
    assert!(
        twice.iter().any(|e| e.contains("defined twice")),
        "{twice:?}"
    );
    let unknown = load(&[("x/a.cairn", "kind a {\n  n: nothing\n}\n")]);
    assert!(
        unknown.iter().any(|e| e.contains("unknown type `nothing`")),
        "{unknown:?}"
    );
    // Lazily, the broken kind is absent rather than a crash.
    let lib = super::index(&[("x/a.cairn", "kind a {\n  n: nothing\n}\n")]);
    assert!(lib.kinds.contains_key("a"));
    assert!(lib.kinds.get("a").is_none());
}

/// Tags, names and create-only properties come from `resource_types.json`:
/// a type a template writes but the table lacks would go untagged and be
/// planned blind, so regenerating the table is not optional.
#[test]
fn every_resource_type_a_template_writes_is_in_resource_types() {
    let lib = lib();
    let Some(table) = lib.table("resource_types") else {
        panic!("no resource_types.json")
    };
    let mut missing = vec![];
    for (path, text) in &lib.templates {
        for part in text.split("\"Type\": \"AWS::").skip(1) {
            let ty = part.split('"').next().unwrap_or_default();
            if table["types"].get(format!("AWS::{ty}")).is_none() {
                missing.push(format!("AWS::{ty} ({path})"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "run `.venv/bin/python stdlib/data/gen/resource_types.py`; missing: {}",
        missing.join(", ")
    );
}
