//! The template context: checked values as JSON.
//!
//! A reference to a declaration becomes an object with its `name`, its
//! logical ID root `id`, its `kind`, its rendered `attrs` and its `fields`,
//! so a template reads `{{json network.attrs.private_subnet_ids}}`.
//! Quantities become objects with the units templates need (`disk.gib`).

use crate::ir::{self, Dim, InterpPart, SecretStore, Value};
use crate::names::{flat, pascal};
use serde_json::{json, Map, Value as Json};
use std::collections::{BTreeMap, BTreeSet};

pub struct Cx {
    project: Json,
    /// Rendered attributes of every declaration lowered so far.
    pub attrs: BTreeMap<String, Map<String, Json>>,
    /// The whole reference object of every lowered declaration that some
    /// other declaration refers to, built once: a cluster that ten thousand
    /// node groups refer to is rendered into JSON once, not once per use.
    refs: BTreeMap<String, Json>,
    /// Declarations some value refers to; only theirs are kept in `refs`.
    referred: BTreeSet<String>,
    /// Declarations whose attributes some value reads; only theirs are kept
    /// in `attrs` (ten thousand node groups nobody reads cost no copies).
    read: BTreeSet<String>,
    /// What secrets lower to (`data/secret_stores.json`).
    secrets: Option<super::secrets::Stores>,
}

impl Cx {
    pub fn new(project: &ir::Project) -> Cx {
        let project =
            json!({ "name": project.name, "region": project.region, "tags": project.tags });
        Cx {
            project,
            attrs: BTreeMap::new(),
            refs: BTreeMap::new(),
            referred: BTreeSet::new(),
            read: BTreeSet::new(),
            secrets: None,
        }
    }

    /// A context for `program`'s declarations, knowing which are referred to.
    pub fn for_program(program: &ir::Program, stdlib: &crate::schema::Stdlib) -> Cx {
        let mut cx = Cx::new(&program.project);
        cx.secrets = stdlib
            .table("secret_stores")
            .and_then(super::secrets::Stores::of);
        for d in &program.decls {
            for v in d.fields.values() {
                referred_by(v, &mut cx.referred, &mut cx.read);
            }
        }
        for o in &program.outputs {
            referred_by(&o.value, &mut cx.referred, &mut cx.read);
        }
        cx
    }

