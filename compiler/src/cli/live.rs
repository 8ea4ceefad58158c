//! Live plans and `cairn apply`: the only code that talks to AWS.
//!
//! Every wait is bounded by the deploy module and interruptible here:
//! Ctrl-C stops Cairn watching (exit 130), never CloudFormation's work.

use super::build::compile_beside_report;
use super::outcome;
use super::{Common, DeployArgs, Format};
use cairn::deploy::apply::{self, LiveStack, Options, StackInput};
use cairn::deploy::aws::{Aws, Settings};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::future::Future;
use std::io::IsTerminal;
use std::path::Path;

/// Exit status when the user interrupts a wait.
pub(super) const INTERRUPTED: i32 = 130;

/// A saved live plan: what `apply PLAN.json` executes, exactly.
#[derive(Serialize, Deserialize)]
struct Saved {
    version: u32,
    kind: String,
    stacks: Vec<LiveStack>,
    /// Manifests as built (`.hbs` ones are completed after apply).
    manifests: BTreeMap<String, String>,
    blocked: usize,
    plan: serde_json::Value,
}

pub(super) fn runtime() -> Option<tokio::runtime::Runtime> {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => Some(r),
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            None
        }
    }
}

/// Runs `f` to completion unless Ctrl-C comes first.
pub(super) fn interruptible<F: Future>(rt: &tokio::runtime::Runtime, f: F) -> Option<F::Output> {
    rt.block_on(async {
        tokio::select! {
            r = f => Some(r),
            _ = tokio::signal::ctrl_c() => None,
        }
    })
}

pub(super) fn settings(d: &DeployArgs) -> Settings {
    Settings {
        region: d.region.clone(),
        profile: d.profile.clone(),
        endpoint_url: d.endpoint_url.clone(),
    }
}

pub(super) fn options(d: &DeployArgs) -> Result<Options, i32> {
    let stdlib = cairn::schema::Stdlib::get().map_err(|_| 1)?;
    Options::new(stdlib, d.no_rollback).ok_or_else(|| {
        eprintln!("internal error: the stdlib's limits table has no `template_bytes_inline`");
        1
    })
}

/// Progress: a live spinner on a terminal, one line per event otherwise
/// (so CI logs stay readable), nothing with `--quiet`.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    quiet: bool,
}

