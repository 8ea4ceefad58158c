//! The checked program: the only input to lowering.
//!
//! Every value here has been type-checked against its kind's schema, every
//! reference resolved, every default filled in; declarations are in
//! dependency order. Nothing in it points back into the syntax tree except
//! spans, kept for diagnostics raised later (logical ID clashes, limits).

use crate::schema::Type;
use crate::source::Span;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dim {
    /// Bytes.
    Size,
    /// Seconds.
    Duration,
    /// Millicores (1vcpu = 1000).
    Cpu,
    /// Percent points.
    Percent,
}

impl Dim {
    pub fn name(self) -> &'static str {
        match self {
            Dim::Size => "size",
            Dim::Duration => "duration",
            Dim::Cpu => "cpu",
            Dim::Percent => "percent",
        }
    }

    /// The unit's dimension and how many base units one of it is.
    pub fn of_unit(unit: &str) -> Option<(Dim, f64)> {
        const KI: f64 = 1024.0;
        Some(match unit {
            "Ki" => (Dim::Size, KI),
            "Mi" => (Dim::Size, KI * KI),
            "Gi" => (Dim::Size, KI * KI * KI),
            "Ti" => (Dim::Size, KI * KI * KI * KI),
            "Pi" => (Dim::Size, KI * KI * KI * KI * KI),
            "KB" => (Dim::Size, 1e3),
            "MB" => (Dim::Size, 1e6),
            "GB" => (Dim::Size, 1e9),
            "TB" => (Dim::Size, 1e12),
            "PB" => (Dim::Size, 1e15),
            "s" => (Dim::Duration, 1.0),
            "m" => (Dim::Duration, 60.0),
            "h" => (Dim::Duration, 3600.0),
            "d" => (Dim::Duration, 86400.0),
            "vcpu" => (Dim::Cpu, 1000.0),
            "%" => (Dim::Percent, 1.0),
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    pub dim: Dim,
    /// The amount in the dimension's base unit.
    pub base: f64,
    /// As written, for messages and interpolation.
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SecretStore {
    Ssm,
    SecretsManager,
}

#[derive(Clone, Debug, PartialEq)]
pub enum InterpPart {
    Text(String),
    Attr { decl: String, attr: String },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Str(String),
    Int(i64),
    Decimal(f64),
    Bool(bool),
    Quantity(Quantity),
    Enum {
        ty: String,
        member: String,
        lowered: String,
    },
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
    /// The declaration itself.
    Ref {
        decl: String,
        kind: String,
    },
    /// An attribute known only once deployed.
    Attr {
        decl: String,
        attr: String,
        ty: Type,
    },
    Secret {
        store: SecretStore,
        name: String,
    },
    /// A string with deployed attributes in it.
    Interp(Vec<InterpPart>),
    /// Already reported as an error; accepted everywhere without a word.
    Poison,
}

impl Value {
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// The value as a number in base units, for comparisons and bounds.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Int(n) => Some(*n as f64),
            Value::Decimal(d) => Some(*d),
            Value::Quantity(q) => Some(q.base),
            _ => None,
        }
    }

    pub fn member(&self) -> Option<&str> {
        match self {
            Value::Enum { member, .. } => Some(member),
            _ => None,
        }
    }

    /// Whether the value is decided only at deployment.
    pub fn is_deployed(&self) -> bool {
        match self {
            Value::Attr { .. } | Value::Interp(_) => true,
            Value::List(v) => v.iter().any(Value::is_deployed),
            Value::Map(m) => m.values().any(Value::is_deployed),
            _ => false,
        }
    }

    /// Follows a field path through maps.
    pub fn at<'a>(&'a self, path: &[String]) -> Option<&'a Value> {
        let mut v = self;
        for p in path {
            match v {
                Value::Map(m) => v = m.get(p)?,
                _ => return None,
            }
        }
        Some(v)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Decl {
    pub name: String,
    pub kind: String,
    pub doc: Option<String>,
    /// The declaration's name in the source.
    pub span: Span,
    /// Every field of the kind that applies, set or defaulted.
    pub fields: BTreeMap<String, Value>,
    /// Fields the program set explicitly.
    pub set: BTreeSet<String>,
    /// Where each field path was written (`scaling.max`).
    pub spans: BTreeMap<String, Span>,
    /// Facts the checks computed (max pods, architecture), for templates.
    pub derived: BTreeMap<String, Json>,
    /// The member of the kind's variant field, which picks the template.
    pub variant: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    pub name: String,
    pub doc: Option<String>,
    pub value: Value,
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Project {
    pub name: String,
    pub region: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// Declarations whose stateful resources may be replaced.
    pub allow_replace: Vec<String>,
    /// Declarations whose stateful resources may be deleted (usually ones
    /// already removed from the program).
    pub allow_delete: Vec<String>,
    /// CloudFormation quotas this program keeps lower than AWS does.
    pub limits: BTreeMap<String, u64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Program {
    pub project: Project,
    /// In dependency order: whatever a declaration refers to comes before it.
    pub decls: Vec<Decl>,
    pub outputs: Vec<Output>,
}
