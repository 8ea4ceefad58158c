//! Live plans and applies, stack by stack, through change sets.
//!
//! Stacks are applied in waves: a stack waits for the stacks whose exports
//! it imports, and the stacks of one wave run concurrently. A failure lets
//! the rest of its wave finish and starts no later wave.

use super::{
    order, ChangeSet, ChangeSetType, CloudFormation, CsChange, DeployError, StackEvent, Template,
};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};

/// One stack to deploy: its CloudFormation name and template body.
#[derive(Clone, Debug)]
pub struct StackInput {
    pub name: String,
    pub template: String,
}

/// How a plan or an apply runs.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub timing: Timing,
    /// Bodies over this many bytes go through S3 (CloudFormation's inline
    /// limit, from the stdlib's limits table).
    pub inline_limit: usize,
    /// Keep what succeeded when an execution fails (`--no-rollback`).
    pub no_rollback: bool,
}

impl Options {
    /// Default timing and the inline limit of the stdlib's limits table;
    /// None when the table lacks it (a broken stdlib, not a user error).
    pub fn new(stdlib: &crate::schema::Stdlib, no_rollback: bool) -> Option<Options> {
        let inline = crate::emit::limits::quota(stdlib, "template_bytes_inline")?;
        Some(Options {
            timing: Timing::default(),
            inline_limit: usize::try_from(inline).ok()?,
            no_rollback,
        })
    }
}

/// Waits and polls, bounded.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    pub poll: Duration,
    /// How long a busy stack (another update running) is waited for.
    pub busy: Duration,
    /// How long a change set may take to be created.
    pub change_set: Duration,
    /// How long an execution may run before Cairn stops watching.
    pub execution: Duration,
}

impl Default for Timing {
    fn default() -> Timing {
        Timing {
            poll: Duration::from_secs(5),
            busy: Duration::from_secs(600),
            change_set: Duration::from_secs(300),
            execution: Duration::from_secs(3 * 3600),
        }
    }
}

/// A stack's part of a live plan; what `apply PLAN.json` executes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LiveStack {
    pub stack: String,
    /// None when CloudFormation has nothing to change.
    pub change_set: Option<String>,
    pub create: bool,
    /// Digest of the template deployed when the plan was made, to refuse a
    /// saved plan once the stack has moved on.
    pub base_digest: String,
    /// Stacks (by name) whose exports this one imports: applied first.
    #[serde(default)]
    pub after: Vec<String>,
    /// The template to apply once the stacks it imports from are applied,
    /// when its change set could not be made before (their exports are new).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferred: Option<String>,
    #[serde(skip)]
    pub changes: Vec<CsChange>,
    /// The deployed template, for the offline diff.
    #[serde(skip)]
    pub deployed: Option<String>,
}

impl LiveStack {
    /// Whether applying the plan changes this stack.
    pub fn pending(&self) -> bool {
        self.change_set.is_some() || self.deferred.is_some()
    }
}

