//! Resolve: the program's namespace.
//!
//! Input: the syntax trees of every file of one program, with modules
//! instantiated and `for`/`if` unrolled (`modules.rs`, `unroll.rs`), and
//! the stdlib.
//! Output: a [`Resolved`] symbol table (names unique across the program,
//! whatever their kind) and the items to check.
//! Invariant: every declared name gets a symbol, even when its declaration
//! is broken (it is then `Poisoned`), so references to it stay silent.

mod errors;
pub mod modules;
pub mod unroll;
pub mod value;

use crate::diagnostics::Diagnostic;
use crate::schema::Stdlib;
use crate::source::Span;
use crate::syntax::ast::{Item, ItemKind, Program};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
pub enum SymbolKind {
    Param,
    Let,
    Output,
    Decl {
        kind: String,
    },
    /// A module instance: its outputs, and the value each reads.
    Module {
        outputs: BTreeMap<String, String>,
    },
    /// Declared, but broken or unsupported: references to it are accepted
    /// silently, since its own diagnostic already says what is wrong.
    Poisoned,
}

#[derive(Clone, Debug)]
pub struct Symbol<'a> {
    pub name: String,
    pub kind: SymbolKind,
    pub span: Span,
    pub item: &'a Item,
}

#[derive(Debug, Default)]
pub struct Resolved<'a> {
    pub symbols: BTreeMap<String, Symbol<'a>>,
    pub project: Option<&'a Item>,
}

pub fn resolve<'a>(
    programs: &[&'a Program],
    stdlib: &Stdlib,
    instances: &BTreeMap<String, modules::Instance>,
) -> (Resolved<'a>, Vec<Diagnostic>) {
    let mut out = Resolved::default();
    let mut diags = vec![];
    for prog in programs {
        for item in &prog.items {
            let (name, kind) = match &item.kind {
                ItemKind::Project(_) => {
                    match out.project {
                        Some(first) => diags.push(errors::duplicate_project(item.span, first.span)),
                        None => out.project = Some(item),
                    }
                    continue;
                }
                ItemKind::Param { name, .. } => (name, SymbolKind::Param),
                ItemKind::Let { name, .. } => (name, SymbolKind::Let),
                ItemKind::Output { name, .. } => (name, SymbolKind::Output),
                ItemKind::Decl { kind, name, .. } => {
                    if stdlib.kind(&kind.name).is_some() {
                        (
                            name,
                            SymbolKind::Decl {
                                kind: kind.name.clone(),
                            },
                        )
                    } else {
                        let near = stdlib.suggest_kind(&kind.name);
                        diags.push(errors::unknown_kind(kind, near));
                        (name, SymbolKind::Poisoned)
                    }
                }
                ItemKind::Module { name, .. } => match instances.get(&name.name) {
                    Some(i) => (
                        name,
                        SymbolKind::Module {
                            outputs: i.outputs.clone(),
                        },
                    ),
                    // Not instantiated: its own diagnostic says why.
                    None => (name, SymbolKind::Poisoned),
                },
                ItemKind::KindDef { name, .. }
                | ItemKind::EnumDef { name, .. }
                | ItemKind::TypeDef { name, .. } => {
                    diags.push(errors::unsupported(
                        name.span,
                        "`kind`, `enum` and `type` declarations belong to the standard library",
                    ));
                    continue;
                }
                ItemKind::Error { name: Some(name) } => (name, SymbolKind::Poisoned),
                // Unrolled before resolution; only the editor's trees keep them.
                ItemKind::Error { name: None } | ItemKind::For { .. } | ItemKind::If { .. } => {
                    continue
                }
            };
            if let Some(prev) = out.symbols.get_mut(&name.name) {
                diags.push(errors::duplicate_name(&name.name, name.span, prev.span));
                // Which of the two a use means is unknowable: uses stay
                // silent rather than cascade into kind or cycle errors.
                prev.kind = SymbolKind::Poisoned;
                continue;
            }
            out.symbols.insert(
                name.name.clone(),
                Symbol {
                    name: name.name.clone(),
                    kind,
                    span: name.span,
                    item,
                },
            );
        }
    }
    clashes(&out, &mut diags);
    (out, diags)
}

/// Declarations (resources) and outputs (stack outputs) whose logical IDs
/// would be the same although their names differ: a module instance's
/// `blue.main` and the caller's `blue_main`. Reported once per pair, at the
/// caller's name.
fn clashes(out: &Resolved<'_>, diags: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<(bool, String), &Symbol<'_>> = BTreeMap::new();
    for sym in out.symbols.values() {
        let emits = match sym.kind {
            SymbolKind::Decl { .. } => false,
            SymbolKind::Output => true,
            _ => continue,
        };
        let id = crate::names::pascal(&sym.name);
        match seen.get(&(emits, id.clone())) {
            Some(first) => {
                // Point at the caller's name: the module's may not be the
                // user's to change.
                let scoped = |s: &Symbol<'_>| s.name.contains(crate::names::SCOPE);
                let (a, b) = if scoped(first) && !scoped(sym) {
                    (sym, *first)
                } else {
                    (*first, sym)
                };
                diags.push(errors::name_clash(&a.name, a.span, &b.name, b.span, &id));
            }
            None => {
                seen.insert((emits, id), sym);
            }
        }
    }
}
