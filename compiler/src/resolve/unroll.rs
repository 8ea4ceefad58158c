//! Unrolling: `for` and `if` become the plain items they stand for.
//!
//! Input: a program's items, with names already scoped by module expansion,
//! and the values of its `let`s and `param`s. Output: the same items with
//! each `for` repeated per element and each `if` reduced to its taken
//! block; then, over the whole program, every index folded.
//!
//! Inside a `for`, each declared name is keyed by its element: `main`
//! becomes `main["ads"]`, and a bare reference to a name of the same block
//! means the same element's. Logical IDs and physical names come from the
//! key, never a position, so adding or removing an element moves no other
//! element's resources (Terraform's `count` lesson). A reference to a keyed
//! name without its key, or to a declaration whose `if` is false, is
//! reported here and left as an error expression, so later stages stay
//! silent about it; a `for` or `if` that cannot be decided leaves its names
//! declared but broken, for the same reason.
//! Invariant: no `For`, `If` or `Index` is left in the output.

use super::errors;
use super::value::{Const, Values};
use crate::diagnostics::Diagnostic;
use crate::schema::{walk, Stdlib};
use crate::source::Span;
use crate::syntax::ast::{Block, Expr, ExprKind, Ident, Item, ItemKind, StrPart};
use std::collections::{BTreeMap, BTreeSet};

/// Keys name resources, so they are held to what every AWS name takes.
const MAX_KEY: usize = 40;

/// Items all `for`s of a program may make together: far past what
/// CloudFormation deploys (500 resources a stack, 2,000 stacks an account),
/// and a bound on what nested loops can ask of memory.
const MAX_UNROLLED: usize = 20_000;

pub struct Unroller<'a> {
    stdlib: &'a Stdlib,
    values: Values,
    /// `--param` values, which win over defaults.
    supplied: BTreeSet<String>,
    /// Names a `for` declared, with its keys; `None` when the `for` could
    /// not be unrolled (its own diagnostic says why).
    families: BTreeMap<String, Option<Vec<String>>>,
    /// Where each of those names is declared in its block.
    spans: BTreeMap<String, Span>,
    /// Names declared only in an `if` block not taken, with the condition.
    absent: BTreeMap<String, Span>,
    /// Every name declared at any depth, which a loop variable must not be.
    declared: BTreeSet<String>,
    /// Items made by `for`s so far, against [`MAX_UNROLLED`].
    made: usize,
    pub diags: Vec<Diagnostic>,
}

/// What one element of a `for` does to its block: variables to replace by
/// their values, local names to key.
struct Scope {
    subst: BTreeMap<String, Expr>,
    rename: BTreeMap<String, String>,
}

