//! Emit: fragments to files: one CloudFormation template per stack, the
//! Kubernetes manifests, and a small manifest of what was written.
//!
//! Input: the fragments of every declaration and the checked program.
//! Output: file paths (relative to the output directory) and their bytes.
//! Invariant: same input, same bytes. Keys are sorted at every level,
//! logical IDs come from declared names only, and nothing depends on time,
//! paths or the order of declarations.

pub mod intrinsics;
pub mod limits;
mod placeholders;
mod split;
mod stacks;
mod tags;
mod wire;
mod yaml;

use crate::diagnostics::{codes, Diagnostic};
use crate::ir;
use crate::lower::{self, Fragment};
use crate::schema::Stdlib;
use serde_json::value::RawValue;
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;

/// What a build writes: relative path to contents, and the stacks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Output {
    pub files: BTreeMap<String, String>,
    /// In the order they deploy in.
    pub stacks: Vec<StackInfo>,
}

/// One stack of a build, for `cairn graph --stacks`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StackInfo {
    pub name: String,
    pub declarations: Vec<String>,
    pub resources: usize,
    /// Stacks whose exports it imports.
    pub imports_from: Vec<String>,
}

/// Every declaration's resources, before they are given to stacks.
struct Collected {
    /// Still as rendered: each is parsed when its stack is written.
    resources: BTreeMap<String, Box<RawValue>>,
    /// Logical ID -> the index of the fragment that made it first.
    owner: BTreeMap<String, usize>,
    by_decl: BTreeMap<String, Vec<String>>,
    manifests: BTreeMap<String, String>,
    /// Outputs that manifests' placeholders read.
    manifest_outputs: Map<String, Json>,
}

pub fn emit(
    program: &ir::Program,
    fragments: Vec<Fragment>,
    stdlib: &Stdlib,
) -> (Output, Vec<Diagnostic>) {
    // Keyed like fragments, by the flattened name.
    let spans: BTreeMap<String, crate::source::Span> = program
        .decls
        .iter()
        .map(|d| (crate::names::flat(&d.name), d.span))
        .collect();
    let values = lower::output_values(
        program.outputs.iter().map(|o| &o.value),
        &fragments,
        &program.project,
    );
    let names: Vec<String> = fragments.iter().map(|f| f.decl.clone()).collect();
    let (mut c, weights, mut diags) = collect(fragments, &names, &spans);
    let mut outputs: Vec<(String, Json)> = std::mem::take(&mut c.manifest_outputs)
        .into_iter()
        .collect();
    for (o, v) in program.outputs.iter().zip(values) {
        let mut out = Map::new();
        out.insert("Value".into(), as_text(v));
        if let Some(doc) = &o.doc {
            out.insert("Description".into(), json!(doc));
        }
        outputs.push((lower::logical_root(&o.name), Json::Object(out)));
    }
    let lowered = &program.project.limits;
    let budget = split::Budget {
        resources: limits::limit(stdlib, lowered, "resources"),
        // The rendered size only approximates the template's, and exports
        // are added after: a quarter is kept in hand.
        bytes: limits::limit(stdlib, lowered, "template_bytes_s3") / 4 * 3,
    };
    let items: Vec<split::Item<'_>> = names
        .iter()
        .zip(&weights)
        .map(|(name, (resources, bytes))| split::Item {
            name,
            resources: *resources,
            bytes: *bytes,
        })
        .collect();
    let runs = split::partition(&items, budget);
    let tagging = tags::Tagging::new(program, stdlib);
    let parts = stacks::Parts {
        program,
        stdlib,
        spans: &spans,
        items: &items,
        runs: &runs,
        tagging: &tagging,
    };
    let out = stacks::assemble(&parts, c, outputs, &mut diags);
    (out, diags)
}

