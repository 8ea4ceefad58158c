//! The lexer: source text to tokens, with comments set aside as trivia.
//!
//! Lexemes are recognised with nom; the loop around them owns recovery (an
//! unknown character is reported and skipped) and string interpolation,
//! whose `${ ... }` is lexed recursively into the string token itself.
//! Invariant: lexing never fails and never panics; every byte of the input
//! ends up in a token, in trivia, or in a diagnostic.

use super::errors;
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};
use crate::syntax::ast::Comment;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{digit1, satisfy};
use nom::combinator::{opt, recognize};
use nom::sequence::pair;
use nom::{IResult, Parser};

/// Interpolations nest inside strings inside interpolations; bounded so no
/// input can exhaust the stack.
const MAX_INTERP_DEPTH: usize = 32;

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Ident,
    Int,
    Decimal,
    Quantity,
    Str(Vec<LexPart>),
    Punct(&'static str),
    Eof,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LexPart {
    Text(String),
    Interp(Vec<Token>, Span),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
    /// A line break stands between this token and the previous one: fields
    /// and object entries may be separated by newlines instead of commas.
    pub nl_before: bool,
    /// `///` comments directly before this token.
    pub doc: Option<String>,
}

pub struct Lexed {
    pub tokens: Vec<Token>,
    pub comments: Vec<Comment>,
    pub diags: Vec<Diagnostic>,
}

pub fn lex(src: &str, file: FileId) -> Lexed {
    let mut lx = Lexer {
        src,
        file,
        pos: 0,
        diags: vec![],
        comments: vec![],
    };
    let mut tokens = lx.tokens(0, false);
    let end = src.len();
    let (nl_before, doc) = lx.trivia();
    tokens.push(Token {
        tok: Tok::Eof,
        span: Span::new(file, end, end),
        nl_before,
        doc,
    });
    Lexed {
        tokens,
        comments: lx.comments,
        diags: lx.diags,
    }
}

const PUNCT: &[&str] = &[
    "==", "!=", "<=", ">=", "&&", "||", "{", "}", "[", "]", "(", ")", "=", ",", ":", ".", "?", "!",
    "<", ">", "-",
];

type R<'a> = IResult<&'a str, &'a str>;

fn ident(i: &str) -> R<'_> {
    recognize(pair(
        satisfy(|c: char| c.is_ascii_alphabetic() || c == '_'),
        take_while(|c: char| c.is_ascii_alphanumeric() || c == '_'),
    ))
    .parse(i)
}

/// `12`, `0.25`, with an optional unit glued on: `50Gi`, `0.5vcpu`, `60%`.
fn number(i: &str) -> IResult<&str, (&str, Option<&str>, Option<&str>)> {
    let (i, int) = digit1(i)?;
    let (i, frac) = opt(recognize(pair(tag("."), digit1))).parse(i)?;
    let (i, unit) = opt(alt((
        take_while1(|c: char| c.is_ascii_alphabetic()),
        tag("%"),
    )))
    .parse(i)?;
    Ok((i, (int, frac, unit)))
}

fn punct(i: &str) -> Option<&'static str> {
    PUNCT.iter().copied().find(|p| i.starts_with(p))
}

struct Lexer<'s> {
    src: &'s str,
    file: FileId,
    pos: usize,
    diags: Vec<Diagnostic>,
    comments: Vec<Comment>,
}