pub fn digest(text: &str) -> String {
    let canonical = serde_json::from_str::<Json>(text)
        .map(|v| crate::emit::canonical(v).to_string())
        .unwrap_or_else(|_| text.to_string());
    let hash = Sha256::digest(canonical.as_bytes());
    hash.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Polls start fast (small stacks and change sets finish in seconds) and
/// back off to `t.poll`: 250 ms, 500 ms, 1 s, ... up to `t.poll`.
pub(super) async fn pause(t: Timing, round: &mut u32) {
    let d = Duration::from_millis(250u64.saturating_mul(1 << (*round).min(8))).min(t.poll);
    *round = round.saturating_add(1);
    if !d.is_zero() {
        tokio::time::sleep(d).await;
    }
}

/// Waits, bounded, while another operation runs on the stack.
pub(super) async fn wait_not_busy<C: CloudFormation>(
    cf: &C,
    stack: &str,
    t: Timing,
    log: &dyn Fn(String),
) -> Result<(), DeployError> {
    let start = Instant::now();
    let mut round = 0;
    let mut said = false;
    while let Some(info) = cf.describe_stack(stack).await? {
        if !info.busy() {
            return Ok(());
        }
        if !said {
            log(format!(
                "{stack}: busy ({}); waiting up to {}s",
                info.status,
                t.busy.as_secs()
            ));
            said = true;
        }
        if start.elapsed() > t.busy {
            return Err(DeployError::Timeout(format!(
                "stack `{stack}` stayed {} for {}s",
                info.status,
                t.busy.as_secs()
            )));
        }
        pause(t, &mut round).await;
    }
    Ok(())
}

/// Creates (or reuses) one change set per stack that differs from what is
/// deployed; returns the stacks in apply order. A stack that imports from a
/// stack with pending changes is deferred: CloudFormation cannot make its
/// change set before the exports it reads exist.
pub async fn plan<C: CloudFormation>(
    cf: &C,
    stacks: &[StackInput],
    o: Options,
    log: &dyn Fn(String),
) -> Result<Vec<LiveStack>, DeployError> {
    let deps = order::dependencies(stacks);
    let sequence: Vec<usize> = order::waves(&deps).into_iter().flatten().collect();
    let mut planned: Vec<Option<LiveStack>> = vec![None; stacks.len()];
    for &i in &sequence {
        let (Some(s), Some(d)) = (stacks.get(i), deps.get(i)) else {
            continue;
        };
        let after: Vec<&LiveStack> = d
            .iter()
            .filter_map(|j| planned.get(*j).and_then(Option::as_ref))
            .collect();
        let waits = after.iter().any(|x| x.pending());
        let mut live = inspect(cf, s, o, log).await?;
        live.after = after.iter().map(|x| x.stack.clone()).collect();
        if live.base_digest != digest(&s.template) {
            if waits {
                log(format!(
                    "{}: its change set is made at apply, after {}",
                    s.name,
                    live.after.join(", ")
                ));
                live.deferred = Some(s.template.clone());
            } else if let Some((name, changes)) =
                change_set(cf, &s.name, &s.template, live.create, o, log).await?
            {
                live.change_set = Some(name);
                live.changes = changes;
            }
        }
        if let Some(slot) = planned.get_mut(i) {
            *slot = Some(live);
        }
    }
    Ok(sequence
        .iter()
        .filter_map(|i| planned.get_mut(*i).and_then(Option::take))
        .collect())
}

/// What is deployed for one stack, once it is not busy.
async fn inspect<C: CloudFormation>(
    cf: &C,
    s: &StackInput,
    o: Options,
    log: &dyn Fn(String),
) -> Result<LiveStack, DeployError> {
    wait_not_busy(cf, &s.name, o.timing, log).await?;
    let info = cf.describe_stack(&s.name).await?;
    let exists = info
        .as_ref()
        .is_some_and(|i| i.status != "REVIEW_IN_PROGRESS");
    let deployed = if exists {
        Some(cf.get_template(&s.name).await?)
    } else {
        None
    };
    Ok(LiveStack {
        stack: s.name.clone(),
        change_set: None,
        create: !exists,
        base_digest: deployed.as_deref().map(digest).unwrap_or_default(),
        after: vec![],
        deferred: None,
        changes: vec![],
        deployed,
    })
}

/// Makes (or reuses) the change set of `template`; None when CloudFormation
/// finds nothing to change.
async fn change_set<C: CloudFormation>(
    cf: &C,
    stack: &str,
    template: &str,
    create: bool,
    o: Options,
    log: &dyn Fn(String),
) -> Result<Option<(String, Vec<CsChange>)>, DeployError> {
    let name = format!("cairn-{}", digest(template));
    let kind = if create {
        ChangeSetType::Create
    } else {
        ChangeSetType::Update
    };
    // A change set of this content may remain from an earlier plan (its
    // name is the content's digest): reuse it rather than recreate it.
    let existing = cf
        .describe_change_set(stack, &name)
        .await
        .ok()
        .filter(|cs| cs.status == "CREATE_COMPLETE");
    let cs = match existing {
        Some(cs) => cs,
        None => {
            let _ = cf.delete_change_set(stack, &name).await;
            let source = if template.len() > o.inline_limit {
                let url = cf.upload_template(stack, template).await?;
                log(format!(
                    "{stack}: template of {} bytes is over the inline limit of {}; uploaded to {url}",
                    template.len(),
                    o.inline_limit
                ));
                Template::Url(url)
            } else {
                Template::Body(template)
            };
            cf.create_change_set(stack, &name, source, kind).await?;
            wait_change_set(cf, stack, &name, o.timing).await?
        }
    };
    if cs.is_empty_refusal() {
        let _ = cf.delete_change_set(stack, &name).await;
        Ok(None)
    } else if cs.status == "FAILED" {
        Err(DeployError::Api(format!(
            "change set for `{stack}` failed: {}",
            cs.reason.unwrap_or_default()
        )))
    } else {
        Ok(Some((name, cs.changes)))
    }
}

async fn wait_change_set<C: CloudFormation>(
    cf: &C,
    stack: &str,
    name: &str,
    t: Timing,
) -> Result<ChangeSet, DeployError> {
    let start = Instant::now();
    let mut round = 0;
    loop {
        let cs = cf.describe_change_set(stack, name).await?;
        if cs.status == "CREATE_COMPLETE" || cs.status == "FAILED" {
            return Ok(cs);
        }
        if start.elapsed() > t.change_set {
            return Err(DeployError::Timeout(format!(
                "change set `{name}` of `{stack}` still {}",
                cs.status
            )));
        }
        pause(t, &mut round).await;
    }
}

/// Why an apply stopped, as precisely as CloudFormation says.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub stack: String,
    /// The earliest failing resource, when events name one.
    pub logical_id: Option<String>,
    pub reason: String,
    /// The stack's status afterwards.
    pub status: Option<String>,
}

