//! Plans for people (text, with colour on a terminal), for pull requests
//! (markdown) and for machines (JSON, versioned).

use super::{Action, Certainty, Change, Plan};
use serde_json::Value as Json;

fn sign(a: Action) -> (&'static str, &'static str, &'static str) {
    match a {
        Action::Create => ("+", "create", "\x1b[32m"),
        Action::Update => ("~", "update", "\x1b[33m"),
        Action::Replace => ("±", "replace", "\x1b[35m"),
        Action::Delete => ("-", "delete", "\x1b[31m"),
    }
}

fn short(v: &Option<Json>) -> String {
    match v {
        None => "(none)".to_string(),
        Some(Json::String(s)) => s.clone(),
        Some(other) => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// One line per property, long values elided in the middle.
fn prop_line(c: &super::PropChange) -> String {
    let clip = |s: String| {
        if s.chars().count() > 60 {
            let head: String = s.chars().take(28).collect();
            let tail: String = s
                .chars()
                .rev()
                .take(28)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            format!("{head}…{tail}")
        } else {
            s
        }
    };
    format!(
        "{}: {} -> {}",
        c.path,
        clip(short(&c.before)),
        clip(short(&c.after))
    )
}

fn why(c: &Change) -> String {
    let blocked = c
        .blocked
        .as_ref()
        .map(|b| format!("stateful: blocked ({})", b.loses));
    let reason = reason(c);
    match (blocked, reason.is_empty()) {
        (Some(b), true) => b,
        (Some(b), false) => format!("{reason}; {b}"),
        (None, _) => reason,
    }
}

fn reason(c: &Change) -> String {
    match (&c.replacement, c.action) {
        (Some(r), _) => {
            let certainty = match r.certainty {
                Certainty::Certain => "certain",
                Certainty::Conditional => "conditional: the value is known only at deploy",
            };
            format!("{} changed (create-only, {certainty})", r.property)
        }
        (None, Action::Update) => c.properties.first().map(prop_line).unwrap_or_default(),
        _ => String::new(),
    }
}

pub fn text(plan: &Plan, color: bool) -> String {
    let paint = |code: &str, s: String| {
        if color {
            format!("{code}{s}\x1b[0m")
        } else {
            s
        }
    };
    let mut out = String::new();
    for st in &plan.stacks {
        if st.changes.is_empty() && st.outputs.is_empty() {
            out.push_str(&format!("Stack {}: no changes\n\n", st.name));
            continue;
        }
        out.push_str(&format!("Stack {}\n", st.name));
        let idw = st
            .changes
            .iter()
            .map(|c| c.logical_id.len())
            .max()
            .unwrap_or(0);
        let tyw = st
            .changes
            .iter()
            .map(|c| c.resource_type.len())
            .max()
            .unwrap_or(0);
        for c in &st.changes {
            let (s, word, code) = sign(c.action);
            let line = format!(
                "{s} {word:<9} {:<idw$}  {:<tyw$}  {}",
                c.logical_id,
                c.resource_type,
                why(c)
            );
            out.push_str(&paint(code, line.trim_end().to_string()));
            out.push('\n');
            if c.action == Action::Update || c.action == Action::Replace {
                for p in c
                    .properties
                    .iter()
                    .skip(usize::from(c.action == Action::Update))
                {
                    out.push_str(&format!("{:width$}{}\n", "", prop_line(p), width = 12));
                }
            }
        }
        for o in &st.outputs {
            let (s, word, _) = sign(o.action);
            out.push_str(&format!(
                "{s} {word:<9} output {}: {} -> {}\n",
                o.name,
                short(&o.before),
                short(&o.after)
            ));
        }
        out.push('\n');
    }
    for m in &plan.manifests {
        let (s, word, _) = sign(m.action);
        out.push_str(&format!("{s} {word:<9} {}\n", m.path));
    }
    if !plan.manifests.is_empty() {
        out.push('\n');
    }
    if !plan.security.is_empty() {
        out.push_str("Security changes\n");
        for a in &plan.security.added {
            out.push_str(&paint("\x1b[33m", format!("  + {a}")));
            out.push('\n');
        }
        for r in &plan.security.removed {
            out.push_str(&format!("  - {r}\n"));
        }
        out.push('\n');
    }
    let blocked: Vec<&Change> = plan
        .stacks
        .iter()
        .flat_map(|s| &s.changes)
        .filter(|c| c.blocked.is_some())
        .collect();
    if !blocked.is_empty() {
        out.push_str(&paint(
            "\x1b[31m",
            format!(
                "Blocked: {} change(s) would lose state; apply refuses them until allowed",
                blocked.len()
            ),
        ));
        out.push('\n');
        for c in blocked {
            if let Some(b) = &c.blocked {
                let (_, word, _) = sign(c.action);
                let decl = c
                    .declaration
                    .as_deref()
                    .map(|d| format!(" from `{d}`"))
                    .unwrap_or_default();
                out.push_str(&format!("  {word} {} ({}){decl} would lose {}.\n    To allow it, add to the project block: {}\n", c.logical_id, c.resource_type, b.loses, b.allow));
            }
        }
        out.push('\n');
    }
    let s = &plan.summary;
    out.push_str(&format!(
        "Plan: {} to create, {} to update, {} to replace, {} to delete{}\n",
        s.create,
        s.update,
        s.replace,
        s.delete,
        if s.blocked > 0 {
            format!(" ({} blocked)", s.blocked)
        } else {
            String::new()
        }
    ));
    out
}

pub fn markdown(plan: &Plan) -> String {
    let s = &plan.summary;
    let mut out = String::from("### Cairn plan\n\n");
    out.push_str("| create | update | replace | delete | blocked |\n|---:|---:|---:|---:|---:|\n");
    out.push_str(&format!(
        "| {} | {} | {} | {} | {} |\n\n",
        s.create, s.update, s.replace, s.delete, s.blocked
    ));
    for st in &plan.stacks {
        if st.changes.is_empty() && st.outputs.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "#### Stack `{}`\n\n| | resource | type | why |\n|---|---|---|---|\n",
            st.name
        ));
        for c in &st.changes {
            let (sym, word, _) = sign(c.action);
            let mark = if c.blocked.is_some() { " ⛔" } else { "" };
            out.push_str(&format!(
                "| {sym} {word}{mark} | `{}` | `{}` | {} |\n",
                c.logical_id,
                c.resource_type,
                why(c).replace('|', "\\|")
            ));
        }
        out.push('\n');
        let detailed: Vec<&Change> = st
            .changes
            .iter()
            .filter(|c| !c.properties.is_empty())
            .collect();
        if !detailed.is_empty() {
            out.push_str("<details><summary>Property changes</summary>\n\n```\n");
            for c in detailed {
                out.push_str(&format!("{}\n", c.logical_id));
                for p in &c.properties {
                    out.push_str(&format!("  {}\n", prop_line(p)));
                }
            }
            out.push_str("```\n\n</details>\n\n");
        }
    }
    if !plan.security.is_empty() {
        out.push_str("#### Security changes\n\n");
        for a in &plan.security.added {
            out.push_str(&format!("- ➕ {a}\n"));
        }
        for r in &plan.security.removed {
            out.push_str(&format!("- ➖ {r}\n"));
        }
        out.push('\n');
    }
    for c in plan.stacks.iter().flat_map(|s| &s.changes) {
        if let Some(b) = &c.blocked {
            out.push_str(&format!(
                "> ⛔ `{}` would lose {}. To allow it, add `{}` to the project block.\n",
                c.logical_id, b.loses, b.allow
            ));
        }
    }
    out
}

pub fn json(plan: &Plan) -> String {
    let v = serde_json::to_value(plan).unwrap_or(Json::Null);
    crate::emit::pretty(&crate::emit::canonical(v))
}
