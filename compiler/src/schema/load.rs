//! Loading: parse every `.cairn` schema file with the language's own parser,
//! resolve type names, collect templates and tables.

use super::lazy::{Lazily, Schemas};
use super::types::*;
use super::Stdlib;
use crate::source::FileId;
use crate::syntax::ast::{ExprKind, Item, ItemKind, KindMember, SchemaField, TypeExpr, TypeKind};
use crate::syntax::parse;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Names a field may not take: the template context keeps them for itself.
const RESERVED_FIELDS: &[&str] = &["decl", "project", "derived"];

/// A schema file's items, and what its parser said.
pub(super) struct Parsed {
    items: Vec<Item>,
    errors: Vec<String>,
}

pub(super) fn parse_file(path: &str, text: &str) -> Parsed {
    let (prog, diags) = parse(text, FileId(0));
    Parsed {
        items: prog.items,
        errors: diags
            .into_iter()
            .map(|d| format!("{path}: {}", d.message))
            .collect(),
    }
}

/// The stdlib with every schema indexed and none parsed: kinds and enums
/// resolve when first read.
pub fn index(files: &[(&'static str, &'static str)]) -> Stdlib {
    indexed(files).0
}

/// The lazy stdlib, and the schema index its kinds and enums share.
fn indexed(files: &[(&'static str, &'static str)]) -> (Stdlib, Arc<Schemas>) {
    let mut lib = Stdlib::default();
    for (path, text) in files {
        if path.ends_with(".cairn") {
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
    let schemas = Arc::new(Schemas::index(files));
    lib.kinds = Lazily::new(schemas.clone(), schemas.kinds.keys().copied(), make_kind);
    lib.enums = Lazily::new(schemas.clone(), schemas.enums.keys().copied(), make_enum);
    (lib, schemas)
}

/// The stdlib with every schema parsed and resolved now, or every reason
/// it does not load: for the stdlib's own test, which proves the lazy
/// index finds what a full parse finds.
pub fn load(files: &[(&'static str, &'static str)]) -> Result<Stdlib, Vec<String>> {
    let (lib, schemas) = indexed(files);
    let mut errs = vec![];
    for (i, f) in schemas.files.iter().enumerate() {
        let Some(parsed) = schemas.parsed(i) else {
            continue;
        };
        errs.extend(parsed.errors.iter().cloned());
        for item in &parsed.items {
            let (index, name) = match &item.kind {
                ItemKind::KindDef { name, .. } => (&schemas.kinds, name),
                ItemKind::EnumDef { name, .. } => (&schemas.enums, name),
                ItemKind::TypeDef { name, .. } => (&schemas.aliases, name),
                _ => {
                    errs.push(format!(
                        "{}: only `kind`, `enum` and `type` declarations belong in the stdlib",
                        f.path
                    ));
                    continue;
                }
            };
            if index.get(name.name.as_str()) != Some(&i) {
                errs.push(format!(
                    "{}: `{}` is not where the index finds it: is it defined twice, or not at the start of a line?",
                    f.path, name.name
                ));
            }
        }
    }
    let found: usize = schemas
        .files
        .iter()
        .enumerate()
        .filter_map(|(i, _)| schemas.parsed(i))
        .map(|p| p.items.len())
        .sum();
    let indexed = schemas.kinds.len() + schemas.enums.len() + schemas.aliases.len();
    if found != indexed {
        errs.push(format!(
            "the schema files define {found} items and the index found {indexed}"
        ));
    }
    for k in lib.kinds.keys() {
        if let Err(e) = lib.kinds.force(k) {
            errs.extend(e);
        }
    }
    for e in lib.enums.keys() {
        if let Err(e) = lib.enums.force(e) {
            errs.extend(e);
        }
    }
    if errs.is_empty() {
        Ok(lib)
    } else {
        Err(errs)
    }
}

/// The item named `name` in the file the index gives for it.
fn item<'a>(
    schemas: &'a Schemas,
    index: &BTreeMap<&'static str, usize>,
    name: &str,
) -> Result<(&'a str, &'a Item), Vec<String>> {
    let file = index.get(name).copied().unwrap_or(usize::MAX);
    let path = schemas.files.get(file).map_or("", |f| f.path);
    let parsed = schemas
        .parsed(file)
        .ok_or_else(|| vec![format!("`{name}` is not defined")])?;
    if !parsed.errors.is_empty() {
        return Err(parsed.errors.clone());
    }
    parsed
        .items
        .iter()
        .find(|i| match &i.kind {
            ItemKind::KindDef { name: n, .. }
            | ItemKind::EnumDef { name: n, .. }
            | ItemKind::TypeDef { name: n, .. } => n.name == name,
            _ => false,
        })
        .map(|i| (path, i))
        .ok_or_else(|| vec![format!("{path}: `{name}` is not defined there")])
}

fn make_kind(schemas: &Schemas, name: &str) -> Result<KindSchema, Vec<String>> {
    let (path, item) = item(schemas, &schemas.kinds, name)?;
    let ItemKind::KindDef { name, members } = &item.kind else {
        return Err(vec![format!("{path}: `{name}` is not a kind")]);
    };
    let dir = path
        .strip_suffix(".cairn")
        .and_then(|stem| stem.rsplit_once('/'))
        .map(|(d, _)| d.to_string())
        .unwrap_or_default();
    let mut kind = KindSchema {
        name: name.name.clone(),
        doc: item.doc.clone(),
        dir,
        file: path.to_string(),
        fields: vec![],
        whens: vec![],
        exports: vec![],
        checks: vec![],
        variant: None,
    };
    let cx = TypeCx {
        schemas,
        depth: std::cell::Cell::new(0),
    };
    let mut errs = vec![];
    cx.members(&name.name, members, &mut kind, &mut errs);
    if errs.is_empty() {
        Ok(kind)
    } else {
        Err(errs)
    }
}

fn make_enum(schemas: &Schemas, name: &str) -> Result<EnumSchema, Vec<String>> {
    let (path, item) = item(schemas, &schemas.enums, name)?;
    let ItemKind::EnumDef { name, members } = &item.kind else {
        return Err(vec![format!("{path}: `{name}` is not an enum")]);
    };
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
    Ok(EnumSchema {
        name: name.name.clone(),
        doc: item.doc.clone(),
        members,
    })
}

struct TypeCx<'a> {
    schemas: &'a Schemas,
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
                        None if self.schemas.enums.contains_key(n) => Type::Enum(n.to_string()),
                        None if self.schemas.kinds.contains_key(n) => Type::Kind(n.to_string()),
                        None if self.schemas.aliases.contains_key(n) => {
                            if self.depth.get() > 16 {
                                errs.push(format!("kind `{kind}`: type `{n}` refers to itself"));
                                return None;
                            }
                            self.depth.set(self.depth.get() + 1);
                            let alias = match item(self.schemas, &self.schemas.aliases, n) {
                                Ok((
                                    _,
                                    Item {
                                        kind: ItemKind::TypeDef { ty, .. },
                                        ..
                                    },
                                )) => Some(ty),
                                Ok(_) => None,
                                Err(e) => {
                                    errs.extend(e);
                                    None
                                }
                            };
                            let t = alias.and_then(|a| self.ty(kind, a, errs));
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
