//! Stacks: the runs of the split become templates, wired to each other,
//! measured against the quotas, and listed in `cairn.build.json`.
//!
//! Input: the collected resources and outputs, the runs and the program.
//! Output: the build's files and its stacks in deploy order.
//! Invariant: every reference between stacks points to an earlier stack;
//! a cycle would be a bug in the split and is reported as one.

use super::intrinsics::referenced;
use super::split::{self, Item, Run};
use super::wire::{self, Wiring};
use super::{canonical, limits, pretty, Collected, Output, StackInfo};
use crate::diagnostics::{codes, Diagnostic};
use crate::ir;
use crate::schema::Stdlib;
use crate::source::Span;
use petgraph::graphmap::DiGraphMap;
use serde_json::{json, Map, Value as Json};
use std::collections::{BTreeMap, BTreeSet};

pub(super) struct Parts<'a> {
    pub program: &'a ir::Program,
    pub stdlib: &'a Stdlib,
    pub spans: &'a BTreeMap<String, Span>,
    pub items: &'a [Item<'a>],
    pub runs: &'a [Run],
}

/// One stack on its way to a template.
#[derive(Default)]
struct Stack {
    name: String,
    resources: Map<String, Json>,
    outputs: Map<String, Json>,
    imports_from: BTreeSet<usize>,
}

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
        if let Some(s) = owner.get(&id).and_then(|s| stacks.get_mut(*s)) {
            s.resources.insert(id, res);
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
    wire_stacks(&mut stacks, &owner);
    if let Some(cycle) = stack_cycle(&stacks) {
        diags.push(
            Diagnostic::error(
                codes::INTERNAL_LOWERING,
                format!("internal error: the stacks of this program refer to each other in a cycle through `{cycle}`"),
            )
            .help("this is a bug in how Cairn splits programs, not in your program; please report it with the program"),
        );
    }
    files(p, &c.by_decl, c.manifests, stacks, diags)
}

/// Rewrites references across stacks into imports, and gives each
/// exporting stack its exports.
fn wire_stacks(stacks: &mut [Stack], owner: &BTreeMap<String, usize>) {
    let names: Vec<String> = stacks.iter().map(|s| s.name.clone()).collect();
    let wiring = Wiring {
        owner,
        names: &names,
    };
    let mut needed = BTreeSet::new();
    for (here, s) in stacks.iter_mut().enumerate() {
        let mut mine = BTreeSet::new();
        for res in s.resources.values_mut() {
            wiring.resource(here, res, &mut mine);
        }
        for o in s.outputs.values_mut() {
            wiring.value(here, o, &mut mine);
        }
        s.imports_from = mine.iter().map(|e| e.0).collect();
        needed.extend(mine);
    }
    for e in &needed {
        if let Some(s) = stacks.get_mut(e.0) {
            let mut taken: BTreeSet<String> = s.outputs.keys().cloned().collect();
            let key = wire::export_key(e, &mut taken);
            s.outputs.insert(key, wire::export_output(&wiring, e));
        }
    }
}

/// A stack on a cycle of imports, if there is one.
fn stack_cycle(stacks: &[Stack]) -> Option<String> {
    let mut g: DiGraphMap<usize, ()> = DiGraphMap::new();
    for (i, s) in stacks.iter().enumerate() {
        g.add_node(i);
        for j in &s.imports_from {
            g.add_edge(*j, i, ());
        }
    }
    petgraph::algo::toposort(&g, None)
        .err()
        .and_then(|c| stacks.get(c.node_id()))
        .map(|s| s.name.clone())
}

fn files(
    p: &Parts<'_>,
    by_decl: &BTreeMap<String, Vec<String>>,
    manifests: BTreeMap<String, String>,
    stacks: Vec<Stack>,
    diags: &mut Vec<Diagnostic>,
) -> Output {
    let project = &p.program.project;
    let split = stacks.len() > 1;
    let names: Vec<String> = stacks.iter().map(|s| s.name.clone()).collect();
    let mut files = BTreeMap::new();
    let mut listed = vec![];
    let mut infos = vec![];
    for (stack, run) in stacks.into_iter().zip(p.runs) {
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
            json!(format!(
                "{} (generated by Cairn; do not edit)",
                project.name
            )),
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
        diags.extend(limits::check(
            &template,
            &text,
            &target,
            &project.limits,
            p.stdlib,
        ));
        let path = format!("{}.template.json", stack.name);
        let imports_from: Vec<String> = stack
            .imports_from
            .iter()
            .filter_map(|j| names.get(*j).cloned())
            .collect();
        listed.push(json!({
            "name": stack.name,
            "template": path,
            "region": project.region,
            "declarations": declared,
            "imports_from": imports_from,
        }));
        infos.push(StackInfo {
            name: stack.name,
            declarations: run
                .range
                .clone()
                .filter_map(|i| p.items.get(i))
                .map(|it| it.name.to_string())
                .collect(),
            resources,
            imports_from,
        });
        files.insert(path, text);
    }
    let manifest = json!({
        "version": 1,
        "stacks": listed,
        "manifests": manifests.keys().collect::<Vec<_>>(),
    });
    files.insert("cairn.build.json".to_string(), pretty(&canonical(manifest)));
    files.extend(manifests);
    Output {
        files,
        stacks: infos,
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
