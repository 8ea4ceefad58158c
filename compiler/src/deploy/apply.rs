//! Live plans and applies, stack by stack, through change sets.

use super::{ChangeSet, ChangeSetType, CloudFormation, CsChange, DeployError, StackEvent};
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
    #[serde(skip)]
    pub changes: Vec<CsChange>,
    /// The deployed template, for the offline diff.
    #[serde(skip)]
    pub deployed: Option<String>,
}

pub fn digest(text: &str) -> String {
    let canonical = serde_json::from_str::<Json>(text)
        .map(|v| crate::emit::canonical(v).to_string())
        .unwrap_or_else(|_| text.to_string());
    let hash = Sha256::digest(canonical.as_bytes());
    hash.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

async fn sleep(d: Duration) {
    if !d.is_zero() {
        tokio::time::sleep(d).await;
    }
}

/// Waits, bounded, while another operation runs on the stack.
async fn wait_not_busy<C: CloudFormation>(
    cf: &C,
    stack: &str,
    t: Timing,
    log: &mut dyn FnMut(String),
) -> Result<(), DeployError> {
    let start = Instant::now();
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
        sleep(t.poll.max(Duration::from_millis(200))).await;
    }
    Ok(())
}

pub async fn plan<C: CloudFormation>(
    cf: &C,
    stacks: &[StackInput],
    t: Timing,
    log: &mut dyn FnMut(String),
) -> Result<Vec<LiveStack>, DeployError> {
    let mut out = vec![];
    for s in stacks {
        wait_not_busy(cf, &s.name, t, log).await?;
        let info = cf.describe_stack(&s.name).await?;
        let exists = info
            .as_ref()
            .is_some_and(|i| i.status != "REVIEW_IN_PROGRESS");
        let deployed = if exists {
            Some(cf.get_template(&s.name).await?)
        } else {
            None
        };
        let base_digest = deployed.as_deref().map(digest).unwrap_or_default();
        let mut live = LiveStack {
            stack: s.name.clone(),
            change_set: None,
            create: !exists,
            base_digest,
            changes: vec![],
            deployed: deployed.clone(),
        };
        if deployed.as_deref().map(digest) == Some(digest(&s.template)) {
            out.push(live);
            continue;
        }
        let name = format!("cairn-{}", digest(&s.template));
        let kind = if exists {
            ChangeSetType::Update
        } else {
            ChangeSetType::Create
        };
        // A change set of this content may remain from an earlier plan (its
        // name is the content's digest): reuse it rather than recreate it.
        let existing = cf
            .describe_change_set(&s.name, &name)
            .await
            .ok()
            .filter(|cs| cs.status == "CREATE_COMPLETE");
        let cs = match existing {
            Some(cs) => cs,
            None => {
                let _ = cf.delete_change_set(&s.name, &name).await;
                cf.create_change_set(&s.name, &name, &s.template, kind)
                    .await?;
                wait_change_set(cf, &s.name, &name, t).await?
            }
        };
        if cs.is_empty_refusal() {
            let _ = cf.delete_change_set(&s.name, &name).await;
        } else if cs.status == "FAILED" {
            return Err(DeployError::Api(format!(
                "change set for `{}` failed: {}",
                s.name,
                cs.reason.unwrap_or_default()
            )));
        } else {
            live.change_set = Some(name);
            live.changes = cs.changes;
        }
        out.push(live);
    }
    Ok(out)
}

async fn wait_change_set<C: CloudFormation>(
    cf: &C,
    stack: &str,
    name: &str,
    t: Timing,
) -> Result<ChangeSet, DeployError> {
    let start = Instant::now();
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
        sleep(t.poll.max(Duration::from_millis(200))).await;
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

/// Executes each stack's change set in order, waiting for each.
pub async fn execute<C: CloudFormation>(
    cf: &C,
    plan: &[LiveStack],
    t: Timing,
    log: &mut dyn FnMut(String),
) -> Result<(), Failure> {
    for s in plan {
        let Some(cs) = &s.change_set else {
            log(format!("{}: no changes", s.stack));
            continue;
        };
        let fail = |reason: String, status: Option<String>| Failure {
            stack: s.stack.clone(),
            logical_id: None,
            reason,
            status,
        };
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
        let seen = cf
            .stack_events(&s.stack)
            .await
            .map(|e| e.len())
            .unwrap_or(0);
        log(format!("{}: executing change set {cs}", s.stack));
        if let Err(e) = cf.execute_change_set(&s.stack, cs).await {
            let mut f = fail(e.to_string(), None);
            if let Ok(events) = cf.stack_events(&s.stack).await {
                if let Some(root) = root_cause(&events) {
                    f.logical_id = Some(root.logical_id.clone());
                }
            }
            return Err(f);
        }
        let start = Instant::now();
        let mut printed = seen;
        // After execution a stack leaves REVIEW_IN_PROGRESS at once; one
        // that does not was not started, and waiting longer will not help.
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
                    break;
                }
                let events = cf.stack_events(&s.stack).await.unwrap_or_default();
                let root = root_cause(&events);
                return Err(Failure {
                    stack: s.stack.clone(),
                    logical_id: root.map(|r| r.logical_id.clone()),
                    reason: root
                        .and_then(|r| r.reason.clone())
                        .or(info.reason.clone())
                        .unwrap_or_else(|| info.status.clone()),
                    status: Some(info.status),
                });
            }
            if start.elapsed() > t.execution {
                return Err(fail(
                    format!(
                        "still {} after {}s; it goes on in CloudFormation",
                        info.status,
                        t.execution.as_secs()
                    ),
                    Some(info.status),
                ));
            }
            sleep(t.poll).await;
        }
    }
    Ok(())
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
        Some("ROLLBACK_COMPLETE" | "ROLLBACK_FAILED") => format!("the first creation failed and was rolled back; the empty stack must be deleted before it is created again: `aws cloudformation delete-stack --stack-name {stack}` (Cairn never deletes stacks)"),
        Some("UPDATE_ROLLBACK_COMPLETE") => "the update was rolled back and the stack is as before: fix the cause and apply again".to_string(),
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
