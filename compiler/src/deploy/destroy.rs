//! `cairn destroy`: a program's stacks deleted, importers before the stacks
//! they import from, with the same guard on state as `apply`.
//!
//! Input: the stacks a build names, the program's `allow_delete`, the
//! stdlib's stateful table. Output: a survey of what deleting would do
//! (per resource: deleted, or retained by its `DeletionPolicy`; stateful
//! deletions the program does not allow are blocked), then the deletion.
//! The survey reads what is deployed, not the build: a resource removed
//! from the program but still deployed goes too.
//! Invariant: only this module deletes stacks, only when asked, and never
//! while a stateful deletion is blocked.

use super::apply::{by_name, in_waves, pause, wait_not_busy, Failure, Options, StackInput};
use super::{order, CloudFormation, DeployError};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::time::Instant;

/// One deployed resource and what destroying does to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Fate {
    pub logical_id: String,
    pub resource_type: String,
    pub physical_id: String,
    /// The declaration that made it (the template's `Metadata.Cairn`).
    pub declaration: Option<String>,
    /// Kept by its `DeletionPolicy` (`Retain`, `RetainExceptOnCreate`).
    pub retained: bool,
    /// What deleting it loses, for stateful types (`the objects in it`).
    pub loses: Option<String>,
    /// Stateful, deleted, and not allowed by `allow_delete`.
    pub blocked: bool,
}

/// A deployed stack of the program, its resources, and the stacks that
/// import from it (deleted before it).
#[derive(Clone, Debug, PartialEq)]
pub struct Doomed {
    pub stack: String,
    pub resources: Vec<Fate>,
    pub importers: Vec<String>,
}

impl Doomed {
    pub fn blocked(&self) -> impl Iterator<Item = &Fate> {
        self.resources.iter().filter(|r| r.blocked)
    }
}

/// What destroying the deployed stacks among `stacks` (names) would do,
/// in the order they would go.
pub async fn survey<C: CloudFormation>(
    cf: &C,
    stacks: &[String],
    stdlib: &crate::schema::Stdlib,
    allow_delete: &[String],
) -> Result<Vec<Doomed>, DeployError> {
    let stateful = stdlib
        .table("stateful")
        .and_then(|t| t.get("types"))
        .and_then(Json::as_object);
    let mut deployed: Vec<StackInput> = vec![];
    let mut resources: Vec<Vec<Fate>> = vec![];
    for name in stacks {
        if cf.describe_stack(name).await?.is_none() {
            continue;
        }
        let template = cf.get_template(name).await?;
        let t: Json = serde_json::from_str(&template).unwrap_or(Json::Null);
        let physical: BTreeMap<String, String> = cf
            .stack_resources(name)
            .await?
            .into_iter()
            .map(|(logical, _, id)| (logical, id))
            .collect();
        let declared = crate::plan::declared_in(&t);
        let mut fates = vec![];
        for (id, r) in t
            .get("Resources")
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
        {
            let ty = r
                .get("Type")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_string();
            let policy = r
                .get("DeletionPolicy")
                .and_then(Json::as_str)
                .unwrap_or("Delete");
            let retained = policy.starts_with("Retain");
            let loses = stateful
                .and_then(|m| m.get(&ty))
                .and_then(Json::as_str)
                .map(String::from);
            let declaration = declared.get(id).cloned();
            let allowed = declaration
                .as_ref()
                .is_some_and(|d| allow_delete.contains(d));
            fates.push(Fate {
                logical_id: id.clone(),
                resource_type: ty,
                physical_id: physical.get(id).cloned().unwrap_or_default(),
                blocked: loses.is_some() && !retained && !allowed,
                declaration,
                retained,
                loses,
            });
        }
        deployed.push(StackInput {
            name: name.clone(),
            template,
        });
        resources.push(fates);
    }
    // `deps[i]`: the stacks i imports from. Deleting runs the other way:
    // a stack goes once every stack importing from it has gone.
    let deps = order::dependencies(&deployed);
    let mut importers: Vec<Vec<usize>> = vec![vec![]; deployed.len()];
    for (i, ds) in deps.iter().enumerate() {
        for &j in ds {
            if let Some(v) = importers.get_mut(j) {
                v.push(i);
            }
        }
    }
    let name = |i: &usize| deployed.get(*i).map(|s| s.name.clone()).unwrap_or_default();
    let mut out = vec![];
    for wave in order::waves(&importers) {
        for i in wave {
            if let (Some(s), Some(fates)) = (deployed.get(i), resources.get(i)) {
                out.push(Doomed {
                    stack: s.name.clone(),
                    resources: fates.clone(),
                    importers: importers.get(i).into_iter().flatten().map(name).collect(),
                });
            }
        }
    }
    Ok(out)
}

/// Deletes the surveyed stacks, importers first, the independent ones
/// together; stops at the first wave with a failure.
pub async fn execute<C: CloudFormation>(
    cf: &C,
    doomed: &[Doomed],
    o: Options,
    log: &dyn Fn(String),
) -> Result<(), Vec<Failure>> {
    let after = by_name(doomed, |d| &d.stack, |d| &d.importers);
    in_waves(&after, doomed, |d| delete_one(cf, &d.stack, o, log)).await
}

async fn delete_one<C: CloudFormation>(
    cf: &C,
    stack: &str,
    o: Options,
    log: &dyn Fn(String),
) -> Result<(), Failure> {
    let t = o.timing;
    // A call that failed: CloudFormation's answer is the reason.
    let fail = |e: super::DeployError| Failure {
        stack: stack.to_string(),
        logical_id: None,
        reason: e.to_string(),
        status: None,
    };
    wait_not_busy(cf, stack, t, log).await.map_err(fail)?;
    let seen = cf.stack_events(stack).await.map(|e| e.len()).unwrap_or(0);
    log(format!("{stack}: deleting"));
    cf.delete_stack(stack).await.map_err(fail)?;
    let start = Instant::now();
    let mut round = 0;
    let mut printed = seen;
    loop {
        let info = cf.describe_stack(stack).await.map_err(fail)?;
        if let Ok(events) = cf.stack_events(stack).await {
            let fresh = events.len().saturating_sub(printed);
            for e in events.iter().take(fresh).rev() {
                log(format!(
                    "{stack}: {} {} {}",
                    e.logical_id, e.resource_type, e.status
                ));
            }
            printed = printed.max(events.len());
        }
        let Some(info) = info.filter(|i| i.status != "DELETE_COMPLETE") else {
            log(format!("{stack}: deleted"));
            return Ok(());
        };
        if info.status == "DELETE_FAILED" {
            let events = cf.stack_events(stack).await.unwrap_or_default();
            return Err(Failure::ended(stack, info, &events));
        }
        if start.elapsed() > t.execution {
            return Err(Failure::overdue(stack, info.status, t));
        }
        pause(t, &mut round).await;
    }
}

/// How to delete a resource that destroying kept, from the stdlib's
/// stateful table (`delete_commands`, `{id}` for the physical ID).
pub fn delete_command(stdlib: &crate::schema::Stdlib, f: &Fate) -> Option<String> {
    stdlib
        .table("stateful")
        .and_then(|t| t.get("delete_commands"))
        .and_then(|c| c.get(&f.resource_type))
        .and_then(Json::as_str)
        .map(|c| c.replace("{id}", &f.physical_id))
}
