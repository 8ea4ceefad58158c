//! The parser: tokens to the syntax tree, recovering at declarations.
//!
//! Recursive descent over the lexer's tokens. A mistake inside a
//! declaration is reported once; the parser then skips to the next line that
//! starts at column 0 with an identifier (the start of the next declaration
//! in any formatted program) and leaves an `ItemKind::Error` node.
//! Invariant: never panics, and recursion is bounded by `MAX_DEPTH`, so
//! 100,000 nested brackets give one diagnostic, not a stack overflow.

use super::ast::*;
use super::errors;
use super::lexer::{LexPart, Tok, Token};
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};

const MAX_DEPTH: usize = 64;
const UNITS: &[&str] = &[
    "Ki", "Mi", "Gi", "Ti", "Pi", "KB", "MB", "GB", "TB", "PB", "s", "m", "h", "d", "vcpu", "%",
];

/// Already reported; unwinds to the nearest recovery point.
struct Fail;

type P<T> = Result<T, Fail>;

pub struct Parser<'s> {
    src: &'s str,
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
    pub diags: Vec<Diagnostic>,
}

impl<'s> Parser<'s> {
    pub fn new(src: &'s str, toks: Vec<Token>, file: FileId) -> Parser<'s> {
        let mut toks = toks;
        if !matches!(toks.last().map(|t| &t.tok), Some(Tok::Eof)) {
            let end = src.len();
            toks.push(Token {
                tok: Tok::Eof,
                span: Span::new(file, end, end),
                nl_before: true,
                doc: None,
            });
        }
        Parser {
            src,
            toks,
            pos: 0,
            depth: 0,
            diags: vec![],
        }
    }

    pub fn program(&mut self) -> Vec<Item> {
        let mut items = vec![];
        while !self.at_eof() {
            let before = self.pos;
            items.push(self.item());
            if self.pos == before {
                // Defensive: an item must consume something.
                self.bump();
            }
        }
        items
    }

    /// A whole input that must be exactly one expression.
    pub fn expression_only(&mut self) -> Option<Expr> {
        let e = self.expr().ok()?;
        if !self.at_eof() {
            let _ = self.fail::<()>("the end of the value", None);
            return None;
        }
        Some(e)
    }

    // ---- token helpers ----

    fn peek(&self) -> &Token {
        self.peek_at(0)
    }

    fn peek_at(&self, n: usize) -> &Token {
        let last = self.toks.len().saturating_sub(1);
        let i = (self.pos + n).min(last);
        match self.toks.get(i) {
            Some(t) => t,
            None => &EOF_TOKEN,
        }
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.toks.len().saturating_sub(1) {
            self.pos += 1;
        }
        t
    }

    fn at_eof(&self) -> bool {
        matches!(self.peek().tok, Tok::Eof)
    }

    fn text(&self, t: &Token) -> &'s str {
        self.src
            .get(t.span.start as usize..t.span.end as usize)
            .unwrap_or("")
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek().tok, Tok::Punct(q) if q == p)
    }

    fn is_ident(&self, word: &str) -> bool {
        let t = self.peek();
        t.tok == Tok::Ident && self.text(t) == word
    }

    fn eat(&mut self, p: &str) -> Option<Span> {
        if self.is_punct(p) {
            Some(self.bump().span)
        } else {
            None
        }
    }

    fn describe(&self, t: &Token) -> String {
        match &t.tok {
            Tok::Eof => "end of file".to_string(),
            Tok::Ident => format!("`{}`", self.text(t)),
            Tok::Str(_) => "a string".to_string(),
            Tok::Int | Tok::Decimal | Tok::Quantity => format!("`{}`", self.text(t)),
            Tok::Punct(p) => format!("`{p}`"),
        }
    }

    fn fail<T>(&mut self, what: &str, help: Option<String>) -> P<T> {
        let t = self.peek().clone();
        let found = self.describe(&t);
        self.diags
            .push(errors::expected(what, &found, t.span, help));
        Err(Fail)
    }

    fn expect(&mut self, p: &str, help: Option<String>) -> P<Span> {
        match self.eat(p) {
            Some(s) => Ok(s),
            None => self.fail(&format!("`{p}`"), help),
        }
    }

    fn ident(&mut self, what: &str) -> P<Ident> {
        let t = self.peek().clone();
        if t.tok == Tok::Ident {
            self.bump();
            Ok(Ident {
                name: self.text(&t).to_string(),
                span: t.span,
            })
        } else {
            self.fail(what, None)
        }
    }

    /// A declared name: an identifier that must also be lowercase.
    fn name(&mut self, what: &str) -> P<Ident> {
        let id = self.ident(what)?;
        if id.name.chars().any(|c| c.is_ascii_uppercase()) {
            self.diags.push(errors::invalid_name(&id.name, id.span));
        }
        Ok(id)
    }

    fn at_column_zero(&self, t: &Token) -> bool {
        let s = t.span.start as usize;
        s == 0 || self.src.as_bytes().get(s - 1) == Some(&b'\n')
    }

    /// Does the next token look like the start of a new declaration?
    fn at_item_start(&self) -> bool {
        let t = self.peek();
        t.tok == Tok::Ident && (t.nl_before || self.pos == 0) && self.at_column_zero(t)
    }

    fn recover(&mut self) {
        self.bump();
        while !self.at_eof() && !self.at_item_start() {
            self.bump();
        }
    }

    fn enter(&mut self) -> P<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let span = self.peek().span;
            self.diags.push(errors::nesting_too_deep(span));
            return Err(Fail);
        }
        Ok(())
    }

    fn chain_limit(&mut self, links: usize) -> P<()> {
        if self.depth + links > MAX_DEPTH {
            let span = self.peek().span;
            self.diags.push(errors::nesting_too_deep(span));
            return Err(Fail);
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    // ---- items ----

    fn item(&mut self) -> Item {
        self.item_or_skip(None)
    }

    /// An item; a broken one becomes `ItemKind::Error` after skipping: to
    /// the next declaration at the top level, or, inside a block (`from`
    /// is where the item started), to the end of the item.
    fn item_or_skip(&mut self, in_block: Option<usize>) -> Item {
        let start = self.peek().span;
        let doc = self.peek().doc.clone();
        let depth = self.depth;
        let mut name_seen: Option<Ident> = None;
        let kind = match self.item_kind(&mut name_seen) {
            Ok(k) => k,
            Err(Fail) => {
                match in_block {
                    Some(from) => {
                        self.depth = depth;
                        self.skip_item(from);
                    }
                    None => {
                        self.depth = 0;
                        self.recover();
                    }
                }
                ItemKind::Error { name: name_seen }
            }
        };
        Item {
            kind,
            doc,
            span: start.to(self.last_span(start)),
        }
    }

    fn item_kind(&mut self, name_seen: &mut Option<Ident>) -> P<ItemKind> {
        let t = self.peek().clone();
        if t.tok != Tok::Ident {
            let found = self.describe(&t);
            self.diags
                .push(errors::expected_declaration(&found, t.span));
            return Err(Fail);
        }
        let word = self.text(&t);
        let next_is_ident = self.peek_at(1).tok == Tok::Ident;
        match word {
            "project" if !next_is_ident => {
                self.bump();
                Ok(ItemKind::Project(self.body()?))
            }
            "param" if next_is_ident => {
                self.bump();
                let name = self.name("a parameter name")?;
                *name_seen = Some(name.clone());
                self.expect(
                    ":",
                    Some(format!(
                        "give the parameter a type: `param {}: string`",
                        name.name
                    )),
                )?;
                let ty = self.type_expr()?;
                let default = if self.eat("=").is_some() {
                    Some(self.expr()?)
                } else {
                    None
                };
                Ok(ItemKind::Param { name, ty, default })
            }
            "let" | "output" if next_is_ident => {
                self.bump();
                let name = self.name("a name")?;
                *name_seen = Some(name.clone());
                self.expect(
                    "=",
                    Some(format!("give it a value: `{word} {} = ...`", name.name)),
                )?;
                let value = self.expr()?;
                Ok(if word == "let" {
                    ItemKind::Let { name, value }
                } else {
                    ItemKind::Output { name, value }
                })
            }
            "module" if next_is_ident => {
                self.bump();
                let name = self.name("a module name")?;
                *name_seen = Some(name.clone());
                let path = self.expr()?;
                let body = self.body()?;
                Ok(ItemKind::Module { name, path, body })
            }
            // Reserved at the start of an item: no kind is named so.
            "for" => {
                self.bump();
                self.for_loop()
            }
            "if" => {
                self.bump();
                self.conditional()
            }
            "kind" if next_is_ident => {
                self.bump();
                let name = self.name("a kind name")?;
                let members = self.kind_members()?;
                Ok(ItemKind::KindDef { name, members })
            }
            "type" if next_is_ident => {
                self.bump();
                let name = self.name("a type name")?;
                self.expect("=", None)?;
                let ty = self.type_expr()?;
                Ok(ItemKind::TypeDef { name, ty })
            }
            "enum" if next_is_ident => {
                self.bump();
                let name = self.name("an enum name")?;
                let members = self.enum_members()?;
                Ok(ItemKind::EnumDef { name, members })
            }
            _ => {
                let kind = self.ident("a kind")?;
                if !matches!(self.peek().tok, Tok::Ident) {
                    return self.fail(
                        "a name",
                        Some(format!(
                            "name the declaration: `{} my_{} {{ ... }}`",
                            kind.name, kind.name
                        )),
                    );
                }
                let name = self.name("a name")?;
                *name_seen = Some(name.clone());
                let body = self.body()?;
                Ok(ItemKind::Decl { kind, name, body })
            }
        }
    }

    /// `for x in xs { items }` or `for k, v in map { items }`, after `for`.
    fn for_loop(&mut self) -> P<ItemKind> {
        let mut vars = vec![self.name("a loop variable")?];
        if self.eat(",").is_some() {
            vars.push(self.name("a loop variable")?);
        }
        if !self.is_ident("in") {
            return self.fail(
                "`in`",
                Some("write the loop as `for team in teams { ... }`".to_string()),
            );
        }
        self.bump();
        let collection = self.expr()?;
        let body = self.block()?;
        Ok(ItemKind::For {
            vars,
            collection,
            body,
        })
    }

    /// `if cond { items } else { items }`, after `if`; `else if` nests.
    fn conditional(&mut self) -> P<ItemKind> {
        let cond = self.expr()?;
        let then = self.block()?;
        let mut other = None;
        if self.is_ident("else") {
            self.bump();
            if self.is_ident("if") {
                let start = self.bump().span;
                let kind = self.conditional()?;
                let span = start.to(self.last_span(start));
                other = Some(Block {
                    items: vec![Item {
                        kind,
                        doc: None,
                        span,
                    }],
                    span,
                });
            } else {
                other = Some(self.block()?);
            }
        }
        Ok(ItemKind::If { cond, then, other })
    }

    /// The span of the last token taken, or `or` before any.
    fn last_span(&self, or: Span) -> Span {
        self.toks
            .get(self.pos.saturating_sub(1))
            .map(|t| t.span)
            .unwrap_or(or)
    }

    /// `{ items }` of a `for` or an `if`. A broken item inside is skipped
    /// to its end, so the rest of the block still declares its names.
    fn block(&mut self) -> P<Block> {
        let open = self.expect(
            "{",
            Some("the items to repeat or to choose go in braces".to_string()),
        )?;
        self.enter()?;
        let mut items = vec![];
        loop {
            if self.eat("}").is_some() {
                break;
            }
            // Layout means nothing, so a block's items may start at column
            // 0 too: only the end of the file shows a block unclosed.
            if self.at_eof() {
                let t = self.peek().clone();
                let found = self.describe(&t);
                self.diags.push(errors::unclosed(open, "{", &found, t.span));
                return Err(Fail);
            }
            let from = self.pos;
            let item = self.item_or_skip(Some(from));
            items.push(item);
            if self.pos == from {
                self.bump();
            }
        }
        self.leave();
        Ok(Block {
            items,
            span: open.to(self.last_span(open)),
        })
    }

    /// Skips the rest of a broken item that started at token `from`: to
    /// the end of its braces, then to the next line; never past the `}` of
    /// the enclosing block.
    fn skip_item(&mut self, from: usize) {
        let delta = |t: &Token| match t.tok {
            Tok::Punct("{") | Tok::Punct("[") | Tok::Punct("(") => 1i64,
            Tok::Punct("}") | Tok::Punct("]") | Tok::Punct(")") => -1,
            _ => 0,
        };
        let mut depth: i64 = self
            .toks
            .get(from..self.pos)
            .unwrap_or_default()
            .iter()
            .map(delta)
            .sum();
        while !self.at_eof() {
            let t = self.peek();
            if depth <= 0 && (self.is_punct("}") || (t.nl_before && self.pos > from)) {
                break;
            }
            depth += delta(t);
            self.bump();
        }
    }

    /// `{ key = value ... }`: fields separated by newlines or commas.
    fn body(&mut self) -> P<Body> {
        let open = self.expect("{", None)?;
        let fields = self.fields(open)?;
        let end = self
            .toks
            .get(self.pos.saturating_sub(1))
            .map(|t| t.span)
            .unwrap_or(open);
        Ok(Body {
            fields,
            span: open.to(end),
        })
    }

    /// Fields up to and including the closing `}`.
    fn fields(&mut self, open: Span) -> P<Vec<Field>> {
        self.enter()?;
        let mut fields = vec![];
        loop {
            if self.eat("}").is_some() {
                break;
            }
            if self.at_eof() || (self.at_item_start() && self.looks_like_decl()) {
                let t = self.peek().clone();
                let found = self.describe(&t);
                self.diags.push(errors::unclosed(open, "{", &found, t.span));
                return Err(Fail);
            }
            if !fields.is_empty() && !self.peek().nl_before && self.eat(",").is_none() {
                return self.fail("a newline or `,` between fields", None);
            }
            if self.eat("}").is_some() {
                break;
            }
            fields.push(self.field()?);
        }
        self.leave();
        Ok(fields)
    }

    fn looks_like_decl(&self) -> bool {
        self.peek_at(1).tok == Tok::Ident || matches!(self.peek_at(1).tok, Tok::Punct("{"))
    }

    fn field(&mut self) -> P<Field> {
        let doc = self.peek().doc.clone();
        let key = self.key()?;
        if self.eat("=").is_none() {
            let help = if self.is_punct(":") {
                Some(format!("fields are set with `=`: `{} = ...`", key.name))
            } else {
                None
            };
            return self.fail("`=`", help);
        }
        let value = self.expr()?;
        let span = key.span.to(value.span);
        Ok(Field {
            key,
            value,
            doc,
            span,
        })
    }

    fn key(&mut self) -> P<Key> {
        let t = self.peek().clone();
        match &t.tok {
            Tok::Ident => {
                self.bump();
                Ok(Key {
                    name: self.text(&t).to_string(),
                    quoted: false,
                    span: t.span,
                })
            }
            Tok::Str(parts) => {
                let mut name = String::new();
                for p in parts {
                    match p {
                        LexPart::Text(s) => name.push_str(s),
                        LexPart::Interp(..) => {
                            return self.fail("a key without interpolation", None)
                        }
                    }
                }
                self.bump();
                Ok(Key {
                    name,
                    quoted: true,
                    span: t.span,
                })
            }
            _ => self.fail("a field name", None),
        }
    }

    fn kind_members(&mut self) -> P<Vec<KindMember>> {
        self.expect("{", None)?;
        self.enter()?;
        let mut out = vec![];
        while self.eat("}").is_none() {
            if self.at_eof() {
                return self.fail("`}`", None);
            }
            let doc = self.peek().doc.clone();
            let field_next = matches!(self.peek_at(1).tok, Tok::Punct(":"));
            if self.is_ident("export") && !field_next {
                self.bump();
                let name = self.ident("an attribute name")?;
                self.expect(":", None)?;
                let ty = self.type_expr()?;
                out.push(KindMember::Export { name, ty, doc });
            } else if self.is_ident("check") && !field_next {
                self.bump();
                let name = self.ident("a check name")?;
                let open = self.expect("(", None)?;
                let args = self.list_items(")", open)?;
                out.push(KindMember::Check { name, args });
            } else if self.is_ident("variant") && !field_next {
                self.bump();
                out.push(KindMember::Variant(self.ident("a field name")?));
            } else if self.is_ident("when") && !field_next {
                self.bump();
                let field = self.ident("a field name")?;
                if !self.is_ident("in") {
                    return self.fail("`in`", None);
                }
                self.bump();
                let open = self.expect("[", None)?;
                let mut members = vec![];
                for e in self.list_items("]", open)? {
                    match e.kind {
                        ExprKind::Ident(name) => members.push(Ident { name, span: e.span }),
                        _ => return self.fail("enum members", None),
                    }
                }
                let body = self.kind_members()?;
                out.push(KindMember::When {
                    field,
                    members,
                    body,
                });
            } else {
                out.push(KindMember::Field(self.schema_field(doc)?));
            }
            self.eat(",");
        }
        self.leave();
        Ok(out)
    }

    fn schema_field(&mut self, doc: Option<String>) -> P<SchemaField> {
        let name = self.ident("a field name")?;
        self.expect(":", None)?;
        let ty = self.type_expr()?;
        let default = if self.eat("=").is_some() {
            Some(self.expr()?)
        } else {
            None
        };
        Ok(SchemaField {
            name,
            ty,
            default,
            doc,
        })
    }

    fn enum_members(&mut self) -> P<Vec<EnumMember>> {
        self.expect("{", None)?;
        let mut out = vec![];
        while self.eat("}").is_none() {
            if self.at_eof() {
                return self.fail("`}`", None);
            }
            let doc = self.peek().doc.clone();
            let name = self.ident("an enum member")?;
            let value = if self.eat("=").is_some() {
                let e = self.expr()?;
                match e.as_plain_str() {
                    Some(s) => Some(s),
                    None => return self.fail("a plain string", None),
                }
            } else {
                None
            };
            out.push(EnumMember { name, value, doc });
            self.eat(",");
        }
        Ok(out)
    }

    fn type_expr(&mut self) -> P<TypeExpr> {
        self.enter()?;
        let start = self.peek().span;
        let kind = if let Some(open) = self.eat("{") {
            let mut fields = vec![];
            while self.eat("}").is_none() {
                if self.at_eof() {
                    let t = self.peek().clone();
                    self.diags
                        .push(errors::unclosed(open, "{", "end of file", t.span));
                    return Err(Fail);
                }
                let doc = self.peek().doc.clone();
                fields.push(self.schema_field(doc)?);
                self.eat(",");
            }
            TypeKind::Object(fields)
        } else {
            let name = self.ident("a type")?;
            let mut args = vec![];
            if self.eat("<").is_some() {
                loop {
                    args.push(self.type_expr()?);
                    if self.eat(",").is_none() {
                        break;
                    }
                }
                self.expect(">", None)?;
            }
            TypeKind::Named { name, args }
        };
        let optional = self.eat("?").is_some();
        let end = self
            .toks
            .get(self.pos.saturating_sub(1))
            .map(|t| t.span)
            .unwrap_or(start);
        self.leave();
        Ok(TypeExpr {
            kind,
            optional,
            span: start.to(end),
        })
    }

    // ---- expressions ----

    fn expr(&mut self) -> P<Expr> {
        self.enter()?;
        let cond = self.binary(0)?;
        let out = if self.eat("?").is_some() {
            let then = self.expr()?;
            self.expect(":", Some("a conditional is `cond ? a : b`".to_string()))?;
            let other = self.expr()?;
            let span = cond.span.to(other.span);
            Expr {
                kind: ExprKind::Cond {
                    cond: Box::new(cond),
                    then: Box::new(then),
                    other: Box::new(other),
                },
                span,
            }
        } else {
            cond
        };
        self.leave();
        Ok(out)
    }

    /// Precedence climbing: `||` < `&&` < comparisons.
    fn binary(&mut self, min_prec: u8) -> P<Expr> {
        let mut lhs = self.unary()?;
        // A chain `a == b == c ...` nests to the left: each link deepens the
        // tree, so it counts toward the nesting limit like a bracket does.
        let mut links = 0;
        while let Some((op, prec)) = self.binop() {
            if prec < min_prec {
                break;
            }
            links += 1;
            self.chain_limit(links)?;
            self.bump();
            self.enter()?;
            let rhs = self.binary(prec + 1)?;
            self.leave();
            let span = lhs.span.to(rhs.span);
            lhs = Expr {
                kind: ExprKind::Binary {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                },
                span,
            };
        }
        Ok(lhs)
    }

    fn binop(&self) -> Option<(BinaryOp, u8)> {
        let Tok::Punct(p) = self.peek().tok else {
            return None;
        };
        Some(match p {
            "||" => (BinaryOp::Or, 1),
            "&&" => (BinaryOp::And, 2),
            "==" => (BinaryOp::Eq, 3),
            "!=" => (BinaryOp::Ne, 3),
            "<" => (BinaryOp::Lt, 3),
            "<=" => (BinaryOp::Le, 3),
            ">" => (BinaryOp::Gt, 3),
            ">=" => (BinaryOp::Ge, 3),
            _ => return None,
        })
    }

    fn unary(&mut self) -> P<Expr> {
        let op = if self.is_punct("!") {
            Some(UnaryOp::Not)
        } else if self.is_punct("-") {
            Some(UnaryOp::Neg)
        } else {
            None
        };
        if let Some(op) = op {
            let start = self.bump().span;
            self.enter()?;
            let e = self.unary()?;
            self.leave();
            let span = start.to(e.span);
            return Ok(Expr {
                kind: ExprKind::Unary {
                    op,
                    expr: Box::new(e),
                },
                span,
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> P<Expr> {
        let mut e = self.primary()?;
        let mut links = 0;
        while self.is_punct(".") || (self.is_punct("[") && !self.peek().nl_before) {
            links += 1;
            self.chain_limit(links)?;
            if self.is_punct("[") {
                let open = self.bump().span;
                let index = self.expr()?;
                let Some(close) = self.eat("]") else {
                    let t = self.peek().clone();
                    let found = self.describe(&t);
                    self.diags.push(errors::unclosed(open, "[", &found, t.span));
                    return Err(Fail);
                };
                let span = e.span.to(close);
                e = Expr {
                    kind: ExprKind::Index {
                        base: Box::new(e),
                        index: Box::new(index),
                    },
                    span,
                };
                continue;
            }
            self.bump();
            let name = self.ident("an attribute name")?;
            let span = e.span.to(name.span);
            e = Expr {
                kind: ExprKind::Member {
                    base: Box::new(e),
                    name,
                },
                span,
            };
        }
        Ok(e)
    }

    fn primary(&mut self) -> P<Expr> {
        let t = self.peek().clone();
        let text = self.text(&t);
        let kind = match &t.tok {
            Tok::Int => {
                self.bump();
                match text.parse::<i64>() {
                    Ok(n) => ExprKind::Int(n),
                    Err(_) => {
                        self.diags.push(errors::invalid_number(
                            t.span,
                            "does not fit in 64 bits",
                            "integers range from -9223372036854775808 to 9223372036854775807",
                        ));
                        ExprKind::Error
                    }
                }
            }
            Tok::Decimal => {
                self.bump();
                ExprKind::Decimal(text.to_string())
            }
            Tok::Quantity => {
                self.bump();
                self.quantity(text, t.span)
            }
            Tok::Str(parts) => {
                self.bump();
                ExprKind::Str(self.string_parts(parts)?)
            }
            Tok::Ident => {
                self.bump();
                match text {
                    "true" => ExprKind::Bool(true),
                    "false" => ExprKind::Bool(false),
                    _ if self.is_punct("(") && !self.peek().nl_before => {
                        let open = self.bump().span;
                        let args = self.list_items(")", open)?;
                        ExprKind::Call {
                            func: Ident {
                                name: text.to_string(),
                                span: t.span,
                            },
                            args,
                        }
                    }
                    _ => ExprKind::Ident(text.to_string()),
                }
            }
            Tok::Punct("(") => {
                let open = self.bump().span;
                let inner = self.expr()?;
                if self.eat(")").is_none() {
                    let t = self.peek().clone();
                    let found = self.describe(&t);
                    self.diags.push(errors::unclosed(open, "(", &found, t.span));
                    return Err(Fail);
                }
                return Ok(inner);
            }
            Tok::Punct("[") => {
                let open = self.bump().span;
                self.enter()?;
                let items = self.list_items("]", open)?;
                self.leave();
                ExprKind::List(items)
            }
            Tok::Punct("{") => {
                let open = self.bump().span;
                ExprKind::Object(self.fields(open)?)
            }
            _ => return self.fail("a value", None),
        };
        let end = self
            .toks
            .get(self.pos.saturating_sub(1))
            .map(|t| t.span)
            .unwrap_or(t.span);
        Ok(Expr {
            kind,
            span: t.span.to(end),
        })
    }

    /// Comma-separated expressions up to `close`; a trailing comma is fine.
    fn list_items(&mut self, close: &str, open: Span) -> P<Vec<Expr>> {
        let mut items = vec![];
        loop {
            if self.eat(close).is_some() {
                return Ok(items);
            }
            if self.at_eof() || (self.at_item_start() && self.looks_like_decl()) {
                let t = self.peek().clone();
                let found = self.describe(&t);
                let delim = if close == "]" { "[" } else { "(" };
                self.diags
                    .push(errors::unclosed(open, delim, &found, t.span));
                return Err(Fail);
            }
            items.push(self.expr()?);
            if self.eat(",").is_none() && !self.is_punct(close) {
                let wrong_closer = matches!(self.peek().tok, Tok::Punct("}" | "]" | ")"));
                if wrong_closer || self.at_eof() {
                    let t = self.peek().clone();
                    let found = self.describe(&t);
                    let delim = if close == "]" { "[" } else { "(" };
                    self.diags
                        .push(errors::unclosed(open, delim, &found, t.span));
                    return Err(Fail);
                }
                return self.fail(&format!("`,` or `{close}`"), None);
            }
        }
    }

    fn quantity(&mut self, text: &str, span: Span) -> ExprKind {
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        if UNITS.contains(&unit) {
            return ExprKind::Quantity(Quantity {
                number: number.to_string(),
                unit: unit.to_string(),
            });
        }
        let suggestion = UNITS
            .iter()
            .find(|u| u.eq_ignore_ascii_case(unit))
            .map(|u| format!("write `{number}{u}`"))
            .unwrap_or_else(|| {
                "units are Ki Mi Gi Ti Pi, KB MB GB TB PB, s m h d, vcpu and %".to_string()
            });
        self.diags.push(errors::invalid_number(
            span,
            &format!("unknown unit `{unit}`"),
            &suggestion,
        ));
        ExprKind::Error
    }

    fn string_parts(&mut self, parts: &[LexPart]) -> P<Vec<StrPart>> {
        let mut out = vec![];
        for p in parts {
            match p {
                LexPart::Text(s) => out.push(StrPart::Text(s.clone())),
                LexPart::Interp(toks, span) => {
                    let mut sub = Parser::new(self.src, toks.clone(), span.file);
                    sub.depth = self.depth;
                    if let Some(last) = sub.toks.last_mut() {
                        last.span = Span::new(span.file, span.end as usize, span.end as usize);
                    }
                    let e = sub.expr();
                    if e.is_ok() && !sub.at_eof() {
                        let _ = sub.fail::<()>("`}` to end the interpolation", None);
                    }
                    self.diags.append(&mut sub.diags);
                    out.push(StrPart::Interp(e?));
                }
            }
        }
        Ok(out)
    }
}

static EOF_TOKEN: Token = Token {
    tok: Tok::Eof,
    span: Span {
        file: FileId(0),
        start: 0,
        end: 0,
    },
    nl_before: true,
    doc: None,
};
