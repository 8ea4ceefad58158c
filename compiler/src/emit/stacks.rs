//! Stacks: the runs of the split become templates, wired to each other,
//! measured against the quotas, and listed in `cairn.build.json`.
//!
//! Input: the collected resources and outputs, the runs and the program.
//! Output: the build's files and its stacks in deploy order.
//! Invariant: every reference between stacks points to an earlier stack;
//! one to a later stack would be a bug in the split and is reported as one.

use super::intrinsics::referenced;
use super::split::{self, Item, Run};
use super::tags::Tagging;
use super::wire::{self, Wiring};
use super::{canonical, limits, pretty, Collected, Output, StackInfo};
use crate::diagnostics::{codes, Diagnostic};
use crate::ir;
use crate::schema::Stdlib;
use crate::source::Span;
use serde_json::value::RawValue;
use serde_json::{json, Map, Value as Json};
use std::collections::{BTreeMap, BTreeSet};

pub(super) struct Parts<'a> {
    pub program: &'a ir::Program,
    pub stdlib: &'a Stdlib,
    pub spans: &'a BTreeMap<String, Span>,
    pub items: &'a [Item<'a>],
    pub runs: &'a [Run],
    pub tagging: &'a Tagging<'a>,
}

/// One stack on its way to a template.
#[derive(Default)]
struct Stack {
    name: String,
    /// Logical ID -> (the declaration that made it, the resource as rendered).
    resources: BTreeMap<String, (usize, Box<RawValue>)>,
    outputs: Map<String, Json>,
}

/// One written stack, for the build manifest and `StackInfo`.
struct Written {
    path: String,
    text: String,
    listed: Json,
    info: StackInfo,
    diags: Vec<Diagnostic>,
}

/// Stacks are written last to first: a stack imports only from earlier
/// ones, so once every later stack is written, the exports a stack must
/// carry are known, and it can be parsed, wired, printed and dropped
/// before the next. Only one stack's resources are ever held as values.
pub(super) fn assemble(
    p: &Parts<'_>,
    c: Collected,
    outputs: Vec<(String, Json)>,
    diags: &mut Vec<Diagnostic>,
) -> Output {
    let project = &p.program.project.name;
    let mut stacks: Vec<Stack> = p
        .runs
        .iter()
        .map(|r| Stack {
            name: split::stack_name(project, r, p.items),
            ..Stack::default()
        })
        .collect();
    let mut stack_of_decl = vec![0; p.items.len()];
    for (s, r) in p.runs.iter().enumerate() {
        for i in r.range.clone() {
            if let Some(x) = stack_of_decl.get_mut(i) {
                *x = s;
            }
        }
    }
    let owner: BTreeMap<String, usize> = c
        .owner
        .iter()
        .map(|(id, d)| (id.clone(), stack_of_decl.get(*d).copied().unwrap_or(0)))
        .collect();
    for (id, res) in c.resources {
        let decl = c.owner.get(&id).copied().unwrap_or(0);
        if let Some(s) = owner.get(&id).and_then(|s| stacks.get_mut(*s)) {
            s.resources.insert(id, (decl, res));
        }
    }
    // An output goes where the last thing it reads is; one that reads
    // nothing, to the last stack, which carries the program's name.
    let last = stacks.len().saturating_sub(1);
    for (key, out) in outputs {
        let mut ids = BTreeSet::new();
        referenced(&out, &mut ids);
        let s = ids.iter().filter_map(|id| owner.get(id)).max().copied();
        if let Some(stack) = stacks.get_mut(s.unwrap_or(last)) {
            stack.outputs.insert(key, out);
        }
    }
    let names: Vec<String> = stacks.iter().map(|s| s.name.clone()).collect();
    let wiring = Wiring {
        owner: &owner,
        names: &names,
    };
    let split = stacks.len() > 1;
    // Exports each stack owes the later stacks that import from it.
    let mut owed: BTreeMap<usize, BTreeSet<wire::Export>> = BTreeMap::new();
    let mut written = vec![];
    for (here, (stack, run)) in stacks.into_iter().zip(p.runs).enumerate().rev() {
        let (resources, imports_from) = wire_stack(p, &wiring, here, stack, &mut owed, diags);
        written.push(write(p, &c.by_decl, run, split, resources, imports_from));
    }
    written.reverse();
    let mut files = BTreeMap::new();
    let mut listed = vec![];
    let mut infos = vec![];
    for w in written {
        diags.extend(w.diags);
        files.insert(w.path, w.text);
        listed.push(w.listed);
        infos.push(w.info);
    }
    let manifest = json!({
        "version": 1,
        "stacks": listed,
        "manifests": c.manifests.keys().collect::<Vec<_>>(),
    });
    files.insert("cairn.build.json".to_string(), pretty(&canonical(manifest)));
    files.extend(c.manifests);
    Output {
        files,
        stacks: infos,
    }
}