impl<'a> Unroller<'a> {
    pub fn new(stdlib: &'a Stdlib, params: BTreeMap<String, Expr>) -> Unroller<'a> {
        Unroller {
            stdlib,
            supplied: params.keys().cloned().collect(),
            values: Values { exprs: params },
            families: BTreeMap::new(),
            spans: BTreeMap::new(),
            absent: BTreeMap::new(),
            declared: BTreeSet::new(),
            made: 0,
            diags: vec![],
        }
    }

    /// Records the values of `let`s and `param`s and the names declared, at
    /// any depth; before unrolling, since a program's order is free.
    pub fn learn(&mut self, items: &[Item]) {
        for item in items {
            self.learn_one(item);
        }
    }

    fn learn_one(&mut self, item: &Item) {
        match &item.kind {
            ItemKind::Let { name, value } => {
                self.values.exprs.insert(name.name.clone(), value.clone());
            }
            ItemKind::Param {
                name,
                default: Some(d),
                ..
            } if !self.supplied.contains(&name.name) => {
                self.values.exprs.insert(name.name.clone(), d.clone());
            }
            // Reading a broken declaration, or a param without a value, is
            // already reported (the second by the checker).
            ItemKind::Error { name: Some(name) }
            | ItemKind::Param {
                name,
                default: None,
                ..
            } if !self.supplied.contains(&name.name) => {
                let broken = Expr {
                    kind: ExprKind::Error,
                    span: name.span,
                };
                self.values.exprs.insert(name.name.clone(), broken);
            }
            _ => {}
        }
        if let Some(n) = item.declared_name() {
            self.declared.insert(n.name.clone());
        }
        for inner in item.nested() {
            self.learn_one(inner);
        }
    }

    pub fn unroll(&mut self, items: Vec<Item>) -> Vec<Item> {
        self.items(items, &[], false)
    }

    fn items(&mut self, items: Vec<Item>, active: &[String], inside: bool) -> Vec<Item> {
        let mut out = vec![];
        for item in items {
            let span = item.span;
            match item.kind {
                ItemKind::For {
                    vars,
                    collection,
                    body,
                } => out.extend(self.for_loop(&vars, &collection, body, active)),
                ItemKind::If { cond, then, other } => {
                    out.extend(self.conditional(&cond, then, other, active))
                }
                ItemKind::Param { .. }
                | ItemKind::Output { .. }
                | ItemKind::Project(_)
                | ItemKind::KindDef { .. }
                | ItemKind::EnumDef { .. }
                | ItemKind::TypeDef { .. }
                    if inside =>
                {
                    let what = match &item.kind {
                        ItemKind::Param { .. } => "a `param`",
                        ItemKind::Output { .. } => "an `output`",
                        ItemKind::Project(_) => "the `project` block",
                        _ => "a schema declaration",
                    };
                    self.diags.push(errors::not_in_block(span, what));
                }
                kind => out.push(Item { kind, ..item }),
            }
        }
        out
    }

    fn for_loop(
        &mut self,
        vars: &[Ident],
        collection: &Expr,
        body: Block,
        active: &[String],
    ) -> Vec<Item> {
        let mut shadowing = false;
        for v in vars {
            if self.declared.contains(&v.name) || active.contains(&v.name) {
                self.diags.push(errors::loop_var_shadows(&v.name, v.span));
                shadowing = true;
            }
        }
        let elements = match elements(&self.values, vars, collection, &mut self.diags) {
            Some(e) if !shadowing => e,
            _ => return self.poison(&body.items),
        };
        let mut locals: Vec<&Ident> = vec![];
        for item in &body.items {
            declared_deep(item, &mut |n| locals.push(n));
        }
        let asked = elements.len().saturating_mul(body.items.len());
        self.made = self.made.saturating_add(asked);
        if self.made > MAX_UNROLLED {
            // Once: every `for` after the first past the bound is past it.
            if self.made.saturating_sub(asked) <= MAX_UNROLLED {
                self.diags
                    .push(errors::too_many_unrolled(collection.span, MAX_UNROLLED));
            }
            return self.poison(&body.items);
        }
        let keys: Vec<String> = elements.iter().map(|(k, _)| k.clone()).collect();
        for l in &locals {
            // Two `for`s declaring one name: which keys `net["x"]` reads
            // would depend on the order; names are unique, so it is an error.
            if let Some(first) = self.spans.insert(l.name.clone(), l.span) {
                self.diags
                    .push(errors::duplicate_name(&l.name, l.span, first));
            }
            self.families.insert(l.name.clone(), Some(keys.clone()));
        }
        let mut inner_active = active.to_vec();
        inner_active.extend(vars.iter().map(|v| v.name.clone()));
        let mut out = vec![];
        for (key, bindings) in elements {
            let scope = Scope {
                subst: bindings,
                rename: locals
                    .iter()
                    .map(|l| (l.name.clone(), keyed(&l.name, &key)))
                    .collect(),
            };
            let mut applied = body.items.clone();
            for item in &mut applied {
                self.apply(item, &scope);
            }
            self.learn(&applied);
            out.extend(self.items(applied, &inner_active, true));
        }
        out
    }

    fn conditional(
        &mut self,
        cond: &Expr,
        then: Block,
        other: Option<Block>,
        active: &[String],
    ) -> Vec<Item> {
        let found = self.values.eval(cond);
        let Some(Const::Bool(taken)) = found else {
            match found {
                Some(c) => self.diags.push(errors::wrong_loop_value(
                    "an `if`'s condition",
                    "a bool",
                    c.describe(),
                    cond.span,
                )),
                None if self.values.reads_broken(cond) => {}
                None => self
                    .diags
                    .push(errors::not_known("this condition", cond.span)),
            }
            let mut all = then.items;
            all.extend(other.map(|b| b.items).unwrap_or_default());
            return self.poison(&all);
        };
        let (kept, dropped) = if taken {
            (Some(then), other)
        } else {
            (other, Some(then))
        };
        for item in dropped.iter().flat_map(|b| &b.items) {
            declared_deep(item, &mut |n| {
                self.absent.insert(n.name.clone(), cond.span);
            });
        }
        match kept {
            Some(b) => self.items(b.items, active, true),
            None => vec![],
        }
    }

    /// Replaces a block that cannot be unrolled by its names, declared but
    /// broken, so that references to them stay silent.
    fn poison(&mut self, items: &[Item]) -> Vec<Item> {
        let mut out = vec![];
        for item in items {
            declared_deep(item, &mut |n| {
                self.families.insert(n.name.clone(), None);
                out.push(Item {
                    kind: ItemKind::Error {
                        name: Some(n.clone()),
                    },
                    doc: None,
                    span: item.span,
                });
            });
        }
        out
    }

    fn apply(&self, item: &mut Item, scope: &Scope) {
        walk::item_name_exprs(item, self.stdlib, &mut |e: &mut Expr| {
            let ExprKind::Ident(n) = &mut e.kind else {
                return;
            };
            if let Some(v) = scope.subst.get(n.as_str()) {
                *e = v.clone();
            } else if let Some(r) = scope.rename.get(n.as_str()) {
                *n = r.clone();
            }
        });
        rename_declared(item, &mut |n| {
            if let Some(r) = scope.rename.get(&n.name) {
                n.name = r.clone();
            }
        });
    }

    /// Reports a name declared both in a `for` and outside it: a bare
    /// reference could mean either. `declared` is every name the whole
    /// program declares, with where.
    pub fn clashes(&mut self, declared: &BTreeMap<String, Span>) {
        for (name, keys) in &self.families {
            if let (Some(_), Some(outside), Some(inside)) =
                (keys, declared.get(name), self.spans.get(name))
            {
                self.diags
                    .push(errors::duplicate_name(name, *inside, *outside));
            }
        }
    }

    /// Folds every index of the unrolled program, and reports references
    /// that name a keyed declaration without its key or an absent one.
    /// `declared` is every name the whole program declares.
    pub fn fold(&mut self, items: &mut [Item], declared: &BTreeMap<String, Span>) {
        for item in items.iter_mut() {
            each_item_expr(item, &mut |e| self.fold_expr(e));
        }
        // Without keyed or absent names there is nothing to report, and a
        // large program without blocks is spared the typed walk.
        if self.families.is_empty() && self.absent.is_empty() {
            return;
        }
        for item in items.iter_mut() {
            walk::item_name_exprs(item, self.stdlib, &mut |e: &mut Expr| {
                let ExprKind::Ident(n) = &e.kind else {
                    return;
                };
                if declared.contains_key(n) {
                    return;
                }
                let d = match (self.families.get(n), self.absent.get(n)) {
                    (Some(Some(keys)), _) => errors::unkeyed_reference(n, e.span, keys),
                    (_, Some(cond)) => errors::absent_declaration(n, e.span, *cond),
                    _ => return,
                };
                self.diags.push(d);
                e.kind = ExprKind::Error;
            });
        }
    }

    fn fold_expr(&mut self, e: &mut Expr) {
        let span = e.span;
        let folded = match &e.kind {
            ExprKind::Index { base, index } => Some(self.fold_index(base, index, span)),
            ExprKind::Member { base, name } => match &base.kind {
                ExprKind::Object(fields) => fields
                    .iter()
                    .find(|f| f.key.name == name.name)
                    .map(|f| f.value.kind.clone()),
                _ => None,
            },
            _ => None,
        };
        if let Some(kind) = folded {
            e.kind = kind;
        }
    }

    fn fold_index(&mut self, base: &Expr, index: &Expr, span: Span) -> ExprKind {
        if let ExprKind::Ident(n) = &base.kind {
            match self.families.get(n) {
                Some(None) => return ExprKind::Ident(n.clone()),
                Some(Some(keys)) => {
                    return match self.values.eval(index) {
                        Some(Const::Str(k)) if keys.contains(&k) => ExprKind::Ident(keyed(n, &k)),
                        Some(Const::Str(k)) => {
                            self.diags
                                .push(errors::unknown_loop_key(n, &k, index.span, keys));
                            ExprKind::Error
                        }
                        _ => {
                            self.diags.push(errors::not_known("this key", index.span));
                            ExprKind::Error
                        }
                    };
                }
                None => {}
            }
        }
        let found = self
            .values
            .resolve(base)
            .and_then(|b| self.values.element(b, index, 0))
            .map(|x| x.kind.clone());
        if let Some(kind) = found {
            return kind;
        }
        // A literal list or map without that element, or an index only a
        // deployment knows.
        let d = match (
            self.values.resolve(base).map(|b| &b.kind),
            self.values.eval(index),
        ) {
            (Some(ExprKind::List(items)), Some(Const::Int(i))) => {
                errors::index_past_end(i, items.len(), index.span)
            }
            (Some(ExprKind::Object(fields)), Some(Const::Str(k))) => {
                let keys: Vec<String> = fields.iter().map(|f| f.key.name.clone()).collect();
                errors::no_such_key(&k, index.span, &keys)
            }
            _ => errors::not_known("this index", span),
        };
        self.diags.push(d);
        ExprKind::Error
    }
}

/// `main` keyed by `ads`: `main["ads"]`, the name diagnostics show and
/// [`crate::names::flat`] turns into `main_ads`.
pub fn keyed(name: &str, key: &str) -> String {
    format!("{name}[\"{key}\"]")
}

/// Each element of a `for`'s collection: its key, and what each loop
/// variable stands for in it. `None` after reporting why there is none.
fn elements(
    values: &Values,
    vars: &[Ident],
    collection: &Expr,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<(String, BTreeMap<String, Expr>)>> {
    let resolved = match values.resolve(collection) {
        Some(r) if !matches!(r.kind, ExprKind::Error) => r,
        _ if values.reads_broken(collection) => return None,
        _ => {
            diags.push(errors::not_known("this collection", collection.span));
            return None;
        }
    };
    let var = |i: usize| vars.get(i).map(|v| v.name.clone());
    let text = |s: &str, span: Span| Expr {
        kind: ExprKind::Str(vec![StrPart::Text(s.to_string())]),
        span,
    };
    let mut out: Vec<(String, BTreeMap<String, Expr>)> = vec![];
    let mut seen: BTreeMap<String, Span> = BTreeMap::new();
    let mut ok = true;
    let mut key_ok = |key: &str, span: Span, diags: &mut Vec<Diagnostic>| {
        if let Some(why) = key_problem(key) {
            diags.push(errors::invalid_loop_key(key, span, why));
            return false;
        }
        if let Some(first) = seen.insert(key.to_string(), span) {
            diags.push(errors::duplicate_loop_key(key, span, first));
            return false;
        }
        true
    };
    match &resolved.kind {
        ExprKind::List(items) => {
            if vars.len() > 1 {
                diags.push(errors::two_vars_on_list(collection.span));
                return None;
            }
            for it in items {
                match values.eval(it) {
                    Some(Const::Str(k)) => {
                        if key_ok(&k, it.span, diags) {
                            let bound = var(0).map(|v| (v, text(&k, it.span)));
                            out.push((k, bound.into_iter().collect()));
                        } else {
                            ok = false;
                        }
                    }
                    // One is enough: the others are most likely alike.
                    Some(other) => {
                        diags.push(errors::loop_element_not_string(other.describe(), it.span));
                        return None;
                    }
                    None => {
                        diags.push(errors::not_known("this element", it.span));
                        ok = false;
                    }
                }
            }
        }
        ExprKind::Object(fields) => {
            for f in fields {
                let k = f.key.name.clone();
                if !key_ok(&k, f.key.span, diags) {
                    ok = false;
                    continue;
                }
                let mut bound = BTreeMap::new();
                if let Some(v) = var(0) {
                    bound.insert(v, text(&k, f.key.span));
                }
                if let Some(v) = var(1) {
                    bound.insert(v, f.value.clone());
                }
                out.push((k, bound));
            }
        }
        _ => {
            let found = values.eval(resolved).map_or("a value", |c| c.describe());
            diags.push(errors::wrong_loop_value(
                "a `for`'s collection",
                "a list or a map",
                found,
                collection.span,
            ));
            return None;
        }
    }
    ok.then_some(out)
}

fn key_problem(key: &str) -> Option<&'static str> {
    let first_ok = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if key.is_empty() {
        Some("it is empty")
    } else if key.len() > MAX_KEY {
        Some("it is longer than 40 characters")
    } else if !first_ok
        || !key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        Some("it has characters other than lowercase letters, digits, `-` and `_`")
    } else {
        None
    }
}

