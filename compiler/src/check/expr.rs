//! Expressions: evaluation (constant folding) and checking against a type.
//!
//! `eval` computes a value with no expectation; `check` uses the expected
//! type where it decides meaning (a bare identifier is an enum member when
//! the field expects that enum) and then validates with `coerce`.

use super::errors;
use super::lit;
use super::Checker;
use crate::diagnostics::closest;
use crate::ir::{Dim, InterpPart, Quantity, SecretStore, Value};
use crate::resolve::SymbolKind;
use crate::schema::Type;
use crate::source::Span;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, StrPart, UnaryOp};
use std::collections::BTreeMap;

impl Checker<'_> {
    /// Checks `expr` against `ty`, recording where each field path was written.
    pub fn check(
        &mut self,
        expr: &Expr,
        ty: &Type,
        path: &str,
        spans: &mut BTreeMap<String, Span>,
    ) -> Value {
        if !path.is_empty() {
            spans.insert(path.to_string(), expr.span);
        }
        match (&expr.kind, ty) {
            (ExprKind::Ident(n), Type::Enum(e)) => self.enum_ident(n, e, expr.span),
            (ExprKind::Ident(n), Type::Kind(k)) => self.kind_ref(n, k, expr.span),
            (ExprKind::Object(fields), Type::Object(schema)) => {
                let owner = if path.is_empty() {
                    "this object".to_string()
                } else {
                    format!("`{path}`")
                };
                let out = self.fields(fields, schema, &[], &owner, expr.span, path, spans);
                Value::Map(out.values)
            }
            (ExprKind::Object(fields), Type::Map(t)) => {
                let mut m = BTreeMap::new();
                let mut first: BTreeMap<&str, Span> = BTreeMap::new();
                for f in fields {
                    if let Some(prev) = first.insert(&f.key.name, f.key.span) {
                        self.diags
                            .push(errors::duplicate_field(&f.key.name, f.key.span, prev));
                        continue;
                    }
                    let v = self.check(&f.value, t, &join(path, &f.key.name), spans);
                    m.insert(f.key.name.clone(), v);
                }
                Value::Map(m)
            }
            (ExprKind::List(items), Type::List(t)) => {
                let vs = items
                    .iter()
                    .enumerate()
                    .map(|(i, e)| self.check(e, t, &join(path, &i.to_string()), spans))
                    .collect();
                Value::List(vs)
            }
            (ExprKind::Str(_), Type::Secret) if expr.as_plain_str().is_some() => {
                self.diags.push(errors::literal_secret(expr.span));
                Value::Poison
            }
            (ExprKind::Int(n), Type::Size | Type::Duration | Type::Cpu | Type::Percent) => {
                let (what, example) = unit_example(ty, *n);
                self.diags.push(errors::wrong_unit(
                    what,
                    &format!("the plain number `{n}`"),
                    expr.span,
                    &example,
                ));
                Value::Poison
            }
            _ => {
                let v = self.eval(expr);
                self.coerce(v, ty, expr.span)
            }
        }
    }

    fn enum_ident(&mut self, name: &str, enum_name: &str, span: Span) -> Value {
        let Some(schema) = self.stdlib.enums.get(enum_name) else {
            return Value::Poison;
        };
        if let Some(lowered) = schema.lowered(name) {
            return Value::Enum {
                ty: enum_name.to_string(),
                member: name.to_string(),
                lowered: lowered.to_string(),
            };
        }
        if self.symbols.contains_key(name) {
            let v = self.lookup(name, span);
            return self.coerce(v, &Type::Enum(enum_name.to_string()), span);
        }
        let members: Vec<&str> = schema.names().collect();
        self.diags
            .push(errors::unknown_member(enum_name, name, span, &members));
        Value::Poison
    }

    fn kind_ref(&mut self, name: &str, kind: &str, span: Span) -> Value {
        match self.symbols.get(name).map(|s| &s.kind) {
            Some(SymbolKind::Decl { kind: k }) if k == kind => Value::Ref {
                decl: name.to_string(),
                kind: kind.to_string(),
            },
            // A param or let that holds a declaration of the right kind.
            Some(SymbolKind::Param | SymbolKind::Let) if matches!(self.values.get(name), Some(Value::Ref { kind: k, .. }) if k == kind) => {
                self.values.get(name).cloned().unwrap_or(Value::Poison)
            }
            Some(SymbolKind::Param | SymbolKind::Let)
                if matches!(self.values.get(name), Some(Value::Poison) | None) =>
            {
                Value::Poison
            }
            Some(SymbolKind::Poisoned) => Value::Poison,
            Some(other) => {
                let actual = match other {
                    SymbolKind::Decl { kind: k } => format!("the {k}"),
                    SymbolKind::Param => "the parameter".to_string(),
                    SymbolKind::Let => "the value".to_string(),
                    SymbolKind::Output => "the output".to_string(),
                    SymbolKind::Module { .. } => "the module".to_string(),
                    SymbolKind::Poisoned => String::new(),
                };
                let near = self.closest_of_kind(name, kind);
                self.diags.push(errors::wrong_kind(
                    name,
                    &actual,
                    kind,
                    span,
                    near.as_deref(),
                ));
                Value::Poison
            }
            None => {
                let near = self.closest_of_kind(name, kind);
                self.diags.push(errors::unknown_name(
                    name,
                    span,
                    near.as_deref(),
                    Some(&format!("a `{kind}`")),
                ));
                Value::Poison
            }
        }
    }

    /// A value to suggest for a missing field: the one declaration of the
    /// right kind when there is exactly one, or a literal of the type.
    pub fn example(&self, ty: &Type) -> String {
        match ty {
            Type::Kind(k) => {
                let of_kind: Vec<&str> = self
                    .symbols
                    .iter()
                    .filter(|(_, s)| matches!(&s.kind, SymbolKind::Decl { kind } if kind == k))
                    .map(|(n, _)| n.as_str())
                    .collect();
                match of_kind.as_slice() {
                    [one] => one.to_string(),
                    _ => format!("<a {k}>"),
                }
            }
            Type::String => "\"...\"".to_string(),
            Type::Int => "1".to_string(),
            Type::Decimal => "1.0".to_string(),
            Type::Bool => "true".to_string(),
            Type::Size => "20Gi".to_string(),
            Type::Duration => "30s".to_string(),
            Type::Cpu => "1vcpu".to_string(),
            Type::Percent => "50%".to_string(),
            Type::Cidr => "\"203.0.113.0/24\"".to_string(),
            Type::Region => "\"us-east-1\"".to_string(),
            Type::Secret => "ssm(\"/path\")".to_string(),
            Type::List(t) => format!("[{}]", self.example(t)),
            Type::Map(_) => "{ key = \"value\" }".to_string(),
            Type::Object(fs) => {
                let parts: Vec<String> = fs
                    .iter()
                    .filter(|f| f.required())
                    .map(|f| format!("{} = {}", f.name, self.example(&f.ty)))
                    .collect();
                format!("{{ {} }}", parts.join(", "))
            }
            Type::Enum(e) => self
                .stdlib
                .enums
                .get(e)
                .and_then(|x| x.names().next().map(String::from))
                .unwrap_or_default(),
        }
    }

    fn closest_of_kind(&self, name: &str, kind: &str) -> Option<String> {
        let cands = self
            .symbols
            .iter()
            .filter(|(_, s)| matches!(&s.kind, SymbolKind::Decl { kind: k } if k == kind));
        let only: Vec<&str> = cands.map(|(n, _)| n.as_str()).collect();
        if let [one] = only.as_slice() {
            return Some(one.to_string());
        }
        closest(name, only).map(String::from)
    }

    /// The value of a name in value position.
    pub fn lookup(&mut self, name: &str, span: Span) -> Value {
        match self.symbols.get(name).map(|s| s.kind.clone()) {
            Some(SymbolKind::Param | SymbolKind::Let) => {
                self.values.get(name).cloned().unwrap_or(Value::Poison)
            }
            Some(SymbolKind::Decl { kind }) => Value::Ref {
                decl: name.to_string(),
                kind,
            },
            Some(SymbolKind::Module { outputs }) => {
                let first = outputs
                    .keys()
                    .next()
                    .cloned()
                    .unwrap_or_else(|| "output".to_string());
                let help = format!("read one of its outputs, like `{name}.{first}`");
                self.diags.push(errors::type_mismatch(
                    "a value",
                    &format!("the module `{name}`"),
                    span,
                    Some(help),
                ));
                Value::Poison
            }
            Some(SymbolKind::Poisoned) => Value::Poison,
            Some(SymbolKind::Output) => {
                self.diags.push(errors::type_mismatch("a value", &format!("the output `{name}`"), span, Some("outputs are read by `cairn`'s users, not by the program; refer to what the output refers to".into())));
                Value::Poison
            }
            None => {
                let near = closest(name, self.symbols.keys().map(String::as_str)).map(String::from);
                self.diags
                    .push(errors::unknown_name(name, span, near.as_deref(), None));
                Value::Poison
            }
        }
    }

    /// Evaluates with no expected type, folding what is known now.
    pub fn eval(&mut self, expr: &Expr) -> Value {
        match &expr.kind {
            ExprKind::Int(n) => Value::Int(*n),
            ExprKind::Decimal(s) => s.parse().map(Value::Decimal).unwrap_or(Value::Poison),
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Quantity(q) => match (Dim::of_unit(&q.unit), q.number.parse::<f64>()) {
                (Some((dim, scale)), Ok(n)) => Value::Quantity(Quantity {
                    dim,
                    base: n * scale,
                    text: format!("{}{}", q.number, q.unit),
                }),
                _ => Value::Poison,
            },
            ExprKind::Str(parts) => self.interpolate(parts),
            ExprKind::List(items) => Value::List(items.iter().map(|e| self.eval(e)).collect()),
            ExprKind::Object(fields) => {
                let mut m = BTreeMap::new();
                let mut first: BTreeMap<&str, Span> = BTreeMap::new();
                for f in fields {
                    if let Some(prev) = first.insert(&f.key.name, f.key.span) {
                        self.diags
                            .push(errors::duplicate_field(&f.key.name, f.key.span, prev));
                        continue;
                    }
                    let v = self.eval(&f.value);
                    m.insert(f.key.name.clone(), v);
                }
                Value::Map(m)
            }
            ExprKind::Ident(n) => self.lookup(n, expr.span),
            ExprKind::Member { base, name } => self.member(base, &name.name, name.span, expr.span),
            // Unrolling folds every index it can know; one left is not.
            ExprKind::Index { .. } => {
                self.diags.push(errors::index_not_known(expr.span));
                Value::Poison
            }
            ExprKind::Call { func, args } => self.call(&func.name, args, func.span, expr.span),
            ExprKind::Unary { op, expr: inner } => {
                let v = self.eval(inner);
                self.unary(*op, v, expr.span)
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let l = self.eval(lhs);
                let r = self.eval(rhs);
                self.binary(*op, l, r, expr.span)
            }
            ExprKind::Cond { cond, then, other } => match self.eval(cond) {
                Value::Bool(true) => self.eval(then),
                Value::Bool(false) => self.eval(other),
                Value::Poison => Value::Poison,
                v if v.is_deployed() => {
                    self.diags
                        .push(errors::deployed_value(cond.span, "a condition"));
                    Value::Poison
                }
                v => {
                    self.diags.push(errors::type_mismatch(
                        "a bool condition",
                        &describe(&v),
                        cond.span,
                        None,
                    ));
                    Value::Poison
                }
            },
            ExprKind::Error => Value::Poison,
        }
    }

    fn member(&mut self, base: &Expr, attr: &str, attr_span: Span, span: Span) -> Value {
        // `instance.output`: the value the module's output reads.
        if let ExprKind::Ident(n) = &base.kind {
            if let Some(SymbolKind::Module { outputs }) =
                self.symbols.get(n).map(|s| s.kind.clone())
            {
                return match outputs.get(attr) {
                    Some(internal) => self.lookup(internal, span),
                    None => {
                        let names: Vec<&str> = outputs.keys().map(String::as_str).collect();
                        self.diags
                            .push(errors::unknown_output(n, attr, attr_span, &names));
                        Value::Poison
                    }
                };
            }
        }
        match self.eval(base) {
            Value::Ref { decl, kind } => {
                let Some(schema) = self.stdlib.kind(&kind) else {
                    return Value::Poison;
                };
                match schema.export(attr) {
                    Some(e) => Value::Attr {
                        decl,
                        attr: attr.to_string(),
                        ty: e.ty.clone(),
                    },
                    None => {
                        let names: Vec<&str> =
                            schema.exports.iter().map(|e| e.name.as_str()).collect();
                        self.diags.push(errors::unknown_attribute(
                            &decl, &kind, attr, attr_span, &names,
                        ));
                        Value::Poison
                    }
                }
            }
            Value::Map(m) => match m.get(attr) {
                Some(v) => v.clone(),
                None => {
                    let keys: Vec<&str> = m.keys().map(String::as_str).collect();
                    self.diags.push(errors::unknown_attribute(
                        &base_name(base),
                        "object",
                        attr,
                        attr_span,
                        &keys,
                    ));
                    Value::Poison
                }
            },
            Value::Poison => Value::Poison,
            v => {
                self.diags.push(errors::type_mismatch(
                    "a declaration or an object",
                    &describe(&v),
                    span,
                    Some(format!(
                        "only declarations and objects have attributes like `.{attr}`"
                    )),
                ));
                Value::Poison
            }
        }
    }

    fn call(&mut self, func: &str, args: &[Expr], func_span: Span, span: Span) -> Value {
        let store = match func {
            "ssm" => SecretStore::Ssm,
            "secrets_manager" => SecretStore::SecretsManager,
            _ => {
                self.diags.push(errors::unknown_function(func, func_span));
                return Value::Poison;
            }
        };
        match args {
            [one] => match self.eval(one) {
                Value::Str(name) if !name.is_empty() => Value::Secret { store, name },
                Value::Poison => Value::Poison,
                v => {
                    self.diags.push(errors::type_mismatch(
                        "a non-empty string known at compile time",
                        &describe(&v),
                        one.span,
                        Some(format!("write `{func}(\"/path/to/secret\")`")),
                    ));
                    Value::Poison
                }
            },
            _ => {
                self.diags.push(errors::type_mismatch(
                    "one argument",
                    &format!("{} arguments", args.len()),
                    span,
                    Some(format!("write `{func}(\"/path/to/secret\")`")),
                ));
                Value::Poison
            }
        }
    }

    fn interpolate(&mut self, parts: &[StrPart]) -> Value {
        let mut out: Vec<InterpPart> = vec![];
        let push_text = |out: &mut Vec<InterpPart>, s: &str| match out.last_mut() {
            Some(InterpPart::Text(t)) => t.push_str(s),
            _ => out.push(InterpPart::Text(s.to_string())),
        };
        for p in parts {
            match p {
                StrPart::Text(t) => push_text(&mut out, t),
                StrPart::Interp(e) => match self.eval(e) {
                    Value::Attr { decl, attr, ty } if ty != Type::List(Box::new(Type::String)) => {
                        out.push(InterpPart::Attr { decl, attr })
                    }
                    Value::Interp(inner) => {
                        for ip in inner {
                            match ip {
                                InterpPart::Text(t) => push_text(&mut out, &t),
                                a => out.push(a),
                            }
                        }
                    }
                    Value::Poison => return Value::Poison,
                    v => match scalar_text(&v) {
                        Some(s) => push_text(&mut out, &s),
                        None => {
                            let help = match v {
                                Value::Secret { .. } => Some("secrets are passed whole to fields of type `secret`, never spliced into text".to_string()),
                                _ => None,
                            };
                            self.diags.push(errors::type_mismatch(
                                "a value that can be written as text",
                                &describe(&v),
                                e.span,
                                help,
                            ));
                            return Value::Poison;
                        }
                    },
                },
            }
        }
        match out.as_slice() {
            [] => Value::Str(String::new()),
            [InterpPart::Text(t)] => Value::Str(t.clone()),
            _ => Value::Interp(out),
        }
    }

    fn unary(&mut self, op: UnaryOp, v: Value, span: Span) -> Value {
        match (op, v) {
            (_, Value::Poison) => Value::Poison,
            (UnaryOp::Not, Value::Bool(b)) => Value::Bool(!b),
            (UnaryOp::Neg, Value::Int(n)) => {
                n.checked_neg().map(Value::Int).unwrap_or(Value::Poison)
            }
            (UnaryOp::Neg, Value::Decimal(d)) => Value::Decimal(-d),
            (_, v) if v.is_deployed() => {
                self.diags.push(errors::deployed_value(span, "an operand"));
                Value::Poison
            }
            (op, v) => {
                let (sym, help) = match op {
                    UnaryOp::Not => ("!", "`!` takes a bool"),
                    UnaryOp::Neg => ("-", "`-` takes a number"),
                };
                self.diags
                    .push(errors::invalid_operands(sym, &describe(&v), span, help));
                Value::Poison
            }
        }
    }

    fn binary(&mut self, op: BinaryOp, l: Value, r: Value, span: Span) -> Value {
        if matches!(l, Value::Poison) || matches!(r, Value::Poison) {
            return Value::Poison;
        }
        if l.is_deployed() || r.is_deployed() {
            self.diags.push(errors::deployed_value(span, "an operand"));
            return Value::Poison;
        }
        let found = format!("{} and {}", describe(&l), describe(&r));
        match op {
            BinaryOp::And | BinaryOp::Or => match (l, r) {
                (Value::Bool(a), Value::Bool(b)) => {
                    Value::Bool(if op == BinaryOp::And { a && b } else { a || b })
                }
                _ => {
                    self.diags.push(errors::invalid_operands(
                        op.symbol(),
                        &found,
                        span,
                        "`&&` and `||` take two bools",
                    ));
                    Value::Poison
                }
            },
            BinaryOp::Eq | BinaryOp::Ne => match same_shape(&l, &r) {
                true => Value::Bool((l == r) == (op == BinaryOp::Eq)),
                false => {
                    self.diags.push(errors::invalid_operands(
                        op.symbol(),
                        &found,
                        span,
                        "compare two values of one type",
                    ));
                    Value::Poison
                }
            },
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let dims_match = match (&l, &r) {
                    (Value::Quantity(a), Value::Quantity(b)) => a.dim == b.dim,
                    (Value::Int(_) | Value::Decimal(_), Value::Int(_) | Value::Decimal(_)) => true,
                    _ => false,
                };
                match (dims_match, l.as_number(), r.as_number()) {
                    (true, Some(a), Some(b)) => Value::Bool(match op {
                        BinaryOp::Lt => a < b,
                        BinaryOp::Le => a <= b,
                        BinaryOp::Gt => a > b,
                        _ => a >= b,
                    }),
                    _ => {
                        self.diags.push(errors::invalid_operands(
                            op.symbol(),
                            &found,
                            span,
                            "order two numbers, or two quantities of one kind",
                        ));
                        Value::Poison
                    }
                }
            }
        }
    }

    /// Validates a computed value against the expected type.
    pub fn coerce(&mut self, v: Value, ty: &Type, span: Span) -> Value {
        match (v, ty) {
            (Value::Poison, _) => Value::Poison,
            (Value::Str(s), Type::String) => Value::Str(s),
            (Value::Str(s), Type::Cidr) => match lit::cidr(&s) {
                Ok(()) => Value::Str(s),
                Err((why, fix)) => {
                    self.diags.push(errors::invalid_cidr(&s, &why, span, fix));
                    Value::Poison
                }
            },
            (Value::Str(s), Type::Region) => {
                let table = self.stdlib.table("regions");
                if lit::region(&s, table) {
                    Value::Str(s)
                } else {
                    let near = closest(&s, lit::known_regions(table)).map(String::from);
                    self.diags
                        .push(errors::invalid_region(&s, span, near.as_deref()));
                    Value::Poison
                }
            }
            (Value::Str(s), Type::Enum(e))
                if self
                    .stdlib
                    .enums
                    .get(e)
                    .and_then(|x| x.lowered(&s))
                    .is_some() =>
            {
                let lowered = self
                    .stdlib
                    .enums
                    .get(e)
                    .and_then(|x| x.lowered(&s))
                    .unwrap_or(&s)
                    .to_string();
                Value::Enum {
                    ty: e.clone(),
                    member: s,
                    lowered,
                }
            }
            (Value::Str(_), Type::Secret) => {
                self.diags.push(errors::literal_secret(span));
                Value::Poison
            }
            (Value::Interp(p), Type::String) => Value::Interp(p),
            (Value::Int(n), Type::Int) => Value::Int(n),
            (Value::Int(n), Type::Decimal) => Value::Decimal(n as f64),
            (Value::Decimal(d), Type::Decimal) => Value::Decimal(d),
            (Value::Bool(b), Type::Bool) => Value::Bool(b),
            (Value::Quantity(q), Type::Size | Type::Duration | Type::Cpu | Type::Percent) => {
                let want = match ty {
                    Type::Size => Dim::Size,
                    Type::Duration => Dim::Duration,
                    Type::Cpu => Dim::Cpu,
                    _ => Dim::Percent,
                };
                if q.dim == want {
                    Value::Quantity(q)
                } else {
                    let n = q
                        .text
                        .trim_end_matches(|c: char| !c.is_ascii_digit())
                        .parse()
                        .unwrap_or(1);
                    let (what, example) = unit_example(ty, n);
                    self.diags.push(errors::wrong_unit(
                        what,
                        &format!("the {} `{}`", q.dim.name(), q.text),
                        span,
                        &example,
                    ));
                    Value::Poison
                }
            }
            (v @ Value::Enum { .. }, Type::Enum(e)) if matches!(&v, Value::Enum { ty, .. } if ty == e) => {
                v
            }
            (Value::List(vs), Type::List(t)) => {
                Value::List(vs.into_iter().map(|x| self.coerce(x, t, span)).collect())
            }
            (Value::Map(m), Type::Map(t)) => Value::Map(
                m.into_iter()
                    .map(|(k, x)| (k, self.coerce(x, t, span)))
                    .collect(),
            ),
            (Value::Map(m), Type::Object(schema)) => {
                let mut out = BTreeMap::new();
                for (k, x) in m {
                    match schema.iter().find(|f| f.name == k) {
                        Some(f) => {
                            let c = self.coerce(x, &f.ty, span);
                            out.insert(k, c);
                        }
                        None => {
                            let near = closest(&k, schema.iter().map(|f| f.name.as_str()));
                            self.diags
                                .push(errors::unknown_field("this object", &k, span, near));
                        }
                    }
                }
                for f in schema {
                    if out.contains_key(&f.name) {
                        continue;
                    }
                    if f.required() {
                        let example = self.example(&f.ty);
                        self.diags.push(errors::missing_field(
                            "this object",
                            &f.name,
                            &example,
                            span,
                            None,
                        ));
                    } else {
                        let d = match &f.default {
                            Some(e) => self.check(e, &f.ty, "", &mut BTreeMap::new()),
                            None => Value::Null,
                        };
                        out.insert(f.name.clone(), d);
                    }
                }
                Value::Map(out)
            }
            (v @ Value::Ref { .. }, Type::Kind(k)) if matches!(&v, Value::Ref { kind, .. } if kind == k) => {
                v
            }
            (Value::Attr { decl, attr, ty: at }, t) if attr_fits(&at, t) => {
                Value::Attr { decl, attr, ty: at }
            }
            (v @ Value::Secret { .. }, Type::Secret) => v,
            (v, t) => {
                let help = match (&v, t) {
                    (Value::Str(s), Type::List(_)) => Some(format!("write a list: `[\"{s}\"]`")),
                    (Value::Int(n), Type::String) => Some(format!("write a string: `\"{n}\"`")),
                    (Value::Decimal(d), Type::String) => Some(format!("write a string: `\"{d}\"`")),
                    (Value::Str(s), Type::Int) if s.parse::<i64>().is_ok() => {
                        Some(format!("write a number: `{s}`"))
                    }
                    (Value::Ref { decl, .. }, Type::String) => Some(format!(
                        "refer to one of its attributes, like `{decl}.name`"
                    )),
                    _ => None,
                };
                self.diags.push(errors::type_mismatch(
                    &article(t),
                    &describe(&v),
                    span,
                    help,
                ));
                Value::Poison
            }
        }
    }
}

