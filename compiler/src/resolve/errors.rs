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

/// Two symbols whose flattened names meet: `blue.main` (in module `blue`)
/// and the caller's `blue_main` would write the same logical IDs.
pub fn name_clash(name: &str, span: Span, other: &str, first: Span, id: &str) -> Diagnostic {
    Diagnostic::error(
        codes::NAME_CLASH,
        format!("`{name}` and `{other}` would make the same logical IDs (`{id}...`)"),
    )
    .label(span, format!("`{name}` is here"))
    .label(first, format!("`{other}` is here"))
    .help("logical IDs and physical names come from the name with `.` and `_` alike; rename one of them")
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

pub fn module_path_not_literal(span: Span) -> Diagnostic {
    Diagnostic::error(codes::TYPE_MISMATCH, "a module path must be a plain string")
        .label(span, "not a plain string")
        .help("write the path as a literal: `\"./modules/service.cairn\"`")
}

pub fn module_cycle(chain: &[String], span: Span) -> Diagnostic {
    let shown: Vec<String> = chain.iter().map(|p| format!("`{p}`")).collect();
    Diagnostic::error(
        codes::MODULE_CYCLE,
        format!("module cycle: {}", shown.join(" -> ")),
    )
    .label(span, "this instantiates a module already being expanded")
    .help("move what the modules share into a third module that neither instantiates")
}

pub fn module_not_found(path: &str, why: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        codes::MODULE_NOT_FOUND,
        format!("cannot read module `{path}`: {why}"),
    )
    .label(span, "no readable file here")
    .help(
        "module paths are relative to the file that names them, like `\"./modules/service.cairn\"`",
    )
}

pub fn unknown_module_argument(
    module: &str,
    arg: &str,
    span: Span,
    near: Option<&str>,
    file: &str,
) -> Diagnostic {
    let d = Diagnostic::error(
        codes::UNKNOWN_MODULE_ARGUMENT,
        format!("module `{module}` has no parameter `{arg}`"),
    )
    .label(span, format!("not a `param` of `{file}`"));
    match near {
        Some(n) => d.help(format!("did you mean `{n}`?")),
        None => d.help(format!(
            "remove `{arg}`, or declare `param {arg}: ...` in `{file}`"
        )),
    }
}

pub fn missing_module_argument(
    module: &str,
    param: &str,
    span: Span,
    param_span: Span,
) -> Diagnostic {
    Diagnostic::error(
        codes::MISSING_MODULE_ARGUMENT,
        format!("module `{module}` needs a value for `{param}`"),
    )
    .label(span, format!("`{param}` is not given here"))
    .label(param_span, "declared without a default here")
    .help(format!("add `{param} = ...` to the module block"))
}
