//! Graph: the order of evaluation, and reference cycles.
//!
//! Input: the resolved namespace. Output: every named item in dependency
//! order (what is referred to first, ties broken by name, so the order never
//! depends on where things are written), plus the members of cycles.
//! Invariant: a cycle is reported once, whole, with every member labelled;
//! its members are left out of the order and their values are poisoned.
//!
//! The graph runs before type checking (the brief draws it after) because
//! `let`s must be evaluated in order before their uses can be checked;
//! only names are needed to build it.

mod refs;
pub mod render;

use crate::diagnostics::{codes, Diagnostic};
use crate::resolve::{Resolved, SymbolKind};
use crate::schema::Stdlib;
use crate::source::Span;
use petgraph::algo::tarjan_scc;
use petgraph::graphmap::DiGraphMap;
use std::collections::{BTreeMap, BTreeSet};

pub use refs::references;

/// The project block's node: not a name a program can declare.
pub const PROJECT: &str = "@project";

#[derive(Debug, Default)]
pub struct Order {
    /// Symbol names (and [`PROJECT`]) in evaluation order.
    pub order: Vec<String>,
    pub in_cycle: BTreeSet<String>,
    /// `from -> to` with the span of the first reference, for `cairn graph`.
    pub edges: BTreeMap<(String, String), Span>,
}

pub fn order(resolved: &Resolved<'_>, stdlib: &Stdlib) -> (Order, Vec<Diagnostic>) {
    let mut edges: BTreeMap<(String, String), Span> = BTreeMap::new();
    let mut nodes: Vec<String> = resolved.symbols.keys().cloned().collect();
    if resolved.project.is_some() {
        nodes.push(PROJECT.to_string());
    }
    nodes.sort();
    let items = resolved
        .symbols
        .iter()
        .map(|(n, s)| (n.as_str(), s.item))
        .chain(resolved.project.map(|p| (PROJECT, p)));
    for (name, item) in items {
        for (target, span) in references(item, stdlib) {
            // Outputs cannot be referred to (checking says so), and poisoned
            // names are already reported: edges to them would only invent cycles.
            let referable = resolved
                .symbols
                .get(&target)
                .is_some_and(|s| !matches!(s.kind, SymbolKind::Output | SymbolKind::Poisoned));
            if referable {
                edges.entry((name.to_string(), target)).or_insert(span);
            }
        }
    }
    // A module instance stands for its outputs: whoever reads `web.url`
    // comes after the value behind it.
    for (name, s) in &resolved.symbols {
        if let SymbolKind::Module { outputs } = &s.kind {
            for internal in outputs.values() {
                if resolved.symbols.contains_key(internal) {
                    edges
                        .entry((name.clone(), internal.clone()))
                        .or_insert(s.span);
                }
            }
        }
    }
    let mut g: DiGraphMap<&str, ()> = DiGraphMap::new();
    for n in &nodes {
        g.add_node(n.as_str());
    }
    for (from, to) in edges.keys() {
        g.add_edge(from.as_str(), to.as_str(), ());
    }
    let mut diags = vec![];
    let mut in_cycle = BTreeSet::new();
    let mut cycles: Vec<Vec<String>> = vec![];
    for scc in tarjan_scc(&g) {
        let is_cycle = scc.len() > 1 || scc.first().is_some_and(|n| g.contains_edge(n, n));
        if is_cycle {
            let members: BTreeSet<String> = scc.iter().map(|s| s.to_string()).collect();
            cycles.push(walk_cycle(&members, &edges));
            in_cycle.extend(members);
        }
    }
    cycles.sort();
    for cycle in &cycles {
        diags.push(cycle_diagnostic(cycle, &edges));
    }
    let order = topo(&nodes, &edges, &in_cycle);
    (
        Order {
            order,
            in_cycle,
            edges,
        },
        diags,
    )
}

/// A simple cycle through every step, from the smallest member, following
/// the smallest next name: deterministic, so the report is too.
fn walk_cycle(members: &BTreeSet<String>, edges: &BTreeMap<(String, String), Span>) -> Vec<String> {
    let Some(start) = members.iter().next().cloned() else {
        return vec![];
    };
    let mut path = vec![start.clone()];
    let mut seen = BTreeSet::from([start.clone()]);
    let mut cur = start.clone();
    loop {
        let next = edges
            .keys()
            .filter(|(f, t)| *f == cur && members.contains(t))
            .map(|(_, t)| t.clone())
            .find(|t| *t == start || !seen.contains(t));
        match next {
            Some(t) if t == start => break,
            Some(t) => {
                seen.insert(t.clone());
                path.push(t.clone());
                cur = t;
            }
            None => break,
        }
    }
    path
}

fn cycle_diagnostic(cycle: &[String], edges: &BTreeMap<(String, String), Span>) -> Diagnostic {
    let mut shown: Vec<String> = cycle.iter().map(|n| format!("`{n}`")).collect();
    if let Some(first) = shown.first().cloned() {
        shown.push(first);
    }
    let mut d = Diagnostic::error(
        codes::REFERENCE_CYCLE,
        format!("reference cycle: {}", shown.join(" -> ")),
    );
    for (i, from) in cycle.iter().enumerate() {
        let to = cycle.get((i + 1) % cycle.len()).unwrap_or(from);
        if let Some(span) = edges.get(&(from.clone(), to.clone())) {
            d = d.label(*span, format!("`{from}` refers to `{to}` here"));
        }
    }
    d.help("break the cycle: one of these values must be written without referring back")
}

/// Kahn's algorithm over a sorted ready set.
fn topo(
    nodes: &[String],
    edges: &BTreeMap<(String, String), Span>,
    skip: &BTreeSet<String>,
) -> Vec<String> {
    let mut deps: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut users: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for n in nodes {
        deps.entry(n.as_str()).or_default();
    }
    for (from, to) in edges.keys() {
        if skip.contains(to) || from == to {
            continue;
        }
        deps.entry(from.as_str()).or_default().insert(to.as_str());
        users.entry(to.as_str()).or_default().push(from.as_str());
    }
    let mut ready: BTreeSet<&str> = deps
        .iter()
        .filter(|(n, d)| d.is_empty() && !skip.contains(**n))
        .map(|(n, _)| *n)
        .collect();
    let mut out = vec![];
    while let Some(n) = ready.pop_first() {
        out.push(n.to_string());
        for u in users.get(n).cloned().unwrap_or_default() {
            if let Some(d) = deps.get_mut(u) {
                d.remove(n);
                if d.is_empty() && !skip.contains(u) {
                    ready.insert(u);
                }
            }
        }
    }
    out
}