/// Visits the names an item declares, inside blocks too.
pub fn declared_deep<'i>(item: &'i Item, f: &mut dyn FnMut(&'i Ident)) {
    if let Some(n) = item.declared_name() {
        f(n);
    }
    for inner in item.nested() {
        declared_deep(inner, f);
    }
}

/// Renames the names an item declares, inside blocks too.
pub fn rename_declared(item: &mut Item, f: &mut dyn FnMut(&mut Ident)) {
    match &mut item.kind {
        ItemKind::Param { name, .. }
        | ItemKind::Let { name, .. }
        | ItemKind::Module { name, .. }
        | ItemKind::Decl { name, .. }
        | ItemKind::Error { name: Some(name) } => f(name),
        ItemKind::For { body, .. } => body.items.iter_mut().for_each(|i| rename_declared(i, f)),
        ItemKind::If { then, other, .. } => then
            .items
            .iter_mut()
            .chain(other.iter_mut().flat_map(|b| b.items.iter_mut()))
            .for_each(|i| rename_declared(i, f)),
        _ => {}
    }
}

/// Visits every expression of an unrolled item, innermost first, so that
/// `teams["ads"].name` folds its index before its member.
fn each_item_expr(item: &mut Item, f: &mut dyn FnMut(&mut Expr)) {
    let fields = |b: &mut crate::syntax::ast::Body, f: &mut dyn FnMut(&mut Expr)| {
        b.fields
            .iter_mut()
            .for_each(|x| each_expr(&mut x.value, f, 0))
    };
    match &mut item.kind {
        ItemKind::Project(b) | ItemKind::Decl { body: b, .. } => fields(b, f),
        ItemKind::Module { path, body, .. } => {
            each_expr(path, f, 0);
            fields(body, f);
        }
        ItemKind::Param {
            default: Some(e), ..
        }
        | ItemKind::Let { value: e, .. }
        | ItemKind::Output { value: e, .. } => each_expr(e, f, 0),
        _ => {}
    }
}

