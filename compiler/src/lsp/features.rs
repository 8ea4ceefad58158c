//! What the editor asks of one analysed program: diagnostics, hover,
//! definition, references, rename and symbols. Completion, which must work
//! on text that does not parse yet, lives in `complete.rs`.

use super::analysis::{all_fields, field_type, Analysis, At};
use super::convert;
use crate::diagnostics::{codes, Diagnostic, Severity};
use crate::schema::reference::written_default;
use crate::schema::Stdlib;
use crate::source::{FileId, Span};
use crate::syntax::ast::{Item, ItemKind};
use lsp_types as lsp;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn uri(path: &Path) -> Option<lsp::Url> {
    lsp::Url::from_file_path(path).ok()
}

fn location(a: &Analysis, file: FileId, span: Span) -> Option<lsp::Location> {
    let text = a.text(file);
    Some(lsp::Location::new(
        uri(a.path_of(file)?)?,
        convert::range(text, span.start as usize, span.end as usize),
    ))
}

/// Diagnostics per file of the program (an empty list for a clean file, so
/// the editor clears what it showed). A missing `param` value is left out:
/// in the editor, values come from the command line later.
pub fn diagnostics(a: &Analysis) -> BTreeMap<PathBuf, Vec<lsp::Diagnostic>> {
    let mut out: BTreeMap<PathBuf, Vec<lsp::Diagnostic>> =
        a.files.iter().map(|(p, _)| (p.clone(), vec![])).collect();
    for d in &a.compilation.diagnostics {
        if d.code.id == codes::MISSING_PARAM.id {
            continue;
        }
        let Some(primary) = d.labels.first() else {
            continue;
        };
        let Some(path) = a.path_of(primary.span.file) else {
            continue;
        };
        if let Some(list) = out.get_mut(path) {
            list.push(convert_diagnostic(a, d, primary.span));
        }
    }
    out
}

fn convert_diagnostic(a: &Analysis, d: &Diagnostic, at: Span) -> lsp::Diagnostic {
    let text = a.text(at.file);
    let mut message = d.message.clone();
    if let Some(label) = d.labels.first().filter(|l| !l.message.is_empty()) {
        message.push_str(&format!(": {}", label.message));
    }
    if let Some(h) = &d.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .skip(1)
        .filter_map(|l| {
            Some(lsp::DiagnosticRelatedInformation {
                location: location(a, l.span.file, l.span)?,
                message: l.message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: convert::range(text, at.start as usize, at.end as usize),
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(d.code.id.to_string())),
        source: Some("cairn".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

pub fn hover(a: &Analysis, file: FileId, offset: usize) -> Option<lsp::Hover> {
    let stdlib = Stdlib::get().ok()?;
    let text = match a.at(file, offset)? {
        At::Kind(k) => {
            let kind = stdlib.kind(&k)?;
            format!(
                "```cairn\nkind {k}\n```\n\n{}",
                kind.doc.clone().unwrap_or_default()
            )
        }
        At::Field { kind, path } => {
            let k = stdlib.kind(&kind)?;
            let ty = field_type(k, &path)?;
            let name = path.join(".");
            let mut s = format!("```cairn\n{name}: {ty}\n```\n");
            if let Some(f) = all_fields(k).find(|f| Some(&f.name) == path.first()) {
                if path.len() == 1 {
                    match written_default(stdlib, k, f) {
                        Some(d) => s.push_str(&format!("\nDefault: `{d}`\n")),
                        None if f.optional => s.push_str("\nOptional.\n"),
                        None => s.push_str("\nRequired.\n"),
                    }
                }
                if let Some(doc) = &f.doc {
                    s.push_str(&format!("\n{doc}"));
                }
            }
            s
        }
        At::Declaration(n) | At::Reference(n) => {
            let d = a.declaration(&n)?;
            let (line, _) = a.compilation.sources.line_col(d.file, d.span.start);
            let mut s = format!("```cairn\n{} {n}\n```\n", d.what());
            if let Some(doc) = &d.item.doc {
                s.push_str(&format!("\n{doc}\n"));
            }
            let file = a.path_of(d.file).and_then(|p| p.file_name());
            if let Some(f) = file {
                s.push_str(&format!(
                    "\nDeclared in `{}` line {line}.",
                    f.to_string_lossy()
                ));
            }
            s
        }
        At::Attribute { base, attr } => {
            let k = a.kind_of(base.split('.').next().unwrap_or(""))?;
            let e = k.export(&attr)?;
            format!(
                "```cairn\n{base}.{attr}: {}\n```\n\n{}",
                e.ty,
                e.doc.clone().unwrap_or_default()
            )
        }
        At::EnumMember { ty, member } => {
            let e = stdlib.enums.get(&ty)?;
            let m = e.members.iter().find(|m| m.0 == member)?;
            format!(
                "```cairn\n{ty}.{member}\n```\n\n{}\n\nLowers to `{}`.",
                m.2.clone().or(e.doc.clone()).unwrap_or_default(),
                m.1
            )
        }
        At::ModuleArg { module, name } => format!("argument `{name}` of module `{module}`"),
    };
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: text,
        }),
        range: None,
    })
}

pub fn definition(
    a: &Analysis,
    file: FileId,
    offset: usize,
    read: &dyn Fn(&str) -> Option<String>,
) -> Option<lsp::Location> {
    match a.at(file, offset)? {
        At::Declaration(n) | At::Reference(n) => {
            let d = a.declaration(&n)?;
            location(a, d.file, d.span)
        }
        At::Attribute { base, attr } => {
            let d = a.declaration(base.split('.').next().unwrap_or(""))?;
            match &d.item.kind {
                // A module's output: in the module's own file.
                ItemKind::Module { path, .. } => {
                    let rel = path.as_plain_str()?;
                    let caller = a.compilation.sources.name(d.file);
                    let full = crate::resolve::modules::join(caller, &rel);
                    let text = read(&full)?;
                    let (tree, _) = crate::syntax::parse(&text, FileId(0));
                    let name = tree.items.iter().find_map(|i| match &i.kind {
                        ItemKind::Output { name, .. } if name.name == attr => Some(name.span),
                        _ => None,
                    })?;
                    Some(lsp::Location::new(
                        uri(Path::new(&full))?,
                        convert::range(&text, name.start as usize, name.end as usize),
                    ))
                }
                _ => location(a, d.file, d.span),
            }
        }
        _ => None,
    }
}

/// The declared name under the cursor, for references and rename.
fn name_at(a: &Analysis, file: FileId, offset: usize) -> Option<String> {
    match a.at(file, offset)? {
        At::Declaration(n) | At::Reference(n) => Some(n),
        At::Attribute { base, .. } => base.split('.').next().map(String::from),
        _ => None,
    }
}

pub fn references(a: &Analysis, file: FileId, offset: usize) -> Vec<lsp::Location> {
    let Some(name) = name_at(a, file, offset) else {
        return vec![];
    };
    let Some(d) = a.declaration(&name) else {
        return vec![];
    };
    std::iter::once((d.file, d.span))
        .chain(a.uses(&name))
        .filter_map(|(f, s)| location(a, f, s))
        .collect()
}

pub fn rename(
    a: &Analysis,
    file: FileId,
    offset: usize,
    new: &str,
) -> Result<Option<lsp::WorkspaceEdit>, String> {
    let Some(old) = name_at(a, file, offset) else {
        return Ok(None);
    };
    let valid = new
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && new
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        return Err(format!("`{new}` is not a name: names are [a-z_][a-z0-9_]*"));
    }
    if a.declaration(new).is_some() {
        return Err(format!("`{new}` is already declared"));
    }
    let Some(d) = a.declaration(&old) else {
        return Ok(None);
    };
    let mut changes: std::collections::HashMap<lsp::Url, Vec<lsp::TextEdit>> = Default::default();
    for (f, s) in std::iter::once((d.file, d.span)).chain(a.uses(&old)) {
        let Some(loc) = location(a, f, s) else {
            continue;
        };
        changes
            .entry(loc.uri)
            .or_default()
            .push(lsp::TextEdit::new(loc.range, new.to_string()));
    }
    Ok(Some(lsp::WorkspaceEdit::new(changes)))
}

