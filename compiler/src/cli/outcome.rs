//! What an apply leaves behind: a failure traced to the program line it
//! came from, or the Kubernetes manifests completed with the stacks'
//! outputs (and, with `--kubectl`, applied to the cluster).

use cairn::deploy::apply::{self, LiveStack};
use cairn::deploy::aws::Aws;
use cairn::deploy::CloudFormation;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn report_failure(f: &apply::Failure, c: Option<&cairn::Compilation>) {
    eprintln!("error: apply failed in stack `{}`", f.stack);
    // When no event names the resource, CloudFormation's message may.
    let named = f
        .logical_id
        .clone()
        .or_else(|| c.and_then(|c| mentioned_id(c, &f.reason)));
    if let Some(id) = &named {
        let origin = c
            .and_then(|c| origin_of(c, id))
            .map(|(d, at)| format!(" (declared as `{d}` at {at})"))
            .unwrap_or_default();
        eprintln!("  resource: {id}{origin}");
    }
    eprintln!("  reason:   {}", f.reason);
    if let Some(s) = &f.status {
        eprintln!("  stack:    {s}");
    }
    eprintln!(
        "  next:     {}",
        apply::next_step(&f.stack, f.status.as_deref())
    );
}

/// The declaration a logical ID came from, and where it is written.
fn origin_of(c: &cairn::Compilation, id: &str) -> Option<(String, String)> {
    let manifest: serde_json::Value =
        serde_json::from_str(c.output.as_ref()?.files.get("cairn.build.json")?).ok()?;
    let decls = manifest
        .get("stacks")?
        .as_array()?
        .iter()
        .filter_map(|s| s.get("declarations")?.as_object())
        .flatten();
    let mut name = None;
    for (decl, ids) in decls {
        if ids.as_array().is_some_and(|a| a.iter().any(|x| x == id)) {
            name = Some(decl.clone());
            break;
        }
    }
    let name = name?;
    let d = c
        .program
        .as_ref()?
        .decls
        .iter()
        .find(|d| cairn::names::flat(&d.name) == name)?;
    let (line, col) = c.sources.line_col(d.span.file, d.span.start);
    Some((
        name,
        format!("{}:{line}:{col}", c.sources.name(d.span.file)),
    ))
}

/// The longest logical ID of the build that the message mentions.
fn mentioned_id(c: &cairn::Compilation, message: &str) -> Option<String> {
    let template_ids = c
        .output
        .as_ref()?
        .files
        .iter()
        .filter(|(p, _)| p.ends_with(".template.json"))
        .filter_map(|(_, t)| {
            let v: serde_json::Value = serde_json::from_str(t).ok()?;
            Some(
                v.get("Resources")?
                    .as_object()?
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>(),
            )
        });
    template_ids
        .flatten()
        .filter(|id| message.contains(id.as_str()))
        .max_by_key(|id| id.len())
}

/// Fills `{{outputs.X}}` in `.hbs` manifests from the stacks' outputs and
/// writes every manifest under `out/manifests`, which it returns.
pub fn complete_manifests(
    rt: &tokio::runtime::Runtime,
    cf: &Aws,
    live: &[LiveStack],
    manifests: &BTreeMap<String, String>,
    out: &Path,
    quiet: bool,
) -> Result<PathBuf, i32> {
    let mut outputs = serde_json::Map::new();
    for s in live {
        if let Ok(Some(info)) = rt.block_on(cf.describe_stack(&s.stack)) {
            for (k, v) in info.outputs {
                outputs.insert(k, serde_json::Value::String(v));
            }
        }
    }
    let ctx = serde_json::json!({ "outputs": outputs });
    let mut hb = handlebars::Handlebars::new();
    hb.register_escape_fn(handlebars::no_escape);
    // Strict: a manifest missing an output is reported, not written with a
    // blank where a file system ID belongs.
    hb.set_strict_mode(true);
    for (path, text) in manifests {
        let (dest, body) = match path.strip_suffix(".hbs") {
            Some(plain) => {
                match hb.render_template(text, &ctx) {
                    Ok(b) => (plain.to_string(), b),
                    Err(e) => {
                        eprintln!("warning: `{path}` not completed (a stack output it needs is missing): {e}");
                        continue;
                    }
                }
            }
            None => (path.clone(), text.clone()),
        };
        let p = out.join(&dest);
        if let Some(parent) = p.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        if let Err(e) = std::fs::write(&p, body) {
            eprintln!("error: cannot write `{}`: {e}", p.display());
            return Err(1);
        }
    }
    let dir = out.join("manifests");
    match (quiet, manifests.is_empty()) {
        (true, _) => {}
        (false, true) => eprintln!("applied"),
        (false, false) => eprintln!("applied; manifests completed under {}", dir.display()),
    }
    Ok(dir)
}

/// `kubectl apply -R -f DIR` with the current kubectl context.
pub fn kubectl_apply(dir: &Path) -> i32 {
    if !dir.is_dir() {
        eprintln!("no manifests to apply with kubectl");
        return 0;
    }
    let status = std::process::Command::new("kubectl")
        .arg("apply")
        .arg("-R")
        .arg("-f")
        .arg(dir)
        .status();
    match status {
        Ok(s) if s.success() => 0,
        Ok(s) => {
            eprintln!(
                "error: `kubectl apply` failed ({s}); the stacks are applied, the manifests are in {}",
                dir.display()
            );
            1
        }
        Err(e) => {
            eprintln!("error: cannot run `kubectl` ({e}); install it or apply {} yourself (`aws eks update-kubeconfig` sets its context)", dir.display());
            1
        }
    }
}
