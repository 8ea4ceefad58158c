//! Embeds the standard library (`../stdlib`) in the binary.
//!
//! A build script rather than a directory-embedding macro because it also
//! tells cargo to rebuild when any stdlib file changes, so editing a kind or
//! a template is picked up by the next `cargo test` without a clean.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../stdlib");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = vec![];
    collect(&root, &root, &mut files);
    files.sort();
    let mut out = String::from("/// Every stdlib file: path relative to `stdlib/`, and its text.\npub static FILES: &[(&str, &str)] = &[\n");
    for (rel, abs) in &files {
        println!("cargo:rerun-if-changed={}", abs.display());
        let _ = writeln!(
            out,
            "    ({rel:?}, include_str!({:?})),",
            abs.display().to_string()
        );
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()))
        .join("stdlib_files.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        println!("cargo:warning=cannot write {}: {e}", dest.display());
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(root, &path, out);
            continue;
        }
        let embed = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("cairn" | "hbs" | "json")
        );
        if let (true, Ok(rel)) = (embed, path.strip_prefix(root)) {
            out.push((rel.to_string_lossy().replace('\\', "/"), path.clone()));
        }
    }
}
