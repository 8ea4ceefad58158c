//! Check: types, units, enums, required and unknown fields, and the named
//! rules of each kind; produces the checked program.
//!
//! Input: the resolved namespace, its order, the stdlib, parameter values.
//! Output: an [`ir::Program`] and diagnostics.
//! Invariant: everything in the output is well-typed against its schema;
//! an invalid value becomes `Value::Poison` after one diagnostic, and
//! nothing downstream reports it again.

mod choice;
mod errors;
pub(crate) mod expr;
mod fields;
mod image;
mod instances;
mod lit;
pub mod regional;
mod requires;
pub mod rules;
mod select;
mod target;
mod text;

use crate::diagnostics::{closest, Diagnostic};
use crate::graph::{Order, PROJECT};
use crate::ir::{self, Value};
use crate::resolve::{Resolved, Symbol, SymbolKind};
use crate::schema::{FieldSchema, Stdlib, Type};
use crate::source::{FileId, Span};
use crate::syntax::ast::{Body, Item, ItemKind, TypeExpr, TypeKind};
use std::collections::BTreeMap;

pub use expr::describe;

/// A `--param name=value`: the value as given, in its own pseudo-file so a
/// diagnostic can point at it.
#[derive(Clone, Debug)]
pub struct ParamValue {
    pub text: String,
    pub file: FileId,
    /// Written as a Cairn expression (a params file): strings are quoted.
    /// On the command line a string parameter takes the text as it is.
    pub expression: bool,
}

pub struct Checker<'a> {
    pub stdlib: &'a Stdlib,
    pub symbols: &'a BTreeMap<String, Symbol<'a>>,
    /// Values of params and lets.
    pub values: BTreeMap<String, Value>,
    /// Checked declarations.
    pub decls: BTreeMap<String, ir::Decl>,
    pub diags: Vec<Diagnostic>,
    /// Declarations only some regions can deploy, checked against the
    /// project's region at the end.
    pub regional: Vec<regional::Regional>,
}

pub fn check(
    resolved: &Resolved<'_>,
    order: &Order,
    stdlib: &Stdlib,
    params: &BTreeMap<String, ParamValue>,
    default_name: &str,
) -> (ir::Program, Vec<Diagnostic>) {
    let mut cx = Checker {
        stdlib,
        symbols: &resolved.symbols,
        values: BTreeMap::new(),
        decls: BTreeMap::new(),
        diags: vec![],
        regional: vec![],
    };
    for name in params.keys() {
        let is_param = matches!(
            resolved.symbols.get(name).map(|s| &s.kind),
            Some(SymbolKind::Param)
        );
        if !is_param {
            let params_declared = resolved
                .symbols
                .iter()
                .filter(|(_, s)| s.kind == SymbolKind::Param)
                .map(|(n, _)| n.as_str());
            cx.diags
                .push(errors::unknown_param(name, closest(name, params_declared)));
        }
    }
    let mut program = ir::Program {
        project: ir::Project {
            name: default_name.to_string(),
            ..Default::default()
        },
        ..Default::default()
    };
    for name in &order.in_cycle {
        cx.values.insert(name.clone(), Value::Poison);
    }
    // The declarations checked, in order; rules read them by name until
    // the end, when they move (not copy: a fifth of a large check) into
    // the program.
    let mut checked: Vec<String> = vec![];
    for name in &order.order {
        if name == PROJECT {
            if let Some(item) = resolved.project {
                program.project = cx.project(item, default_name);
            }
            continue;
        }
        let Some(sym) = resolved.symbols.get(name) else {
            continue;
        };
        match (&sym.kind, &sym.item.kind) {
            (SymbolKind::Param, ItemKind::Param { ty, default, .. }) => {
                let v = cx.param(name, ty, default.as_ref(), params.get(name), sym.span);
                cx.values.insert(name.clone(), v);
            }
            (SymbolKind::Let, ItemKind::Let { value, .. }) => {
                let v = cx.eval(value);
                cx.values.insert(name.clone(), v);
            }
            (SymbolKind::Output, ItemKind::Output { value, .. }) => {
                let v = cx.eval(value);
                if cx.outputtable(&v, value.span) {
                    program.outputs.push(ir::Output {
                        name: name.clone(),
                        doc: sym.item.doc.clone(),
                        value: v,
                        span: sym.span,
                    });
                }
            }
            (SymbolKind::Decl { kind }, ItemKind::Decl { body, .. }) => {
                if let Some(d) = cx.decl(sym, kind, body) {
                    checked.push(name.clone());
                    cx.decls.insert(name.clone(), d);
                }
            }
            _ => {
                cx.values.insert(name.clone(), Value::Poison);
            }
        }
    }
    program.decls = checked.iter().filter_map(|n| cx.decls.remove(n)).collect();
    let mut diags = cx.diags;
    diags.extend(regional::check(
        &cx.regional,
        program.project.region.as_deref(),
    ));
    (program, diags)
}

