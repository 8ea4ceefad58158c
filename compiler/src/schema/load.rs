//! Loading: parse every `.cairn` schema file with the language's own parser,
//! resolve type names, collect templates and tables.

use super::types::*;
use super::Stdlib;
use crate::source::FileId;
use crate::syntax::ast::{ExprKind, Item, ItemKind, KindMember, SchemaField, TypeExpr, TypeKind};
use crate::syntax::parse;

/// Names a field may not take: the template context keeps them for itself.
const RESERVED_FIELDS: &[&str] = &["decl", "project", "derived"];

pub fn load(files: &[(&'static str, &'static str)]) -> Result<Stdlib, Vec<String>> {
    let mut lib = Stdlib::default();
    let mut errs = vec![];
    let mut items: Vec<(String, String, Item)> = vec![];
    for (path, text) in files {
        if let Some(stem) = path.strip_suffix(".cairn") {
            let (prog, diags) = parse(text, FileId(0));
            for d in diags {
                errs.push(format!("{path}: {}", d.message));
            }
            let dir = stem
                .rsplit_once('/')
                .map(|(d, _)| d.to_string())
                .unwrap_or_default();
            items.extend(
                prog.items
                    .into_iter()
                    .map(|i| (dir.clone(), path.to_string(), i)),
            );
            lib.schema_files.push((path, text));
        } else if path.ends_with(".hbs") {
            lib.templates.insert(path, text);
        } else if let Some(stem) = path
            .strip_prefix("data/")
            .and_then(|p| p.strip_suffix(".json"))
        {
            // Parsed when first read; the build refuses a table that is
            // not JSON (`build/tables.rs`), and a test parses every one.
            lib.data
                .insert(stem.to_string(), super::tables::Table::new(text));
        }
    }
    // Enums first: kind fields refer to them by name.
    for (_, _, item) in &items {
        if let ItemKind::EnumDef { name, members } = &item.kind {
            let members = members
                .iter()
                .map(|m| {
                    (
                        m.name.name.clone(),
                        m.value.clone().unwrap_or_else(|| m.name.name.clone()),
                        m.doc.clone(),
                    )
                })
                .collect();
            lib.enums.insert(
                name.name.clone(),
                EnumSchema {
                    name: name.name.clone(),
                    doc: item.doc.clone(),
                    members,
                },
            );
        }
    }
    let kind_names: Vec<String> = items
        .iter()
        .filter_map(|(_, _, i)| match &i.kind {
            ItemKind::KindDef { name, .. } => Some(name.name.clone()),
            _ => None,
        })
        .collect();
    let aliases: std::collections::BTreeMap<String, TypeExpr> = items
        .iter()
        .filter_map(|(_, _, i)| match &i.kind {
            ItemKind::TypeDef { name, ty } => Some((name.name.clone(), ty.clone())),
            _ => None,
        })
        .collect();
    let cx = TypeCx {
        enums: &lib.enums,
        kinds: &kind_names,
        aliases: &aliases,
        depth: std::cell::Cell::new(0),
    };
    for (dir, file, item) in &items {
        match &item.kind {
            ItemKind::KindDef { name, members } => {
                let mut kind = KindSchema {
                    name: name.name.clone(),
                    doc: item.doc.clone(),
                    dir: dir.clone(),
                    file: file.clone(),
                    fields: vec![],
                    whens: vec![],
                    exports: vec![],
                    checks: vec![],
                    variant: None,
                };
                cx.members(&name.name, members, &mut kind, &mut errs);
                lib.kinds.insert(name.name.clone(), kind);
            }
            ItemKind::EnumDef { .. } | ItemKind::TypeDef { .. } => {}
            _ => errs.push(format!(
                "{dir}: only `kind` and `enum` declarations belong in the stdlib"
            )),
        }
    }
    if errs.is_empty() {
        Ok(lib)
    } else {
        Err(errs)
    }
}

struct TypeCx<'a> {
    enums: &'a std::collections::BTreeMap<String, EnumSchema>,
    kinds: &'a [String],
    aliases: &'a std::collections::BTreeMap<String, TypeExpr>,
    /// Alias expansion depth: an alias that refers to itself is an error,
    /// not an endless loop.
    depth: std::cell::Cell<usize>,
}

