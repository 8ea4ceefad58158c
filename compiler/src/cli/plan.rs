//! `cairn plan`.

use super::build::{compile_beside_report, previous_files};
use super::{Common, Format};
use std::collections::BTreeMap;
use std::path::Path;

pub fn run(
    common: &Common,
    against: Option<&Path>,
    detailed: bool,
    out: Option<&Path>,
    deploy: &super::DeployArgs,
) -> i32 {
    let Some(dir) = against else {
        return super::live::plan(common, detailed, out, deploy);
    };
    // The earlier build is read while the program compiles.
    let (c, old) = std::thread::scope(|s| {
        let old = s.spawn(|| read_build(dir));
        let c = compile_beside_report(common);
        let old = old
            .join()
            .unwrap_or_else(|_| Err("cannot read the earlier build".into()));
        (c, old)
    });
    let c = match c {
        Ok(c) => c,
        Err(code) => return code,
    };
    let (Some(output), Some(program)) = (&c.output, &c.program) else {
        return 1;
    };
    let old = match old {
        Ok(files) => files,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let Ok(stdlib) = cairn::schema::Stdlib::get() else {
        return 1;
    };
    let allow = cairn::plan::Allow::of(&program.project);
    let plan = cairn::plan::offline(&output.files, &old, stdlib, &allow);
    show(common, &plan);
    if let Some(path) = out {
        if let Err(e) = std::fs::write(path, cairn::plan::render::json(&plan)) {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            return 1;
        }
    }
    if plan.summary.blocked > 0 {
        // The plan itself succeeds: it is a report. `apply` refuses it.
        let refused = plan
            .stacks
            .iter()
            .flat_map(|s| &s.changes)
            .any(|c| c.refused.is_some());
        if refused {
            eprintln!("note: apply will refuse this plan until the refused changes are undone and the blocked ones allowed");
        } else {
            eprintln!("note: apply will refuse this plan until the blocked changes are allowed");
        }
    }
    match (detailed, plan.has_changes()) {
        (true, true) => 2,
        _ => 0,
    }
}

/// An earlier build: the files its `cairn.build.json` lists.
fn read_build(dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let listed = previous_files(dir);
    if listed.is_empty() {
        return Err(format!(
            "`{}` holds no Cairn build (no readable cairn.build.json)",
            dir.display()
        ));
    }
    let mut files = BTreeMap::new();
    for rel in listed {
        if rel.contains("..") {
            continue;
        }
        match std::fs::read_to_string(dir.join(&rel)) {
            Ok(t) => {
                files.insert(rel, t);
            }
            Err(e) => return Err(format!("cannot read `{}`: {e}", dir.join(&rel).display())),
        }
    }
    Ok(files)
}

pub fn show(common: &Common, plan: &cairn::plan::Plan) {
    match common.format {
        Format::Json => print!("{}", cairn::plan::render::json(plan)),
        Format::Markdown => print!("{}", cairn::plan::render::markdown(plan)),
        Format::Text | Format::Github | Format::Dot | Format::Mermaid => print!(
            "{}",
            cairn::plan::render::text(plan, common.render_options().color)
        ),
    }
}
