//! The VS Code extension's generated parts stay true to the stdlib: the
//! kind names and enum members the grammar scopes, and a snippet per kind.
//! `CAIRN_BLESS=1 cargo test -p cairn-tests --test editors` rewrites them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cairn_tests::repo_root;
use serde_json::{json, Value};

fn stdlib() -> &'static cairn::schema::Stdlib {
    cairn::schema::Stdlib::get().unwrap()
}

fn bless() -> bool {
    std::env::var("CAIRN_BLESS").is_ok_and(|v| v == "1")
}

/// Compares a committed JSON file with what it should be, or rewrites it.
fn check(rel: &str, want: &Value) {
    let path = repo_root().join(rel);
    let want = serde_json::to_string_pretty(want).unwrap() + "\n";
    if bless() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{rel} has drifted from the stdlib: run `CAIRN_BLESS=1 cargo test -p cairn-tests --test editors`"
    );
}

#[test]
fn the_grammar_knows_every_kind_and_enum_member() {
    let rel = "editors/vscode/syntaxes/cairn.tmLanguage.json";
    let mut grammar: Value =
        serde_json::from_str(&std::fs::read_to_string(repo_root().join(rel)).unwrap()).unwrap();
    let kinds: Vec<&str> = stdlib().kinds.keys().collect();
    let mut members: Vec<&str> = stdlib()
        .enums
        .values()
        .flat_map(|e| e.members.iter().map(|m| m.0.as_str()))
        .collect();
    members.sort_unstable();
    members.dedup();
    let decls = grammar["repository"]["declarations"]["patterns"]
        .as_array_mut()
        .unwrap();
    let kind_rule = decls
        .iter_mut()
        .find(|p| p["captures"]["1"]["name"] == "support.type.kind.cairn")
        .unwrap();
    kind_rule["match"] = json!(format!("^\\s*({})\\s+([a-z_][a-z0-9_]*)", kinds.join("|")));
    grammar["repository"]["enum-members"]["match"] =
        json!(format!("\\b({})\\b", members.join("|")));
    check(rel, &grammar);
    assert!(kinds.contains(&"nodegroup") && members.contains(&"on_demand"));
}

#[test]
fn every_kind_has_a_snippet() {
    let mut snippets = serde_json::Map::new();
    for (name, k) in stdlib().kinds.iter() {
        let body: Vec<String> = cairn::lsp::snippets::declaration(k)
            .lines()
            .map(String::from)
            .collect();
        let description = k
            .doc
            .as_deref()
            .and_then(|d| d.split(". ").next())
            .unwrap_or(name)
            .trim_end_matches('.')
            .replace('\n', " ");
        snippets.insert(
            name.to_string(),
            json!({ "prefix": name, "body": body, "description": description }),
        );
    }
    check(
        "editors/vscode/snippets/cairn.json",
        &Value::Object(snippets),
    );
}
