//! The dependency graph for people: Graphviz DOT or Mermaid, in a stable
//! order (nodes and edges sorted), with labels like `cluster retail`.

use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};

/// Nodes (id -> label) and edges (from depends on to), and boxes drawn
/// around some nodes (the stacks of `cairn graph --stacks`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Picture {
    pub nodes: BTreeMap<String, String>,
    pub edges: BTreeSet<(String, String)>,
    pub groups: Vec<Group>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Group {
    pub label: String,
    pub members: BTreeSet<String>,
}

impl Picture {
    /// Nodes in no group.
    fn loose(&self) -> impl Iterator<Item = (&String, &String)> {
        self.nodes
            .iter()
            .filter(|(id, _)| !self.groups.iter().any(|g| g.members.contains(*id)))
    }

    fn members<'a>(&'a self, g: &'a Group) -> impl Iterator<Item = (&'a String, &'a String)> {
        g.members
            .iter()
            .filter_map(|id| self.nodes.get_key_value(id))
    }
}

pub fn dot(p: &Picture) -> String {
    let mut s = String::from(
        "digraph cairn {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n",
    );
    for (i, g) in p.groups.iter().enumerate() {
        s.push_str(&format!(
            "  subgraph \"cluster_{i}\" {{\n    label={};\n",
            quote(&g.label)
        ));
        for (id, label) in p.members(g) {
            s.push_str(&format!("    {} [label={}];\n", quote(id), quote(label)));
        }
        s.push_str("  }\n");
    }
    for (id, label) in p.loose() {
        s.push_str(&format!("  {} [label={}];\n", quote(id), quote(label)));
    }
    for (from, to) in &p.edges {
        s.push_str(&format!("  {} -> {};\n", quote(from), quote(to)));
    }
    s.push_str("}\n");
    s
}

pub fn mermaid(p: &Picture) -> String {
    let ids: BTreeMap<&String, String> = p
        .nodes
        .keys()
        .enumerate()
        .map(|(i, k)| (k, format!("n{i}")))
        .collect();
    let node = |id: &String, label: &String, indent: &str| {
        let n = ids.get(id).cloned().unwrap_or_default();
        format!("{indent}{n}[\"{}\"]\n", label.replace('"', "#quot;"))
    };
    let mut s = String::from("flowchart LR\n");
    for (i, g) in p.groups.iter().enumerate() {
        s.push_str(&format!(
            "  subgraph g{i}[\"{}\"]\n",
            g.label.replace('"', "#quot;")
        ));
        for (id, label) in p.members(g) {
            s.push_str(&node(id, label, "    "));
        }
        s.push_str("  end\n");
    }
    for (id, label) in p.loose() {
        s.push_str(&node(id, label, "  "));
    }
    for (from, to) in &p.edges {
        if let (Some(a), Some(b)) = (ids.get(from), ids.get(to)) {
            s.push_str(&format!("  {a} --> {b}\n"));
        }
    }
    s
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Resources of a template and what each refers to (`Ref`, `Fn::GetAtt`,
/// `Fn::Sub` variables, `DependsOn`).
pub fn resources(template: &Json) -> Picture {
    let mut p = Picture::default();
    let Some(res) = template.get("Resources").and_then(Json::as_object) else {
        return p;
    };
    for (id, r) in res {
        let ty = r.get("Type").and_then(Json::as_str).unwrap_or("");
        p.nodes.insert(id.clone(), format!("{id} ({ty})"));
        let mut targets = BTreeSet::new();
        crate::emit::intrinsics::referenced(r, &mut targets);
        for t in targets
            .into_iter()
            .filter(|t| res.contains_key(t) && t != id)
        {
            p.edges.insert((id.clone(), t));
        }
    }
    p
}
