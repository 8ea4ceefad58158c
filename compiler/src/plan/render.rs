//! Plans for people (text, with colour on a terminal), for pull requests
//! (markdown) and for machines (JSON, versioned).

use super::{Action, Certainty, Change, Plan};
use serde_json::Value as Json;

fn sign(a: Action) -> (&'static str, &'static str, &'static str) {
    let (sym, colour) = match a {
        Action::Create => ("+", "\x1b[32m"),
        Action::Update => ("~", "\x1b[33m"),
        Action::Replace => ("±", "\x1b[35m"),
        Action::Delete => ("-", "\x1b[31m"),
    };
    (sym, a.word(), colour)
}

fn short(v: &Option<Json>) -> String {
    match v {
        None => "(none)".to_string(),
        Some(Json::String(s)) => s.clone(),
        Some(other) => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// A long or multi-line string change as a diff (user data, policy text);
/// None when both values are short enough to show whole.
fn text_diff(c: &super::PropChange) -> Option<Vec<String>> {
    use similar::{ChangeTag, TextDiff};
    let (a, b) = match (&c.before, &c.after) {
        (Some(Json::String(a)), Some(Json::String(b))) => (a.clone(), b.clone()),
        // Structures (an `Fn::Join` of user data, a policy) are compared as
        // pretty JSON, with the line breaks inside their strings shown.
        (Some(x), Some(y)) if short(&c.before).len().max(short(&c.after).len()) > ONE_LINE => {
            let show = |v: &Json| {
                serde_json::to_string_pretty(v)
                    .unwrap_or_default()
                    .replace("\\n", "\n")
            };
            (show(x), show(y))
        }
        _ => return None,
    };
    let (a, b) = (a.as_str(), b.as_str());
    let multiline = a.contains('\n') || b.contains('\n');
    if !multiline && a.chars().count().max(b.chars().count()) <= ONE_LINE {
        return None;
    }
    if multiline {
        let diff = TextDiff::from_lines(a, b);
        let mut out = vec![];
        for (i, hunk) in diff
            .unified_diff()
            .context_radius(1)
            .iter_hunks()
            .enumerate()
        {
            if i > 0 {
                out.push("  …".to_string());
            }
            for ch in hunk.iter_changes() {
                let sign = match ch.tag() {
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                    ChangeTag::Equal => ' ',
                };
                out.push(format!("{sign} {}", ch.value().trim_end_matches('\n')));
            }
        }
        return Some(out);
    }
    // One long line: a word diff, as `git diff --word-diff` shows it,
    // whole (a value is never cut: a reader cannot review what is hidden). Words are alphanumeric runs, so the parts
    // of an ARN or a URL count separately.
    let (ta, tb) = (words(a), words(b));
    let diff = TextDiff::configure().diff_slices(&ta, &tb);
    let mut line = String::new();
    let mut run: Option<(ChangeTag, String)> = None;
    let flush = |line: &mut String, run: Option<(ChangeTag, String)>| match run {
        Some((ChangeTag::Equal, v)) => line.push_str(&v),
        Some((ChangeTag::Delete, v)) => line.push_str(&format!("[-{v}-]")),
        Some((ChangeTag::Insert, v)) => line.push_str(&format!("{{+{v}+}}")),
        None => {}
    };
    for ch in diff.iter_all_changes() {
        match &mut run {
            Some((tag, v)) if *tag == ch.tag() => v.push_str(ch.value()),
            _ => {
                flush(&mut line, run.take());
                run = Some((ch.tag(), ch.value().to_string()));
            }
        }
    }
    flush(&mut line, run);
    Some(vec![line])
}

/// Alphanumeric runs and single other characters.
fn words(s: &str) -> Vec<&str> {
    let mut out = vec![];
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if !c.is_alphanumeric() {
            out.extend(s.get(start..i).filter(|w| !w.is_empty()));
            out.extend(s.get(i..i + c.len_utf8()));
            start = i + c.len_utf8();
        }
    }
    out.extend(s.get(start..).filter(|w| !w.is_empty()));
    out
}

/// Values up to this long share one line: `path: a -> b`.
const ONE_LINE: usize = 60;

/// A property change: `path: a -> b` when both sides are short, else
/// `path:` and its diff lines, or the whole old and new values on lines of
/// their own (`- old`, `+ new`). Values are shown whole, never cut.
fn prop_lines(c: &super::PropChange) -> Vec<String> {
    if let Some(diff) = text_diff(c) {
        return std::iter::once(format!("{}:", c.path))
            .chain(diff.into_iter().map(|l| format!("  {l}")))
            .collect();
    }
    let (before, after) = (short(&c.before), short(&c.after));
    if before.chars().count().max(after.chars().count()) <= ONE_LINE {
        return vec![format!("{}: {before} -> {after}", c.path)];
    }
    let mut out = vec![format!("{}:", c.path)];
    out.extend(c.before.as_ref().map(|_| format!("  - {before}")));
    out.extend(c.after.as_ref().map(|_| format!("  + {after}")));
    out
}

/// The one-line summary of an update: its first property change, or the
/// property's name when the change takes more than a line.
fn first_change(c: &Change) -> String {
    let Some(p) = c.properties.first() else {
        return String::new();
    };
    match prop_lines(p).as_slice() {
        [one] => one.clone(),
        _ => match (&p.before, &p.after) {
            (None, Some(_)) => format!("{} added", p.path),
            (Some(_), None) => format!("{} removed", p.path),
            _ => format!("{} changed", p.path),
        },
    }
}

fn why(c: &Change) -> String {
    let blocked = match (&c.blocked, &c.refused) {
        (_, Some(_)) => {
            Some("refused: CloudFormation cannot replace it under its name".to_string())
        }
        (Some(b), None) => Some(format!("stateful: blocked ({})", b.loses)),
        (None, None) => None,
    };
    let reason = match &c.moved {
        Some(super::Moved::To(s)) => format!("moves to stack {s}"),
        Some(super::Moved::From(s)) => format!("moves from stack {s}"),
        None => reason(c),
    };
    match (blocked, reason.is_empty()) {
        (Some(b), true) => b,
        (Some(b), false) => format!("{reason}; {b}"),
        (None, _) => reason,
    }
}

fn reason(c: &Change) -> String {
    if let (Some(via), true) = (&c.follows, c.properties.is_empty()) {
        return match &c.replacement {
            Some(r) => format!("{} follows {via} (create-only, conditional)", r.property),
            None => format!("follows {via}"),
        };
    }
    match (&c.replacement, c.action) {
        (Some(r), _) => {
            let certainty = match r.certainty {
                Certainty::Certain => "certain",
                Certainty::Conditional => "conditional: the value is known only at deploy",
            };
            format!("{} changed (create-only, {certainty})", r.property)
        }
        (None, Action::Update) => first_change(c),
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
                // An update's first change is on its summary line, unless
                // it is a diff too long for a line.
                let skip = c.action == Action::Update
                    && c.properties.first().is_some_and(|p| text_diff(p).is_none());
                for p in c.properties.iter().skip(usize::from(skip)) {
                    for l in prop_lines(p) {
                        out.push_str(&format!("{:width$}{l}\n", "", width = 12));
                    }
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
    if !plan.notes.is_empty() {
        out.push_str(&paint(
            "\x1b[33m",
            format!(
                "Notes: {} create(s) would fail as planned",
                plan.notes.len()
            ),
        ));
        out.push('\n');
        for n in &plan.notes {
            out.push_str(&format!("  {}\n", n.text));
        }
        out.push('\n');
    }
    // What apply refuses, each with its way out: stateful losses not
    // allowed, and changes CloudFormation cannot make.
    let changes = || plan.stacks.iter().flat_map(|s| &s.changes);
    let blocked: Vec<String> = changes()
        .filter_map(|c| {
            let b = c.blocked.as_ref()?;
            let (_, word, _) = sign(c.action);
            let decl = c
                .declaration
                .as_deref()
                .map(|d| format!(" from `{d}`"))
                .unwrap_or_default();
            Some(format!("  {word} {} ({}){decl} would lose {}.\n    To allow it, add to the project block: {}\n", c.logical_id, c.resource_type, b.loses, b.allow))
        })
        .collect();
    let refused: Vec<String> = changes()
        .filter_map(|c| {
            let r = c.refused.as_ref()?;
            let (_, word, _) = sign(c.action);
            Some(format!(
                "  {word} {} ({}): {r}\n",
                c.logical_id, c.resource_type
            ))
        })
        .collect();
    for (title, lines, heading) in [
        (
            "Blocked",
            blocked,
            "would lose state; apply refuses them until allowed",
        ),
        (
            "Refused",
            refused,
            "CloudFormation cannot make; apply refuses them",
        ),
    ] {
        if lines.is_empty() {
            continue;
        }
        out.push_str(&paint(
            "\x1b[31m",
            format!("{title}: {} change(s) {heading}", lines.len()),
        ));
        out.push('\n');
        lines.iter().for_each(|l| out.push_str(l));
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
                for l in c.properties.iter().flat_map(prop_lines) {
                    out.push_str(&format!("  {l}\n"));
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
    for n in &plan.notes {
        out.push_str(&format!("> ⚠️ {}\n", n.text));
    }
    for c in plan.stacks.iter().flat_map(|s| &s.changes) {
        if let Some(r) = &c.refused {
            out.push_str(&format!("> ⛔ `{}`: {r}.\n", c.logical_id));
        }
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

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;
    use crate::plan::PropChange;

    fn change(a: &str, b: &str) -> PropChange {
        PropChange {
            path: "RoleArn".into(),
            before: Some(Json::String(a.into())),
            after: Some(Json::String(b.into())),
        }
    }

    #[test]
    fn a_long_line_gets_a_whole_word_diff() {
        let c = change(
            "arn:aws:iam::111122223333:role/platform-team-deployment-role-for-clusters",
            "arn:aws:iam::111122223333:role/payments-team-deployment-role-for-clusters",
        );
        let lines = prop_lines(&c);
        let [head, diff] = lines.as_slice() else {
            panic!("{lines:?}")
        };
        assert_eq!(head, "RoleArn:");
        assert_eq!(
            diff,
            "  arn:aws:iam::111122223333:role/[-platform-]{+payments+}-team-deployment-role-for-clusters"
        );
    }

    #[test]
    fn a_long_value_is_never_cut() {
        let added = PropChange {
            path: "Selectors[1]".into(),
            before: None,
            after: Some(
                serde_json::json!({"Labels": [{"Key": "queue", "Value": "low"}], "Namespace": "jobs"}),
            ),
        };
        let lines = prop_lines(&added);
        assert_eq!(
            lines,
            [
                "Selectors[1]:",
                r#"  + {"Labels":[{"Key":"queue","Value":"low"}],"Namespace":"jobs"}"#
            ]
        );
        assert!(!lines.concat().contains('…'));
    }

    #[test]
    fn short_values_stay_on_one_line() {
        assert_eq!(prop_lines(&change("a", "b")), ["RoleArn: a -> b"]);
    }
}
