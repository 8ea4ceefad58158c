//! Same input, same bytes: the order of declarations never changes the
//! output, whether they are reordered within a file or moved between the
//! files of a directory program, and two builds of one program are
//! identical.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cairn::source::{FileId, Sources};
use cairn::{compile, Input};
use cairn_tests::{buildable_programs, compile_path, directives, program_files, Rng};

/// A file's top-level declarations, each with its leading comments.
fn chunks(text: &str) -> Vec<String> {
    let (prog, _) = cairn::syntax::parse(text, FileId(0));
    let mut chunks = vec![];
    let mut prev = 0usize;
    for item in &prog.items {
        let end = item.span.end as usize;
        chunks.push(text[prev..end].trim_matches('\n').to_string());
        prev = end;
    }
    chunks
}

/// Top-level declarations in reverse order.
fn reversed(text: &str) -> String {
    let mut c = chunks(text);
    c.reverse();
    c.join("\n\n") + "\n"
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

/// Every declaration of a program shuffled and dealt into one to four
/// files, several times per program: the output is byte for byte the same.
#[test]
fn declarations_permuted_within_and_across_files_build_the_same_bytes() {
    let mut rng = Rng(0x5eed_cafe);
    let mut tried = 0;
    for (name, path) in buildable_programs() {
        let original = compile_path(&path);
        let mut all = vec![];
        let mut params = Default::default();
        // Module paths are relative to the file, so parts stay beside it.
        let dir = cairn_tests::relative(program_files(&path)[0].parent().unwrap());
        for f in program_files(&path) {
            let text = std::fs::read_to_string(&f).unwrap();
            params = directives(&text);
            all.extend(chunks(&text));
        }
        let stem = path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace(['_', '.'], "-");
        for round in 0..4 {
            rng.shuffle(&mut all);
            let n_files = 1 + rng.below(4);
            let mut texts = vec![String::new(); n_files];
            for chunk in &all {
                let t = &mut texts[rng.below(n_files)];
                t.push_str(chunk);
                t.push_str("\n\n");
            }
            let mut sources = Sources::new();
            let files = texts
                .iter()
                .enumerate()
                .map(|(i, t)| sources.add(format!("{dir}/part{i}.cairn"), t.clone()))
                .collect();
            let shuffled = compile(Input {
                param_exprs: Default::default(),
                loader: Some(cairn_tests::disk_loader()),
                sources,
                files,
                params: params.clone(),
                default_name: stem.clone(),
            });
            assert!(
                original.output == shuffled.output,
                "{name}, permutation {round} into {n_files} files changed the output:\n{}",
                cairn_tests::rendered_diagnostics(&shuffled)
            );
            tried += 1;
        }
    }
    assert!(tried > 40, "{tried}");
}
