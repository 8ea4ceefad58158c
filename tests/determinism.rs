//! Same input, same bytes: the order of declarations never changes the
//! output, and two builds of one program are identical.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cairn::source::{FileId, Sources};
use cairn::{compile, Input};
use cairn_tests::{buildable_programs, compile_path, directives, program_files};

/// Top-level declarations in reverse order, each with its leading comments.
fn reversed(text: &str) -> String {
    let (prog, _) = cairn::syntax::parse(text, FileId(0));
    let mut chunks = vec![];
    let mut prev = 0usize;
    for item in &prog.items {
        let end = item.span.end as usize;
        chunks.push(text[prev..end].trim_matches('\n').to_string());
        prev = end;
    }
    chunks.reverse();
    chunks.join("\n\n") + "\n"
}

#[test]
fn declaration_order_does_not_change_output() {
    for (name, path) in buildable_programs() {
        let original = compile_path(&path);
        let mut sources = Sources::new();
        let mut files = vec![];
        let mut params = Default::default();
        for f in program_files(&path).iter().rev() {
            let text = std::fs::read_to_string(f).unwrap();
            params = directives(&text);
            files.push(sources.add(f.display().to_string(), reversed(&text)));
        }
        let stem = path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace(['_', '.'], "-");
        let shuffled = compile(Input {
            param_exprs: Default::default(),
            loader: Some(cairn_tests::disk_loader()),
            sources,
            files,
            params,
            default_name: stem,
        });
        assert!(
            !shuffled.has_errors(),
            "{name} reversed must build:\n{}",
            cairn_tests::rendered_diagnostics(&shuffled)
        );
        assert_eq!(
            original.output, shuffled.output,
            "{name}: reordering declarations changed the output"
        );
    }
}

#[test]
fn two_builds_are_byte_identical() {
    for (name, path) in buildable_programs() {
        assert_eq!(
            compile_path(&path).output,
            compile_path(&path).output,
            "{name}"
        );
    }
}
