//! Snippets from the stdlib's schemas: a declaration of a kind with its
//! required fields as tab stops, and a field with a placeholder of its
//! type. Shared by completion and the VS Code extension's snippet file.

use crate::schema::{FieldSchema, KindSchema, Type};

/// The value placeholder for tab stop `n` of a field of type `t`.
pub fn value(t: &Type, n: usize) -> String {
    match t {
        Type::String | Type::Cidr | Type::Region => format!("\"${{{n}}}\""),
        Type::List(_) => format!("[${{{n}}}]"),
        Type::Map(_) | Type::Object(_) => format!("{{ ${{{n}}} }}"),
        Type::Secret => format!("ssm(\"${{{n}}}\")"),
        _ => format!("${{{n}}}"),
    }
}

/// `name = <placeholder>`: a field inside a body.
pub fn field(f: &FieldSchema) -> String {
    format!("{} = {}", f.name, value(&f.ty, 1))
}

/// `kind ${1:name} {` with every required field, aligned as `cairn fmt`
/// would align them.
pub fn declaration(k: &KindSchema) -> String {
    let required: Vec<&FieldSchema> = k.fields.iter().filter(|f| f.required()).collect();
    let width = required.iter().map(|f| f.name.len()).max().unwrap_or(0);
    let mut s = format!("{} ${{1:name}} {{\n", k.name);
    for (i, f) in required.iter().enumerate() {
        s.push_str(&format!("  {:<width$} = {}\n", f.name, value(&f.ty, i + 2)));
    }
    if required.is_empty() {
        s.push_str("  $0\n");
    }
    s.push('}');
    s
}