impl Checker<'_> {
    fn decl(&mut self, sym: &Symbol<'_>, kind: &str, body: &Body) -> Option<ir::Decl> {
        let schema = self.stdlib.kind(kind)?;
        let mut spans = BTreeMap::new();
        let owner = format!("{kind} `{}`", sym.name);
        let out = self.fields(
            &body.fields,
            &schema.fields,
            &schema.whens,
            &owner,
            sym.span,
            "",
            &mut spans,
        );
        let variant = schema
            .variant
            .as_ref()
            .and_then(|f| out.values.get(f))
            .and_then(Value::member)
            .map(String::from);
        let mut decl = ir::Decl {
            name: sym.name.clone(),
            kind: kind.to_string(),
            doc: sym.item.doc.clone(),
            span: sym.span,
            fields: out.values,
            set: out.set,
            spans,
            derived: BTreeMap::new(),
            variant,
        };
        let mut calls: Vec<_> = schema.checks.iter().collect();
        for i in &out.active {
            if let Some(w) = schema.whens.get(*i) {
                calls.extend(w.checks.iter());
            }
        }
        for call in calls {
            rules::run(self, call, &mut decl);
        }
        Some(decl)
    }

    fn project(&mut self, item: &Item, default_name: &str) -> ir::Project {
        let ItemKind::Project(body) = &item.kind else {
            return ir::Project::default();
        };
        let schema = project_schema();
        let mut spans = BTreeMap::new();
        let out = self.fields(
            &body.fields,
            &schema,
            &[],
            "`project`",
            item.span,
            "",
            &mut spans,
        );
        let name = match out.values.get("name") {
            Some(Value::Str(s)) => s.clone(),
            _ => default_name.to_string(),
        };
        let valid = name.len() <= 128
            && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !valid {
            self.diags.push(errors::invalid_stack_name(
                &name,
                spans.get("name").copied().unwrap_or(item.span),
            ));
        }
        let region = match out.values.get("region") {
            Some(Value::Str(s)) => Some(s.clone()),
            _ => None,
        };
        let mut tags = BTreeMap::new();
        if let Some(Value::Map(m)) = out.values.get("tags") {
            for (k, v) in m {
                if let Value::Str(s) = v {
                    tags.insert(k.clone(), s.clone());
                }
            }
        }
        let names = |k: &str| match out.values.get(k) {
            Some(Value::List(items)) => items
                .iter()
                .filter_map(|v| {
                    if let Value::Str(s) = v {
                        Some(s.clone())
                    } else {
                        None
                    }
                })
                .collect(),
            _ => vec![],
        };
        let limits = self.limits(out.values.get("limits"), spans.get("limits").copied());
        ir::Project {
            name,
            region,
            tags,
            allow_replace: names("allow_replace"),
            allow_delete: names("allow_delete"),
            limits,
        }
    }

    /// `limits = { resources = 300 }`: a quota of the stdlib's table,
    /// lowered for this program (raising one past CloudFormation's is
    /// meaningless, and refused).
    fn limits(&mut self, value: Option<&Value>, span: Option<Span>) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        let (Some(Value::Map(m)), Some(span)) = (value, span) else {
            return out;
        };
        let table = self.stdlib.table("limits").and_then(|t| t.get("limits"));
        let known: Vec<&str> = table
            .and_then(|t| t.as_object())
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        for (k, v) in m {
            let Value::Int(n) = v else { continue };
            let quota = table.and_then(|t| t.get(k)).and_then(|q| q.as_u64());
            match quota {
                None => self.diags.push(errors::unknown_limit(k, &known, span)),
                Some(q) if *n < 1 || *n as u64 > q => {
                    self.diags.push(errors::limit_out_of_range(k, *n, q, span))
                }
                Some(_) => {
                    out.insert(k.clone(), *n as u64);
                }
            }
        }
        out
    }

    fn param(
        &mut self,
        name: &str,
        ty: &TypeExpr,
        default: Option<&crate::syntax::ast::Expr>,
        given: Option<&ParamValue>,
        span: Span,
    ) -> Value {
        let Some(t) = self.type_of(ty) else {
            return Value::Poison;
        };
        match (given, default) {
            (Some(pv), _) => {
                let whole = Span::new(pv.file, 0, pv.text.len());
                // `--param cidr=10.1.0.0/16` is text, validated as the
                // literal `"10.1.0.0/16"` would be.
                if t.is_textual() && !pv.expression {
                    return self.coerce(Value::Str(pv.text.clone()), &t, whole);
                }
                let (expr, diags) = crate::syntax::parse_expr(&pv.text, pv.file);
                let before = self.diags.len();
                let v = match expr {
                    Some(e) if diags.is_empty() => self.check(&e, &t, "", &mut BTreeMap::new()),
                    _ => Value::Poison,
                };
                if matches!(v, Value::Poison) {
                    self.diags.truncate(before);
                    self.diags
                        .push(errors::invalid_param_value(name, &t.to_string(), whole));
                }
                v
            }
            (None, Some(d)) => self.check(d, &t, "", &mut BTreeMap::new()),
            (None, None) => {
                self.diags
                    .push(errors::missing_param(name, &t.to_string(), span));
                Value::Poison
            }
        }
    }

    fn type_of(&mut self, te: &TypeExpr) -> Option<Type> {
        let t = match &te.kind {
            TypeKind::Object(_) => {
                self.diags.push(errors::unknown_type("{ ... }", te.span));
                return None;
            }
            TypeKind::Named { name, args } => match (name.name.as_str(), args.as_slice()) {
                ("list", [a]) => Type::List(Box::new(self.type_of(a)?)),
                ("map", [a]) => Type::Map(Box::new(self.type_of(a)?)),
                (n, []) => match Type::builtin(n) {
                    Some(t) => t,
                    None if self.stdlib.enums.contains_key(n) => Type::Enum(n.to_string()),
                    // A declaration passed in: how modules receive the
                    // network or cluster they build on.
                    None if self.stdlib.kinds.contains_key(n) => Type::Kind(n.to_string()),
                    None => {
                        self.diags.push(errors::unknown_type(n, name.span));
                        return None;
                    }
                },
                (n, _) => {
                    self.diags.push(errors::unknown_type(n, te.span));
                    return None;
                }
            },
        };
        Some(t)
    }

    /// CloudFormation outputs hold text: scalars, deployed attributes, and
    /// lists of them (joined with commas).
    fn outputtable(&mut self, v: &Value, span: Span) -> bool {
        let ok = match v {
            Value::Ref { decl, .. } => {
                let help = format!("output one of its attributes, like `{decl}.name`");
                self.diags.push(errors::type_mismatch(
                    "a value that can be written as text",
                    &describe(v),
                    span,
                    Some(help),
                ));
                return false;
            }
            Value::Secret { .. } => {
                self.diags.push(errors::secret_output(span));
                return false;
            }
            Value::Poison => return false,
            Value::Map(_) => false,
            Value::List(items) => items.iter().all(|i| {
                !matches!(
                    i,
                    Value::List(_) | Value::Map(_) | Value::Ref { .. } | Value::Secret { .. }
                )
            }),
            _ => true,
        };
        if !ok {
            self.diags.push(errors::type_mismatch(
                "a value that can be written as text",
                &describe(v),
                span,
                None,
            ));
        }
        ok
    }
}

/// `project` is part of the language, not a stdlib kind; its fields are few
/// and fixed.
fn project_schema() -> Vec<FieldSchema> {
    let field = |name: &str, ty: Type, optional: bool| FieldSchema {
        name: name.into(),
        ty,
        default: None,
        optional,
        doc: None,
    };
    vec![
        field("name", Type::String, true),
        field("region", Type::Region, true),
        field("tags", Type::Map(Box::new(Type::String)), true),
        field("allow_replace", Type::List(Box::new(Type::String)), true),
        field("allow_delete", Type::List(Box::new(Type::String)), true),
        field("limits", Type::Map(Box::new(Type::Int)), true),
    ]
}
