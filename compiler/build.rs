//! Embeds the standard library (`../stdlib`) in the binary, and its
//! templates compiled (see `build/ready.rs`).
//!
//! A build script rather than a directory-embedding macro because it also
//! tells cargo to rebuild when any stdlib file changes, so editing a kind or
//! a template is picked up by the next `cargo test` without a clean.

#[path = "build/ready.rs"]
mod ready;
#[path = "build/tables.rs"]
mod tables;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    // A position-dependent executable: a PIE spends ~0.5 ms at every start
    // applying ~46,000 relocations (most of them the AWS SDK's), a sixth of
    // a whole `cairn check`.
    println!("cargo:rustc-link-arg-bins=-no-pie");
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
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()));
    write(&out_dir.join("stdlib_files.rs"), &out);
    let templates: Vec<(String, String)> = files
        .iter()
        .filter(|(rel, _)| rel.ends_with(".hbs"))
        .map(|(rel, abs)| {
            (
                rel.clone(),
                std::fs::read_to_string(abs).unwrap_or_default(),
            )
        })
        .collect();
    let mut data: Vec<(String, String)> = files
        .iter()
        .filter_map(|(rel, abs)| {
            let stem = rel.strip_prefix("data/")?.strip_suffix(".json")?;
            Some((
                stem.to_string(),
                std::fs::read_to_string(abs).unwrap_or_default(),
            ))
        })
        .collect();
    data.sort();
    // A template that does not compile, or a table that is not JSON, is the
    // contributor's to fix now, with the parser's own message, not a user's
    // to find.
    for (file, code) in [
        ("templates.rs", ready::generate(&templates)),
        ("tables.rs", tables::generate(&data)),
    ] {
        match code {
            Ok(code) => write(&out_dir.join(file), &code),
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        }
    }
}

fn write(dest: &Path, text: &str) {
    if let Err(e) = std::fs::write(dest, text) {
        println!("cargo:warning=cannot write {}: {e}", dest.display());
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        // `data/gen/` holds the generators of the tables and their
        // sources, read by tests from disk, not by cairn.
        if path.is_dir() && path.ends_with("data/gen") {
            continue;
        }
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
