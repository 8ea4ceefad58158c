//! `cairn destroy PROGRAM`: what would go, shown first; confirmation or
//! `--yes`; the stacks deleted importers first; what was kept listed with
//! how to delete it. Refused while a stateful deletion is not allowed.

use super::build::compile_beside_report;
use super::live::{confirmed, interruptible, options, runtime, settings, Progress, INTERRUPTED};
use super::{outcome, Common, DeployArgs};
use cairn::deploy::aws::Aws;
use cairn::deploy::destroy::{self, Doomed};

pub fn run(common: &Common, yes: bool, deploy: &DeployArgs) -> i32 {
    let c = match compile_beside_report(common) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let (Some(out), Some(program)) = (&c.output, &c.program) else {
        return 1;
    };
    let Ok(stdlib) = cairn::schema::Stdlib::get() else {
        return 1;
    };
    let stacks: Vec<String> = out
        .stacks
        .iter()
        .map(|s| format!("{}{}", deploy.stack_prefix, s.name))
        .collect();
    let Some(rt) = runtime() else { return 1 };
    let cf = rt.block_on(Aws::connect(&settings(deploy)));
    let allow = &program.project.allow_delete;
    let doomed = match interruptible(&rt, destroy::survey(&cf, &stacks, stdlib, allow)) {
        None => return INTERRUPTED,
        Some(Err(e)) => {
            eprintln!("error: {e}");
            return 1;
        }
        Some(Ok(d)) => d,
    };
    if doomed.is_empty() {
        if !common.quiet {
            eprintln!("nothing to destroy: no stack of this program is deployed");
        }
        return 0;
    }
    if !common.quiet {
        print!("{}", survey_text(&doomed));
    }
    let blocked: Vec<&destroy::Fate> = doomed.iter().flat_map(Doomed::blocked).collect();
    if !blocked.is_empty() {
        eprintln!(
            "error: refusing to destroy: {} stateful resource(s) would be deleted",
            blocked.len()
        );
        for f in &blocked {
            let loses = f.loses.as_deref().unwrap_or("its data");
            match &f.declaration {
                Some(d) => eprintln!(
                    "  {} ({}) from `{d}` would lose {loses}; to allow it, add to the project block: allow_delete = [\"{d}\"]",
                    f.logical_id, f.resource_type
                ),
                None => eprintln!("  {} ({}) would lose {loses}", f.logical_id, f.resource_type),
            }
        }
        return 1;
    }
    if !yes && !confirmed("Destroy these stacks?") {
        return 1;
    }
    let o = match options(deploy) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let progress = Progress::new(common.quiet);
    let log = |s: String| progress.line(s);
    let result = interruptible(&rt, destroy::execute(&cf, &doomed, o, &log));
    progress.done();
    match result {
        None => {
            eprintln!(
                "interrupted: Cairn stopped watching, CloudFormation goes on deleting; \
                 `cairn destroy` again shows what is left"
            );
            INTERRUPTED
        }
        Some(Err(failures)) => {
            for f in &failures {
                outcome::report_failure(f, Some(&c));
            }
            1
        }
        Some(Ok(())) => {
            if !common.quiet {
                print!("{}", kept_text(&doomed, stdlib));
            }
            0
        }
    }
}

/// Per stack, in deletion order: each resource deleted or kept.
fn survey_text(doomed: &[Doomed]) -> String {
    let mut s = String::new();
    let (mut gone, mut kept) = (0, 0);
    let all = || doomed.iter().flat_map(|d| d.resources.iter());
    let id_w = all().map(|f| f.logical_id.len()).max().unwrap_or(0) + 2;
    let ty_w = all().map(|f| f.resource_type.len()).max().unwrap_or(0) + 2;
    for d in doomed {
        s.push_str(&format!("Stack {}\n", d.stack));
        for f in &d.resources {
            let (sign, why) = if f.retained {
                kept += 1;
                ("  keep", "DeletionPolicy Retain".to_string())
            } else {
                gone += 1;
                let why = match (&f.loses, f.blocked) {
                    (Some(l), true) => format!("stateful: blocked ({l})"),
                    (Some(l), false) => format!("stateful: allowed ({l})"),
                    (None, _) => String::new(),
                };
                ("- delete", why)
            };
            let line = format!(
                "{sign:<10}{:<id_w$}{:<ty_w$}{why}",
                f.logical_id, f.resource_type
            );
            s.push_str(line.trim_end());
            s.push('\n');
        }
    }
    s.push_str(&format!(
        "\nDestroy: {} stack(s), {gone} resource(s) to delete, {kept} kept\n",
        doomed.len()
    ));
    s
}

/// What was kept, with how to delete each once nothing needs it.
fn kept_text(doomed: &[Doomed], stdlib: &cairn::schema::Stdlib) -> String {
    let kept: Vec<&destroy::Fate> = doomed
        .iter()
        .flat_map(|d| d.resources.iter())
        .filter(|f| f.retained)
        .collect();
    let mut s = format!("destroyed {} stack(s)\n", doomed.len());
    if kept.is_empty() {
        return s;
    }
    s.push_str("\nKept by their DeletionPolicy (delete each yourself once nothing needs it):\n");
    for f in kept {
        let how = destroy::delete_command(stdlib, f)
            .unwrap_or_else(|| "delete it in the console or with the AWS CLI".to_string());
        s.push_str(&format!(
            "  {} {} ({})\n    {how}\n",
            f.resource_type, f.physical_id, f.logical_id
        ));
    }
    s
}
