//! Reading a program from disk into sources.

use cairn::diagnostics::{codes, Diagnostic};
use cairn::source::{Sources, Span};
use std::path::Path;

pub struct Loaded {
    pub input: cairn::Input,
    /// Problems reading the files themselves (not UTF-8).
    pub diagnostics: Vec<Diagnostic>,
}

/// A file, or every `.cairn` file directly in a directory, sorted by name.
pub fn load(path: &Path, params: &[(String, String)]) -> Result<Loaded, String> {
    let mut paths = vec![];
    if path.is_dir() {
        let entries = std::fs::read_dir(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        for e in entries.flatten() {
            let p = e.path();
            if p.is_file() && p.extension().is_some_and(|x| x == "cairn") {
                paths.push(p);
            }
        }
        paths.sort();
        if paths.is_empty() {
            return Err(format!("`{}` holds no `.cairn` file", path.display()));
        }
    } else {
        paths.push(path.to_path_buf());
    }
    let mut sources = Sources::new();
    let mut files = vec![];
    let mut diagnostics = vec![];
    for p in &paths {
        let bytes = std::fs::read(p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))?;
        let name = p.display().to_string();
        match String::from_utf8(bytes) {
            Ok(text) => files.push(sources.add(name, text)),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let id = sources.add(name, text);
                diagnostics.push(
                    Diagnostic::error(codes::INVALID_SOURCE, "the file is not valid UTF-8")
                        .label(Span::new(id, at, at + 1), "this byte is not UTF-8")
                        .help("save the file as UTF-8"),
                );
            }
        }
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "cairn".into());
    let default_name: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let input = cairn::Input {
        sources,
        files,
        params: params.iter().cloned().collect(),
        default_name,
    };
    Ok(Loaded { input, diagnostics })
}
