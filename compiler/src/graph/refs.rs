//! The names an item's expressions mention, with where.
//!
//! Type-directed where the schema says what a field holds: an identifier in
//! a field that expects an enum, and that is one of its members, is the
//! member, not a reference (so `logging = [api]` and a declaration named
//! `api` live side by side, as the language says).

use crate::schema::{FieldSchema, KindSchema, Stdlib, Type};
use crate::source::Span;
use crate::syntax::ast::{Body, Expr, ExprKind, Item, ItemKind, StrPart};

/// Every identifier in value position that may name a declaration, with
/// its span, in source order.
pub fn references(item: &Item, stdlib: &Stdlib) -> Vec<(String, Span)> {
    let mut w = Walker {
        stdlib,
        out: vec![],
    };
    match &item.kind {
        ItemKind::Decl { kind, body, .. } => match stdlib.kind(&kind.name) {
            Some(schema) => w.decl_body(body, schema),
            None => w.body(body),
        },
        ItemKind::Project(body) => w.body(body),
        ItemKind::Module { body, path, .. } => {
            w.expr(path, None, 0);
            w.body(body);
        }
        ItemKind::Param {
            default: Some(e), ..
        }
        | ItemKind::Let { value: e, .. }
        | ItemKind::Output { value: e, .. } => w.expr(e, None, 0),
        _ => {}
    }
    w.out
}

struct Walker<'a> {
    stdlib: &'a Stdlib,
    out: Vec<(String, Span)>,
}

/// Expressions are bounded by the parser's nesting limit; this guards the
/// walk independently of it.
const MAX_DEPTH: usize = 256;

impl Walker<'_> {
    fn body(&mut self, body: &Body) {
        for f in &body.fields {
            self.expr(&f.value, None, 0);
        }
    }

    fn decl_body(&mut self, body: &Body, kind: &KindSchema) {
        for f in &body.fields {
            let ty = field_type(kind, &f.key.name);
            self.expr(&f.value, ty, 0);
        }
    }

    fn expr(&mut self, e: &Expr, ty: Option<&Type>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let d = depth + 1;
        match (&e.kind, ty) {
            (ExprKind::Ident(n), Some(Type::Enum(en))) if self.is_member(en, n) => {}
            (ExprKind::Ident(n), _) => self.out.push((n.clone(), e.span)),
            (ExprKind::List(items), Some(Type::List(t))) => {
                items.iter().for_each(|i| self.expr(i, Some(t), d))
            }
            (ExprKind::Object(fields), Some(Type::Object(schema))) => {
                for f in fields {
                    let t = schema.iter().find(|s| s.name == f.key.name).map(|s| &s.ty);
                    self.expr(&f.value, t, d);
                }
            }
            (ExprKind::Object(fields), Some(Type::Map(t))) => {
                fields.iter().for_each(|f| self.expr(&f.value, Some(t), d))
            }
            (ExprKind::List(items), _) => items.iter().for_each(|i| self.expr(i, None, d)),
            (ExprKind::Object(fields), _) => {
                fields.iter().for_each(|f| self.expr(&f.value, None, d))
            }
            (ExprKind::Member { base, .. }, _) => self.expr(base, None, d),
            (ExprKind::Call { args, .. }, _) => args.iter().for_each(|a| self.expr(a, None, d)),
            (ExprKind::Unary { expr, .. }, _) => self.expr(expr, None, d),
            (ExprKind::Binary { lhs, rhs, .. }, _) => {
                self.expr(lhs, None, d);
                self.expr(rhs, None, d);
            }
            (ExprKind::Cond { cond, then, other }, t) => {
                self.expr(cond, None, d);
                self.expr(then, t, d);
                self.expr(other, t, d);
            }
            (ExprKind::Str(parts), _) => {
                for p in parts {
                    if let StrPart::Interp(x) = p {
                        self.expr(x, None, d);
                    }
                }
            }
            (
                ExprKind::Int(_)
                | ExprKind::Decimal(_)
                | ExprKind::Quantity(_)
                | ExprKind::Bool(_)
                | ExprKind::Error,
                _,
            ) => {}
        }
    }

    fn is_member(&self, enum_name: &str, ident: &str) -> bool {
        self.stdlib
            .enums
            .get(enum_name)
            .is_some_and(|e| e.lowered(ident).is_some())
    }
}

fn field_type<'a>(kind: &'a KindSchema, name: &str) -> Option<&'a Type> {
    let find = |fs: &'a [FieldSchema]| fs.iter().find(|f| f.name == name).map(|f| &f.ty);
    find(&kind.fields).or_else(|| kind.whens.iter().find_map(|w| find(&w.fields)))
}
