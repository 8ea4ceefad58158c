//! The names an item's values mention, with where (type-directed: see
//! `schema::walk`).

use crate::schema::{walk, Stdlib};
use crate::source::Span;
use crate::syntax::ast::Item;

/// Every identifier in value position that may name a declaration, with
/// its span, in source order.
pub fn references(item: &Item, stdlib: &Stdlib) -> Vec<(String, Span)> {
    let mut out = vec![];
    // The walk is shared with module renaming, which needs to mutate; a
    // copy costs one pass over the item, which the graph makes anyway.
    let mut copy = item.clone();
    walk::item_idents(&mut copy, stdlib, &mut |n: &mut String, s: Span| {
        out.push((n.clone(), s))
    });
    out
}
