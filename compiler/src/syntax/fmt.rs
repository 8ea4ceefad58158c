//! The formatter: one canonical layout, printed from the syntax tree.
//!
//! Input: a file's text. Output: the same program in canonical layout, or
//! the syntax diagnostics that made the file impossible to format (a file
//! that does not parse is never touched). Invariants: idempotent; the tree
//! of the output equals the tree of the input; every comment is kept.
//!
//! The layout: two-space indentation; `=` aligned within each run of fields
//! (a blank line starts a new run) and within runs of `let`s and `output`s;
//! one blank line around block declarations, the author's 0 or 1 between
//! one-line ones; a list or object stays on one line when it was written on
//! one line (`[a, b]`, `{ a = 1 }`), and otherwise gets one entry per line,
//! lists with a trailing comma; a trailing comment keeps its column when the
//! code leaves room for it, so hand-aligned comments stay aligned. Schema
//! declarations (`kind`, `enum`, `type`: the stdlib's) are kept as written.

use super::ast::*;
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};

/// Formats one file, or returns why it cannot be.
pub fn format(src: &str, file: FileId) -> Result<String, Vec<Diagnostic>> {
    let (program, diags) = super::parse(src, file);
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut p = Printer {
        src,
        comments: &program.comments,
        next: 0,
        last: 0,
        out: String::new(),
    };
    p.program(&program.items);
    Ok(p.out)
}

struct Printer<'a> {
    src: &'a str,
    comments: &'a [Comment],
    /// The first comment not yet printed.
    next: usize,
    /// Where in the source the last printed thing ended (for blank lines).
    last: usize,
    out: String,
}

fn start(s: Span) -> usize {
    s.start as usize
}

fn end(s: Span) -> usize {
    s.end as usize
}

/// A one-line declaration (`param`, `let`, `output`): these may follow each
/// other without a blank line.
fn one_line(i: &Item) -> bool {
    matches!(
        i.kind,
        ItemKind::Param { .. } | ItemKind::Let { .. } | ItemKind::Output { .. }
    )
}

/// The name before `=` in a `let` or an `output`, for alignment.
fn aligned_name(i: &Item) -> Option<(u8, &str)> {
    match &i.kind {
        ItemKind::Let { name, .. } => Some((0, name.name.as_str())),
        ItemKind::Output { name, .. } => Some((1, name.name.as_str())),
        _ => None,
    }
}