/// A stack's resources as values, tagged, with references to earlier
/// stacks rewritten into imports and the exports later stacks need added
/// to its outputs; and the stacks it imports from, by name.
fn wire_stack(
    p: &Parts<'_>,
    wiring: &Wiring<'_>,
    here: usize,
    stack: Stack,
    owed: &mut BTreeMap<usize, BTreeSet<wire::Export>>,
    diags: &mut Vec<Diagnostic>,
) -> (Named, Vec<String>) {
    let mut resources = Map::new();
    for (id, (decl, raw)) in stack.resources {
        let Ok(mut res) = serde_json::from_str::<Json>(raw.get()) else {
            // Checked to be JSON when it was rendered.
            continue;
        };
        let decl = p.items.get(decl).map_or("", |it| it.name);
        p.tagging.apply(decl, &mut res);
        resources.insert(id, res);
    }
    let mut outputs = stack.outputs;
    let mut mine = BTreeSet::new();
    for res in resources.values_mut() {
        wiring.resource(here, res, &mut mine);
    }
    for o in outputs.values_mut() {
        wiring.value(here, o, &mut mine);
    }
    for e in owed.remove(&here).unwrap_or_default() {
        let mut taken: BTreeSet<String> = outputs.keys().cloned().collect();
        let key = wire::export_key(&e, &mut taken);
        outputs.insert(key, wire::export_output(wiring, &e));
    }
    let mut imports_from = BTreeSet::new();
    for e in mine {
        if e.0 > here {
            let later = wiring.names.get(e.0).map_or("", String::as_str);
            diags.push(
                Diagnostic::error(
                    codes::INTERNAL_LOWERING,
                    format!("internal error: stack `{}` refers to `{later}`, which deploys after it", stack.name),
                )
                .help("this is a bug in how Cairn splits programs, not in your program; please report it with the program"),
            );
            continue;
        }
        imports_from.insert(e.0);
        owed.entry(e.0).or_default().insert(e);
    }
    let imports_from = imports_from
        .iter()
        .filter_map(|j| wiring.names.get(*j).cloned())
        .collect();
    (
        Named {
            name: stack.name,
            resources,
            outputs,
        },
        imports_from,
    )
}

/// A wired stack, ready to print.
struct Named {
    name: String,
    resources: Map<String, Json>,
    outputs: Map<String, Json>,
}

fn write(
    p: &Parts<'_>,
    by_decl: &BTreeMap<String, Vec<String>>,
    run: &Run,
    split: bool,
    stack: Named,
    imports_from: Vec<String>,
) -> Written {
    let project = &p.program.project;
    // Which declaration made which resource travels with the template,
    // so a plan against what is deployed can name the declaration of a
    // resource that is no longer in the program.
    let declared: Map<String, Json> = run
        .range
        .clone()
        .filter_map(|i| p.items.get(i))
        .filter_map(|it| by_decl.get_key_value(it.name))
        .map(|(d, ids)| {
            let mut ids: Vec<&String> = ids
                .iter()
                .filter(|id| stack.resources.contains_key(*id))
                .collect();
            ids.sort();
            ids.dedup();
            (d.clone(), json!(ids))
        })
        .collect();
    let mut template = Map::new();
    template.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
    template.insert(
        "Description".into(),
        json!(super::description(&project.name)),
    );
    template.insert(
        "Metadata".into(),
        json!({ "Cairn": { "declarations": declared } }),
    );
    let resources = stack.resources.len();
    template.insert("Resources".into(), Json::Object(stack.resources));
    if !stack.outputs.is_empty() {
        template.insert("Outputs".into(), Json::Object(stack.outputs));
    }
    let template = canonical(Json::Object(template));
    let text = pretty(&template);
    let target = limits::Stack {
        name: &stack.name,
        anchor: anchor(p, run, split),
        split,
    };
    let diags = limits::check(&template, &text, &target, &project.limits, p.stdlib);
    let path = format!("{}.template.json", stack.name);
    Written {
        listed: json!({
            "name": stack.name,
            "template": path,
            "region": project.region,
            "declarations": declared,
            "imports_from": imports_from,
        }),
        info: StackInfo {
            name: stack.name,
            declarations: run
                .range
                .clone()
                .filter_map(|i| p.items.get(i))
                .map(|it| it.name.to_string())
                .collect(),
            resources,
            imports_from,
        },
        path,
        text,
        diags,
    }
}

/// Where a quota diagnostic points: the program's first declaration for a
/// program in one stack; the largest declaration of a split stack.
fn anchor(p: &Parts<'_>, run: &Run, split: bool) -> Option<(Span, String)> {
    if !split {
        let first = p.program.decls.first()?;
        return Some((first.span, "in the stack built from this program".into()));
    }
    let largest = run
        .range
        .clone()
        .filter_map(|i| p.items.get(i))
        .max_by_key(|it| (it.resources, std::cmp::Reverse(it.name)))?;
    let span = p.spans.get(largest.name)?;
    Some((
        *span,
        format!(
            "the largest declaration of this stack ({} resources)",
            largest.resources
        ),
    ))
}
