//! What unrolling can know of a value while compiling: literals, and
//! `let`s and `param`s read through to their expressions.
//!
//! A `for`'s collection, an `if`'s condition and an index must be known
//! before the program's names exist, so this reads the syntax tree itself,
//! not the checked program. Anything else (a declaration's attribute, a
//! function call) is unknown here, and the caller says so.
//! Invariant: terminates; `let a = b` / `let b = a` is unknown, not a loop.

use crate::syntax::ast::{BinaryOp, Expr, ExprKind, Field, StrPart, UnaryOp};
use std::collections::BTreeMap;

/// How many names deep a value is followed (`let a = b`, `let b = c` ...).
const MAX_DEPTH: usize = 32;

/// A value known while compiling.
#[derive(Clone, Debug, PartialEq)]
pub enum Const<'a> {
    Bool(bool),
    Int(i64),
    Str(String),
    List(&'a [Expr]),
    Map(&'a [Field]),
}

impl Const<'_> {
    pub fn describe(&self) -> &'static str {
        match self {
            Const::Bool(_) => "a bool",
            Const::Int(_) => "an int",
            Const::Str(_) => "a string",
            Const::List(_) => "a list",
            Const::Map(_) => "a map",
        }
    }
}

/// The expressions of the program's `let`s and `param`s, by name.
#[derive(Debug, Default)]
pub struct Values {
    pub exprs: BTreeMap<String, Expr>,
}

impl Values {
    /// The expression `e` stands for, following names, members, indexes
    /// and conditionals; `None` when that needs more than literals.
    pub fn resolve<'a>(&'a self, e: &'a Expr) -> Option<&'a Expr> {
        self.resolve_at(e, 0)
    }

    fn resolve_at<'a>(&'a self, e: &'a Expr, depth: usize) -> Option<&'a Expr> {
        if depth > MAX_DEPTH {
            return None;
        }
        let d = depth + 1;
        match &e.kind {
            ExprKind::Ident(n) => self.resolve_at(self.exprs.get(n)?, d),
            ExprKind::Member { base, name } => match &self.resolve_at(base, d)?.kind {
                ExprKind::Object(fields) => {
                    let f = fields.iter().find(|f| f.key.name == name.name)?;
                    self.resolve_at(&f.value, d)
                }
                _ => None,
            },
            ExprKind::Index { base, index } => {
                let element = self.element(self.resolve_at(base, d)?, index, d)?;
                self.resolve_at(element, d)
            }
            ExprKind::Cond { cond, then, other } => match self.eval_at(cond, d)? {
                Const::Bool(true) => self.resolve_at(then, d),
                Const::Bool(false) => self.resolve_at(other, d),
                _ => None,
            },
            _ => Some(e),
        }
    }

    /// `list[2]` or `map["key"]`, when the collection is a literal.
    pub fn element<'a>(&'a self, base: &'a Expr, index: &'a Expr, d: usize) -> Option<&'a Expr> {
        match (&base.kind, self.eval_at(index, d)?) {
            (ExprKind::List(items), Const::Int(i)) => items.get(usize::try_from(i).ok()?),
            (ExprKind::Object(fields), Const::Str(k)) => {
                fields.iter().find(|f| f.key.name == k).map(|f| &f.value)
            }
            _ => None,
        }
    }

    pub fn eval<'a>(&'a self, e: &'a Expr) -> Option<Const<'a>> {
        self.eval_at(e, 0)
    }

    fn eval_at<'a>(&'a self, e: &'a Expr, depth: usize) -> Option<Const<'a>> {
        let d = depth + 1;
        let e = self.resolve_at(e, d)?;
        Some(match &e.kind {
            ExprKind::Bool(b) => Const::Bool(*b),
            ExprKind::Int(n) => Const::Int(*n),
            ExprKind::Str(parts) => {
                let mut s = String::new();
                for p in parts {
                    match p {
                        StrPart::Text(t) => s.push_str(t),
                        StrPart::Interp(x) => match self.eval_at(x, d)? {
                            Const::Str(t) => s.push_str(&t),
                            Const::Int(n) => s.push_str(&n.to_string()),
                            Const::Bool(b) => s.push_str(&b.to_string()),
                            _ => return None,
                        },
                    }
                }
                Const::Str(s)
            }
            ExprKind::List(items) => Const::List(items),
            ExprKind::Object(fields) => Const::Map(fields),
            ExprKind::Unary { op, expr } => match (op, self.eval_at(expr, d)?) {
                (UnaryOp::Not, Const::Bool(b)) => Const::Bool(!b),
                (UnaryOp::Neg, Const::Int(n)) => Const::Int(n.checked_neg()?),
                _ => return None,
            },
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, d)?,
            _ => return None,
        })
    }

    fn binary<'a>(
        &'a self,
        op: BinaryOp,
        lhs: &'a Expr,
        rhs: &'a Expr,
        d: usize,
    ) -> Option<Const<'a>> {
        let l = self.eval_at(lhs, d)?;
        // `&&` and `||` decide on their left side when they can, as a
        // reader expects of `enabled && settings.x`.
        match (op, &l) {
            (BinaryOp::And, Const::Bool(false)) => return Some(Const::Bool(false)),
            (BinaryOp::Or, Const::Bool(true)) => return Some(Const::Bool(true)),
            _ => {}
        }
        let r = self.eval_at(rhs, d)?;
        let b = match (op, &l, &r) {
            (BinaryOp::And | BinaryOp::Or, Const::Bool(_), Const::Bool(b)) => *b,
            (BinaryOp::Eq, a, b) if scalar(a) && scalar(b) => a == b,
            (BinaryOp::Ne, a, b) if scalar(a) && scalar(b) => a != b,
            (BinaryOp::Lt, Const::Int(a), Const::Int(b)) => a < b,
            (BinaryOp::Le, Const::Int(a), Const::Int(b)) => a <= b,
            (BinaryOp::Gt, Const::Int(a), Const::Int(b)) => a > b,
            (BinaryOp::Ge, Const::Int(a), Const::Int(b)) => a >= b,
            _ => return None,
        };
        Some(Const::Bool(b))
    }
}

