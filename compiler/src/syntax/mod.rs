//! Syntax: source text to a syntax tree with its comments.
//!
//! Input: one file's text. Output: a [`ast::Program`] and the diagnostics
//! found on the way. Invariant: always returns a tree, whatever the input;
//! the tree records what was written and nothing it means.

pub mod ast;
mod errors;
pub mod fmt;
pub mod lexer;
mod parser;

use crate::diagnostics::Diagnostic;
use crate::source::FileId;

pub fn parse(src: &str, file: FileId) -> (ast::Program, Vec<Diagnostic>) {
    let lexed = lexer::lex(src, file);
    let mut p = parser::Parser::new(src, lexed.tokens, file);
    let items = p.program();
    let mut diags = lexed.diags;
    diags.append(&mut p.diags);
    (
        ast::Program {
            items,
            comments: lexed.comments,
        },
        diags,
    )
}

/// Parses one expression (a `--param` value), reporting trailing tokens.
pub fn parse_expr(src: &str, file: FileId) -> (Option<ast::Expr>, Vec<Diagnostic>) {
    let lexed = lexer::lex(src, file);
    let mut p = parser::Parser::new(src, lexed.tokens, file);
    let e = p.expression_only();
    let mut diags = lexed.diags;
    diags.append(&mut p.diags);
    (e, diags)
}