fn each_expr(e: &mut Expr, f: &mut dyn FnMut(&mut Expr), depth: usize) {
    // The parser bounds nesting; this bounds the walk on its own.
    if depth > 256 {
        return;
    }
    let d = depth + 1;
    match &mut e.kind {
        ExprKind::List(items) => items.iter_mut().for_each(|x| each_expr(x, f, d)),
        ExprKind::Object(fields) => fields
            .iter_mut()
            .for_each(|x| each_expr(&mut x.value, f, d)),
        ExprKind::Member { base, .. } => each_expr(base, f, d),
        ExprKind::Index { base, index } => {
            each_expr(base, f, d);
            each_expr(index, f, d);
        }
        ExprKind::Call { args, .. } => args.iter_mut().for_each(|x| each_expr(x, f, d)),
        ExprKind::Unary { expr, .. } => each_expr(expr, f, d),
        ExprKind::Binary { lhs, rhs, .. } => {
            each_expr(lhs, f, d);
            each_expr(rhs, f, d);
        }
        ExprKind::Cond { cond, then, other } => {
            each_expr(cond, f, d);
            each_expr(then, f, d);
            each_expr(other, f, d);
        }
        ExprKind::Str(parts) => {
            for p in parts {
                if let StrPart::Interp(x) = p {
                    each_expr(x, f, d);
                }
            }
        }
        ExprKind::Ident(_)
        | ExprKind::Int(_)
        | ExprKind::Decimal(_)
        | ExprKind::Quantity(_)
        | ExprKind::Bool(_)
        | ExprKind::Error => {}
    }
    f(e);
}
