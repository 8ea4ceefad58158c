//! Completion. While a user types, the text rarely parses, so the context
//! is read off the text before the cursor: the enclosing declaration's
//! kind, the path of object keys inside it, and whether the cursor is at a
//! key or at a value. The analysis of the last text supplies names.

use super::analysis::{all_fields, element, field_type, Analysis};
use super::snippets;
use crate::schema::{FieldSchema, Stdlib, Type};
use lsp_types as lsp;

#[derive(Debug, PartialEq)]
pub enum Context {
    /// Between declarations.
    Top,
    /// At a key inside a declaration of `kind`, under the object `path`;
    /// `set` are the keys already written at that level.
    Key {
        kind: String,
        path: Vec<String>,
        set: Vec<String>,
    },
    /// At the value of `path` in a declaration of `kind`.
    Value { kind: String, path: Vec<String> },
    /// Somewhere completion has nothing to offer (a string, a comment).
    Nothing,
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The identifier that ends `s`, if `s` ends with `NAME =` (spaces allowed).
fn key_before_equals(s: &str) -> Option<String> {
    let s = s.trim_end().strip_suffix('=')?;
    if s.ends_with(['=', '!', '<', '>']) {
        return None;
    }
    let s = s.trim_end();
    let word: String = s.chars().rev().take_while(|c| is_word(*c)).collect();
    (!word.is_empty()).then(|| word.chars().rev().collect())
}

/// `kind name` before a declaration's `{`.
fn header(line: &str) -> Option<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        // `if prod {` and `} else {` open blocks of items, not bodies.
        [kind, _] | [_, kind] if matches!(*kind, "if" | "else") => None,
        [kind, name] if kind.chars().all(is_word) && name.chars().all(is_word) => {
            Some((*kind).to_string())
        }
        ["project"] => Some("project".into()),
        _ => None,
    }
}

/// Keys written directly in the block that opens at `open` (for the set of
/// fields not to offer again): entries end at a newline or a comma.
fn keys_in_block(text: &str, open: usize) -> Vec<String> {
    let mut depth = 0i32;
    let mut keys = vec![];
    let mut entry = String::new();
    let mut take = |entry: &mut String| {
        if let Some((k, _)) = entry.split_once('=') {
            let k = k.trim();
            if !k.is_empty() && k.chars().all(is_word) {
                keys.push(k.to_string());
            }
        }
        entry.clear();
    };
    for c in text.get(open + 1..).unwrap_or("").chars() {
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' if depth == 0 => break,
            '}' | ']' => depth -= 1,
            '\n' | ',' if depth == 0 => take(&mut entry),
            c if depth == 0 => entry.push(c),
            _ => {}
        }
    }
    take(&mut entry);
    keys
}

pub fn context(text: &str, offset: usize) -> Context {
    let before = text.get(..offset.min(text.len())).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.get(line_start..).unwrap_or("");
    if line.contains("//") || line.matches('"').count() % 2 == 1 {
        return Context::Nothing;
    }
    // Unmatched openers, innermost first.
    let mut openers = vec![];
    let mut depth = 0i32;
    for (i, c) in before.char_indices().rev() {
        match c {
            '}' | ']' => depth += 1,
            '{' | '[' if depth > 0 => depth -= 1,
            '{' | '[' => openers.push((i, c)),
            _ => {}
        }
    }
    let Some(decl) = openers.iter().position(|(i, c)| {
        *c == '{' && {
            let ls = before
                .get(..*i)
                .and_then(|b| b.rfind('\n'))
                .map_or(0, |j| j + 1);
            header(before.get(ls..*i).unwrap_or("")).is_some()
        }
    }) else {
        return Context::Top;
    };
    let (decl_at, _) = openers.get(decl).copied().unwrap_or((0, '{'));
    let ls = before
        .get(..decl_at)
        .and_then(|b| b.rfind('\n'))
        .map_or(0, |j| j + 1);
    let kind = header(before.get(ls..decl_at).unwrap_or("")).unwrap_or_default();
    // Keys of the nested objects and lists between the declaration and here.
    let inner: Vec<(usize, char)> = openers.iter().take(decl).rev().copied().collect();
    let mut path = vec![];
    for (i, _) in &inner {
        if let Some(k) = key_before_equals(before.get(..*i).unwrap_or("")) {
            path.push(k);
        }
    }
    let innermost = inner.last().copied().unwrap_or((decl_at, '{'));
    let from = [innermost.0 + 1, line_start]
        .into_iter()
        .max()
        .unwrap_or(0)
        .max(before.rfind(',').map_or(0, |c| c + 1));
    let segment = before.get(from..).unwrap_or("");
    let partial_key = segment.trim_start().chars().all(is_word);
    if innermost.1 == '{' && partial_key {
        return Context::Key {
            kind,
            path,
            set: keys_in_block(text, innermost.0),
        };
    }
    if let Some(eq) = segment.find('=') {
        if let Some(k) = key_before_equals(segment.get(..=eq).unwrap_or("")) {
            path.push(k);
        }
    }
    Context::Value { kind, path }
}

