//! The CloudFormation client on aws-sdk-cloudformation: the standard
//! credential chain and profiles, `--region`, `--endpoint-url` for
//! emulators; throttling and transient errors retried by the SDK's
//! standard retry mode (bounded attempts, backoff); every call bounded by
//! connect and operation timeouts.

use super::{
    ChangeSet, ChangeSetType, CloudFormation, CsChange, DeployError, StackEvent, StackInfo,
    Template,
};
use aws_sdk_cloudformation::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_cloudformation::types::{Capability, ChangeSetType as SdkType};
use aws_sdk_cloudformation::Client;
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Aws {
    client: Client,
    s3: aws_sdk_s3::Client,
    sts: aws_sdk_sts::Client,
    region: String,
    /// The template bucket, once known to exist.
    bucket: std::sync::Mutex<Option<String>>,
}

#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
}

impl Aws {
    pub async fn connect(s: &Settings) -> Aws {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(4))
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(3))
                    .operation_attempt_timeout(Duration::from_secs(20))
                    .operation_timeout(Duration::from_secs(60))
                    .build(),
            );
        if let Some(r) = &s.region {
            loader = loader.region(aws_config::Region::new(r.clone()));
        }
        if let Some(p) = &s.profile {
            loader = loader.profile_name(p);
        }
        if let Some(e) = &s.endpoint_url {
            loader = loader.endpoint_url(e);
        }
        let config = loader.load().await;
        // An emulator answers on one host: buckets go in the path there.
        let s3 = aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(s.endpoint_url.is_some())
            .build();
        Aws {
            client: Client::new(&config),
            s3: aws_sdk_s3::Client::from_conf(s3),
            sts: aws_sdk_sts::Client::new(&config),
            region: config
                .region()
                .map(|r| r.to_string())
                .unwrap_or_else(|| "us-east-1".to_string()),
            bucket: std::sync::Mutex::new(None),
        }
    }

    /// The template bucket, `cairn-templates-ACCOUNT-REGION`, created on
    /// first use: encrypted, versioned, public access blocked.
    async fn template_bucket(&self) -> Result<String, DeployError> {
        if let Some(b) = self.bucket.lock().ok().and_then(|b| b.clone()) {
            return Ok(b);
        }
        let me = self.sts.get_caller_identity().send().await.map_err(err)?;
        let account = me.account().unwrap_or("unknown");
        let bucket = format!("cairn-templates-{account}-{}", self.region);
        if self.s3.head_bucket().bucket(&bucket).send().await.is_err() {
            use aws_sdk_s3::types as t;
            let mut create = self.s3.create_bucket().bucket(&bucket);
            // us-east-1 is the one region that refuses a location constraint.
            if self.region != "us-east-1" {
                create = create.create_bucket_configuration(
                    t::CreateBucketConfiguration::builder()
                        .location_constraint(t::BucketLocationConstraint::from(
                            self.region.as_str(),
                        ))
                        .build(),
                );
            }
            create.send().await.map_err(err)?;
            let rule = t::ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(
                    t::ServerSideEncryptionByDefault::builder()
                        .sse_algorithm(t::ServerSideEncryption::AwsKms)
                        .build()
                        .map_err(|e| DeployError::Api(e.to_string()))?,
                )
                .build();
            let encryption = t::ServerSideEncryptionConfiguration::builder()
                .rules(rule)
                .build()
                .map_err(|e| DeployError::Api(e.to_string()))?;
            self.s3
                .put_bucket_encryption()
                .bucket(&bucket)
                .server_side_encryption_configuration(encryption)
                .send()
                .await
                .map_err(err)?;
            self.s3
                .put_bucket_versioning()
                .bucket(&bucket)
                .versioning_configuration(
                    t::VersioningConfiguration::builder()
                        .status(t::BucketVersioningStatus::Enabled)
                        .build(),
                )
                .send()
                .await
                .map_err(err)?;
            self.s3
                .put_public_access_block()
                .bucket(&bucket)
                .public_access_block_configuration(
                    t::PublicAccessBlockConfiguration::builder()
                        .block_public_acls(true)
                        .block_public_policy(true)
                        .ignore_public_acls(true)
                        .restrict_public_buckets(true)
                        .build(),
                )
                .send()
                .await
                .map_err(err)?;
        }
        if let Ok(mut slot) = self.bucket.lock() {
            *slot = Some(bucket.clone());
        }
        Ok(bucket)
    }
}

fn err<E, R>(e: SdkError<E, R>) -> DeployError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match &e {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            // The first clause says it (`tcp connect error: Connection
            // refused`); the rest is the SDK's debug dump.
            let full = format!("{}", DisplayErrorContext(&e));
            DeployError::Unreachable(full.split(" (").next().unwrap_or(&full).to_string())
        }
        SdkError::ServiceError(s) => {
            let inner = s.err();
            DeployError::Api(
                inner
                    .message()
                    .map(String::from)
                    .unwrap_or_else(|| inner.code().unwrap_or("unknown error").to_string()),
            )
        }
        _ => DeployError::Api(format!("{}", DisplayErrorContext(&e))),
    }
}

impl CloudFormation for Aws {
    /// The key is the content's digest, so the same template is one object.
    async fn upload_template(&self, stack: &str, body: &str) -> Result<String, DeployError> {
        let bucket = self.template_bucket().await?;
        let key = format!("{stack}/{}.template.json", super::apply::digest(body));
        self.s3
            .put_object()
            .bucket(&bucket)
            .key(&key)
            .body(body.as_bytes().to_vec().into())
            .send()
            .await
            .map_err(err)?;
        Ok(format!(
            "https://{bucket}.s3.{}.amazonaws.com/{key}",
            self.region
        ))
    }

