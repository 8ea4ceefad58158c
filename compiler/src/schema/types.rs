//! The schema model: what a kind, a field and a type are.

use crate::syntax::ast::Expr;
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    String,
    Int,
    Decimal,
    Bool,
    Size,
    Duration,
    Cpu,
    Percent,
    Cidr,
    Region,
    Secret,
    List(Box<Type>),
    Map(Box<Type>),
    Object(Vec<FieldSchema>),
    Enum(String),
    /// A reference to a declaration of this kind.
    Kind(String),
}

impl Type {
    pub fn builtin(name: &str) -> Option<Type> {
        Some(match name {
            "string" => Type::String,
            "int" => Type::Int,
            "decimal" => Type::Decimal,
            "bool" => Type::Bool,
            "size" => Type::Size,
            "duration" => Type::Duration,
            "cpu" => Type::Cpu,
            "percent" => Type::Percent,
            "cidr" => Type::Cidr,
            "region" => Type::Region,
            "secret" => Type::Secret,
            _ => return None,
        })
    }

    /// Types whose values are written as string literals (`"10.0.0.0/16"`),
    /// so a command-line value of one is taken as text, not parsed.
    pub fn is_textual(&self) -> bool {
        matches!(self, Type::String | Type::Cidr | Type::Region)
    }

    pub const BUILTIN_NAMES: &'static [&'static str] = &[
        "string", "int", "decimal", "bool", "size", "duration", "cpu", "percent", "cidr", "region",
        "secret",
    ];
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::String => f.write_str("string"),
            Type::Int => f.write_str("int"),
            Type::Decimal => f.write_str("decimal"),
            Type::Bool => f.write_str("bool"),
            Type::Size => f.write_str("size"),
            Type::Duration => f.write_str("duration"),
            Type::Cpu => f.write_str("cpu"),
            Type::Percent => f.write_str("percent"),
            Type::Cidr => f.write_str("cidr"),
            Type::Region => f.write_str("region"),
            Type::Secret => f.write_str("secret"),
            Type::List(t) => write!(f, "list<{t}>"),
            Type::Map(t) => write!(f, "map<{t}>"),
            Type::Object(fields) => {
                let names: Vec<String> = fields
                    .iter()
                    .map(|x| format!("{}: {}", x.name, x.ty))
                    .collect();
                write!(f, "{{ {} }}", names.join(", "))
            }
            Type::Enum(n) | Type::Kind(n) => f.write_str(n),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldSchema {
    pub name: String,
    pub ty: Type,
    /// Checked against `ty` when the field is absent.
    pub default: Option<Expr>,
    /// `T?`: may be absent, and is then null.
    pub optional: bool,
    pub doc: Option<String>,
}

impl FieldSchema {
    pub fn required(&self) -> bool {
        !self.optional && self.default.is_none()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Export {
    pub name: String,
    pub ty: Type,
    pub doc: Option<String>,
}

/// An argument of a named check, as written in the schema.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Path(Vec<String>),
    Int(i64),
    Str(String),
    /// A quantity, kept as the expression so the checker converts it.
    Value(Expr),
    List(Vec<Arg>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct CheckCall {
    pub name: String,
    pub args: Vec<Arg>,
}

/// Fields and checks that apply only while `field` is one of `members`.
#[derive(Clone, Debug, PartialEq)]
pub struct WhenBlock {
    pub field: String,
    pub members: Vec<String>,
    pub fields: Vec<FieldSchema>,
    pub checks: Vec<CheckCall>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct KindSchema {
    pub name: String,
    pub doc: Option<String>,
    /// Directory under `stdlib/` that holds its templates.
    pub dir: String,
    /// The schema file, relative to `stdlib/` (spans in defaults point into it).
    pub file: String,
    pub fields: Vec<FieldSchema>,
    pub whens: Vec<WhenBlock>,
    pub exports: Vec<Export>,
    pub checks: Vec<CheckCall>,
    pub variant: Option<String>,
}

impl KindSchema {
    pub fn field(&self, name: &str) -> Option<&FieldSchema> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn export(&self, name: &str) -> Option<&Export> {
        self.exports.iter().find(|e| e.name == name)
    }

    /// Every field name the kind has under any condition.
    pub fn all_field_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.fields.iter().map(|f| f.name.as_str()).collect();
        for w in &self.whens {
            names.extend(w.fields.iter().map(|f| f.name.as_str()));
        }
        names.sort_unstable();
        names.dedup();
        names
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumSchema {
    pub name: String,
    pub doc: Option<String>,
    /// Member name, what it lowers to, its doc.
    pub members: Vec<(String, String, Option<String>)>,
}

impl EnumSchema {
    pub fn lowered(&self, member: &str) -> Option<&str> {
        self.members
            .iter()
            .find(|(m, _, _)| m == member)
            .map(|(_, v, _)| v.as_str())
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.members.iter().map(|(m, _, _)| m.as_str())
    }
}