fn attr_fits(actual: &Type, expected: &Type) -> bool {
    actual == expected
        || matches!(
            (actual, expected),
            (Type::String, Type::Cidr | Type::Region)
        )
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn base_name(e: &Expr) -> String {
    e.as_path()
        .map(|p| p.join("."))
        .unwrap_or_else(|| "value".to_string())
}

fn unit_example(ty: &Type, n: i64) -> (&'static str, String) {
    match ty {
        Type::Size => ("size", format!("{n}Gi")),
        Type::Duration => ("duration", format!("{n}s")),
        Type::Cpu => ("cpu amount", format!("{n}vcpu")),
        _ => ("percentage", format!("{n}%")),
    }
}

/// The text of a scalar spliced into a string.
fn scalar_text(v: &Value) -> Option<String> {
    Some(match v {
        Value::Str(s) => s.clone(),
        Value::Int(n) => n.to_string(),
        Value::Decimal(d) => d.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Quantity(q) => q.text.clone(),
        Value::Enum { member, .. } => member.clone(),
        _ => return None,
    })
}

fn same_shape(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Quantity(x), Value::Quantity(y)) => x.dim == y.dim,
        (Value::Enum { ty: x, .. }, Value::Enum { ty: y, .. }) => x == y,
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

/// "a string", "an int".
pub fn article_word(word: &str) -> String {
    let an = word.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {word}", if an { "an" } else { "a" })
}

pub fn article(t: &Type) -> String {
    match t {
        Type::Kind(k) => format!("a `{k}`"),
        Type::Enum(e) => format!("a `{e}` member"),
        Type::Int => "an `int`".to_string(),
        t => format!("a `{t}`"),
    }
}

/// A value in words, for messages.
pub fn describe(v: &Value) -> String {
    match v {
        Value::Null => "nothing".to_string(),
        Value::Str(s) => format!("the string `\"{}\"`", truncate(s)),
        Value::Int(n) => format!("the int `{n}`"),
        Value::Decimal(d) => format!("the decimal `{d}`"),
        Value::Bool(b) => format!("the bool `{b}`"),
        Value::Quantity(q) => format!("the {} `{}`", q.dim.name(), q.text),
        Value::Enum { member, ty, .. } => format!("the `{ty}` `{member}`"),
        Value::List(_) => "a list".to_string(),
        Value::Map(_) => "an object".to_string(),
        Value::Ref { decl, kind } => format!("the {kind} `{decl}`"),
        Value::Attr { decl, attr, ty } => format!("`{decl}.{attr}` (a deployed `{ty}`)"),
        Value::Secret { .. } => "a secret".to_string(),
        Value::Interp(_) => "a string known after deployment".to_string(),
        Value::Poison => "an invalid value".to_string(),
    }
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}...", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}