    async fn describe_stack(&self, name: &str) -> Result<Option<StackInfo>, DeployError> {
        match self.client.describe_stacks().stack_name(name).send().await {
            Ok(out) => Ok(out.stacks().first().map(|s| StackInfo {
                name: s.stack_name().unwrap_or(name).to_string(),
                status: s
                    .stack_status()
                    .map(|x| x.as_str().to_string())
                    .unwrap_or_default(),
                reason: s.stack_status_reason().map(String::from),
                outputs: s
                    .outputs()
                    .iter()
                    .filter_map(|o| {
                        Some((o.output_key()?.to_string(), o.output_value()?.to_string()))
                    })
                    .collect::<BTreeMap<_, _>>(),
            })),
            Err(e) => match err(e) {
                DeployError::Api(m) if m.contains("does not exist") => Ok(None),
                other => Err(other),
            },
        }
    }

    async fn list_stacks(&self) -> Result<Vec<(String, String)>, DeployError> {
        let mut out = vec![];
        let mut token: Option<String> = None;
        loop {
            let page = self
                .client
                .list_stacks()
                .set_next_token(token.take())
                .send()
                .await
                .map_err(err)?;
            for s in page.stack_summaries() {
                let deleted = s
                    .stack_status()
                    .is_some_and(|x| x.as_str() == "DELETE_COMPLETE");
                if let (Some(name), false) = (s.stack_name(), deleted) {
                    let about = s.template_description().unwrap_or_default();
                    out.push((name.to_string(), about.to_string()));
                }
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(out),
            }
        }
    }

    async fn get_template(&self, name: &str) -> Result<String, DeployError> {
        let out = self
            .client
            .get_template()
            .stack_name(name)
            .send()
            .await
            .map_err(err)?;
        Ok(out.template_body().unwrap_or("{}").to_string())
    }

    async fn create_change_set(
        &self,
        stack: &str,
        change_set: &str,
        template: Template<'_>,
        kind: ChangeSetType,
    ) -> Result<(), DeployError> {
        let kind = match kind {
            ChangeSetType::Create => SdkType::Create,
            ChangeSetType::Update => SdkType::Update,
        };
        let mut request = self
            .client
            .create_change_set()
            .stack_name(stack)
            .change_set_name(change_set);
        request = match template {
            Template::Body(b) => request.template_body(b),
            Template::Url(u) => request.template_url(u),
        };
        request
            .change_set_type(kind)
            .capabilities(Capability::CapabilityIam)
            .capabilities(Capability::CapabilityNamedIam)
            .send()
            .await
            .map_err(err)?;
        Ok(())
    }

    async fn describe_change_set(
        &self,
        stack: &str,
        change_set: &str,
    ) -> Result<ChangeSet, DeployError> {
        let out = self
            .client
            .describe_change_set()
            .stack_name(stack)
            .change_set_name(change_set)
            .send()
            .await
            .map_err(err)?;
        let changes = out
            .changes()
            .iter()
            .filter_map(|c| c.resource_change())
            .map(|r| CsChange {
                action: r
                    .action()
                    .map(|a| a.as_str().to_string())
                    .unwrap_or_default(),
                logical_id: r.logical_resource_id().unwrap_or("").to_string(),
                resource_type: r.resource_type().unwrap_or("").to_string(),
                replacement: r.replacement().map(|x| x.as_str().to_string()),
            })
            .collect();
        Ok(ChangeSet {
            status: out
                .status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            reason: out.status_reason().map(String::from),
            changes,
        })
    }

    async fn execute_change_set(
        &self,
        stack: &str,
        change_set: &str,
        disable_rollback: bool,
    ) -> Result<(), DeployError> {
        self.client
            .execute_change_set()
            .stack_name(stack)
            .change_set_name(change_set)
            .disable_rollback(disable_rollback)
            .send()
            .await
            .map_err(err)?;
        Ok(())
    }

    async fn delete_change_set(&self, stack: &str, change_set: &str) -> Result<(), DeployError> {
        self.client
            .delete_change_set()
            .stack_name(stack)
            .change_set_name(change_set)
            .send()
            .await
            .map_err(err)?;
        Ok(())
    }

    async fn stack_resources(
        &self,
        stack: &str,
    ) -> Result<Vec<(String, String, String)>, DeployError> {
        let mut out = vec![];
        let mut token: Option<String> = None;
        loop {
            let page = self
                .client
                .list_stack_resources()
                .stack_name(stack)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(err)?;
            for r in page.stack_resource_summaries() {
                out.push((
                    r.logical_resource_id().unwrap_or("").to_string(),
                    r.resource_type().unwrap_or("").to_string(),
                    r.physical_resource_id().unwrap_or("").to_string(),
                ));
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(out),
            }
        }
    }

    async fn delete_stack(&self, stack: &str) -> Result<(), DeployError> {
        self.client
            .delete_stack()
            .stack_name(stack)
            .send()
            .await
            .map_err(err)?;
        Ok(())
    }

    async fn stack_events(&self, stack: &str) -> Result<Vec<StackEvent>, DeployError> {
        let out = self
            .client
            .describe_stack_events()
            .stack_name(stack)
            .send()
            .await
            .map_err(err)?;
        Ok(out
            .stack_events()
            .iter()
            .map(|e| StackEvent {
                timestamp: e.timestamp().map(|t| t.to_string()).unwrap_or_default(),
                logical_id: e.logical_resource_id().unwrap_or("").to_string(),
                resource_type: e.resource_type().unwrap_or("").to_string(),
                status: e
                    .resource_status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                reason: e.resource_status_reason().map(String::from),
            })
            .collect())
    }
}
