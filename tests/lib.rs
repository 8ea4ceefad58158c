//! Shared by the test binaries: how a case file or an example is compiled,
//! and how its snapshot is laid out (source, diagnostics and output
//! together, without colour, at width 80, with paths relative to the
//! repository).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cairn::diagnostics::{render_all, RenderOptions};
use cairn::source::Sources;
use cairn::{compile, Compilation, Input};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The path relative to the repository, with forward slashes.
pub fn relative(path: &Path) -> String {
    let root = repo_root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// `// cairn: --param name=value` lines at the top of a case set params.
pub fn directives(text: &str) -> BTreeMap<String, String> {
    let mut params = BTreeMap::new();
    for line in text.lines().take_while(|l| l.starts_with("//")) {
        if let Some(rest) = line.strip_prefix("// cairn: --param ") {
            if let Some((k, v)) = rest.split_once('=') {
                params.insert(k.trim().to_string(), v.trim().to_string());
            }
        }
    }
    params
}

/// The `.cairn` files of a program: the file itself, or a directory's.
pub fn program_files(path: &Path) -> Vec<PathBuf> {
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "cairn"))
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    }
}

/// Module files are read from disk, relative to the repository root (the
/// names cases are compiled under).
pub fn disk_loader() -> cairn::resolve::modules::Loader {
    std::sync::Arc::new(|p: &str| {
        std::fs::read_to_string(repo_root().join(p)).map_err(|e| e.to_string())
    })
}

pub fn compile_path(path: &Path) -> Compilation {
    compile(input_of(path))
}

/// As [`compile_path`], stopping after the type check, as `cairn check` does.
pub fn check_path(path: &Path) -> Compilation {
    cairn::check_only(input_of(path))
}

fn input_of(path: &Path) -> Input {
    let mut sources = Sources::new();
    let mut files = vec![];
    let mut params = BTreeMap::new();
    for f in program_files(path) {
        let text = std::fs::read_to_string(&f).unwrap();
        params.extend(directives(&text));
        files.push(sources.add(relative(&f), text));
    }
    let stem = path
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .replace(['_', '.'], "-");
    Input {
        param_exprs: Default::default(),
        loader: Some(disk_loader()),
        sources,
        files,
        params,
        default_name: stem,
    }
}

pub fn compile_text(name: &str, text: &str) -> Compilation {
    let mut sources = Sources::new();
    let files = vec![sources.add(name, text)];
    compile(Input {
        param_exprs: Default::default(),
        loader: Some(disk_loader()),
        sources,
        files,
        params: directives(text),
        default_name: "case".into(),
    })
}

pub fn rendered_diagnostics(c: &Compilation) -> String {
    render_all(
        &c.diagnostics,
        &c.sources,
        RenderOptions {
            color: false,
            width: 80,
        },
    )
}

/// Source, diagnostics and every output file, in one reviewable text.
pub fn snapshot(c: &Compilation, files: &[PathBuf]) -> String {
    let mut s = String::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        s.push_str(&format!("==== source: {} ====\n{text}", relative(f)));
        if !text.ends_with('\n') {
            s.push('\n');
        }
    }
    s.push_str("==== diagnostics ====\n");
    s.push_str(&rendered_diagnostics(c));
    if let Some(out) = &c.output {
        let split = out.stacks.len() > 1;
        for (path, text) in &out.files {
            let shown = if split && path.ends_with(".template.json") {
                wiring(text)
            } else {
                text.clone()
            };
            s.push_str(&format!("==== output: {path} ====\n{shown}"));
        }
    }
    s
}

/// A template of a split program as its wiring: each resource's ID and
/// type, the outputs and exports in full, and the imports. Hundreds of
/// resource bodies like those the one-stack snapshots already show would
/// bury what such a snapshot is for.
fn wiring(text: &str) -> String {
    let t: serde_json::Value = serde_json::from_str(text).unwrap();
    let mut s = String::from("Resources:\n");
    for (id, r) in t["Resources"].as_object().unwrap() {
        s.push_str(&format!("  {id} ({})\n", r["Type"].as_str().unwrap_or("?")));
    }
    let mut imports = std::collections::BTreeSet::new();
    imported(&t["Resources"], &mut imports);
    imported(&t["Outputs"], &mut imports);
    s.push_str("Imports:\n");
    for i in imports {
        s.push_str(&format!("  {i}\n"));
    }
    s.push_str("Outputs: ");
    s.push_str(&serde_json::to_string_pretty(&t["Outputs"]).unwrap());
    s.push('\n');
    s
}

fn imported(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x.as_str()) {
                    ("Fn::ImportValue", Some(name)) => {
                        out.insert(name.to_string());
                    }
                    _ => imported(x, out),
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| imported(x, out)),
        _ => {}
    }
}

/// Writes a compilation's output under `dir` (for the outside oracles).
pub fn write_output(c: &Compilation, dir: &Path) {
    let out = c.output.as_ref().expect("compiled without errors");
    for (rel, text) in &out.files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// Every program the suite must build: ok cases and examples, by name.
pub fn buildable_programs() -> Vec<(String, PathBuf)> {
    let root = repo_root();
    let mut out = vec![];
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root.join("tests/cases/ok"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    cases.sort();
    for p in cases {
        if p.extension().is_some_and(|x| x == "cairn") {
            out.push((
                format!("case-{}", p.file_stem().unwrap().to_string_lossy()),
                p,
            ));
        }
    }
    out.extend(examples());
    out
}

pub fn examples() -> Vec<(String, PathBuf)> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo_root().join("examples"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .filter(|d| d.is_dir() && !program_files(d).is_empty())
        .map(|d| {
            (
                format!("example-{}", d.file_name().unwrap().to_string_lossy()),
                d,
            )
        })
        .collect()
}

/// An outside tool from the repository's venv (or PATH). Under CI a missing
/// tool fails the test instead of skipping it.
pub fn oracle(name: &str) -> Option<PathBuf> {
    let venv = repo_root().join(".venv/bin").join(name);
    if venv.exists() {
        return Some(venv);
    }
    let on_path = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(name))
                .find(|c| c.exists())
        })
        .unwrap_or(None);
    if on_path.is_none() && std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "`{name}` is missing under CI: tests/run installs it with tests/tools/setup-venv.sh"
        );
    }
    on_path
}

/// A fixed-seed generator (xorshift), so that "random" tests repeat.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// Fisher-Yates.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}