impl Failure {
    /// A stack that ended in a failed state: the earliest failing resource
    /// and its reason, else the stack's own reason or status.
    pub(super) fn ended(stack: &str, info: super::StackInfo, events: &[StackEvent]) -> Failure {
        let root = root_cause(events);
        Failure {
            stack: stack.to_string(),
            logical_id: root.map(|r| r.logical_id.clone()),
            reason: root
                .and_then(|r| r.reason.clone())
                .or(info.reason)
                .unwrap_or_else(|| info.status.clone()),
            status: Some(info.status),
        }
    }

    /// Cairn stopped watching a stack that is still at work.
    pub(super) fn overdue(stack: &str, status: String, t: Timing) -> Failure {
        Failure {
            stack: stack.to_string(),
            logical_id: None,
            reason: format!(
                "still {status} after {}s; it goes on in CloudFormation",
                t.execution.as_secs()
            ),
            status: Some(status),
        }
    }
}

/// Executes the plan's change sets in dependency waves, waiting for each;
/// every failure of the failing wave is returned, earliest stack first.
pub async fn execute<C: CloudFormation>(
    cf: &C,
    plan: &[LiveStack],
    o: Options,
    log: &dyn Fn(String),
) -> Result<(), Vec<Failure>> {
    let deps = by_name(plan, |s| &s.stack, |s| &s.after);
    in_waves(&deps, plan, |s| execute_one(cf, s, o, log)).await
}

/// For each item, the positions of the items it waits for, named by
/// `waits_for` (stack names that are not among the items are ignored).
pub(super) fn by_name<T>(
    items: &[T],
    name: impl Fn(&T) -> &String,
    waits_for: impl Fn(&T) -> &Vec<String>,
) -> Vec<Vec<usize>> {
    items
        .iter()
        .map(|i| {
            waits_for(i)
                .iter()
                .filter_map(|w| items.iter().position(|x| name(x) == w))
                .collect()
        })
        .collect()
}

