//! Diagnostics of the lexer and the parser.

use crate::diagnostics::{codes, Diagnostic};
use crate::source::Span;

pub fn unterminated_string(open: Span) -> Diagnostic {
    Diagnostic::error(codes::UNTERMINATED_STRING, "unterminated string")
        .label(open, "this string is never closed")
        .help("close the string with `\"` on the same line")
}

pub fn unterminated_comment(open: Span) -> Diagnostic {
    Diagnostic::error(codes::UNTERMINATED_COMMENT, "unterminated block comment")
        .label(open, "this comment is never closed")
        .help("close the comment with `*/`")
}

pub fn unexpected_character(c: char, span: Span) -> Diagnostic {
    let help = match c {
        ';' => "fields are separated by newlines or commas, not `;`".to_string(),
        '\'' => "strings use double quotes: `\"...\"`".to_string(),
        '#' => "comments start with `//`".to_string(),
        _ => format!("remove `{}`", c.escape_default()),
    };
    Diagnostic::error(
        codes::UNEXPECTED_CHARACTER,
        format!("unexpected character `{}`", c.escape_default()),
    )
    .label(span, "not part of any token")
    .help(help)
}

pub fn invalid_escape(span: Span) -> Diagnostic {
    Diagnostic::error(codes::INVALID_ESCAPE, "unknown escape sequence")
        .label(span, "not an escape Cairn knows")
        .help(
            "the escapes are `\\n`, `\\t`, `\\\"`, `\\\\` and `\\$`; write `\\\\` for a backslash",
        )
}

pub fn invalid_number(span: Span, why: &str, help: &str) -> Diagnostic {
    Diagnostic::error(codes::INVALID_NUMBER, format!("invalid number: {why}"))
        .label(span, why.to_string())
        .help(help)
}

pub fn nesting_too_deep(span: Span) -> Diagnostic {
    Diagnostic::error(codes::NESTING_TOO_DEEP, "nesting too deep")
        .label(span, "nested past the limit of 64 levels here")
        .help("flatten the value, or name inner parts with `let`")
}

pub fn expected(what: &str, found: &str, span: Span, help: Option<String>) -> Diagnostic {
    let d = Diagnostic::error(
        codes::EXPECTED_TOKEN,
        format!("expected {what}, found {found}"),
    )
    .label(span, format!("expected {what}"));
    let help = help.unwrap_or_else(|| {
        if what.starts_with('`') {
            format!("insert {what} here")
        } else {
            format!("write {what} here")
        }
    });
    d.help(help)
}

pub fn expected_declaration(found: &str, span: Span) -> Diagnostic {
    Diagnostic::error(codes::EXPECTED_DECLARATION, format!("expected a declaration, found {found}"))
        .label(span, "not the start of a declaration")
        .help("a declaration is `project { }`, `param`, `let`, `output`, `module`, or a kind and a name: `cluster retail { }`")
}

pub fn unclosed(open: Span, delim: &str, found: &str, at: Span) -> Diagnostic {
    let close = match delim {
        "{" => "}",
        "[" => "]",
        "(" => ")",
        _ => "}",
    };
    Diagnostic::error(codes::UNCLOSED_DELIMITER, format!("unclosed `{delim}`"))
        .label(open, "opened here")
        .label(at, format!("expected `{close}` before {found}"))
        .help(format!("add `{close}` to close it"))
}

pub fn invalid_name(name: &str, span: Span) -> Diagnostic {
    let fixed: String = name
        .chars()
        .enumerate()
        .flat_map(|(i, c)| {
            if c.is_ascii_uppercase() && i > 0 {
                vec!['_', c.to_ascii_lowercase()]
            } else {
                vec![c.to_ascii_lowercase()]
            }
        })
        .collect();
    Diagnostic::error(codes::INVALID_NAME, format!("`{name}` is not a valid name"))
        .label(span, "names are lowercase letters, digits and `_`")
        .help(format!("rename it `{fixed}`"))
}
