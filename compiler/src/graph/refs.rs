//! The names an item's expressions mention, with where.

use crate::source::Span;
use crate::syntax::ast::{Body, Expr, ExprKind, Item, ItemKind, StrPart};

/// Every bare identifier in value position, with its span, in source order.
/// Enum members are included; callers keep only declared names.
pub fn references(item: &Item) -> Vec<(String, Span)> {
    let mut out = vec![];
    match &item.kind {
        ItemKind::Project(body) | ItemKind::Decl { body, .. } => body_refs(body, &mut out),
        ItemKind::Module { body, path, .. } => {
            expr_refs(path, &mut out);
            body_refs(body, &mut out);
        }
        ItemKind::Param {
            default: Some(e), ..
        }
        | ItemKind::Let { value: e, .. }
        | ItemKind::Output { value: e, .. } => expr_refs(e, &mut out),
        _ => {}
    }
    out
}

fn body_refs(body: &Body, out: &mut Vec<(String, Span)>) {
    for f in &body.fields {
        expr_refs(&f.value, out);
    }
}

/// Iterative, so deep expressions cannot overflow the stack here either.
fn expr_refs(root: &Expr, out: &mut Vec<(String, Span)>) {
    let mut stack = vec![root];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::Ident(n) => out.push((n.clone(), e.span)),
            ExprKind::Member { base, .. } => stack.push(base),
            ExprKind::List(items) => stack.extend(items.iter().rev()),
            ExprKind::Object(fields) => stack.extend(fields.iter().rev().map(|f| &f.value)),
            ExprKind::Call { args, .. } => stack.extend(args.iter().rev()),
            ExprKind::Unary { expr, .. } => stack.push(expr),
            ExprKind::Binary { lhs, rhs, .. } => {
                stack.push(rhs);
                stack.push(lhs);
            }
            ExprKind::Cond { cond, then, other } => {
                stack.push(other);
                stack.push(then);
                stack.push(cond);
            }
            ExprKind::Str(parts) => {
                for p in parts.iter().rev() {
                    if let StrPart::Interp(x) = p {
                        stack.push(x);
                    }
                }
            }
            ExprKind::Int(_)
            | ExprKind::Decimal(_)
            | ExprKind::Quantity(_)
            | ExprKind::Bool(_)
            | ExprKind::Error => {}
        }
    }
}
