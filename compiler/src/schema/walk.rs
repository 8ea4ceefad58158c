//! Every identifier in value position of an item, with the schema's help:
//! an identifier in a field that expects an enum, and that is one of its
//! members, is the member and not a name. Shared by the graph (which
//! collects references) and module expansion (which renames them).

use super::{FieldSchema, KindSchema, Stdlib, Type};
use crate::source::Span;
use crate::syntax::ast::{Body, Expr, ExprKind, Item, ItemKind, StrPart};

/// Expressions are bounded by the parser's nesting limit; this guards the
/// walk independently of it.
const MAX_DEPTH: usize = 256;

pub type Visit<'f> = dyn FnMut(&mut String, Span) + 'f;

/// Visits each identifier expression that is a name, so that it can be
/// replaced whole (a loop variable by its element).
pub type VisitExpr<'f> = dyn FnMut(&mut Expr) + 'f;

/// Visits the names an item's values mention (not the name it declares).
pub fn item_idents(item: &mut Item, stdlib: &Stdlib, f: &mut Visit<'_>) {
    item_name_exprs(item, stdlib, &mut |e: &mut Expr| as_name(e, f));
}

pub fn expr_idents(
    e: &mut Expr,
    ty: Option<&Type>,
    stdlib: &Stdlib,
    f: &mut Visit<'_>,
    depth: usize,
) {
    expr_names(e, ty, stdlib, &mut |e: &mut Expr| as_name(e, f), depth);
}

fn as_name(e: &mut Expr, f: &mut Visit<'_>) {
    let span = e.span;
    if let ExprKind::Ident(n) = &mut e.kind {
        f(n, span);
    }
}

/// [`item_idents`], handing over the whole identifier expression.
pub fn item_name_exprs(item: &mut Item, stdlib: &Stdlib, f: &mut VisitExpr<'_>) {
    match &mut item.kind {
        ItemKind::Decl { kind, body, .. } => match stdlib.kind(&kind.name) {
            Some(schema) => {
                for field in &mut body.fields {
                    let ty = field_type(schema, &field.key.name);
                    expr_names(&mut field.value, ty, stdlib, f, 0);
                }
            }
            None => body_idents(body, stdlib, f),
        },
        ItemKind::Project(body) => body_idents(body, stdlib, f),
        ItemKind::Module { body, path, .. } => {
            expr_names(path, None, stdlib, f, 0);
            body_idents(body, stdlib, f);
        }
        ItemKind::Param {
            default: Some(e), ..
        }
        | ItemKind::Let { value: e, .. }
        | ItemKind::Output { value: e, .. } => expr_names(e, None, stdlib, f, 0),
        ItemKind::For {
            collection, body, ..
        } => {
            expr_names(collection, None, stdlib, f, 0);
            body.items
                .iter_mut()
                .for_each(|i| item_name_exprs(i, stdlib, f));
        }
        ItemKind::If { cond, then, other } => {
            expr_names(cond, None, stdlib, f, 0);
            then.items
                .iter_mut()
                .chain(other.iter_mut().flat_map(|b| b.items.iter_mut()))
                .for_each(|i| item_name_exprs(i, stdlib, f));
        }
        _ => {}
    }
}

fn body_idents(body: &mut Body, stdlib: &Stdlib, f: &mut VisitExpr<'_>) {
    for field in &mut body.fields {
        expr_names(&mut field.value, None, stdlib, f, 0);
    }
}

pub fn expr_names(
    e: &mut Expr,
    ty: Option<&Type>,
    stdlib: &Stdlib,
    f: &mut VisitExpr<'_>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let d = depth + 1;
    match (&mut e.kind, ty) {
        (ExprKind::Ident(n), Some(Type::Enum(en)))
            if stdlib.enums.get(en).is_some_and(|x| x.lowered(n).is_some()) => {}
        (ExprKind::Ident(_), _) => f(e),
        (ExprKind::List(items), Some(Type::List(t))) => items
            .iter_mut()
            .for_each(|i| expr_names(i, Some(t), stdlib, f, d)),
        (ExprKind::Object(fields), Some(Type::Object(schema))) => {
            for field in fields {
                let t = schema
                    .iter()
                    .find(|s| s.name == field.key.name)
                    .map(|s| &s.ty);
                expr_names(&mut field.value, t, stdlib, f, d);
            }
        }
        (ExprKind::Object(fields), Some(Type::Map(t))) => fields
            .iter_mut()
            .for_each(|x| expr_names(&mut x.value, Some(t), stdlib, f, d)),
        (ExprKind::List(items), _) => items
            .iter_mut()
            .for_each(|i| expr_names(i, None, stdlib, f, d)),
        (ExprKind::Object(fields), _) => fields
            .iter_mut()
            .for_each(|x| expr_names(&mut x.value, None, stdlib, f, d)),
        (ExprKind::Member { base, .. }, _) => expr_names(base, None, stdlib, f, d),
        (ExprKind::Index { base, index }, _) => {
            expr_names(base, None, stdlib, f, d);
            expr_names(index, None, stdlib, f, d);
        }
        (ExprKind::Call { args, .. }, _) => args
            .iter_mut()
            .for_each(|a| expr_names(a, None, stdlib, f, d)),
        (ExprKind::Unary { expr, .. }, _) => expr_names(expr, None, stdlib, f, d),
        (ExprKind::Binary { lhs, rhs, .. }, _) => {
            expr_names(lhs, None, stdlib, f, d);
            expr_names(rhs, None, stdlib, f, d);
        }
        (ExprKind::Cond { cond, then, other }, t) => {
            expr_names(cond, None, stdlib, f, d);
            expr_names(then, t, stdlib, f, d);
            expr_names(other, t, stdlib, f, d);
        }
        (ExprKind::Str(parts), _) => {
            for p in parts {
                if let StrPart::Interp(x) = p {
                    expr_names(x, None, stdlib, f, d);
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

/// The type of a kind's field, under any `when` block.
pub fn field_type<'a>(kind: &'a KindSchema, name: &str) -> Option<&'a Type> {
    let find = |fs: &'a [FieldSchema]| fs.iter().find(|f| f.name == name).map(|f| &f.ty);
    find(&kind.fields).or_else(|| kind.whens.iter().find_map(|w| find(&w.fields)))
}