impl Values {
    /// Whether `e` reads a name whose declaration is broken (already
    /// reported), so that not knowing it needs no diagnostic of its own.
    pub fn reads_broken(&self, e: &Expr) -> bool {
        self.reads_broken_at(e, 0)
    }

    fn reads_broken_at(&self, e: &Expr, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        let d = depth + 1;
        match &e.kind {
            ExprKind::Error => true,
            ExprKind::Ident(n) => self
                .exprs
                .get(n)
                .is_some_and(|v| self.reads_broken_at(v, d)),
            ExprKind::Member { base, .. } | ExprKind::Unary { expr: base, .. } => {
                self.reads_broken_at(base, d)
            }
            ExprKind::Index { base, index: other }
            | ExprKind::Binary {
                lhs: base,
                rhs: other,
                ..
            } => self.reads_broken_at(base, d) || self.reads_broken_at(other, d),
            ExprKind::Cond { cond, then, other } => [cond, then, other]
                .iter()
                .any(|x| self.reads_broken_at(x, d)),
            ExprKind::List(items) => items.iter().any(|x| self.reads_broken_at(x, d)),
            ExprKind::Str(parts) => parts.iter().any(|p| match p {
                StrPart::Interp(x) => self.reads_broken_at(x, d),
                StrPart::Text(_) => false,
            }),
            _ => false,
        }
    }
}

fn scalar(c: &Const<'_>) -> bool {
    matches!(c, Const::Bool(_) | Const::Int(_) | Const::Str(_))
}

#[cfg(test)]
mod tests {
    use super::{Const, Values};
    use crate::source::FileId;

    fn values(src: &str) -> Values {
        let (prog, diags) = crate::syntax::parse(src, FileId(0));
        assert!(diags.is_empty(), "{diags:?}");
        let mut v = Values::default();
        for item in prog.items {
            if let crate::syntax::ast::ItemKind::Let { name, value } = item.kind {
                v.exprs.insert(name.name, value);
            }
        }
        v
    }

    fn eval(v: &Values, src: &str) -> Option<String> {
        let (e, _) = crate::syntax::parse_expr(src, FileId(0));
        let e = e?;
        v.eval(&e).map(|c| match c {
            Const::Str(s) => s,
            other => format!("{other:?}"),
        })
    }

    #[test]
    fn lets_members_indexes_and_operators_are_read_through() {
        let v = values(
            "let env = \"prod\"\nlet teams = { ads = { size = 3 }, cart = { size = 1 } }\nlet zones = [\"a\", \"b\"]\nlet a = b\nlet b = a\n",
        );
        assert_eq!(eval(&v, "env == \"prod\"").as_deref(), Some("Bool(true)"));
        assert_eq!(
            eval(&v, "teams.ads.size > 2").as_deref(),
            Some("Bool(true)")
        );
        assert_eq!(eval(&v, "teams[\"cart\"].size").as_deref(), Some("Int(1)"));
        assert_eq!(
            eval(&v, "\"${env}-${zones[1]}\"").as_deref(),
            Some("prod-b")
        );
        assert_eq!(
            eval(&v, "env != \"prod\" && missing").as_deref(),
            Some("Bool(false)")
        );
        assert_eq!(
            eval(&v, "a"),
            None,
            "a cycle of lets is unknown, not a hang"
        );
        assert_eq!(eval(&v, "main.endpoint == \"x\""), None);
    }
}