impl TypeCx<'_> {
    fn members(
        &self,
        kind: &str,
        members: &[KindMember],
        out: &mut KindSchema,
        errs: &mut Vec<String>,
    ) {
        for m in members {
            match m {
                KindMember::Field(f) => {
                    if RESERVED_FIELDS.contains(&f.name.name.as_str()) {
                        errs.push(format!(
                            "kind `{kind}`: field name `{}` is reserved",
                            f.name.name
                        ));
                    }
                    if let Some(f) = self.field(kind, f, errs) {
                        out.fields.push(f);
                    }
                }
                KindMember::Export { name, ty, doc } => {
                    if let Some(ty) = self.ty(kind, ty, errs) {
                        out.exports.push(Export {
                            name: name.name.clone(),
                            ty,
                            doc: doc.clone(),
                        });
                    }
                }
                KindMember::Check { name, args } => {
                    out.checks.push(CheckCall {
                        name: name.name.clone(),
                        args: args.iter().map(arg).collect(),
                    });
                }
                KindMember::Variant(f) => out.variant = Some(f.name.clone()),
                KindMember::When {
                    field,
                    members,
                    body,
                } => {
                    let mut inner = KindSchema {
                        fields: vec![],
                        whens: vec![],
                        exports: vec![],
                        checks: vec![],
                        ..out.clone()
                    };
                    self.members(kind, body, &mut inner, errs);
                    if !inner.exports.is_empty() || !inner.whens.is_empty() {
                        errs.push(format!(
                            "kind `{kind}`: a `when` block holds only fields and checks"
                        ));
                    }
                    out.whens.push(WhenBlock {
                        field: field.name.clone(),
                        members: members.iter().map(|m| m.name.clone()).collect(),
                        fields: inner.fields,
                        checks: inner.checks,
                    });
                }
            }
        }
    }

    fn field(&self, kind: &str, f: &SchemaField, errs: &mut Vec<String>) -> Option<FieldSchema> {
        let ty = self.ty(kind, &f.ty, errs)?;
        Some(FieldSchema {
            name: f.name.name.clone(),
            ty,
            default: f.default.clone(),
            optional: f.ty.optional,
            doc: f.doc.clone(),
        })
    }

    fn ty(&self, kind: &str, t: &TypeExpr, errs: &mut Vec<String>) -> Option<Type> {
        match &t.kind {
            TypeKind::Object(fields) => {
                let fs: Vec<FieldSchema> = fields
                    .iter()
                    .filter_map(|f| self.field(kind, f, errs))
                    .collect();
                Some(Type::Object(fs))
            }
            TypeKind::Named { name, args } => {
                let n = name.name.as_str();
                let arg =
                    |errs: &mut Vec<String>| args.first().and_then(|a| self.ty(kind, a, errs));
                let t = match (n, args.len()) {
                    ("list", 1) => Type::List(Box::new(arg(errs)?)),
                    ("map", 1) => Type::Map(Box::new(arg(errs)?)),
                    (_, 0) => match Type::builtin(n) {
                        Some(t) => t,
                        None if self.enums.contains_key(n) => Type::Enum(n.to_string()),
                        None if self.kinds.iter().any(|k| k == n) => Type::Kind(n.to_string()),
                        None if self.aliases.contains_key(n) => {
                            if self.depth.get() > 16 {
                                errs.push(format!("kind `{kind}`: type `{n}` refers to itself"));
                                return None;
                            }
                            self.depth.set(self.depth.get() + 1);
                            let t = self.aliases.get(n).and_then(|a| self.ty(kind, a, errs));
                            self.depth.set(self.depth.get() - 1);
                            t?
                        }
                        None => {
                            errs.push(format!("kind `{kind}`: unknown type `{n}`"));
                            return None;
                        }
                    },
                    _ => {
                        errs.push(format!("kind `{kind}`: `{n}` takes no such type arguments"));
                        return None;
                    }
                };
                Some(t)
            }
        }
    }
}

fn arg(e: &crate::syntax::ast::Expr) -> Arg {
    if let Some(p) = e.as_path() {
        return Arg::Path(p.into_iter().map(String::from).collect());
    }
    match &e.kind {
        ExprKind::Int(n) => Arg::Int(*n),
        ExprKind::List(items) => Arg::List(items.iter().map(arg).collect()),
        _ => match e.as_plain_str() {
            Some(s) => Arg::Str(s),
            None => Arg::Value(e.clone()),
        },
    }
}