impl<'s> Lexer<'s> {
    fn rest(&self) -> &'s str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn span(&self, start: usize) -> Span {
        Span::new(self.file, start, self.pos)
    }

    /// Skips whitespace and comments; says whether a newline was crossed and
    /// collects the doc comment that directly precedes the next token.
    fn trivia(&mut self) -> (bool, Option<String>) {
        let mut nl = false;
        let mut doc: Option<String> = None;
        loop {
            let rest = self.rest();
            let ws: R<'_> = take_while1(|c: char| c.is_whitespace()).parse(rest);
            if let Ok((_, w)) = ws {
                if w.contains('\n') {
                    nl = true;
                    // A blank line detaches a doc comment from what follows.
                    if w.matches('\n').count() > 1 {
                        doc = None;
                    }
                }
                self.pos += w.len();
                continue;
            }
            if rest.starts_with("//") {
                let start = self.pos;
                let line = rest.split('\n').next().unwrap_or("");
                self.pos += line.len();
                let is_doc = line.starts_with("///") && !line.starts_with("////");
                if is_doc {
                    let text = line
                        .get(3..)
                        .unwrap_or("")
                        .strip_prefix(' ')
                        .unwrap_or(line.get(3..).unwrap_or(""));
                    doc = Some(match doc {
                        Some(d) => format!("{d}\n{text}"),
                        None => text.to_string(),
                    });
                } else {
                    doc = None;
                }
                self.comments.push(Comment {
                    span: self.span(start),
                    text: line.to_string(),
                    doc: is_doc,
                });
                continue;
            }
            if rest.starts_with("/*") {
                let start = self.pos;
                match rest.get(2..).and_then(|r| r.find("*/")) {
                    Some(end) => self.pos += end + 4,
                    None => {
                        self.pos = self.src.len();
                        self.diags.push(errors::unterminated_comment(Span::new(
                            self.file,
                            start,
                            start + 2,
                        )));
                    }
                }
                let text = self.src.get(start..self.pos).unwrap_or("").to_string();
                if text.contains('\n') {
                    nl = true;
                }
                self.comments.push(Comment {
                    span: self.span(start),
                    text,
                    doc: false,
                });
                doc = None;
                continue;
            }
            return (nl, doc);
        }
    }

    /// Lexes until end of input, or (inside an interpolation) until the `}`
    /// that closes it, which is consumed and not returned.
    fn tokens(&mut self, depth: usize, in_interp: bool) -> Vec<Token> {
        let mut out = vec![];
        let mut braces = 0usize;
        loop {
            let (nl_before, doc) = self.trivia();
            let rest = self.rest();
            let Some(c) = rest.chars().next() else {
                return out;
            };
            let start = self.pos;
            let push = |out: &mut Vec<Token>, tok: Tok, span: Span| {
                out.push(Token {
                    tok,
                    span,
                    nl_before,
                    doc: doc.clone(),
                })
            };
            if let Ok((_, word)) = ident(rest) {
                self.pos += word.len();
                push(&mut out, Tok::Ident, self.span(start));
            } else if c.is_ascii_digit() {
                let tok = match number(rest) {
                    Ok((_, (int, frac, unit))) => {
                        self.pos += int.len() + frac.map_or(0, str::len) + unit.map_or(0, str::len);
                        match (frac, unit) {
                            (_, Some(_)) => Tok::Quantity,
                            (Some(_), None) => Tok::Decimal,
                            (None, None) => Tok::Int,
                        }
                    }
                    Err(_) => {
                        self.pos += c.len_utf8();
                        Tok::Int
                    }
                };
                push(&mut out, tok, self.span(start));
            } else if c == '"' {
                let parts = self.string(depth);
                push(&mut out, Tok::Str(parts), self.span(start));
            } else if let Some(p) = punct(rest) {
                self.pos += p.len();
                if in_interp {
                    if p == "{" {
                        braces += 1;
                    } else if p == "}" {
                        if braces == 0 {
                            return out;
                        }
                        braces -= 1;
                    }
                }
                push(&mut out, Tok::Punct(p), self.span(start));
            } else {
                self.pos += c.len_utf8();
                self.diags
                    .push(errors::unexpected_character(c, self.span(start)));
            }
        }
    }

    /// Lexes a string starting at its opening quote.
    fn string(&mut self, depth: usize) -> Vec<LexPart> {
        let open = self.pos;
        self.pos += 1;
        let mut parts = vec![];
        let mut text = String::new();
        loop {
            let rest = self.rest();
            let Some(c) = rest.chars().next() else {
                self.diags.push(errors::unterminated_string(Span::new(
                    self.file,
                    open,
                    open + 1,
                )));
                break;
            };
            match c {
                '"' => {
                    self.pos += 1;
                    break;
                }
                '\n' => {
                    // Strings are one line; reporting here keeps the damage
                    // to this line instead of swallowing the file.
                    self.diags.push(errors::unterminated_string(Span::new(
                        self.file,
                        open,
                        open + 1,
                    )));
                    break;
                }
                '\\' => {
                    let esc = rest.chars().nth(1);
                    let mapped = match esc {
                        Some('n') => Some('\n'),
                        Some('t') => Some('\t'),
                        Some('"') => Some('"'),
                        Some('\\') => Some('\\'),
                        Some('$') => Some('$'),
                        _ => None,
                    };
                    let width = 1 + esc.map_or(0, char::len_utf8);
                    match mapped {
                        Some(m) => text.push(m),
                        None => self.diags.push(errors::invalid_escape(Span::new(
                            self.file,
                            self.pos,
                            self.pos + width,
                        ))),
                    }
                    self.pos += width;
                }
                '$' if rest.starts_with("${") => {
                    let start = self.pos;
                    self.pos += 2;
                    if !text.is_empty() {
                        parts.push(LexPart::Text(std::mem::take(&mut text)));
                    }
                    if depth >= MAX_INTERP_DEPTH {
                        self.diags.push(errors::nesting_too_deep(Span::new(
                            self.file,
                            start,
                            start + 2,
                        )));
                        self.pos = self.src.len();
                        break;
                    }
                    let inner = self.tokens(depth + 1, true);
                    parts.push(LexPart::Interp(
                        inner,
                        Span::new(self.file, start, self.pos),
                    ));
                }
                _ => {
                    text.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
        if !text.is_empty() || parts.is_empty() {
            parts.push(LexPart::Text(text));
        }
        parts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok> {
        lex(src, FileId(0))
            .tokens
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn quantities_decimals_and_ints_are_told_apart() {
        assert_eq!(
            kinds("50Gi 0.25vcpu 60% 1.5 7"),
            vec![
                Tok::Quantity,
                Tok::Quantity,
                Tok::Quantity,
                Tok::Decimal,
                Tok::Int,
                Tok::Eof
            ]
        );
    }

    #[test]
    fn doc_comments_attach_and_blank_lines_detach() {
        let l = lex("/// a\n/// b\nx\n/// gone\n\ny", FileId(0));
        assert_eq!(
            l.tokens.first().and_then(|t| t.doc.clone()),
            Some("a\nb".to_string())
        );
        assert_eq!(l.tokens.get(1).and_then(|t| t.doc.clone()), None);
        assert_eq!(l.comments.len(), 3);
    }

    #[test]
    fn interpolation_nests_strings() {
        let l = lex(r#""a${x ? "b" : "c"}d""#, FileId(0));
        assert!(l.diags.is_empty());
        let first = l.tokens.first().map(|t| t.tok.clone());
        assert!(matches!(first, Some(Tok::Str(parts)) if parts.len() == 3));
    }

    #[test]
    fn unterminated_things_are_reported_once() {
        assert_eq!(lex("\"abc", FileId(0)).diags.len(), 1);
        assert_eq!(lex("/* abc", FileId(0)).diags.len(), 1);
        assert_eq!(lex("\"${", FileId(0)).diags.len(), 1);
    }
}
