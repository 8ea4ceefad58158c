//! Modules: `module NAME "PATH" { param = value }` instantiates the
//! declarations of another file.
//!
//! Each instance's names are scoped by the instance (`blue` makes `main`
//! into `blue.main`, see `names.rs`), so neither two instances nor an
//! instance and its caller collide in names; logical IDs and physical
//! names come from the flattened `blue_main`, and resolve rejects two
//! symbols that flatten alike. The module's `param`s are bound to the
//! arguments (expressions of the caller, checked against the param types),
//! and its `output`s become values read as `NAME.output`. Files are read
//! through the caller's loader: this module does no I/O itself. `for` and
//! `if` blocks are unrolled here too (`unroll.rs`): the roots' before their
//! modules are instantiated, an instance's once its names are scoped.
//! Invariant: expansion terminates (cycles are reported, not followed).

use super::errors;
use super::unroll::{declared_deep, rename_declared, Unroller};
use crate::diagnostics::{closest, Diagnostic};
use crate::schema::{walk, Stdlib};
use crate::source::{FileId, Sources, Span};
use crate::syntax::ast::{Expr, Ident, Item, ItemKind, Program};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Reads a module file by path (relative to the program's working
/// directory, as the caller's file names are).
pub type Loader = Arc<dyn Fn(&str) -> Result<String, String> + Send + Sync>;

/// One module instance: its outputs, by name, and the value each reads.
#[derive(Clone, Debug, Default)]
pub struct Instance {
    pub outputs: BTreeMap<String, String>,
    pub file: String,
}

#[derive(Debug, Default)]
pub struct Expansion {
    /// The instantiated declarations, one program per instance.
    pub programs: Vec<Program>,
    pub instances: BTreeMap<String, Instance>,
}

/// Unrolls the roots' `for`s and `if`s and instantiates their modules,
/// whose own blocks are unrolled once their names are scoped. `params` are
/// the values given on the command line, which `for` and `if` may read.
pub fn expand(
    roots: &mut [Program],
    sources: &mut Sources,
    loader: Option<&Loader>,
    stdlib: &Stdlib,
    params: BTreeMap<String, Expr>,
) -> (Expansion, Vec<Diagnostic>) {
    let mut unroller = Unroller::new(stdlib, params);
    for prog in roots.iter() {
        unroller.learn(&prog.items);
    }
    for prog in roots.iter_mut() {
        prog.items = unroller.unroll(std::mem::take(&mut prog.items));
    }
    let mut ex = Expander {
        sources,
        loader,
        stdlib,
        parsed: BTreeMap::new(),
        out: Expansion::default(),
        diags: vec![],
        unroller,
    };
    for prog in roots.iter() {
        for item in &prog.items {
            if matches!(item.kind, ItemKind::Module { .. }) {
                ex.instantiate(item, &[]);
            }
        }
    }
    let Expander {
        mut out,
        mut diags,
        mut unroller,
        ..
    } = ex;
    let mut declared = BTreeMap::new();
    for prog in roots.iter().chain(&out.programs) {
        for item in &prog.items {
            if let Some(n) = item.declared_name() {
                declared.insert(n.name.clone(), n.span);
            }
        }
    }
    unroller.clashes(&declared);
    for prog in roots.iter_mut().chain(out.programs.iter_mut()) {
        unroller.fold(&mut prog.items, &declared);
    }
    diags.append(&mut unroller.diags);
    (out, diags)
}

struct Expander<'a> {
    sources: &'a mut Sources,
    loader: Option<&'a Loader>,
    stdlib: &'a Stdlib,
    /// Each module file is read and parsed once, however often used.
    parsed: BTreeMap<String, Option<Program>>,
    out: Expansion,
    diags: Vec<Diagnostic>,
    unroller: Unroller<'a>,
}

