//! Diagnostics of name resolution.

use crate::diagnostics::{codes, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::Ident;

pub fn duplicate_name(name: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(codes::DUPLICATE_NAME, format!("`{name}` is declared twice"))
        .label(span, "declared again here")
        .label(first, "first declared here")
        .help(format!(
            "names are unique across the whole program; rename one of them, e.g. `{name}_2`"
        ))
}

pub fn duplicate_project(span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(codes::DUPLICATE_PROJECT, "more than one `project` block")
        .label(span, "second `project` block")
        .label(first, "first `project` block")
        .help("merge the settings into one `project` block")
}

pub fn unknown_kind(kind: &Ident, near: Option<&str>) -> Diagnostic {
    let d = Diagnostic::error(codes::UNKNOWN_KIND, format!("unknown kind `{}`", kind.name))
        .label(kind.span, "not a kind of the standard library");
    match near {
        Some(n) => d.help(format!("did you mean `{n}`?")),
        None => d.help("the language reference lists every kind"),
    }
}

pub fn unsupported(span: Span, why: &str) -> Diagnostic {
    Diagnostic::error(codes::UNSUPPORTED_DECLARATION, why.to_string())
        .label(span, "not allowed in a program")
        .help("declare resources with the kinds of the standard library")
}
