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
pub fn load(
    path: &Path,
    params: &[(String, String)],
    params_file: Option<&Path>,
) -> Result<Loaded, String> {
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
    if path.is_dir() {
        // The same rule as the editor's (`layout`): a folder where several
        // files have a `project` block holds independent programs.
        let texts: Vec<(std::path::PathBuf, String)> = files
            .iter()
            .map(|f| {
                (
                    std::path::PathBuf::from(sources.name(*f)),
                    sources.text(*f).to_string(),
                )
            })
            .collect();
        let roots = cairn::layout::projects(&texts);
        if roots.len() > 1 {
            let names: Vec<String> = roots.iter().map(|p| p.display().to_string()).collect();
            return Err(format!(
                "`{}` holds {} independent programs ({} each have a `project` block); name one file, e.g. `{}`",
                path.display(),
                roots.len(),
                names.join(", "),
                names.first().cloned().unwrap_or_default()
            ));
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
    let param_exprs = match params_file {
        Some(f) => read_params_file(f)?,
        None => Default::default(),
    };
    // Modules are read relative to the working directory, as the program's
    // own file names are.
    let loader: cairn::resolve::modules::Loader =
        std::sync::Arc::new(|p: &str| std::fs::read_to_string(p).map_err(|e| e.to_string()));
    let input = cairn::Input {
        loader: Some(loader),
        sources,
        files,
        params: params.iter().cloned().collect(),
        param_exprs,
        default_name,
    };
    Ok(Loaded { input, diagnostics })
}

/// A params file: a JSON object, or a `.cairn` file of `name = value` lines.
/// Each value becomes Cairn expression text, labelled with the file and key
/// so a wrong value is reported there.
fn read_params_file(
    path: &Path,
) -> Result<std::collections::BTreeMap<String, (String, String)>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let shown = path.display().to_string();
    let mut out = std::collections::BTreeMap::new();
    if path.extension().is_some_and(|e| e == "json") {
        let v: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("`{shown}` is not valid JSON: {e}"))?;
        let obj = v
            .as_object()
            .ok_or_else(|| format!("`{shown}` must hold one JSON object of parameter values"))?;
        for (k, v) in obj {
            out.insert(k.clone(), (format!("{shown}: {k}"), json_to_cairn(v)));
        }
        return Ok(out);
    }
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        let (k, v) = line
            .split_once('=')
            .ok_or_else(|| format!("{shown}:{}: expected `name = value`, found `{line}`", n + 1))?;
        out.insert(
            k.trim().to_string(),
            (
                format!("{shown}:{}: {}", n + 1, k.trim()),
                v.trim().to_string(),
            ),
        );
    }
    Ok(out)
}

fn json_to_cairn(v: &serde_json::Value) -> String {
    use serde_json::Value as J;
    match v {
        J::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, x)| {
                    format!(
                        "{} = {}",
                        serde_json::to_string(k).unwrap_or_default(),
                        json_to_cairn(x)
                    )
                })
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
        J::Array(a) => format!(
            "[{}]",
            a.iter().map(json_to_cairn).collect::<Vec<_>>().join(", ")
        ),
        J::String(s)
            if s.chars().next().is_some_and(|c| c.is_ascii_digit()) && !s.contains(' ') =>
        {
            // Quantities such as "50Gi" are written as strings in JSON.
            if s.parse::<f64>().is_ok() {
                serde_json::to_string(s).unwrap_or_default()
            } else {
                s.clone()
            }
        }
        other => other.to_string(),
    }
}