impl Expander<'_> {
    fn instantiate(&mut self, item: &Item, stack: &[String]) {
        let ItemKind::Module { name, path, body } = &item.kind else {
            return;
        };
        let Some(rel) = path.as_plain_str() else {
            self.diags.push(errors::module_path_not_literal(path.span));
            return;
        };
        let full = join(self.sources.name(path.span.file), &rel);
        if let Some(at) = stack.iter().position(|p| *p == full) {
            let mut chain: Vec<String> = stack.get(at..).unwrap_or_default().to_vec();
            chain.push(full);
            self.diags.push(errors::module_cycle(&chain, path.span));
            return;
        }
        let Some(prog) = self.load(&full, path.span) else {
            return;
        };
        let prefix = format!("{}{}", name.name, crate::names::SCOPE);
        let mut local: BTreeSet<String> = BTreeSet::new();
        let mut params: BTreeMap<String, Span> = BTreeMap::new();
        for it in &prog.items {
            match &it.kind {
                ItemKind::Param { name: p, .. } => {
                    params.insert(p.name.clone(), p.span);
                    local.insert(p.name.clone());
                }
                ItemKind::Output { name: o, .. } => {
                    local.insert(o.name.clone());
                }
                _ => declared_deep(it, &mut |n| {
                    local.insert(n.name.clone());
                }),
            }
        }
        let mut args = BTreeMap::new();
        for f in &body.fields {
            if params.contains_key(&f.key.name) {
                args.insert(f.key.name.clone(), f.value.clone());
            } else {
                let near = closest(&f.key.name, params.keys().map(String::as_str));
                self.diags.push(errors::unknown_module_argument(
                    &name.name,
                    &f.key.name,
                    f.key.span,
                    near,
                    &full,
                ));
            }
        }
        let mut instance = Instance {
            outputs: BTreeMap::new(),
            file: full.clone(),
        };
        let mut items = vec![];
        for it in &prog.items {
            let mut it = it.clone();
            let rename = |n: &mut Ident| n.name = format!("{prefix}{}", n.name);
            match &mut it.kind {
                ItemKind::Project(_) => {
                    self.diags.push(errors::unsupported(
                        it.span,
                        "a module cannot have a `project` block; the program that uses it has one",
                    ));
                    continue;
                }
                ItemKind::Param {
                    name: p, default, ..
                } => {
                    match args.remove(&p.name) {
                        // The argument is the caller's expression, in the
                        // caller's namespace: it is not renamed.
                        Some(arg) => *default = Some(arg),
                        None if default.is_none() => {
                            self.diags.push(errors::missing_module_argument(
                                &name.name, &p.name, name.span, p.span,
                            ));
                            rename(p);
                            it.kind = ItemKind::Error {
                                name: Some(p.clone()),
                            };
                            items.push(it);
                            continue;
                        }
                        None => self.rename_values(&mut it, &local, &prefix),
                    }
                    if let ItemKind::Param { name: p, .. } = &mut it.kind {
                        rename(p);
                    }
                }
                ItemKind::Output { name: o, value } => {
                    let mut value = value.clone();
                    walk::expr_idents(
                        &mut value,
                        None,
                        self.stdlib,
                        &mut |n: &mut String, _| rename_local(n, &local, &prefix),
                        0,
                    );
                    instance
                        .outputs
                        .insert(o.name.clone(), format!("{prefix}{}", o.name));
                    let mut o = o.clone();
                    rename(&mut o);
                    it.kind = ItemKind::Let { name: o, value };
                }
                _ => {
                    self.rename_values(&mut it, &local, &prefix);
                    rename_declared(&mut it, &mut |n| rename(n));
                }
            }
            items.push(it);
        }
        // Blocks are unrolled once the instance's names are scoped and its
        // params bound, so a module's `for` may read its arguments.
        self.unroller.learn(&items);
        let items = self.unroller.unroll(items);
        let nested: Vec<Item> = items
            .iter()
            .filter(|i| matches!(i.kind, ItemKind::Module { .. }))
            .cloned()
            .collect();
        self.out.instances.insert(name.name.clone(), instance);
        self.out.programs.push(Program {
            items,
            comments: vec![],
        });
        let mut inner = stack.to_vec();
        inner.push(full);
        for n in &nested {
            self.instantiate(n, &inner);
        }
    }

    fn rename_values(&self, item: &mut Item, local: &BTreeSet<String>, prefix: &str) {
        walk::item_idents(item, self.stdlib, &mut |n: &mut String, _| {
            rename_local(n, local, prefix)
        });
    }

    fn load(&mut self, path: &str, at: Span) -> Option<Program> {
        if let Some(p) = self.parsed.get(path) {
            return p.clone();
        }
        let text = match self.loader.map(|l| l(path)) {
            Some(Ok(t)) => Some(t),
            Some(Err(why)) => {
                self.diags.push(errors::module_not_found(path, &why, at));
                None
            }
            None => {
                self.diags.push(errors::module_not_found(
                    path,
                    "this compilation cannot read files",
                    at,
                ));
                None
            }
        };
        let prog = text.map(|t| {
            let file: FileId = self.sources.add(path.to_string(), t);
            let (prog, diags) = crate::syntax::parse(self.sources.text(file), file);
            self.diags.extend(diags);
            prog
        });
        self.parsed.insert(path.to_string(), prog.clone());
        prog
    }
}

fn rename_local(n: &mut String, local: &BTreeSet<String>, prefix: &str) {
    if local.contains(n.as_str()) {
        *n = format!("{prefix}{n}");
    }
}

/// `dir/of/caller.cairn` + `./modules/x.cairn` -> `dir/of/modules/x.cairn`,
/// with `.` and `..` folded, always with forward slashes.
pub fn join(caller: &str, rel: &str) -> String {
    let caller = caller.replace('\\', "/");
    let mut parts: Vec<&str> = caller.split('/').collect();
    parts.pop();
    if rel.starts_with('/') {
        parts.clear();
    }
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != ".." && !p.is_empty()) => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if rel.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn paths_are_relative_to_the_caller() {
        assert_eq!(
            join("app/main.cairn", "./modules/x.cairn"),
            "app/modules/x.cairn"
        );
        assert_eq!(
            join("app/modules/x.cairn", "../shared/y.cairn"),
            "app/shared/y.cairn"
        );
        assert_eq!(join("main.cairn", "m.cairn"), "m.cairn");
        assert_eq!(join("a/b.cairn", "/abs/m.cairn"), "/abs/m.cairn");
    }
}
