//! `cairn check` and `cairn build`.

use super::input;
use super::Common;
use cairn::diagnostics::{render_all, Diagnostic};
use std::collections::BTreeMap;
use std::path::Path;

/// Compiles, prints diagnostics; the compilation when there are no errors.
/// Compiles and prints the diagnostics; a machine report goes to stdout.
pub fn compile(common: &Common) -> Result<cairn::Compilation, i32> {
    compile_reporting(common, false, Stage::Build)
}

/// As [`compile`], for commands whose stdout is a report of their own (a
/// plan): a machine-readable diagnostics report goes to stderr instead, so
/// stdout stays one document.
pub fn compile_beside_report(common: &Common) -> Result<cairn::Compilation, i32> {
    compile_reporting(common, true, Stage::Build)
}

/// How far a command takes the program.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    /// Parse, resolve and type-check: `cairn check`, as the CLI reference
    /// defines it. No template is touched, so it answers in the time the
    /// process takes to start; what only the templates can tell (the
    /// quotas of the stacks they fill) is reported by `build` and `plan`.
    Check,
    Build,
}

fn compile_reporting(
    common: &Common,
    to_stderr: bool,
    stage: Stage,
) -> Result<cairn::Compilation, i32> {
    let loaded = match input::load(
        &common.program,
        &common.params,
        common.params_file.as_deref(),
    ) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(1);
        }
    };
    let read_errors: Vec<Diagnostic> = loaded.diagnostics;
    let mut c = match stage {
        Stage::Check => cairn::check_only(loaded.input),
        Stage::Build => cairn::compile(loaded.input),
    };
    if !read_errors.is_empty() {
        // A file that is not UTF-8 was not parsed; report that alone.
        c.diagnostics = read_errors;
        c.output = None;
    }
    let shown: Vec<Diagnostic> = if common.quiet {
        c.diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect()
    } else {
        c.diagnostics.clone()
    };
    match common.format {
        // Machine formats go to stdout, complete even when empty, so a
        // pipeline can always parse what it gets.
        super::Format::Json => {
            let report = cairn::diagnostics::machine::to_json(&shown, &c.sources);
            let text = cairn::emit::pretty(&report);
            if to_stderr {
                eprint!("{text}");
            } else {
                print!("{text}");
            }
        }
        super::Format::Github => print!(
            "{}",
            cairn::diagnostics::machine::to_github(&shown, &c.sources)
        ),
        super::Format::Text
        | super::Format::Markdown
        | super::Format::Dot
        | super::Format::Mermaid
            if !shown.is_empty() =>
        {
            eprint!(
                "{}",
                render_all(&shown, &c.sources, common.render_options())
            )
        }
        super::Format::Text
        | super::Format::Markdown
        | super::Format::Dot
        | super::Format::Mermaid => {}
    }
    if c.has_errors() || (stage == Stage::Build && c.output.is_none()) {
        return Err(1);
    }
    Ok(c)
}

pub fn check(common: &Common) -> i32 {
    match compile_reporting(common, false, Stage::Check) {
        Ok(c) => {
            exiting(c);
            0
        }
        Err(code) => code,
    }
}

/// The process ends with this command: freeing a large program's trees, IR
/// and templates one allocation at a time costs time for memory the OS
/// takes back at once anyway.
fn exiting<T>(done: T) {
    std::mem::forget(done);
}

pub fn build(common: &Common, out: &Path, check_only: bool) -> i32 {
    let c = match compile(common) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let Some(output) = &c.output else { return 1 };
    let code = if check_only {
        compare(&output.files, out)
    } else {
        match write(&output.files, out) {
            Ok(()) => {
                if !common.quiet {
                    eprintln!("wrote {} files to {}", output.files.len(), out.display());
                }
                0
            }
            Err(e) => {
                eprintln!("error: {e}");
                1
            }
        }
    };
    exiting(c);
    code
}

/// Paths a previous build recorded, so files it wrote and this one does not
/// are removed instead of lingering.
pub fn previous_files(out: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(out.join("cairn.build.json")) else {
        return vec![];
    };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
        return vec![];
    };
    let mut files = vec!["cairn.build.json".to_string()];
    for s in v
        .get("stacks")
        .and_then(|s| s.as_array())
        .into_iter()
        .flatten()
    {
        if let Some(t) = s.get("template").and_then(|t| t.as_str()) {
            files.push(t.to_string());
        }
    }
    for m in v
        .get("manifests")
        .and_then(|s| s.as_array())
        .into_iter()
        .flatten()
    {
        if let Some(t) = m.as_str() {
            files.push(t.to_string());
        }
    }
    files
}

