//! The syntax tree: what was written, with spans, and nothing it means.
//!
//! Comments are kept beside the tree (in [`Program::comments`]) for the
//! formatter; doc comments are attached to the declaration or field they
//! precede. A declaration that failed to parse is an [`ItemKind::Error`]
//! node that keeps its name when it had one, so later stages can treat the
//! name as declared and stay silent about it.

use crate::source::Span;

#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Program {
    pub items: Vec<Item>,
    pub comments: Vec<Comment>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    pub span: Span,
    pub text: String,
    pub doc: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub kind: ItemKind,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ItemKind {
    Project(Body),
    Param {
        name: Ident,
        ty: TypeExpr,
        default: Option<Expr>,
    },
    Let {
        name: Ident,
        value: Expr,
    },
    Output {
        name: Ident,
        value: Expr,
    },
    Module {
        name: Ident,
        path: Expr,
        body: Body,
    },
    /// `cluster retail { ... }`: a declaration of a stdlib kind.
    Decl {
        kind: Ident,
        name: Ident,
        body: Body,
    },
    /// `kind cluster { ... }`: a kind schema, only in the standard library.
    KindDef {
        name: Ident,
        members: Vec<KindMember>,
    },
    /// `enum capacity { on_demand = "ON_DEMAND", spot = "SPOT" }`.
    EnumDef {
        name: Ident,
        members: Vec<EnumMember>,
    },
    /// `type container = { ... }`: a named type, only in the standard library.
    TypeDef {
        name: Ident,
        ty: TypeExpr,
    },
    /// `for team in teams { ... }` or `for key, value in map { ... }`: the
    /// items of the body once per element, each name keyed by the element.
    For {
        vars: Vec<Ident>,
        collection: Expr,
        body: Block,
    },
    /// `if cond { ... } else { ... }`: one of two blocks of items; `else
    /// if` is an `else` block holding one `if`.
    If {
        cond: Expr,
        then: Block,
        other: Option<Block>,
    },
    /// A declaration that did not parse; its name, when it got that far.
    Error {
        name: Option<Ident>,
    },
}

impl Item {
    /// The items inside a `for` or an `if` (both branches), or none.
    pub fn nested(&self) -> Vec<&Item> {
        match &self.kind {
            ItemKind::For { body, .. } => body.items.iter().collect(),
            ItemKind::If { then, other, .. } => then
                .items
                .iter()
                .chain(other.iter().flat_map(|b| &b.items))
                .collect(),
            _ => vec![],
        }
    }

    /// The name this item declares in the program's namespace, if any.
    pub fn declared_name(&self) -> Option<&Ident> {
        match &self.kind {
            ItemKind::Param { name, .. }
            | ItemKind::Let { name, .. }
            | ItemKind::Module { name, .. }
            | ItemKind::Decl { name, .. } => Some(name),
            ItemKind::Error { name } => name.as_ref(),
            ItemKind::Output { .. }
            | ItemKind::For { .. }
            | ItemKind::If { .. }
            | ItemKind::Project(_)
            | ItemKind::KindDef { .. }
            | ItemKind::EnumDef { .. }
            | ItemKind::TypeDef { .. } => None,
        }
    }
}

/// The braces of a `for` or an `if` and the items in them.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub items: Vec<Item>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    pub fields: Vec<Field>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub key: Key,
    pub value: Expr,
    pub doc: Option<String>,
    pub span: Span,
}

/// An object or body key: an identifier, or a quoted string for keys such
/// as `"app.kubernetes.io/name"`.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub name: String,
    pub quoted: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum KindMember {
    Field(SchemaField),
    Export {
        name: Ident,
        ty: TypeExpr,
        doc: Option<String>,
    },
    Check {
        name: Ident,
        args: Vec<Expr>,
    },
    /// `variant driver`: the enum field whose member selects the lowering.
    Variant(Ident),
    /// `when driver in [ebs] { ... }`: members that exist only while an enum
    /// field has one of the listed members.
    When {
        field: Ident,
        members: Vec<Ident>,
        body: Vec<KindMember>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct SchemaField {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumMember {
    pub name: Ident,
    /// What the member lowers to, when not its own name.
    pub value: Option<String>,
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeExpr {
    pub kind: TypeKind,
    pub optional: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    Named { name: Ident, args: Vec<TypeExpr> },
    Object(Vec<SchemaField>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::And => "&&",
            BinaryOp::Or => "||",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum StrPart {
    Text(String),
    Interp(Expr),
}

/// A number with a unit suffix, as written: `50Gi`, `0.25vcpu`, `60%`.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    pub number: String,
    pub unit: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Str(Vec<StrPart>),
    Int(i64),
    /// Kept as written, so that `1.50` round-trips and no float is parsed
    /// until a type asks for one.
    Decimal(String),
    Quantity(Quantity),
    Bool(bool),
    List(Vec<Expr>),
    Object(Vec<Field>),
    Ident(String),
    Member {
        base: Box<Expr>,
        name: Ident,
    },
    /// `teams["ads"]`: one of the declarations a `for` made, or an element
    /// of a list or map.
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
    },
    Call {
        func: Ident,
        args: Vec<Expr>,
    },
    Unary {
        op: UnaryOp,
        expr: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Cond {
        cond: Box<Expr>,
        then: Box<Expr>,
        other: Box<Expr>,
    },
    /// An expression that did not parse; already reported.
    Error,
}

impl Expr {
    /// `a.b.c` as a path of names, when the expression is one.
    pub fn as_path(&self) -> Option<Vec<&str>> {
        match &self.kind {
            ExprKind::Ident(n) => Some(vec![n.as_str()]),
            ExprKind::Member { base, name } => {
                let mut p = base.as_path()?;
                p.push(name.name.as_str());
                Some(p)
            }
            _ => None,
        }
    }

    /// The literal text of a string without interpolation.
    pub fn as_plain_str(&self) -> Option<String> {
        match &self.kind {
            ExprKind::Str(parts) => {
                let mut s = String::new();
                for p in parts {
                    match p {
                        StrPart::Text(t) => s.push_str(t),
                        StrPart::Interp(_) => return None,
                    }
                }
                Some(s)
            }
            _ => None,
        }
    }
}
