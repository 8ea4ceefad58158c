//! Deploy: CloudFormation through change sets.
//!
//! Input: built stacks (template bodies), a CloudFormation client. Output:
//! live plans (a change set per stack, merged with the offline diff) and
//! applies (execute, wait, report). The client is a small trait, so the
//! orchestration is the same against AWS and against moto's emulator in
//! the tests; [`aws::Aws`] is the real implementation.
//! Invariant: every wait is bounded; only `destroy`, when asked, deletes
//! a stack.

pub mod apply;
pub mod aws;
pub mod destroy;
pub mod merge;
pub mod order;
pub mod prefix;

use std::collections::BTreeMap;
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub struct StackInfo {
    pub name: String,
    pub status: String,
    pub reason: Option<String>,
    pub outputs: BTreeMap<String, String>,
}

impl StackInfo {
    pub fn busy(&self) -> bool {
        self.status.ends_with("_IN_PROGRESS") && self.status != "REVIEW_IN_PROGRESS"
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct CsChange {
    pub action: String,
    pub logical_id: String,
    pub resource_type: String,
    /// `True`, `False` or `Conditional`, as CloudFormation says.
    pub replacement: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChangeSet {
    pub status: String,
    pub reason: Option<String>,
    pub changes: Vec<CsChange>,
}

impl ChangeSet {
    /// CloudFormation refuses an empty change set with this reason: it
    /// means "no changes", not failure.
    pub fn is_empty_refusal(&self) -> bool {
        self.status == "FAILED"
            && self
                .reason
                .as_deref()
                .is_some_and(|r| r.contains("didn't contain changes") || r.contains("No updates"))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StackEvent {
    pub timestamp: String,
    pub logical_id: String,
    pub resource_type: String,
    pub status: String,
    pub reason: Option<String>,
}

/// Where CloudFormation reads a template from.
#[derive(Clone, Debug, PartialEq)]
pub enum Template<'a> {
    Body(&'a str),
    /// An S3 URL, for bodies over the inline limit.
    Url(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeSetType {
    Create,
    Update,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DeployError {
    /// The endpoint did not answer (no route, refused, timed out).
    Unreachable(String),
    /// CloudFormation answered with an error.
    Api(String),
    /// A bounded wait ran out.
    Timeout(String),
}

impl fmt::Display for DeployError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeployError::Unreachable(m) => write!(f, "CloudFormation is unreachable: {m}"),
            DeployError::Api(m) => write!(f, "CloudFormation refused: {m}"),
            DeployError::Timeout(m) => write!(f, "gave up waiting: {m}"),
        }
    }
}

/// The CloudFormation operations Cairn needs.
#[allow(async_fn_in_trait)]
pub trait CloudFormation {
    async fn describe_stack(&self, name: &str) -> Result<Option<StackInfo>, DeployError>;
    /// Every stack that is not deleted: its name and template description.
    async fn list_stacks(&self) -> Result<Vec<(String, String)>, DeployError>;
    async fn get_template(&self, name: &str) -> Result<String, DeployError>;
    /// Stores a template too large to send inline (in the account's
    /// template bucket) and returns the URL CloudFormation reads it from.
    async fn upload_template(&self, stack: &str, body: &str) -> Result<String, DeployError>;
    async fn create_change_set(
        &self,
        stack: &str,
        change_set: &str,
        template: Template<'_>,
        kind: ChangeSetType,
    ) -> Result<(), DeployError>;
    async fn describe_change_set(
        &self,
        stack: &str,
        change_set: &str,
    ) -> Result<ChangeSet, DeployError>;
    /// `disable_rollback` keeps what succeeded when the execution fails.
    async fn execute_change_set(
        &self,
        stack: &str,
        change_set: &str,
        disable_rollback: bool,
    ) -> Result<(), DeployError>;
    async fn delete_change_set(&self, stack: &str, change_set: &str) -> Result<(), DeployError>;
    async fn stack_events(&self, stack: &str) -> Result<Vec<StackEvent>, DeployError>;
    /// Every resource of a stack: logical ID, type, physical ID.
    async fn stack_resources(
        &self,
        stack: &str,
    ) -> Result<Vec<(String, String, String)>, DeployError>;
    /// Starts deleting a stack (`cairn destroy` only).
    async fn delete_stack(&self, stack: &str) -> Result<(), DeployError>;
}