fn item(label: &str, kind: lsp::CompletionItemKind, detail: String) -> lsp::CompletionItem {
    lsp::CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: Some(detail),
        ..Default::default()
    }
}

fn snippet(mut i: lsp::CompletionItem, text: String) -> lsp::CompletionItem {
    i.insert_text = Some(text);
    i.insert_text_format = Some(lsp::InsertTextFormat::SNIPPET);
    i
}

fn field_item(f: &FieldSchema) -> lsp::CompletionItem {
    let mut i = snippet(
        item(&f.name, lsp::CompletionItemKind::FIELD, f.ty.to_string()),
        snippets::field(f),
    );
    i.documentation = f.doc.clone().map(lsp::Documentation::String);
    i
}

pub fn complete(a: Option<&Analysis>, text: &str, offset: usize) -> Vec<lsp::CompletionItem> {
    let Ok(stdlib) = Stdlib::get() else {
        return vec![];
    };
    match context(text, offset) {
        Context::Nothing => vec![],
        Context::Top => {
            let mut out: Vec<lsp::CompletionItem> = stdlib
                .kinds
                .values()
                .map(|k| {
                    let mut i = snippet(
                        item(&k.name, lsp::CompletionItemKind::CLASS, "kind".into()),
                        snippets::declaration(k),
                    );
                    i.documentation = k.doc.clone().map(lsp::Documentation::String);
                    i
                })
                .collect();
            for (kw, body) in [
                ("project", "project {\n  name = \"$1\"\n}"),
                ("param", "param ${1:name}: ${2:string}"),
                ("let", "let ${1:name} = $2"),
                ("output", "output ${1:name} = $2"),
                (
                    "module",
                    "module ${1:name} \"${2:./module.cairn}\" {\n  $0\n}",
                ),
                ("for", "for ${1:item} in ${2:items} {\n  $0\n}"),
                ("if", "if ${1:condition} {\n  $0\n}"),
            ] {
                out.push(snippet(
                    item(kw, lsp::CompletionItemKind::KEYWORD, "keyword".into()),
                    body.to_string(),
                ));
            }
            out
        }
        Context::Key { kind, path, set } => {
            let Some(k) = stdlib.kind(&kind) else {
                return vec![];
            };
            let fields: Vec<&FieldSchema> = if path.is_empty() {
                all_fields(k).collect()
            } else {
                match field_type(k, &path).map(element) {
                    Some(Type::Object(fs)) => fs.iter().collect(),
                    _ => vec![],
                }
            };
            fields
                .into_iter()
                .filter(|f| !set.contains(&f.name))
                .map(field_item)
                .collect()
        }
        Context::Value { kind, path } => {
            let Some(t) = stdlib.kind(&kind).and_then(|k| field_type(k, &path)) else {
                return vec![];
            };
            match element(t) {
                Type::Enum(e) => stdlib
                    .enums
                    .get(e)
                    .map(|en| {
                        en.members
                            .iter()
                            .map(|(m, _, doc)| {
                                let mut i =
                                    item(m, lsp::CompletionItemKind::ENUM_MEMBER, e.clone());
                                i.documentation = doc.clone().map(lsp::Documentation::String);
                                i
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                Type::Kind(want) => a
                    .map(|a| {
                        a.declared()
                            .into_iter()
                            .filter(|d| d.what() == want)
                            .map(|d| item(d.name, lsp::CompletionItemKind::REFERENCE, want.clone()))
                            .collect()
                    })
                    .unwrap_or_default(),
                Type::Bool => ["true", "false"]
                    .iter()
                    .map(|b| item(b, lsp::CompletionItemKind::VALUE, "bool".into()))
                    .collect(),
                _ => vec![],
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(src: &str) -> Context {
        let at = src.find('|').unwrap_or(src.len());
        context(&src.replace('|', ""), at)
    }

    #[test]
    fn the_context_is_read_off_unfinished_text() {
        assert_eq!(ctx("network main {\n  zones = 2\n}\n|"), Context::Top);
        assert_eq!(
            ctx("nodegroup workers {\n  cluster = c\n  sca|\n"),
            Context::Key {
                kind: "nodegroup".into(),
                path: vec![],
                set: vec!["cluster".into()]
            }
        );
        assert_eq!(
            ctx("nodegroup w {\n  capacity = |\n}"),
            Context::Value {
                kind: "nodegroup".into(),
                path: vec!["capacity".into()]
            }
        );
        assert_eq!(
            ctx("nodegroup w {\n  scaling = { min = 1, m|"),
            Context::Key {
                kind: "nodegroup".into(),
                path: vec!["scaling".into()],
                set: vec!["min".into()]
            }
        );
        assert_eq!(
            ctx("cluster c {\n  logging = [api, |]\n}"),
            Context::Value {
                kind: "cluster".into(),
                path: vec!["logging".into()]
            }
        );
        assert_eq!(ctx("cluster c {\n  version = \"1.|"), Context::Nothing);
    }
}