pub fn symbols(a: &Analysis, file: FileId) -> Vec<lsp::DocumentSymbol> {
    let Some(tree) = a.trees.get(&file) else {
        return vec![];
    };
    let lines = convert::Lines::new(a.text(file));
    tree.items
        .iter()
        .filter_map(|item| symbol(item, &lines))
        .collect()
}

/// One item's outline entry; a `for` or an `if` holds its items' entries.
#[allow(deprecated)] // `deprecated` is a required field of the type.
fn symbol(item: &Item, lines: &convert::Lines<'_>) -> Option<lsp::DocumentSymbol> {
    let (name, detail, kind, at) = match &item.kind {
        ItemKind::Decl { kind, name, .. } => (
            name.name.clone(),
            kind.name.clone(),
            lsp::SymbolKind::OBJECT,
            name.span,
        ),
        ItemKind::Param { name, .. } => (
            name.name.clone(),
            "param".into(),
            lsp::SymbolKind::VARIABLE,
            name.span,
        ),
        ItemKind::Let { name, .. } => (
            name.name.clone(),
            "let".into(),
            lsp::SymbolKind::CONSTANT,
            name.span,
        ),
        ItemKind::Output { name, .. } => (
            name.name.clone(),
            "output".into(),
            lsp::SymbolKind::PROPERTY,
            name.span,
        ),
        ItemKind::Module { name, .. } => (
            name.name.clone(),
            "module".into(),
            lsp::SymbolKind::MODULE,
            name.span,
        ),
        ItemKind::Project(_) => (
            "project".into(),
            String::new(),
            lsp::SymbolKind::PACKAGE,
            item.span,
        ),
        ItemKind::For { vars, .. } => {
            let names: Vec<&str> = vars.iter().map(|v| v.name.as_str()).collect();
            let at = vars.first().map_or(item.span, |v| v.span);
            (
                format!("for {}", names.join(", ")),
                "for".into(),
                lsp::SymbolKind::NAMESPACE,
                at,
            )
        }
        ItemKind::If { cond, .. } => (
            "if".into(),
            "if".into(),
            lsp::SymbolKind::NAMESPACE,
            cond.span,
        ),
        _ => return None,
    };
    let inner: Vec<lsp::DocumentSymbol> = item
        .nested()
        .into_iter()
        .filter_map(|i| symbol(i, lines))
        .collect();
    Some(lsp::DocumentSymbol {
        name,
        detail: Some(detail),
        kind,
        tags: None,
        deprecated: None,
        range: lines.range(item.span.start as usize, item.span.end as usize),
        selection_range: lines.range(at.start as usize, at.end as usize),
        children: (!inner.is_empty()).then_some(inner),
    })
}
