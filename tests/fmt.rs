//! `cairn fmt`: every program in the repository is formatted; formatting is
//! idempotent, keeps every comment and never changes meaning, also from
//! copies whose layout was deliberately wrecked. `cases/fmt/` holds
//! unformatted inputs, snapshotted beside their formatted output.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cairn::source::FileId;
use cairn::syntax::fmt::format;
use cairn_tests::{compile_text, relative, repo_root};
use std::path::{Path, PathBuf};

fn cairn_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            cairn_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "cairn") {
            out.push(p);
        }
    }
}

/// Every `.cairn` file of the repository that parses, but the deliberately
/// unformatted inputs of `cases/fmt/`.
fn repository_files() -> Vec<(PathBuf, String)> {
    let root = repo_root();
    let mut files = vec![];
    for dir in ["examples", "tests/cases", "stdlib"] {
        cairn_files(&root.join(dir), &mut files);
    }
    files
        .into_iter()
        .filter(|p| !relative(p).starts_with("tests/cases/fmt/"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .filter(|(_, t)| cairn::syntax::parse(t, FileId(0)).1.is_empty())
        .collect()
}

/// The syntax tree without positions, and the comments' texts: what a
/// layout change must leave alone.
fn meaning(text: &str) -> (String, Vec<String>) {
    let (program, diags) = cairn::syntax::parse(text, FileId(0));
    assert!(diags.is_empty(), "formatted text must parse:\n{text}");
    let comments = program
        .comments
        .iter()
        .map(|c| c.text.trim_end().to_string())
        .collect();
    let mut items = program.clone();
    items.comments.clear();
    (without_spans(&format!("{:?}", items.items)), comments)
}

fn without_spans(debug: &str) -> String {
    let mut out = String::new();
    let mut rest = debug;
    while let Some(i) = rest.find("Span { ") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let close = tail.find(" }").unwrap();
        rest = &tail[close + 2..];
    }
    out.push_str(rest);
    out
}

/// The same program with its layout wrecked: indentation removed, spaces
/// around `=` dropped, blank lines tripled. Whitespace means nothing to the
/// language, so this changes no meaning.
fn wreck(text: &str) -> String {
    text.lines()
        .map(|l| {
            let l = l.trim_start();
            // Leave comments and strings alone; `=` elsewhere is a field's.
            let (code, comment) = match l.find("//") {
                Some(i) => l.split_at(i),
                None => (l, ""),
            };
            if l.starts_with("/*") || l.starts_with('*') || code.contains('"') {
                l.to_string()
            } else {
                // `map<string> = {}` must not become `>=`.
                let mut out = String::new();
                for (i, part) in code.split(" = ").enumerate() {
                    if i > 0 {
                        let glued = !out.ends_with(['>', '<', '!', '=']);
                        out.push_str(if glued { "=" } else { " = " });
                    }
                    out.push_str(part);
                }
                format!("{out}{comment}")
            }
        })
        .map(|l| if l.is_empty() { "\n\n".to_string() } else { l })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_program_in_the_repository_is_formatted() {
    let mut stale = vec![];
    for (path, text) in repository_files() {
        let formatted = format(&text, FileId(0)).unwrap();
        if formatted != text {
            stale.push(relative(&path));
        }
    }
    assert!(
        stale.is_empty(),
        "not formatted (run `cargo run -q -p cairn -- fmt examples tests/cases stdlib`): {stale:?}"
    );
}

#[test]
fn formatting_is_idempotent_and_keeps_meaning_and_comments() {
    for (path, text) in repository_files() {
        let name = relative(&path);
        for input in [text.clone(), wreck(&text)] {
            let once = format(&input, FileId(0))
                .unwrap_or_else(|d| panic!("{name}: {} syntax errors in\n{input}", d.len()));
            let twice = format(&once, FileId(0)).unwrap();
            assert_eq!(once, twice, "{name}: not idempotent");
            assert!(
                meaning(&once) == meaning(&text),
                "{name}: meaning changed:\n{once}"
            );
        }
    }
}

/// What a file's program builds to; None for files that are not programs
/// alone (modules, stdlib schemas) or that do not compile.
fn build(name: &str, text: &str) -> Option<std::collections::BTreeMap<String, String>> {
    let c = compile_text(name, text);
    if c.has_errors() {
        return None;
    }
    c.output.map(|o| o.files)
}

#[test]
fn formatting_never_changes_what_a_case_builds() {
    let root = repo_root();
    let mut cases = vec![];
    cairn_files(&root.join("tests/cases/ok"), &mut cases);
    cairn_files(&root.join("tests/cases/fmt"), &mut cases);
    let mut built = 0;
    for path in cases {
        let name = relative(&path);
        let text = std::fs::read_to_string(&path).unwrap();
        let Some(before) = build(&name, &text) else {
            continue;
        };
        let after = build(&name, &format(&wreck(&text), FileId(0)).unwrap());
        assert_eq!(Some(before), after, "{name}: the build changed");
        built += 1;
    }
    assert!(built >= 10, "only {built} cases built");
}

#[test]
fn unformatted_inputs_and_their_layout() {
    insta::glob!("cases/fmt/*.cairn", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let formatted = format(&text, FileId(0)).unwrap();
        assert_eq!(format(&formatted, FileId(0)).unwrap(), formatted);
        assert_eq!(meaning(&formatted), meaning(&text));
        insta::assert_snapshot!(format!(
            "==== source: {} ====\n{text}==== formatted ====\n{formatted}",
            relative(path)
        ));
    });
}

#[test]
fn a_file_that_does_not_parse_is_refused_with_its_diagnostics() {
    let err = format("network main {\n  zones = \n", FileId(0)).unwrap_err();
    assert!(!err.is_empty());
}