impl Printer<'_> {
    fn gap(&self, from: usize, to: usize) -> &str {
        self.src.get(from..to.max(from)).unwrap_or("")
    }

    /// Whether the source has a blank line between `from` and `to`.
    fn blank_between(&self, from: usize, to: usize) -> bool {
        self.gap(from, to).matches('\n').count() >= 2
    }

    fn column(&self) -> usize {
        let line = self.out.rsplit('\n').next().unwrap_or("");
        line.chars().count()
    }

    /// The column a comment was written at in the source.
    fn source_column(&self, at: usize) -> usize {
        let before = self.src.get(..at).unwrap_or("");
        let line = before.rsplit('\n').next().unwrap_or("");
        line.chars().count()
    }

    fn indent(&mut self, n: usize) {
        self.out.extend(std::iter::repeat_n(' ', n));
    }

    fn newline(&mut self) {
        while self.out.ends_with(' ') {
            self.out.pop();
        }
        self.out.push('\n');
    }

    /// Prints, each on its own line, the comments that start before `to`,
    /// keeping a blank line before one where the source had one.
    fn leading(&mut self, to: usize, indent: usize) {
        while let Some(c) = self.comments.get(self.next) {
            if start(c.span) >= to {
                break;
            }
            if self.blank_between(self.last, start(c.span)) && !self.at_block_open() {
                self.newline_if_needed_blank();
            }
            self.indent(indent);
            self.comment_text(c);
            self.newline();
            self.last = end(c.span);
            self.next += 1;
        }
    }

    /// Prints a comment that shares the line with the code just printed.
    fn trailing(&mut self, before: usize) {
        while let Some(c) = self.comments.get(self.next) {
            let s = start(c.span);
            if s >= before || self.gap(self.last, s).contains('\n') {
                break;
            }
            let want = self.source_column(s);
            let have = self.column();
            let pad = if want > have { want - have } else { 1 };
            self.indent(pad);
            self.comment_text(c);
            self.last = end(c.span);
            self.next += 1;
        }
    }

    fn comment_text(&mut self, c: &Comment) {
        let text = c.text.trim_end();
        self.out.push_str(text);
    }

    fn at_block_open(&self) -> bool {
        self.out.trim_end_matches(' ').ends_with("{\n")
            || self.out.trim_end_matches(' ').ends_with("[\n")
            || self.out.is_empty()
    }

    fn newline_if_needed_blank(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    // ---- declarations ----

    fn program(&mut self, items: &[Item]) {
        self.items(items, 0);
        self.leading(usize::MAX, 0);
        if self.out.is_empty() {
            return;
        }
        while self.out.ends_with("\n\n") {
            self.out.pop();
        }
    }

    /// Items at `indent`: the program's, or a `for` or `if` block's.
    fn items(&mut self, items: &[Item], indent: usize) {
        let mut prev: Option<&Item> = None;
        for (i, item) in items.iter().enumerate() {
            if let Some(p) = prev {
                let blank = !one_line(p)
                    || !one_line(item)
                    || self.blank_between(end(p.span), self.first_start_at(start(item.span)));
                if blank {
                    self.newline_if_needed_blank();
                }
            }
            self.leading(start(item.span), indent);
            let width = self.alignment(items, i);
            self.indent(indent);
            self.item(item, width, indent);
            self.trailing(items.get(i + 1).map_or(usize::MAX, |n| start(n.span)));
            self.newline();
            prev = Some(item);
        }
    }

    /// `{ items }` of a `for` or `if`.
    fn block(&mut self, block: &Block, indent: usize) {
        let close = end(block.span).saturating_sub(1);
        self.out.push('{');
        self.newline();
        self.last = start(block.span) + 1;
        self.items(&block.items, indent + 2);
        self.leading(close, indent + 2);
        self.indent(indent);
        self.out.push('}');
        self.last = end(block.span);
    }

    fn conditional(&mut self, cond: &Expr, then: &Block, els: Option<&Block>, indent: usize) {
        self.out.push_str("if ");
        self.expr(cond, indent);
        self.out.push(' ');
        self.block(then, indent);
        let Some(els) = els else {
            return;
        };
        self.out.push_str(" else ");
        match els.items.as_slice() {
            [Item {
                kind: ItemKind::If { cond, then, other },
                span,
                ..
            }] if *span == els.span => self.conditional(cond, then, other.as_ref(), indent),
            _ => self.block(els, indent),
        }
    }

    /// The name width of the run of `let`s or `output`s item `i` is in: a
    /// run ends at another kind of item, a blank line or a comment.
    fn alignment(&self, items: &[Item], i: usize) -> usize {
        let Some((kind, _)) = items.get(i).and_then(aligned_name) else {
            return 0;
        };
        let joined = |a: &Item, b: &Item| {
            aligned_name(a).is_some_and(|(k, _)| k == kind)
                && aligned_name(b).is_some_and(|(k, _)| k == kind)
                && !self.gap(end(a.span), start(b.span)).contains("\n\n")
                && !self
                    .comments
                    .iter()
                    .any(|c| start(c.span) > end(a.span) && start(c.span) < start(b.span))
        };
        let mut lo = i;
        while lo > 0
            && items
                .get(lo - 1)
                .zip(items.get(lo))
                .is_some_and(|(a, b)| joined(a, b))
        {
            lo -= 1;
        }
        let mut hi = i;
        while items
            .get(hi)
            .zip(items.get(hi + 1))
            .is_some_and(|(a, b)| joined(a, b))
        {
            hi += 1;
        }
        items
            .get(lo..=hi)
            .unwrap_or_default()
            .iter()
            .filter_map(aligned_name)
            .map(|(_, n)| n.chars().count())
            .max()
            .unwrap_or(0)
    }

    fn item(&mut self, item: &Item, width: usize, indent: usize) {
        match &item.kind {
            ItemKind::Project(body) => {
                self.out.push_str("project ");
                self.body(body, indent);
            }
            ItemKind::Param { name, ty, default } => {
                self.out.push_str(&format!("param {}: ", name.name));
                self.out.push_str(&self.type_expr(ty));
                if let Some(d) = default {
                    self.out.push_str(" = ");
                    self.expr(d, indent);
                }
            }
            ItemKind::Let { name, value } => {
                self.out.push_str(&format!("let {:<width$} = ", name.name));
                self.expr(value, indent);
            }
            ItemKind::Output { name, value } => {
                self.out
                    .push_str(&format!("output {:<width$} = ", name.name));
                self.expr(value, indent);
            }
            ItemKind::Module { name, path, body } => {
                self.out.push_str(&format!("module {} ", name.name));
                self.expr(path, indent);
                self.out.push(' ');
                self.body(body, indent);
            }
            ItemKind::Decl { kind, name, body } => {
                self.out.push_str(&format!("{} {} ", kind.name, name.name));
                self.body(body, indent);
            }
            ItemKind::For {
                vars,
                collection,
                body,
            } => {
                let names: Vec<&str> = vars.iter().map(|v| v.name.as_str()).collect();
                self.out.push_str(&format!("for {} in ", names.join(", ")));
                self.expr(collection, indent);
                self.out.push(' ');
                self.block(body, indent);
            }
            ItemKind::If { cond, then, other } => {
                self.conditional(cond, then, other.as_ref(), indent)
            }
            ItemKind::KindDef { .. }
            | ItemKind::EnumDef { .. }
            | ItemKind::TypeDef { .. }
            | ItemKind::Error { .. } => {
                let text = self.gap(start(item.span), end(item.span)).to_string();
                self.out.push_str(&text);
                // Comments inside stay where they are, in the text.
                while self
                    .comments
                    .get(self.next)
                    .is_some_and(|c| start(c.span) < end(item.span))
                {
                    self.next += 1;
                }
            }
        }
        self.last = end(item.span);
    }

    /// `{ fields }` of a declaration, or a multi-line object, at `indent`.
    fn body(&mut self, body: &Body, indent: usize) {
        let close = end(body.span).saturating_sub(1);
        let has_comments = self
            .comments
            .get(self.next)
            .is_some_and(|c| start(c.span) < close);
        if body.fields.is_empty() && !has_comments {
            self.out.push_str("{}");
            self.last = end(body.span);
            return;
        }
        self.out.push('{');
        self.newline();
        self.last = start(body.span) + 1;
        self.fields(&body.fields, indent + 2, close);
        self.leading(close, indent + 2);
        self.indent(indent);
        self.out.push('}');
        self.last = end(body.span);
    }

    fn fields(&mut self, fields: &[Field], indent: usize, close: usize) {
        let widths = self.field_widths(fields);
        for (i, f) in fields.iter().enumerate() {
            if i > 0 && self.blank_between(self.last, self.first_start_at(start(f.span))) {
                self.newline_if_needed_blank();
            }
            self.leading(start(f.span), indent);
            self.indent(indent);
            let key = key_text(&f.key);
            let width = widths.get(i).copied().unwrap_or(0);
            self.out.push_str(&key);
            self.indent(width.saturating_sub(key.chars().count()));
            self.out.push_str(" = ");
            self.expr(&f.value, indent);
            self.last = end(f.span);
            let next = fields.get(i + 1).map_or(close, |n| start(n.span));
            self.trailing(next);
            self.newline();
        }
    }

    /// Where the leading comments of what starts at `at` begin, or `at`.
    fn first_start_at(&self, at: usize) -> usize {
        match self.comments.get(self.next) {
            Some(c) if start(c.span) < at => start(c.span),
            _ => at,
        }
    }

    /// The key width each field aligns to: the widest key of its run, runs
    /// being split by blank lines.
    fn field_widths(&self, fields: &[Field]) -> Vec<usize> {
        let mut widths = vec![0; fields.len()];
        let mut run_start = 0;
        for i in 0..=fields.len() {
            let breaks = match (i.checked_sub(1).and_then(|j| fields.get(j)), fields.get(i)) {
                (Some(a), Some(b)) => self.blank_between(end(a.span), self.first_comment_or(a, b)),
                _ => true,
            };
            if breaks && i > run_start {
                let w = fields
                    .get(run_start..i)
                    .unwrap_or_default()
                    .iter()
                    .map(|f| key_text(&f.key).chars().count())
                    .max()
                    .unwrap_or(0);
                for slot in widths.get_mut(run_start..i).into_iter().flatten() {
                    *slot = w;
                }
                run_start = i;
            }
        }
        widths
    }

    /// Where the gap between two fields ends: the first comment in it, or
    /// the second field.
    fn first_comment_or(&self, a: &Field, b: &Field) -> usize {
        self.comments
            .iter()
            .map(|c| start(c.span))
            .find(|s| *s > end(a.span) && *s < start(b.span))
            .unwrap_or(start(b.span))
    }

    // ---- expressions ----

    /// Whether a bracketed value was written over several lines (or holds
    /// a comment, which only a multi-line layout can keep).
    fn multiline(&self, span: Span) -> bool {
        self.gap(start(span), end(span)).contains('\n')
            || self
                .comments
                .iter()
                .any(|c| start(c.span) > start(span) && start(c.span) < end(span))
    }

    fn expr(&mut self, e: &Expr, indent: usize) {
        match &e.kind {
            ExprKind::List(items) if self.multiline(e.span) => {
                self.out.push('[');
                self.newline();
                self.last = start(e.span) + 1;
                let close = end(e.span).saturating_sub(1);
                for (i, x) in items.iter().enumerate() {
                    if i > 0 && self.blank_between(self.last, self.first_start_at(start(x.span))) {
                        self.newline_if_needed_blank();
                    }
                    self.leading(start(x.span), indent + 2);
                    self.indent(indent + 2);
                    self.expr(x, indent + 2);
                    self.out.push(',');
                    self.last = end(x.span);
                    let next = items.get(i + 1).map_or(close, |n| start(n.span));
                    self.trailing(next);
                    self.newline();
                }
                self.leading(close, indent + 2);
                self.indent(indent);
                self.out.push(']');
                self.last = end(e.span);
            }
            ExprKind::Object(fields) if self.multiline(e.span) => {
                let body = Body {
                    fields: fields.clone(),
                    span: e.span,
                };
                self.body(&body, indent);
            }
            _ => {
                let text = self.inline(e);
                self.out.push_str(&text);
                self.last = end(e.span);
            }
        }
    }

    /// An expression on one line.
    fn inline(&self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Str(parts) => {
                let mut s = String::from('"');
                for p in parts {
                    match p {
                        StrPart::Text(t) => s.push_str(&escape(t)),
                        StrPart::Interp(x) => {
                            s.push_str("${");
                            s.push_str(&self.inline(x));
                            s.push('}');
                        }
                    }
                }
                s.push('"');
                s
            }
            ExprKind::Int(n) => n.to_string(),
            ExprKind::Decimal(d) => d.clone(),
            ExprKind::Quantity(q) => format!("{}{}", q.number, q.unit),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Ident(n) => n.clone(),
            ExprKind::List(items) => {
                let inner: Vec<String> = items.iter().map(|x| self.inline(x)).collect();
                format!("[{}]", inner.join(", "))
            }
            ExprKind::Object(fields) if fields.is_empty() => "{}".to_string(),
            ExprKind::Object(fields) => {
                let inner: Vec<String> = fields
                    .iter()
                    .map(|f| format!("{} = {}", key_text(&f.key), self.inline(&f.value)))
                    .collect();
                format!("{{ {} }}", inner.join(", "))
            }
            ExprKind::Member { base, name } => {
                format!("{}.{}", self.operand(base, Prec::Postfix), name.name)
            }
            ExprKind::Index { base, index } => {
                format!(
                    "{}[{}]",
                    self.operand(base, Prec::Postfix),
                    self.inline(index)
                )
            }
            ExprKind::Call { func, args } => {
                let inner: Vec<String> = args.iter().map(|x| self.inline(x)).collect();
                format!("{}({})", func.name, inner.join(", "))
            }
            ExprKind::Unary { op, expr } => {
                let sym = match op {
                    UnaryOp::Not => "!",
                    UnaryOp::Neg => "-",
                };
                format!("{sym}{}", self.operand(expr, Prec::Unary))
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let p = Prec::of(*op);
                format!(
                    "{} {} {}",
                    self.operand(lhs, p),
                    op.symbol(),
                    // Chains nest to the left: an equal rhs needs brackets.
                    self.operand(rhs, p.tighter())
                )
            }
            ExprKind::Cond { cond, then, other } => format!(
                "{} ? {} : {}",
                self.operand(cond, Prec::Or),
                self.inline(then),
                self.inline(other)
            ),
            ExprKind::Error => String::new(),
        }
    }

    /// An operand, in brackets when it binds looser than `need`.
    fn operand(&self, e: &Expr, need: Prec) -> String {
        let text = self.inline(e);
        if Prec::expr(e) < need {
            format!("({text})")
        } else {
            text
        }
    }

    fn type_expr(&self, t: &TypeExpr) -> String {
        let mut s = match &t.kind {
            TypeKind::Named { name, args } if args.is_empty() => name.name.clone(),
            TypeKind::Named { name, args } => {
                let inner: Vec<String> = args.iter().map(|a| self.type_expr(a)).collect();
                format!("{}<{}>", name.name, inner.join(", "))
            }
            TypeKind::Object(fields) => {
                let inner: Vec<String> = fields
                    .iter()
                    .map(|f| format!("{}: {}", f.name.name, self.type_expr(&f.ty)))
                    .collect();
                format!("{{ {} }}", inner.join(", "))
            }
        };
        if t.optional {
            s.push('?');
        }
        s
    }
}

