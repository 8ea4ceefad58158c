//! No input panics the compiler. Every program the suite builds is
//! corrupted hundreds of ways (deterministically: a fixed-seed generator)
//! and compiled; a panic fails the test and prints the input.
//! `cargo fuzz` targets (the scale issue) explore further.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cairn_tests::{buildable_programs, compile_text, program_files, Rng};

const PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "\"",
    "${",
    "=",
    ",",
    ".",
    "?",
    ":",
    "!",
    "&&",
    "==",
    "\n",
    "/*",
    "//",
    "///",
    "\\",
    "-",
    "0",
    "99999999999999999999",
    "1.5",
    "50Gi",
    "2vcpu",
    "%",
    "x",
    "main",
    "retail",
    "cluster",
    "let",
    "param",
    "output",
    "project",
    "module",
    "for x in [\"a\", \"b\"] {",
    "for",
    "in",
    "if",
    "else",
    "[\"a\"]",
    "kind",
    "enum",
    "when",
    "ssm(",
    "é",
    "\t",
    "a.b.c",
    "_",
];

fn mutate(src: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = src.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(chars.len() + 1);
        match rng.below(5) {
            0 => {
                let len = rng.below(40).min(chars.len().saturating_sub(at));
                chars.drain(at..at + len);
            }
            1 | 2 => {
                let piece = PIECES[rng.below(PIECES.len())];
                for (i, c) in piece.chars().enumerate() {
                    chars.insert(at + i, c);
                }
            }
            3 => chars.truncate(at),
            _ => {
                let from = rng.below(chars.len() + 1);
                let len = rng.below(80).min(chars.len().saturating_sub(from));
                let copy: Vec<char> = chars[from..from + len].to_vec();
                for (i, c) in copy.into_iter().enumerate() {
                    chars.insert(at.min(chars.len()) + i, c);
                }
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn corrupted_programs_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut compiled = 0;
    for (name, path) in buildable_programs() {
        let src: String = program_files(&path)
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect::<Vec<_>>()
            .join("\n");
        for i in 0..400 {
            let bad = mutate(&src, &mut rng);
            let result = std::panic::catch_unwind(|| compile_text("fuzz.cairn", &bad));
            assert!(result.is_ok(), "{name} mutation {i} panicked on:\n{bad}");
            compiled += 1;
        }
    }
    assert!(compiled >= 1000);
}