/// Each file goes to a temporary sibling first and is renamed into place,
/// so a reader never sees half a template. A file whose bytes are already
/// there is left alone: reading it costs less than replacing it, and its
/// modification time keeps telling `make` and friends that nothing changed.
fn write(files: &BTreeMap<String, String>, out: &Path) -> Result<(), String> {
    let stale: Vec<String> = previous_files(out)
        .into_iter()
        .filter(|f| !files.contains_key(f))
        .collect();
    for (rel, text) in files {
        let dest = out.join(rel);
        if std::fs::read(&dest).is_ok_and(|have| have == text.as_bytes()) {
            continue;
        }
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
        }
        let tmp = dest.with_extension("cairn-tmp");
        std::fs::write(&tmp, text).map_err(|e| format!("cannot write `{}`: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &dest)
            .map_err(|e| format!("cannot write `{}`: {e}", dest.display()))?;
    }
    for rel in stale {
        if !rel.contains("..") {
            let _ = std::fs::remove_file(out.join(rel));
        }
    }
    Ok(())
}

fn compare(files: &BTreeMap<String, String>, out: &Path) -> i32 {
    let mut stale = false;
    for (rel, want) in files {
        let have = std::fs::read_to_string(out.join(rel)).unwrap_or_default();
        if &have != want {
            stale = true;
            let diff = similar::TextDiff::from_lines(have.as_str(), want.as_str());
            print!(
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{rel}"), &format!("b/{rel}"))
            );
        }
    }
    for rel in previous_files(out) {
        if !files.contains_key(&rel) {
            stale = true;
            println!("--- a/{rel}\n+++ /dev/null\n(no longer built)");
        }
    }
    if stale {
        eprintln!(
            "error: `{}` is not what a fresh build writes; run `cairn build` and commit the result",
            out.display()
        );
        1
    } else {
        0
    }
}

pub fn graph(common: &Common, format: super::GraphFormat, resources: bool, stacks: bool) -> i32 {
    use cairn::graph::render::{self, Group, Picture};
    let c = match compile(common) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let Some(out) = &c.output else { return 1 };
    let mut picture = if resources {
        let mut p = Picture::default();
        for (path, text) in &out.files {
            if path.ends_with(".template.json") {
                if let Ok(t) = serde_json::from_str::<serde_json::Value>(text) {
                    let q = render::resources(&t);
                    if stacks {
                        p.groups.push(stack_group(&out.stacks, path, &q));
                    }
                    p.nodes.extend(q.nodes);
                    p.edges.extend(q.edges);
                }
            }
        }
        p
    } else {
        c.picture.clone()
    };
    if stacks && !resources {
        // Stacks list declarations by their flattened names (`blue_main`);
        // the picture's nodes are the scoped ones (`blue.main`).
        let nodes: Vec<&String> = picture.nodes.keys().collect();
        picture.groups = out
            .stacks
            .iter()
            .map(|s| Group {
                label: stack_label(s),
                members: nodes
                    .iter()
                    .filter(|n| s.declarations.contains(&cairn::names::flat(n)))
                    .map(|n| (*n).clone())
                    .collect(),
            })
            .collect();
    }
    match format {
        super::GraphFormat::Dot => print!("{}", render::dot(&picture)),
        super::GraphFormat::Mermaid => print!("{}", render::mermaid(&picture)),
    }
    0
}

/// `stack fleet-auth-main (156 resources, imports from fleet)`.
fn stack_label(s: &cairn::emit::StackInfo) -> String {
    let imports = if s.imports_from.is_empty() {
        String::new()
    } else {
        format!("; imports from {}", s.imports_from.join(", "))
    };
    format!("stack {} ({} resources{imports})", s.name, s.resources)
}

/// The box around one template's resources.
fn stack_group(
    stacks: &[cairn::emit::StackInfo],
    path: &str,
    resources: &cairn::graph::render::Picture,
) -> cairn::graph::render::Group {
    let name = path.trim_end_matches(".template.json");
    let label = stacks
        .iter()
        .find(|s| s.name == name)
        .map_or_else(|| format!("stack {name}"), stack_label);
    cairn::graph::render::Group {
        label,
        members: resources.nodes.keys().cloned().collect(),
    }
}
