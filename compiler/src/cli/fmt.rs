//! `cairn fmt [--check] PATH...`: files as given, directories searched
//! for `.cairn` files (hidden folders, `target` and `node_modules` skipped).

use cairn::diagnostics::{render_all, RenderOptions};
use cairn::source::Sources;
use std::path::{Path, PathBuf};

pub fn run(paths: &[PathBuf], check: bool, render: RenderOptions) -> i32 {
    let mut files = vec![];
    for p in paths {
        if p.is_dir() {
            collect(p, &mut files);
        } else {
            files.push(p.clone());
        }
    }
    let mut failed = false;
    for f in &files {
        match one(f, check, render) {
            Ok(changed) => failed |= check && changed,
            Err(()) => failed = true,
        }
    }
    i32::from(failed)
}

/// Formats one file; Ok(whether it was, or would be, changed).
fn one(path: &Path, check: bool, render: RenderOptions) -> Result<bool, ()> {
    let name = path.display().to_string();
    let text = match std::fs::read(path).map(String::from_utf8) {
        Ok(Ok(t)) => t,
        Ok(Err(_)) => {
            eprintln!("error: `{name}` is not UTF-8; not formatted");
            return Err(());
        }
        Err(e) => {
            eprintln!("error: cannot read `{name}`: {e}");
            return Err(());
        }
    };
    let mut sources = Sources::new();
    let file = sources.add(name.clone(), text.clone());
    let formatted = match cairn::syntax::fmt::format(&text, file) {
        Ok(f) => f,
        Err(diags) => {
            eprint!("{}", render_all(&diags, &sources, render));
            eprintln!("error: `{name}` does not parse; not formatted");
            return Err(());
        }
    };
    if formatted == text {
        return Ok(false);
    }
    if check {
        let diff = similar::TextDiff::from_lines(text.as_str(), formatted.as_str());
        print!(
            "{}",
            diff.unified_diff()
                .context_radius(2)
                .header(&name, &format!("{name} (formatted)"))
        );
        return Ok(true);
    }
    let tmp = path.with_extension("cairn-fmt-tmp");
    let written = std::fs::write(&tmp, &formatted).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        eprintln!("error: cannot write `{name}`: {e}");
        return Err(());
    }
    println!("{name}");
    Ok(true)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                collect(&p, out);
            }
        } else if name.ends_with(".cairn") {
            out.push(p);
        }
    }
}