/// Resources of every fragment in one map, each with the declaration that
/// made it; and each fragment's weight (resources it owns, bytes).
fn collect(
    fragments: Vec<Fragment>,
    names: &[String],
    spans: &BTreeMap<String, crate::source::Span>,
) -> (Collected, Vec<(u64, u64)>, Vec<Diagnostic>) {
    let mut c = Collected {
        resources: BTreeMap::new(),
        owner: BTreeMap::new(),
        by_decl: BTreeMap::new(),
        manifests: BTreeMap::new(),
        manifest_outputs: Map::new(),
    };
    let mut weights = vec![];
    let mut clashes: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (i, f) in fragments.into_iter().enumerate() {
        let mut owned = 0;
        for (id, res) in f.resources {
            c.by_decl
                .entry(f.decl.clone())
                .or_default()
                .push(id.clone());
            match c.resources.get(&id) {
                // Two declarations may lower to the same shared resource (a
                // cluster's CSI add-on for two storage classes); identical
                // definitions are one resource, the first maker's.
                Some(existing) if same(existing, &res) => {}
                Some(_) => {
                    let first = c
                        .owner
                        .get(&id)
                        .and_then(|j| names.get(*j))
                        .cloned()
                        .unwrap_or_default();
                    clashes.entry((f.decl.clone(), first)).or_default().push(id);
                }
                None => {
                    c.owner.insert(id.clone(), i);
                    c.resources.insert(id, res);
                    owned += 1;
                }
            }
        }
        weights.push((owned, f.bytes as u64));
        for (name, mut m) in f.manifests {
            let templated = placeholders::extract(&f.decl, &name, &mut m, &mut c.manifest_outputs);
            let path = if templated {
                format!("manifests/{name}.hbs")
            } else {
                format!("manifests/{name}")
            };
            c.manifests.insert(path, yaml::to_yaml(&m));
        }
    }
    let diags = clashes
        .into_iter()
        .map(|((second, first), ids)| clash(&second, &first, &ids, spans))
        .collect();
    (c, weights, diags)
}

/// Whether two rendered resources are the same JSON: the same text nearly
/// always, but two templates may lay one value out differently.
fn same(a: &RawValue, b: &RawValue) -> bool {
    a.get() == b.get()
        || matches!(
            (
                serde_json::from_str::<Json>(a.get()),
                serde_json::from_str::<Json>(b.get())
            ),
            (Ok(x), Ok(y)) if x == y
        )
}

fn clash(
    second: &str,
    first: &str,
    ids: &[String],
    spans: &BTreeMap<String, crate::source::Span>,
) -> Diagnostic {
    let id = ids.first().cloned().unwrap_or_default();
    let more = if ids.len() > 1 {
        format!(" (and {} more)", ids.len() - 1)
    } else {
        String::new()
    };
    let mut d = Diagnostic::error(
        codes::LOGICAL_ID_CLASH,
        format!("`{second}` and `{first}` produce the same logical IDs: `{id}`{more}"),
    );
    if let Some(s) = spans.get(second) {
        d = d.label(*s, format!("`{second}` produces `{id}`"));
    }
    if let Some(s) = spans.get(first) {
        d = d.label(*s, format!("`{first}` produces it too"));
    }
    d.help("rename one of them: a logical ID is the PascalCase of its declaration's name followed by the resource's role, so a name that extends another (`nightly`, `nightly_task`) can meet it")
}

/// Every template's description. Live plans also recognise a program's
/// stacks by it.
pub fn description(project: &str) -> String {
    format!("{project} (generated by Cairn; do not edit)")
}

/// Output values are text: numbers and bools become strings, lists are
/// joined with commas.
fn as_text(v: Json) -> Json {
    match v {
        Json::Array(items) => json!({ "Fn::Join": [",", items] }),
        Json::Number(n) => json!(n.to_string()),
        Json::Bool(b) => json!(b.to_string()),
        other => other,
    }
}

/// Sorts object keys at every level, whatever map serde_json was built with
/// (a dependency may turn on its `preserve_order`).
pub fn canonical(mut v: Json) -> Json {
    v.sort_all_objects();
    v
}

pub fn pretty(v: &Json) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}
