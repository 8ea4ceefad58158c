//! One program as an editor sees it: the compilation (for diagnostics) and
//! the syntax trees of its files (for positions), with the two questions
//! every feature asks: what is declared, and what is at this offset.

use crate::resolve::modules::Loader;
use crate::schema::{FieldSchema, KindSchema, Stdlib, Type};
use crate::source::{FileId, Sources, Span};
use crate::syntax::ast::{Expr, ExprKind, Field, Item, ItemKind, Program, StrPart};
use crate::{check_only, Compilation, Input};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub struct Analysis {
    pub compilation: Compilation,
    /// The program's files, in the ids the compilation uses.
    pub files: Vec<(PathBuf, FileId)>,
    pub trees: BTreeMap<FileId, Program>,
}

/// A name declared by the program.
#[derive(Clone, Debug)]
pub struct Declared<'a> {
    pub name: &'a str,
    pub file: FileId,
    /// The name where it is declared.
    pub span: Span,
    /// The whole declaration.
    pub item: &'a Item,
}

impl Declared<'_> {
    /// `cluster`, `param`, `let`, `module`: what the name is.
    pub fn what(&self) -> &str {
        match &self.item.kind {
            ItemKind::Decl { kind, .. } => &kind.name,
            ItemKind::Param { .. } => "param",
            ItemKind::Let { .. } => "let",
            ItemKind::Module { .. } => "module",
            _ => "name",
        }
    }
}

/// What the cursor is on.
#[derive(Clone, Debug, PartialEq)]
pub enum At {
    Kind(String),
    /// A declared name where it is declared.
    Declaration(String),
    /// A field key: the declaration's kind and the path of keys to it.
    Field {
        kind: String,
        path: Vec<String>,
    },
    /// A module argument's key.
    ModuleArg {
        module: String,
        name: String,
    },
    Reference(String),
    /// `base.attr`, the cursor on `attr`.
    Attribute {
        base: String,
        attr: String,
    },
    EnumMember {
        ty: String,
        member: String,
    },
}

pub fn all_fields(k: &KindSchema) -> impl Iterator<Item = &FieldSchema> {
    k.fields
        .iter()
        .chain(k.whens.iter().flat_map(|w| &w.fields))
}

/// The type of a field at `path` (nested object keys) in a kind.
pub fn field_type<'a>(k: &'a KindSchema, path: &[String]) -> Option<&'a Type> {
    let (first, rest) = path.split_first()?;
    let mut t = crate::schema::walk::field_type(k, first)?;
    for key in rest {
        t = match element(t) {
            Type::Object(fields) => &fields.iter().find(|f| &f.name == key)?.ty,
            Type::Map(v) => v,
            _ => return None,
        };
    }
    Some(t)
}

/// Lists are transparent to the questions asked of their elements.
pub fn element(t: &Type) -> &Type {
    match t {
        Type::List(e) => element(e),
        other => other,
    }
}

fn is_member(stdlib: &Stdlib, t: Option<&Type>, name: &str) -> Option<String> {
    match t.map(element) {
        Some(Type::Enum(e)) => stdlib
            .enums
            .get(e)
            .filter(|en| en.lowered(name).is_some())
            .map(|_| e.clone()),
        _ => None,
    }
}

/// An item and, for a `for` or an `if`, every item inside it.
fn deep(item: &Item) -> Vec<&Item> {
    let mut out = vec![item];
    for inner in item.nested() {
        out.extend(deep(inner));
    }
    out
}

fn inside(span: Span, offset: usize) -> bool {
    (span.start as usize) <= offset && offset <= span.end as usize
}