/// Binding strength, loosest first, as the parser climbs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    Cond,
    Or,
    And,
    Compare,
    Tighter,
    Unary,
    Postfix,
}

impl Prec {
    fn of(op: BinaryOp) -> Prec {
        match op {
            BinaryOp::Or => Prec::Or,
            BinaryOp::And => Prec::And,
            _ => Prec::Compare,
        }
    }

    fn tighter(self) -> Prec {
        match self {
            Prec::Or => Prec::And,
            Prec::And => Prec::Compare,
            _ => Prec::Tighter,
        }
    }

    fn expr(e: &Expr) -> Prec {
        match &e.kind {
            ExprKind::Cond { .. } => Prec::Cond,
            ExprKind::Binary { op, .. } => Prec::of(*op),
            ExprKind::Unary { .. } => Prec::Unary,
            _ => Prec::Postfix,
        }
    }
}

fn key_text(k: &Key) -> String {
    if k.quoted {
        format!("\"{}\"", escape(&k.name))
    } else {
        k.name.clone()
    }
}

/// A string's text as a literal: `$` is escaped only where `${` would
/// otherwise start an interpolation.
fn escape(t: &str) -> String {
    let mut s = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => s.push_str("\\\\"),
            '"' => s.push_str("\\\""),
            '\n' => s.push_str("\\n"),
            '\t' => s.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => s.push_str("\\$"),
            c => s.push(c),
        }
    }
    s
}
