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

/// A `for`'s collection, an `if`'s condition or an index that needs a
/// value only a deployment has.
pub fn not_known(what: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        codes::NOT_KNOWN_WHEN_COMPILING,
        format!("{what} is not known when compiling"),
    )
    .label(span, "needs a value Cairn cannot read here")
    .help("build it from literals, `let`s and `param`s, e.g. `param teams: list<string>`; what is declared cannot depend on what is deployed")
}

pub fn wrong_loop_value(what: &str, expected: &str, found: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        codes::TYPE_MISMATCH,
        format!("{what} must be {expected}, found {found}"),
    )
    .label(span, format!("this is {found}"))
    .help(match expected {
        "a bool" => "compare a `param` or a `let`: `if env == \"prod\" { ... }`",
        _ => "iterate a list of strings (`[\"ads\", \"cart\"]`) or a map (`{ ads = 3, cart = 1 }`)",
    })
}

pub fn invalid_loop_key(key: &str, span: Span, why: &str) -> Diagnostic {
    Diagnostic::error(
        codes::INVALID_LOOP_KEY,
        format!("`{key}` cannot key a `for`'s declarations: {why}"),
    )
    .label(span, "this element's key")
    .help("keys name resources: lowercase letters, digits, `-` and `_`, at most 40 characters, unique in the collection")
}

pub fn loop_element_not_string(found: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        codes::INVALID_LOOP_KEY,
        format!("a `for` over a list keys each element by its text, and this is {found}"),
    )
    .label(span, "not a string")
    .help("iterate a map instead, keyed by name: `for team, size in { ads = 3, cart = 1 } { ... }`")
}

pub fn two_vars_on_list(span: Span) -> Diagnostic {
    Diagnostic::error(
        codes::INVALID_LOOP_KEY,
        "a `for` over a list binds one variable",
    )
    .label(span, "a list, whose elements are their own keys")
    .help("write `for team in teams`, or make the collection a map to bind a key and a value")
}

pub fn duplicate_loop_key(key: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(
        codes::INVALID_LOOP_KEY,
        format!("`{key}` is in the collection twice"),
    )
    .label(span, "again here")
    .label(first, "first here")
    .help("each element keys its own declarations; remove the repeat")
}

pub fn loop_var_shadows(var: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        codes::INVALID_LOOP_KEY,
        format!("loop variable `{var}` has the name of something already declared"),
    )
    .label(span, "shadows a declared name")
    .help(format!("rename the variable, e.g. `{var}_item`"))
}

pub fn unkeyed_reference(name: &str, span: Span, keys: &[String]) -> Diagnostic {
    let example = keys.first().map_or("key", String::as_str);
    Diagnostic::error(
        codes::UNKEYED_REFERENCE,
        format!("`{name}` is declared once per element of a `for`; name one of them"),
    )
    .label(span, "which one?")
    .help(format!("write `{name}[\"{example}\"]`"))
}

pub fn unknown_loop_key(name: &str, key: &str, span: Span, keys: &[String]) -> Diagnostic {
    let near = crate::diagnostics::closest(key, keys.iter().map(String::as_str));
    let listed: Vec<String> = keys.iter().map(|k| format!("\"{k}\"")).collect();
    Diagnostic::error(
        codes::UNKEYED_REFERENCE,
        format!("`{name}` has no element `{key}`"),
    )
    .label(span, "not a key of the `for` that declares it")
    .help(match near {
        Some(n) => format!("did you mean `{name}[\"{n}\"]`?"),
        None => format!("its keys are {}", listed.join(", ")),
    })
}

pub fn absent_declaration(name: &str, span: Span, cond: Span) -> Diagnostic {
    Diagnostic::error(
        codes::ABSENT_DECLARATION,
        format!("`{name}` is not declared: its `if` is false"),
    )
    .label(span, "refers to it here")
    .label(cond, "this condition is false")
    .help(format!(
        "move this into the same `if`, or declare `{name}` in an `else` block too"
    ))
}

pub fn not_in_block(span: Span, what: &str) -> Diagnostic {
    Diagnostic::error(
        codes::UNSUPPORTED_DECLARATION,
        format!("{what} cannot go inside a `for` or an `if`"),
    )
    .label(span, "inside a block")
    .help("move it to the top level; blocks hold declarations, modules and `let`s")
}

pub fn too_many_unrolled(span: Span, max: usize) -> Diagnostic {
    Diagnostic::error(
        codes::TOO_MANY_ITEMS,
        format!("the program's `for`s make more than {max} items"),
    )
    .label(span, "this collection takes the count past the bound")
    .help("a program this large cannot be deployed; split it into programs, or iterate fewer elements")
}

pub fn index_past_end(i: i64, len: usize, span: Span) -> Diagnostic {
    Diagnostic::error(
        codes::OUT_OF_RANGE,
        format!("index {i} is outside a list of {len}"),
    )
    .label(span, "no element here")
    .help(format!(
        "indexes count from 0: use 0 to {}",
        len.saturating_sub(1)
    ))
}

pub fn no_such_key(key: &str, span: Span, keys: &[String]) -> Diagnostic {
    let near = crate::diagnostics::closest(key, keys.iter().map(String::as_str));
    let listed: Vec<String> = keys.iter().map(|k| format!("\"{k}\"")).collect();
    Diagnostic::error(
        codes::UNKEYED_REFERENCE,
        format!("the map has no key `{key}`"),
    )
    .label(span, "not one of its keys")
    .help(match near {
        Some(n) => format!("did you mean `[\"{n}\"]`?"),
        None => format!("its keys are {}", listed.join(", ")),
    })
}
