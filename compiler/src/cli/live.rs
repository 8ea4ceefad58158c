//! Live plans and `cairn apply`: the only code that talks to AWS.

use super::build::compile;
use super::{Common, DeployArgs, Format};
use cairn::deploy::apply::{self, LiveStack, StackInput, Timing};
use cairn::deploy::aws::{Aws, Settings};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;

/// A saved live plan: what `apply PLAN.json` executes, exactly.
#[derive(Serialize, Deserialize)]
struct Saved {
    version: u32,
    kind: String,
    stacks: Vec<LiveStack>,
    /// Manifests as built (`.hbs` ones are completed after apply).
    manifests: BTreeMap<String, String>,
    /// Stack name prefix and the build's stack names, to read outputs.
    prefix: String,
    blocked: usize,
    plan: serde_json::Value,
}

fn runtime() -> Option<tokio::runtime::Runtime> {
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

fn settings(d: &DeployArgs) -> Settings {
    Settings {
        region: d.region.clone(),
        profile: d.profile.clone(),
        endpoint_url: d.endpoint_url.clone(),
    }
}

/// Progress: a live spinner on a terminal, one line per event otherwise
/// (so CI logs stay readable).
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new(quiet: bool) -> Progress {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let b = indicatif::ProgressBar::new_spinner();
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            b
        });
        Progress { bar }
    }

    fn line(&self, s: String) {
        match &self.bar {
            Some(b) => {
                b.set_message(s.clone());
                b.println(s);
            }
            None => eprintln!("{s}"),
        }
    }

    fn done(&self) {
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

fn make_plan(
    common: &Common,
    deploy: &DeployArgs,
    rt: &tokio::runtime::Runtime,
    cf: &Aws,
    progress: &Progress,
) -> Result<Planned, i32> {
    let c = compile(common)?;
    let (Some(out), Some(program)) = (&c.output, &c.program) else {
        return Err(1);
    };
    let stacks: Vec<StackInput> = out
        .files
        .iter()
        .filter(|(p, _)| p.ends_with(".template.json"))
        .map(|(p, t)| StackInput {
            name: format!(
                "{}{}",
                deploy.stack_prefix,
                p.trim_end_matches(".template.json")
            ),
            template: t.clone(),
        })
        .collect();
    let mut log = |s: String| progress.line(s);
    let live = match rt.block_on(apply::plan(cf, &stacks, Timing::default(), &mut log)) {
        Ok(l) => l,
        Err(e) => {
            progress.done();
            eprintln!("error: {e}");
            return Err(1);
        }
    };
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
    let allow = cairn::plan::Allow {
        replace: program.project.allow_replace.clone(),
        delete: program.project.allow_delete.clone(),
    };
    let new: BTreeMap<String, String> = out
        .files
        .iter()
        .filter(|(p, _)| p.ends_with(".template.json"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let plan = cairn::plan::offline(&new, &old, stdlib, &allow);
    Ok(Planned {
        live,
        plan,
        compilation: c,
    })
}

/// Where CloudFormation's change set and Cairn's diff disagree.
fn disagreements(live: &[LiveStack], plan: &cairn::plan::Plan) -> Vec<String> {
    let mut out = vec![];
    let ours: BTreeMap<&str, cairn::plan::Action> = plan
        .stacks
        .iter()
        .flat_map(|s| &s.changes)
        .map(|c| (c.logical_id.as_str(), c.action))
        .collect();
    for s in live {
        for c in &s.changes {
            let replaces = matches!(c.replacement.as_deref(), Some("True"));
            let theirs = match (c.action.as_str(), replaces) {
                ("Add", _) => cairn::plan::Action::Create,
                ("Remove", _) => cairn::plan::Action::Delete,
                (_, true) => cairn::plan::Action::Replace,
                _ => cairn::plan::Action::Update,
            };
            match ours.get(c.logical_id.as_str()) {
                Some(a) if *a == theirs => {}
                Some(a) => out.push(
                    format!(
                        "{} {}: CloudFormation says {:?}, Cairn predicted {:?}",
                        s.stack, c.logical_id, theirs, a
                    )
                    .to_lowercase(),
                ),
                None => out.push(format!(
                    "{} {}: CloudFormation reports {} that Cairn did not predict",
                    s.stack, c.logical_id, c.action
                )),
            }
        }
    }
    out
}

pub fn plan(common: &Common, detailed: bool, out: Option<&Path>, deploy: &DeployArgs) -> i32 {
    let Some(rt) = runtime() else { return 1 };
    let cf = rt.block_on(Aws::connect(&settings(deploy)));
    let progress = Progress::new(common.quiet);
    let p = match make_plan(common, deploy, &rt, &cf, &progress) {
        Ok(p) => p,
        Err(code) => return code,
    };
    progress.done();
    super::plan::show(common, &p.plan);
    let diff = disagreements(&p.live, &p.plan);
    if !diff.is_empty() && common.format == Format::Text {
        println!("\nCloudFormation's change sets disagree with the prediction:");
        for d in &diff {
            println!("  {d}");
        }
    }
    if let Some(path) = out {
        let manifests = p
            .compilation
            .output
            .as_ref()
            .map(|o| {
                o.files
                    .iter()
                    .filter(|(k, _)| k.starts_with("manifests/"))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let saved = Saved {
            version: 1,
            kind: "live".into(),
            stacks: p.live.clone(),
            manifests,
            prefix: deploy.stack_prefix.clone(),
            blocked: p.plan.summary.blocked,
            plan: serde_json::to_value(&p.plan).unwrap_or_default(),
        };
        let text = serde_json::to_string_pretty(&saved).unwrap_or_default();
        if let Err(e) = std::fs::write(path, text + "\n") {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            return 1;
        }
    }
    let changes = p.live.iter().any(|s| s.change_set.is_some());
    if detailed && changes {
        2
    } else {
        0
    }
}

pub fn apply(common: &Common, yes: bool, out: &Path, deploy: &DeployArgs) -> i32 {
    let Some(rt) = runtime() else { return 1 };
    let cf = rt.block_on(Aws::connect(&settings(deploy)));
    let progress = Progress::new(common.quiet);
    let from_file = common.program.extension().is_some_and(|e| e == "json");
    let (live, blocked, manifests, prefix, compilation) = if from_file {
        let saved: Saved = match std::fs::read_to_string(&common.program)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(s) => s,
            Err(e) => {
                eprintln!(
                    "error: `{}` is not a saved plan: {e}",
                    common.program.display()
                );
                return 1;
            }
        };
        (
            saved.stacks,
            saved.blocked,
            saved.manifests,
            saved.prefix,
            None,
        )
    } else {
        let p = match make_plan(common, deploy, &rt, &cf, &progress) {
            Ok(p) => p,
            Err(code) => return code,
        };
        progress.done();
        super::plan::show(common, &p.plan);
        let manifests = p
            .compilation
            .output
            .as_ref()
            .map(|o| {
                o.files
                    .iter()
                    .filter(|(k, _)| k.starts_with("manifests/"))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        (
            p.live,
            p.plan.summary.blocked,
            manifests,
            deploy.stack_prefix.clone(),
            Some(p.compilation),
        )
    };
    if blocked > 0 {
        eprintln!("error: refusing to apply: {blocked} change(s) would delete or replace stateful resources (see `Blocked`)");
        return 1;
    }
    if live.iter().all(|s| s.change_set.is_none()) {
        eprintln!("nothing to apply: the stacks are up to date");
        return 0;
    }
    if !from_file && !yes {
        if !std::io::stdin().is_terminal() {
            eprintln!("error: not applying without confirmation; pass `--yes` to apply from CI");
            return 1;
        }
        eprint!("Apply these changes? [y/N] ");
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            eprintln!("not applied");
            return 1;
        }
    }
    let progress = Progress::new(common.quiet);
    let mut log = |s: String| progress.line(s);
    let result = rt.block_on(apply::execute(&cf, &live, Timing::default(), &mut log));
    progress.done();
    if let Err(f) = result {
        report_failure(&f, compilation.as_ref());
        return 1;
    }
    complete_manifests(&rt, &cf, &live, &prefix, &manifests, out)
}

fn report_failure(f: &apply::Failure, c: Option<&cairn::Compilation>) {
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
    let d = c.program.as_ref()?.decls.iter().find(|d| d.name == name)?;
    let (line, col) = c.sources.line_col(d.span.file, d.span.start);
    Some((
        name,
        format!("{}:{line}:{col}", c.sources.name(d.span.file)),
    ))
}

/// Fills `{{outputs.X}}` in `.hbs` manifests from the stacks' outputs and
/// writes every manifest under `out/manifests`.
fn complete_manifests(
    rt: &tokio::runtime::Runtime,
    cf: &Aws,
    live: &[LiveStack],
    _prefix: &str,
    manifests: &BTreeMap<String, String>,
    out: &Path,
) -> i32 {
    use cairn::deploy::CloudFormation;
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
    for (path, text) in manifests {
        let (dest, body) = match path.strip_suffix(".hbs") {
            Some(plain) => match hb.render_template(text, &ctx) {
                Ok(b) => (plain.to_string(), b),
                Err(e) => {
                    eprintln!("warning: `{path}` not completed: {e}");
                    continue;
                }
            },
            None => (path.clone(), text.clone()),
        };
        let p = out.join(&dest);
        if let Some(parent) = p.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        if let Err(e) = std::fs::write(&p, body) {
            eprintln!("error: cannot write `{}`: {e}", p.display());
            return 1;
        }
    }
    eprintln!(
        "applied; manifests completed under {}",
        out.join("manifests").display()
    );
    0
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