/// Runs `run` on the items in waves (`deps[i]`: the items i waits for),
/// the items of one wave together; stops after the first wave with a
/// failure, returning every failure of that wave.
pub(super) async fn in_waves<'a, T, F, Fut>(
    deps: &[Vec<usize>],
    items: &'a [T],
    run: F,
) -> Result<(), Vec<Failure>>
where
    F: Fn(&'a T) -> Fut,
    Fut: std::future::Future<Output = Result<(), Failure>>,
{
    for wave in order::waves(deps) {
        let runs = wave.iter().filter_map(|i| items.get(*i)).map(&run);
        let failures: Vec<Failure> = futures_util::future::join_all(runs)
            .await
            .into_iter()
            .filter_map(Result::err)
            .collect();
        if !failures.is_empty() {
            return Err(failures);
        }
    }
    Ok(())
}

async fn execute_one<C: CloudFormation>(
    cf: &C,
    s: &LiveStack,
    o: Options,
    log: &dyn Fn(String),
) -> Result<(), Failure> {
    let t = o.timing;
    let fail = |reason: String, status: Option<String>| Failure {
        stack: s.stack.clone(),
        logical_id: None,
        reason,
        status,
    };
    if s.change_set.is_none() && s.deferred.is_none() {
        log(format!("{}: no changes", s.stack));
        return Ok(());
    }
    // Before any change set is made or run: the stack is free, and still
    // what the plan was made against.
    wait_not_busy(cf, &s.stack, t, log)
        .await
        .map_err(|e| fail(e.to_string(), None))?;
    if !s.create {
        let now = cf
            .get_template(&s.stack)
            .await
            .map_err(|e| fail(e.to_string(), None))?;
        if digest(&now) != s.base_digest {
            return Err(fail(
                "the stack changed since this plan was made; plan again".to_string(),
                None,
            ));
        }
    }
    let cs = match (&s.change_set, &s.deferred) {
        (Some(cs), _) => cs.clone(),
        (None, Some(template)) => {
            match change_set(cf, &s.stack, template, s.create, o, log).await {
                Ok(Some((name, _))) => name,
                Ok(None) => {
                    log(format!("{}: no changes", s.stack));
                    return Ok(());
                }
                Err(e) => return Err(fail(e.to_string(), None)),
            }
        }
        (None, None) => return Ok(()),
    };
    let seen = cf
        .stack_events(&s.stack)
        .await
        .map(|e| e.len())
        .unwrap_or(0);
    log(format!("{}: executing change set {cs}", s.stack));
    if let Err(e) = cf.execute_change_set(&s.stack, &cs, o.no_rollback).await {
        let mut f = fail(e.to_string(), None);
        if let Ok(events) = cf.stack_events(&s.stack).await {
            if let Some(root) = root_cause(&events) {
                f.logical_id = Some(root.logical_id.clone());
            }
        }
        return Err(f);
    }
    let start = Instant::now();
    let mut round = 0;
    let mut printed = seen;
    // After execution a stack leaves REVIEW_IN_PROGRESS at once; one that
    // does not was not started, and waiting longer will not help.
    let start_limit = Duration::from_secs(60).min(t.execution);
    loop {
        let info = cf
            .describe_stack(&s.stack)
            .await
            .map_err(|e| fail(e.to_string(), None))?;
        if let Ok(events) = cf.stack_events(&s.stack).await {
            // Events come newest first.
            let fresh = events.len().saturating_sub(printed);
            for e in events.iter().take(fresh).rev() {
                log(format!(
                    "{}: {} {} {}{}",
                    s.stack,
                    e.logical_id,
                    e.resource_type,
                    e.status,
                    e.reason
                        .as_ref()
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default()
                ));
            }
            printed = events.len();
        }
        let Some(info) = info else {
            return Err(fail("the stack disappeared".into(), None));
        };
        if info.status == "REVIEW_IN_PROGRESS" && start.elapsed() > start_limit {
            return Err(fail(
                "the change set was executed but the stack never started".into(),
                Some(info.status),
            ));
        }
        if !info.busy() && info.status != "REVIEW_IN_PROGRESS" {
            if matches!(
                info.status.as_str(),
                "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "IMPORT_COMPLETE"
            ) {
                return Ok(());
            }
            let events = cf.stack_events(&s.stack).await.unwrap_or_default();
            return Err(Failure::ended(&s.stack, info, &events));
        }
        if start.elapsed() > t.execution {
            return Err(Failure::overdue(&s.stack, info.status, t));
        }
        pause(t, &mut round).await;
    }
}

/// The earliest failing resource: the first `*_FAILED` event (in time) that
/// is not a cancellation caused by another failure.
pub fn root_cause(events: &[StackEvent]) -> Option<&StackEvent> {
    events.iter().rev().find(|e| {
        e.status.ends_with("_FAILED")
            && !e
                .reason
                .as_deref()
                .is_some_and(|r| r.contains("cancelled") || r.contains("canceled"))
            && e.resource_type != "AWS::CloudFormation::Stack"
    })
}

/// What to do next, for a stack left in `status`.
pub fn next_step(stack: &str, status: Option<&str>) -> String {
    match status {
        Some("UPDATE_ROLLBACK_FAILED") => format!("the rollback failed: fix the cause, then `aws cloudformation continue-update-rollback --stack-name {stack}`"),
        Some("ROLLBACK_COMPLETE" | "ROLLBACK_FAILED") => format!("the first creation failed and was rolled back; the empty stack must be deleted before it is created again: `cairn destroy PROGRAM` or `aws cloudformation delete-stack --stack-name {stack}` (apply never deletes stacks)"),
        Some("UPDATE_ROLLBACK_COMPLETE") => "the update was rolled back and the stack is as before: fix the cause and apply again".to_string(),
        // Left as they failed by `--no-rollback`.
        Some("CREATE_FAILED" | "UPDATE_FAILED") => format!("what succeeded was kept (--no-rollback): fix the cause and apply again, or undo with `aws cloudformation rollback-stack --stack-name {stack}`"),
        _ => "fix the cause and run `cairn apply` again".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: &str, status: &str, reason: Option<&str>) -> StackEvent {
        StackEvent {
            timestamp: String::new(),
            logical_id: id.into(),
            resource_type: "AWS::X::Y".into(),
            status: status.into(),
            reason: reason.map(String::from),
        }
    }

    #[test]
    fn the_root_cause_is_the_earliest_real_failure() {
        // Newest first, as CloudFormation returns them.
        let events = vec![
            ev("B", "CREATE_FAILED", Some("Resource creation cancelled")),
            ev("A", "CREATE_FAILED", Some("Subnet CIDR is invalid")),
            ev("A", "CREATE_IN_PROGRESS", None),
        ];
        let r = root_cause(&events).map(|e| (e.logical_id.as_str(), e.reason.as_deref()));
        assert_eq!(r, Some(("A", Some("Subnet CIDR is invalid"))));
    }

    #[test]
    fn equal_templates_have_equal_digests_whatever_their_layout() {
        assert_eq!(
            digest("{\"b\": 1, \"a\": [1]}"),
            digest("{\"a\":[1],\"b\":1}")
        );
        assert_ne!(digest("{\"a\": 1}"), digest("{\"a\": 2}"));
    }
}