impl Analysis {
    pub fn new(files: &[(PathBuf, String)], loader: Loader) -> Analysis {
        let mut sources = Sources::new();
        let mut ids = vec![];
        for (path, text) in files {
            ids.push((
                path.clone(),
                sources.add(path.display().to_string(), text.clone()),
            ));
        }
        let mut compilation = check_only(Input {
            sources,
            files: ids.iter().map(|(_, id)| *id).collect(),
            params: BTreeMap::new(),
            param_exprs: BTreeMap::new(),
            default_name: "cairn".into(),
            loader: Some(loader),
        });
        let trees = std::mem::take(&mut compilation.trees).into_iter().collect();
        Analysis {
            compilation,
            files: ids,
            trees,
        }
    }

    pub fn text(&self, file: FileId) -> &str {
        self.compilation.sources.text(file)
    }

    pub fn file_of(&self, path: &std::path::Path) -> Option<FileId> {
        self.files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, id)| *id)
    }

    pub fn path_of(&self, file: FileId) -> Option<&PathBuf> {
        self.files
            .iter()
            .find(|(_, id)| *id == file)
            .map(|(p, _)| p)
    }

    pub fn declared(&self) -> Vec<Declared<'_>> {
        let mut out = vec![];
        for (file, tree) in &self.trees {
            for item in tree.items.iter().flat_map(deep) {
                if let Some(name) = item.declared_name() {
                    out.push(Declared {
                        name: &name.name,
                        file: *file,
                        span: name.span,
                        item,
                    });
                }
            }
        }
        out
    }

    pub fn declaration(&self, name: &str) -> Option<Declared<'_>> {
        self.declared().into_iter().find(|d| d.name == name)
    }

    /// The kind of a declared name, when it is a declaration of a kind.
    pub fn kind_of(&self, name: &str) -> Option<&KindSchema> {
        let stdlib = Stdlib::get().ok()?;
        match &self.declaration(name)?.item.kind {
            ItemKind::Decl { kind, .. } => stdlib.kind(&kind.name),
            _ => None,
        }
    }

    /// What is at `offset` in `file`.
    pub fn at(&self, file: FileId, offset: usize) -> Option<At> {
        let stdlib = Stdlib::get().ok()?;
        let mut item = self
            .trees
            .get(&file)?
            .items
            .iter()
            .find(|i| inside(i.span, offset))?;
        // Into the `for` or `if` blocks around the offset.
        while let Some(inner) = item.nested().into_iter().find(|i| inside(i.span, offset)) {
            item = inner;
        }
        if let Some(n) = item.declared_name().filter(|n| inside(n.span, offset)) {
            return Some(At::Declaration(n.name.clone()));
        }
        match &item.kind {
            ItemKind::Decl { kind, body, .. } => {
                if inside(kind.span, offset) {
                    return Some(At::Kind(kind.name.clone()));
                }
                let schema = stdlib.kind(&kind.name);
                let mut path = vec![];
                self.in_fields(&body.fields, offset, &mut path, &|path| {
                    schema.and_then(|k| field_type(k, path))
                })
                .map(|hit| match hit {
                    Hit::Key(path) => At::Field {
                        kind: kind.name.clone(),
                        path,
                    },
                    Hit::At(a) => a,
                })
            }
            ItemKind::Module { name, body, .. } => {
                for f in &body.fields {
                    if inside(f.key.span, offset) {
                        return Some(At::ModuleArg {
                            module: name.name.clone(),
                            name: f.key.name.clone(),
                        });
                    }
                    if inside(f.value.span, offset) {
                        return self.in_expr(&f.value, offset, None);
                    }
                }
                None
            }
            ItemKind::Project(body) => body
                .fields
                .iter()
                .find(|f| inside(f.value.span, offset))
                .and_then(|f| self.in_expr(&f.value, offset, None)),
            ItemKind::Let { value, .. } | ItemKind::Output { value, .. } => {
                self.in_expr(value, offset, None)
            }
            ItemKind::Param {
                default: Some(d), ..
            } => self.in_expr(d, offset, None),
            ItemKind::For { collection: e, .. } | ItemKind::If { cond: e, .. } => {
                self.in_expr(e, offset, None)
            }
            _ => None,
        }
    }

    fn in_fields(
        &self,
        fields: &[Field],
        offset: usize,
        path: &mut Vec<String>,
        ty: &dyn Fn(&[String]) -> Option<&Type>,
    ) -> Option<Hit> {
        let f = fields.iter().find(|f| inside(f.span, offset))?;
        path.push(f.key.name.clone());
        if inside(f.key.span, offset) {
            return Some(Hit::Key(path.clone()));
        }
        match &f.value.kind {
            ExprKind::Object(inner) => self.in_fields(inner, offset, path, ty),
            ExprKind::List(items) => {
                let x = items.iter().find(|x| inside(x.span, offset))?;
                match &x.kind {
                    ExprKind::Object(inner) => self.in_fields(inner, offset, path, ty),
                    _ => self.in_expr(x, offset, ty(path)).map(Hit::At),
                }
            }
            _ => self.in_expr(&f.value, offset, ty(path)).map(Hit::At),
        }
    }

    fn in_expr(&self, e: &Expr, offset: usize, ty: Option<&Type>) -> Option<At> {
        if !inside(e.span, offset) {
            return None;
        }
        let stdlib = Stdlib::get().ok()?;
        match &e.kind {
            ExprKind::Ident(n) => Some(match is_member(stdlib, ty, n) {
                Some(en) => At::EnumMember {
                    ty: en,
                    member: n.clone(),
                },
                None => At::Reference(n.clone()),
            }),
            ExprKind::Member { base, name } => {
                if inside(name.span, offset) {
                    // `eks["ads"].endpoint` is an attribute of `eks`.
                    let mut base: &Expr = base;
                    while let ExprKind::Index { base: b, .. } = &base.kind {
                        base = b;
                    }
                    let base = base.as_path()?.join(".");
                    Some(At::Attribute {
                        base,
                        attr: name.name.clone(),
                    })
                } else {
                    self.in_expr(base, offset, None)
                }
            }
            ExprKind::Index { base, index } => self
                .in_expr(base, offset, None)
                .or_else(|| self.in_expr(index, offset, None)),
            ExprKind::List(items) => items.iter().find_map(|x| self.in_expr(x, offset, ty)),
            ExprKind::Object(fields) => fields
                .iter()
                .find_map(|f| self.in_expr(&f.value, offset, None)),
            ExprKind::Str(parts) => parts.iter().find_map(|p| match p {
                StrPart::Interp(x) => self.in_expr(x, offset, None),
                StrPart::Text(_) => None,
            }),
            ExprKind::Call { args, .. } => args.iter().find_map(|x| self.in_expr(x, offset, None)),
            ExprKind::Unary { expr, .. } => self.in_expr(expr, offset, None),
            ExprKind::Binary { lhs, rhs, .. } => self
                .in_expr(lhs, offset, None)
                .or_else(|| self.in_expr(rhs, offset, None)),
            ExprKind::Cond { cond, then, other } => self
                .in_expr(cond, offset, None)
                .or_else(|| self.in_expr(then, offset, ty))
                .or_else(|| self.in_expr(other, offset, ty)),
            _ => None,
        }
    }

    /// Every use of a declared name (not enum members that share it), in
    /// every file of the program: the graph's own type-directed walk, over
    /// a copy of each item (the walk is written for renaming).
    pub fn uses(&self, name: &str) -> Vec<(FileId, Span)> {
        let Ok(stdlib) = Stdlib::get() else {
            return vec![];
        };
        let mut out = vec![];
        for (file, tree) in &self.trees {
            for item in &tree.items {
                let mut copy = item.clone();
                crate::schema::walk::item_idents(&mut copy, stdlib, &mut |n, span| {
                    if n == name {
                        out.push((*file, span));
                    }
                });
            }
        }
        out
    }
}

enum Hit {
    Key(Vec<String>),
    At(At),
}