impl Progress {
    pub(super) fn new(quiet: bool) -> Progress {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let b = indicatif::ProgressBar::new_spinner();
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            b
        });
        Progress { bar, quiet }
    }

    pub(super) fn line(&self, s: String) {
        match &self.bar {
            Some(b) => {
                b.set_message(s.clone());
                b.println(s);
            }
            None if self.quiet => {}
            None => eprintln!("{s}"),
        }
    }

    pub(super) fn done(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

struct Planned {
    live: Vec<LiveStack>,
    plan: cairn::plan::Plan,
    compilation: cairn::Compilation,
}

fn manifests_of(c: &cairn::Compilation) -> BTreeMap<String, String> {
    c.output
        .as_ref()
        .map(|o| {
            o.files
                .iter()
                .filter(|(k, _)| k.starts_with("manifests/"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default()
}

fn make_plan(
    common: &Common,
    deploy: &DeployArgs,
    rt: &tokio::runtime::Runtime,
    cf: &Aws,
) -> Result<Planned, i32> {
    let c = compile_beside_report(common)?;
    let (Some(out), Some(program)) = (&c.output, &c.program) else {
        return Err(1);
    };
    // With a stack prefix, the export names of a split program change with
    // the stack names; the plan compares those prefixed templates.
    let built: Vec<String> = out.stacks.iter().map(|s| s.name.clone()).collect();
    let templates: BTreeMap<String, String> = out
        .files
        .iter()
        .filter(|(p, _)| p.ends_with(".template.json"))
        .map(|(k, v)| {
            let t = cairn::deploy::prefix::apply(v, &deploy.stack_prefix, &built);
            (k.clone(), t)
        })
        .collect();
    let stacks: Vec<StackInput> = templates
        .iter()
        .map(|(p, t)| StackInput {
            name: format!(
                "{}{}",
                deploy.stack_prefix,
                p.trim_end_matches(".template.json")
            ),
            template: t.clone(),
        })
        .collect();
    let o = options(deploy)?;
    let progress = Progress::new(common.quiet);
    let log = |s: String| progress.line(s);
    let result = interruptible(rt, apply::plan(cf, &stacks, o, &log));
    progress.done();
    let live = match result {
        None => {
            eprintln!("interrupted: change sets made so far are kept and reused by the next plan");
            return Err(INTERRUPTED);
        }
        Some(Err(e)) => {
            eprintln!("error: {e}");
            return Err(1);
        }
        Some(Ok(l)) => l,
    };
    if !common.quiet {
        leftovers(rt, cf, &program.project.name, deploy, &stacks);
    }
    // What is deployed, under the names a build uses, for the offline diff.
    let mut old = BTreeMap::new();
    for s in &live {
        if let Some(t) = &s.deployed {
            let name = s
                .stack
                .strip_prefix(&deploy.stack_prefix)
                .unwrap_or(&s.stack);
            old.insert(format!("{name}.template.json"), t.clone());
        }
    }
    let Ok(stdlib) = cairn::schema::Stdlib::get() else {
        return Err(1);
    };
    let allow = cairn::plan::Allow::of(&program.project);
    let plan = cairn::plan::offline(&templates, &old, stdlib, &allow);
    Ok(Planned {
        live,
        plan,
        compilation: c,
    })
}

/// Warns of this program's stacks that are deployed and no longer built
/// (a split program that shrank, a stack renamed by a split): Cairn never
/// deletes a stack, and resources left in one can clash with their new
/// copies. A program's stacks are known by its templates' description.
fn leftovers(
    rt: &tokio::runtime::Runtime,
    cf: &Aws,
    project: &str,
    deploy: &DeployArgs,
    built: &[StackInput],
) {
    use cairn::deploy::CloudFormation;
    let Ok(all) = rt.block_on(cf.list_stacks()) else {
        return;
    };
    let about = cairn::emit::description(project);
    let ours = format!("{}{project}", deploy.stack_prefix);
    for (name, description) in all {
        let left = description == about
            && name.starts_with(&ours)
            && !built.iter().any(|s| s.name == name);
        if left {
            eprintln!(
                "warning: stack `{name}` holds resources of this program that it no longer builds; \
                 Cairn never deletes a stack: once nothing needs them, run \
                 `aws cloudformation delete-stack --stack-name {name}`"
            );
        }
    }
}

pub fn plan(common: &Common, detailed: bool, out: Option<&Path>, deploy: &DeployArgs) -> i32 {
    let Some(rt) = runtime() else { return 1 };
    let cf = rt.block_on(Aws::connect(&settings(deploy)));
    let p = match make_plan(common, deploy, &rt, &cf) {
        Ok(p) => p,
        Err(code) => return code,
    };
    super::plan::show(common, &p.plan);
    let diff = cairn::deploy::merge::disagreements(&p.live, &p.plan);
    if !diff.is_empty() && common.format == Format::Text {
        println!("\nCloudFormation's change sets disagree with the prediction:");
        for d in &diff {
            println!("  {d}");
        }
    }
    if let Some(path) = out {
        let saved = Saved {
            version: 1,
            kind: "live".into(),
            stacks: p.live.clone(),
            manifests: manifests_of(&p.compilation),
            blocked: p.plan.summary.blocked,
            plan: serde_json::to_value(&p.plan).unwrap_or_default(),
        };
        let text = serde_json::to_string_pretty(&saved).unwrap_or_default();
        if let Err(e) = std::fs::write(path, text + "\n") {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            return 1;
        }
    }
    let changes = p.live.iter().any(LiveStack::pending);
    if detailed && changes {
        2
    } else {
        0
    }
}

/// A saved plan, or a clear refusal of what is not one.
fn read_saved(path: &Path) -> Result<Saved, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    if v.get("kind").and_then(|k| k.as_str()) != Some("live") {
        return Err(
            "it is an offline plan (made with `--against`), which names no change sets; \
             save a live plan with `cairn plan PROGRAM --out PLAN.json`"
                .into(),
        );
    }
    serde_json::from_value(v).map_err(|e| e.to_string())
}

pub struct ApplyArgs<'a> {
    pub yes: bool,
    pub out: &'a Path,
    pub kubectl: bool,
}

pub fn apply(common: &Common, args: ApplyArgs<'_>, deploy: &DeployArgs) -> i32 {
    let Some(rt) = runtime() else { return 1 };
    let cf = rt.block_on(Aws::connect(&settings(deploy)));
    let from_file = common.program.extension().is_some_and(|e| e == "json");
    let (live, blocked, manifests, compilation) = if from_file {
        match read_saved(&common.program) {
            Ok(s) => (s.stacks, s.blocked, s.manifests, None),
            Err(e) => {
                eprintln!(
                    "error: `{}` is not a saved live plan: {e}",
                    common.program.display()
                );
                return 1;
            }
        }
    } else {
        let p = match make_plan(common, deploy, &rt, &cf) {
            Ok(p) => p,
            Err(code) => return code,
        };
        // `--quiet`: errors only; the plan is for whoever reads along.
        if !common.quiet {
            super::plan::show(common, &p.plan);
        }
        let manifests = manifests_of(&p.compilation);
        (
            p.live,
            p.plan.summary.blocked,
            manifests,
            Some(p.compilation),
        )
    };
    if blocked > 0 {
        eprintln!("error: refusing to apply: {blocked} change(s) would lose state or cannot be made (see `Blocked` and `Refused`)");
        return 1;
    }
    if !live.iter().any(LiveStack::pending) {
        if !common.quiet {
            eprintln!("nothing to apply: the stacks are up to date");
        }
        return 0;
    }
    if !from_file && !args.yes && !confirmed("Apply these changes?") {
        return 1;
    }
    let progress = Progress::new(common.quiet);
    let log = |s: String| progress.line(s);
    let o = match options(deploy) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let result = interruptible(&rt, apply::execute(&cf, &live, o, &log));
    progress.done();
    match result {
        None => {
            eprintln!(
                "interrupted: Cairn stopped watching, CloudFormation goes on; \
                 `cairn plan` shows where the stacks stand"
            );
            INTERRUPTED
        }
        Some(Err(failures)) => {
            for f in &failures {
                outcome::report_failure(f, compilation.as_ref());
            }
            1
        }
        Some(Ok(())) => {
            let written =
                outcome::complete_manifests(&rt, &cf, &live, &manifests, args.out, common.quiet);
            match written {
                Ok(dir) if args.kubectl => outcome::kubectl_apply(&dir),
                Ok(_) => 0,
                Err(code) => code,
            }
        }
    }
}

/// Asks on a terminal; refuses without one (CI passes `--yes`).
pub(super) fn confirmed(question: &str) -> bool {
    if !std::io::stdin().is_terminal() {
        eprintln!("error: not going on without confirmation; pass `--yes` in CI");
        return false;
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    let _ = std::io::stdin().read_line(&mut answer);
    if matches!(answer.trim(), "y" | "Y" | "yes") {
        true
    } else {
        eprintln!("nothing done");
        false
    }
}