    /// A context for output values: the attributes of just the
    /// declarations they read, from the lowered fragments.
    pub fn for_outputs<'a>(
        values: &[&ir::Value],
        fragments: impl Iterator<Item = (&'a str, &'a Map<String, Json>)>,
        project: &ir::Project,
    ) -> Cx {
        let mut cx = Cx::new(project);
        let mut refs = BTreeSet::new();
        for v in values {
            referred_by(v, &mut refs, &mut cx.read);
        }
        let wanted: BTreeSet<String> = cx.read.iter().map(|d| flat(d)).collect();
        for (decl, attrs) in fragments {
            if wanted.contains(decl) {
                cx.attrs.insert(decl.to_string(), attrs.clone());
            }
        }
        cx
    }

    /// The template context of `decl`: its fields as template values, and
    /// `decl`, `project` and `derived` (see [`Cx::remember`]).
    pub fn decl_context(&self, decl: &ir::Decl) -> Json {
        let mut ctx: Map<String, Json> = decl
            .fields
            .iter()
            .map(|(k, v)| (k.clone(), self.value(v)))
            .collect();
        ctx.insert(
            "decl".into(),
            json!({ "name": flat(&decl.name), "id": pascal(&decl.name), "kind": decl.kind }),
        );
        ctx.insert("project".into(), self.project.clone());
        ctx.insert(
            "derived".into(),
            Json::Object(
                decl.derived
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
        );
        Json::Object(ctx)
    }

    /// Keeps a lowered declaration's attributes, and its reference object
    /// when something refers to it. `context` is the one its template was
    /// rendered with: its fields are taken from it, not rendered again.
    pub fn remember(&mut self, decl: &ir::Decl, context: Json, attrs: &Map<String, Json>) {
        if self.referred.contains(&decl.name) {
            let mut fields = match context {
                Json::Object(m) => m,
                _ => Map::new(),
            };
            fields.retain(|k, _| decl.fields.contains_key(k));
            let r = json!({ "name": flat(&decl.name), "id": pascal(&decl.name), "kind": decl.kind, "attrs": attrs, "fields": fields });
            self.refs.insert(decl.name.clone(), r);
        }
        // Keyed by the flattened name, as fragments are (`Fragment::decl`).
        if self.read.contains(&decl.name) {
            self.attrs.insert(flat(&decl.name), attrs.clone());
        }
    }

    pub fn value(&self, v: &Value) -> Json {
        match v {
            Value::Null | Value::Poison => Json::Null,
            Value::Str(s) => json!(s),
            Value::Int(n) => json!(n),
            Value::Decimal(d) => num(*d),
            Value::Bool(b) => json!(b),
            Value::Quantity(q) => quantity(q),
            Value::Enum { lowered, .. } => json!(lowered),
            Value::List(vs) => Json::Array(vs.iter().map(|x| self.value(x)).collect()),
            Value::Map(m) => {
                Json::Object(m.iter().map(|(k, x)| (k.clone(), self.value(x))).collect())
            }
            Value::Ref { decl, kind } => match self.refs.get(decl) {
                Some(r) => r.clone(),
                // Not lowered (it failed, and said so): a bare reference.
                None => {
                    json!({ "name": flat(decl), "id": pascal(decl), "kind": kind, "attrs": {}, "fields": null })
                }
            },
            Value::Attr { decl, attr, .. } => self.attr(decl, attr),
            Value::Secret { store, name } => {
                let store = match store {
                    SecretStore::Ssm => "ssm",
                    SecretStore::SecretsManager => "secrets_manager",
                };
                // Outputs cannot hold secrets (E0207), so only declarations'
                // contexts, which have the stores, reach here.
                match &self.secrets {
                    Some(s) => s.context(store, name),
                    None => Json::Null,
                }
            }
            Value::Interp(parts) => self.sub(parts),
        }
    }

    fn attr(&self, decl: &str, attr: &str) -> Json {
        self.attrs
            .get(&flat(decl))
            .and_then(|a| a.get(attr))
            .cloned()
            .unwrap_or(Json::Null)
    }

    /// A string with deployed parts lowers to `Fn::Sub` with named
    /// variables; a literal `${` is escaped as CloudFormation wants.
    fn sub(&self, parts: &[InterpPart]) -> Json {
        if let [InterpPart::Attr { decl, attr }] = parts {
            return self.attr(decl, attr);
        }
        let mut text = String::new();
        let mut vars = Map::new();
        for p in parts {
            match p {
                InterpPart::Text(t) => text.push_str(&t.replace("${", "${!")),
                InterpPart::Attr { decl, attr } => {
                    let name = format!("{}{}", pascal(decl), pascal(attr));
                    text.push_str(&format!("${{{name}}}"));
                    vars.insert(name, self.attr(decl, attr));
                }
            }
        }
        json!({ "Fn::Sub": [text, vars] })
    }
}

/// The declarations `v` refers to (`refs`) and those whose attributes it
/// reads (`read`), at any depth.
fn referred_by(v: &Value, refs: &mut BTreeSet<String>, read: &mut BTreeSet<String>) {
    match v {
        Value::Ref { decl, .. } => {
            refs.insert(decl.clone());
        }
        Value::Attr { decl, .. } => {
            read.insert(decl.clone());
        }
        Value::Interp(parts) => {
            for p in parts {
                if let InterpPart::Attr { decl, .. } = p {
                    read.insert(decl.clone());
                }
            }
        }
        Value::List(vs) => vs.iter().for_each(|x| referred_by(x, refs, read)),
        Value::Map(m) => m.values().for_each(|x| referred_by(x, refs, read)),
        _ => {}
    }
}

/// A JSON number, as an integer when it is one (CloudFormation's integer
/// properties reject `50.0`).
pub fn num(x: f64) -> Json {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}

fn quantity(q: &ir::Quantity) -> Json {
    const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
    match q.dim {
        Dim::Size => json!({
            "text": q.text, "bytes": num(q.base.round()), "mib": num(q.base / (1024.0 * 1024.0)), "gib": num(q.base / GIB)
        }),
        Dim::Duration => json!({
            "text": q.text, "words": duration_words(q.base), "seconds": num(q.base), "minutes": num(q.base / 60.0), "hours": num(q.base / 3600.0), "days": num(q.base / 86400.0)
        }),
        Dim::Cpu => {
            json!({ "text": q.text, "vcpu": num(q.base / 1000.0), "millicores": num(q.base), "units": num(q.base * 1.024) })
        }
        Dim::Percent => num(q.base),
    }
}

/// A duration in the largest unit that divides it: `1 day`, `90 minutes`.
fn duration_words(seconds: f64) -> String {
    let units = [
        (86400.0, "day"),
        (3600.0, "hour"),
        (60.0, "minute"),
        (1.0, "second"),
    ];
    let (n, unit) = units
        .iter()
        .find(|(s, _)| (seconds / s).fract() == 0.0)
        .map(|(s, u)| (seconds / s, *u))
        .unwrap_or((seconds, "second"));
    if n == 1.0 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}
