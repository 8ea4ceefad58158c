//! What each kind lowers to, asserted resource by resource (the snapshots
//! show everything; these say what must never go missing). The program is
//! the brief's first one (examples/platform) plus what it does not cover.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cairn_tests::{compile_path, compile_text, repo_root};
use serde_json::Value;
use std::collections::BTreeMap;

struct Built {
    template: Value,
    manifests: BTreeMap<String, String>,
}

fn build_platform() -> Built {
    let c = compile_path(&repo_root().join("examples/platform"));
    assert!(!c.has_errors(), "{}", cairn_tests::rendered_diagnostics(&c));
    let out = c.output.unwrap();
    let template = serde_json::from_str(&out.files["retail.template.json"]).unwrap();
    let manifests = out
        .files
        .into_iter()
        .filter(|(k, _)| k.starts_with("manifests/"))
        .collect();
    Built {
        template,
        manifests,
    }
}

impl Built {
    fn res(&self, id: &str) -> &Value {
        let r = &self.template["Resources"][id];
        assert!(r.is_object(), "no resource `{id}`");
        r
    }

    fn props(&self, id: &str) -> &Value {
        &self.res(id)["Properties"]
    }

    fn of_type(&self, ty: &str) -> Vec<(&String, &Value)> {
        self.template["Resources"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, r)| r["Type"] == ty)
            .collect()
    }
}

fn imdsv2_and_encrypted_root(lt: &Value) {
    let data = &lt["LaunchTemplateData"];
    assert_eq!(data["MetadataOptions"]["HttpTokens"], "required");
    assert_eq!(data["MetadataOptions"]["HttpPutResponseHopLimit"], 2);
    assert_eq!(data["BlockDeviceMappings"][0]["Ebs"]["Encrypted"], true);
    assert_eq!(data["BlockDeviceMappings"][0]["Ebs"]["VolumeType"], "gp3");
}

#[test]
fn self_managed_nodes_have_every_piece() {
    let b = build_platform();
    let lt = b.props("GpuLaunchTemplate");
    imdsv2_and_encrypted_root(lt);
    let image = lt["LaunchTemplateData"]["ImageId"].as_str().unwrap();
    assert!(
        image.contains("/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/x86_64/nvidia/"),
        "{image}"
    );
    let asg = b.props("GpuAutoScalingGroup");
    assert_eq!(
        asg["MixedInstancesPolicy"]["InstancesDistribution"]["OnDemandPercentageAboveBaseCapacity"],
        0,
        "spot"
    );
    assert_eq!(
        asg["VPCZoneIdentifier"].as_array().unwrap().len(),
        3,
        "every private subnet"
    );
    assert_eq!(
        b.res("GpuInstanceProfile")["Type"],
        "AWS::IAM::InstanceProfile"
    );
    assert_eq!(b.props("GpuAccessEntry")["Type"], "EC2_LINUX");
    assert!(b.res("GpuAutoScalingGroup")["UpdatePolicy"]["AutoScalingRollingUpdate"].is_object());
}

#[test]
fn managed_node_groups_have_every_piece() {
    let b = build_platform();
    imdsv2_and_encrypted_root(b.props("WorkersLaunchTemplate"));
    let policies = b.props("WorkersNodeRole")["ManagedPolicyArns"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        policies, 4,
        "the policies nodes need, and Session Manager's"
    );
    assert_eq!(
        b.props("WorkersNodegroup")["Taints"][0]["Effect"],
        "NO_SCHEDULE"
    );
}

#[test]
fn storage_classes_have_driver_role_association_and_manifest() {
    let b = build_platform();
    for (addon, account) in [
        ("aws-ebs-csi-driver", "ebs-csi-controller-sa"),
        ("aws-efs-csi-driver", "efs-csi-controller-sa"),
        ("aws-fsx-csi-driver", "fsx-csi-controller-sa"),
        ("netapp_trident-operator", "trident-controller"),
    ] {
        let found = b
            .of_type("AWS::EKS::Addon")
            .into_iter()
            .find(|(_, r)| r["Properties"]["AddonName"] == addon);
        let (_, r) = found.unwrap_or_else(|| panic!("no add-on {addon}"));
        assert_eq!(
            r["Properties"]["PodIdentityAssociations"][0]["ServiceAccount"],
            account
        );
    }
    // EFS: its own encrypted file system, a mount target per private subnet,
    // NFS admitted from the cluster only.
    assert_eq!(b.props("SharedFileSystem")["Encrypted"], true);
    assert_eq!(b.res("SharedFileSystem")["DeletionPolicy"], "Retain");
    let mounts = b.of_type("AWS::EFS::MountTarget").len();
    assert_eq!(mounts, 3);
    let nfs = b.props("SharedNfsIngress");
    assert_eq!(nfs["FromPort"], 2049);
    assert!(nfs["SourceSecurityGroupId"]["Fn::GetAtt"][0] == "RetailCluster");
    // FSx for Lustre and ONTAP: file systems retained, traffic from the cluster.
    assert_eq!(b.props("ScratchFileSystem")["FileSystemType"], "LUSTRE");
    assert_eq!(b.props("ScratchLustreFromCluster")["FromPort"], 988);
    assert_eq!(b.props("NetappFileSystem")["FileSystemType"], "ONTAP");
    assert_eq!(
        b.props("NetappFileSystem")["OntapConfiguration"]["DeploymentType"],
        "MULTI_AZ_1"
    );
    assert!(b.props("NetappAdminSecret")["KmsKeyId"].is_object());
    assert_eq!(
        b.res("NetappSvm")["Type"],
        "AWS::FSx::StorageVirtualMachine"
    );
    // Manifests: the right provisioner each, IDs filled from outputs at apply.
    let m = |name: &str| {
        b.manifests
            .get(name)
            .unwrap_or_else(|| panic!("no manifest {name}: {:?}", b.manifests.keys()))
    };
    assert!(
        m("manifests/retail/storageclass-fast.yaml").contains("provisioner: \"ebs.csi.aws.com\"")
    );
    assert!(m("manifests/retail/storageclass-shared.yaml.hbs")
        .contains("provisioner: \"efs.csi.aws.com\""));
    assert!(m("manifests/retail/storageclass-shared.yaml.hbs")
        .contains("{{outputs.SharedFileSystemId}}"));
    assert!(m("manifests/retail/storageclass-scratch.yaml")
        .contains("provisioner: \"fsx.csi.aws.com\""));
    assert!(m("manifests/retail/persistentvolume-scratch.yaml.hbs")
        .contains("{{outputs.ScratchDnsname}}"));
    assert!(m("manifests/retail/storageclass-netapp.yaml")
        .contains("provisioner: \"csi.trident.netapp.io\""));
    assert!(b.template["Outputs"]["SharedFileSystemId"]["Value"]["Ref"] == "SharedFileSystem");
}

#[test]
fn ecr_and_app_runner_have_every_piece() {
    let b = build_platform();
    let repo = b.props("ImagesRepository");
    assert_eq!(repo["ImageScanningConfiguration"]["ScanOnPush"], true);
    assert_eq!(repo["ImageTagMutability"], "IMMUTABLE");
    assert_eq!(repo["EncryptionConfiguration"]["EncryptionType"], "KMS");
    assert!(repo["LifecyclePolicy"]["LifecyclePolicyText"]
        .as_str()
        .unwrap()
        .contains("\"countNumber\":30"));
    let svc = b.props("StorefrontService");
    assert_eq!(
        svc["SourceConfiguration"]["ImageRepository"]["ImageRepositoryType"],
        "ECR"
    );
    assert_eq!(svc["InstanceConfiguration"]["Cpu"], "1024");
    assert_eq!(svc["InstanceConfiguration"]["Memory"], "2048");
    let trust = &b.props("StorefrontAccessRole")["AssumeRolePolicyDocument"]["Statement"][0]
        ["Principal"]["Service"];
    assert_eq!(trust, "build.apprunner.amazonaws.com");
    let pull = &b.props("StorefrontAccessRole")["Policies"][0]["PolicyDocument"]["Statement"][1]
        ["Resource"];
    assert_eq!(
        pull["Fn::GetAtt"][0], "ImagesRepository",
        "pulls from exactly its repository"
    );
    let read = &b.props("StorefrontInstanceRole")["Policies"][0]["PolicyDocument"]["Statement"][0];
    assert_eq!(read["Action"], "ssm:GetParameters");
    assert!(read["Resource"]["Fn::Sub"]
        .as_str()
        .unwrap()
        .ends_with(":parameter/retail/db/password"));
    let secret = &svc["SourceConfiguration"]["ImageRepository"]["ImageConfiguration"]
        ["RuntimeEnvironmentSecrets"][0];
    assert_eq!(secret["Name"], "DB_PASSWORD");
    assert!(b.res("StorefrontVpcConnector").is_object());
    assert_eq!(b.props("StorefrontAutoScaling")["MaxSize"], 10);
}

#[test]
fn no_literal_secret_reaches_a_template() {
    let b = build_platform();
    let text = serde_json::to_string(&b.template).unwrap();
    assert!(!text.contains("hunter2"));
    // The ONTAP password exists only as dynamic references.
    assert!(text.contains("{{resolve:secretsmanager:${Secret}:SecretString:password}}"));
    let c = compile_text("secret.cairn", "app_runner_service web {\n  image = \"public.ecr.aws/x/y:1\"\n  secrets = { P = \"hunter2\" }\n}\n");
    assert!(c.diagnostics.iter().any(|d| d.code.id == "E0207"));
    assert!(c.output.is_none());
}

fn build_full_brief() -> Value {
    let c = compile_path(&repo_root().join("tests/cases/ok/language-full.cairn"));
    assert!(!c.has_errors(), "{}", cairn_tests::rendered_diagnostics(&c));
    serde_json::from_str(&c.output.unwrap().files["retail.template.json"]).unwrap()
}

fn all_of<'a>(t: &'a Value, ty: &str) -> Vec<&'a Value> {
    t["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["Type"] == ty)
        .collect()
}

#[test]
fn ecs_defaults_hold_everywhere() {
    let t = build_full_brief();
    let services = all_of(&t, "AWS::ECS::Service");
    assert!(!services.is_empty());
    for s in services {
        let cb = &s["Properties"]["DeploymentConfiguration"]["DeploymentCircuitBreaker"];
        assert_eq!(
            (&cb["Enable"], &cb["Rollback"]),
            (&Value::Bool(true), &Value::Bool(true))
        );
        assert_eq!(
            s["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"],
            "DISABLED"
        );
    }
    for td in all_of(&t, "AWS::ECS::TaskDefinition") {
        for v in td["Properties"]["Volumes"].as_array().unwrap() {
            assert_eq!(v["EFSVolumeConfiguration"]["TransitEncryption"], "ENABLED");
            assert!(
                v["EFSVolumeConfiguration"]["AuthorizationConfig"]["AccessPointId"].is_object()
            );
        }
        assert_ne!(
            td["Properties"]["ExecutionRoleArn"],
            td["Properties"]["TaskRoleArn"]
        );
    }
    for lg in all_of(&t, "AWS::Logs::LogGroup") {
        assert!(
            lg["Properties"]["RetentionInDays"].is_number(),
            "every log group has a retention"
        );
        assert!(
            lg["Properties"]["KmsKeyId"].is_object(),
            "every log group is KMS-encrypted"
        );
    }
    let cluster = &all_of(&t, "AWS::ECS::Cluster")[0]["Properties"];
    assert_eq!(cluster["ClusterSettings"][0]["Value"], "enabled");
    let providers = &all_of(&t, "AWS::ECS::ClusterCapacityProviderAssociations")[0]["Properties"];
    assert_eq!(
        providers["DefaultCapacityProviderStrategy"][1]["CapacityProvider"],
        "FARGATE_SPOT"
    );
    assert_eq!(providers["DefaultCapacityProviderStrategy"][1]["Weight"], 3);
}

#[test]
fn schedules_and_scaling_lower_as_declared() {
    let t = build_full_brief();
    let rule = &t["Resources"]["NightlyRule"]["Properties"];
    assert_eq!(rule["ScheduleExpression"], "cron(0 3 * * ? *)");
    let run = &t["Resources"]["NightlyRole"]["Properties"]["Policies"][0]["PolicyDocument"]
        ["Statement"][0];
    assert_eq!(run["Action"], "ecs:RunTask");
    assert!(
        run["Condition"]["ArnEquals"]["ecs:cluster"].is_object(),
        "runs only on its cluster"
    );
    assert_eq!(
        t["Resources"]["ApiScalableTarget"]["Properties"]["MaxCapacity"],
        20
    );
    assert_eq!(
        t["Resources"]["ApiCpuScaling"]["Properties"]["TargetTrackingScalingPolicyConfiguration"]
            ["TargetValue"],
        60
    );
    assert_eq!(
        t["Resources"]["ApiMemoryScaling"]["Properties"]
            ["TargetTrackingScalingPolicyConfiguration"]["TargetValue"],
        75
    );
    // The task mounts EFS: the service and the schedule are admitted on NFS.
    assert_eq!(
        t["Resources"]["ApiMediaNfsIngress"]["Properties"]["FromPort"],
        2049
    );
    assert_eq!(
        t["Resources"]["NightlyMediaNfsIngress"]["Properties"]["FromPort"],
        2049
    );
}

#[test]
fn media_pipeline_wires_load_balancer_queue_and_trigger() {
    let c = compile_path(&repo_root().join("examples/media-pipeline"));
    assert!(!c.has_errors(), "{}", cairn_tests::rendered_diagnostics(&c));
    let t: Value = serde_json::from_str(&c.output.unwrap().files["media.template.json"]).unwrap();
    let r = &t["Resources"];
    // Only the load balancer reaches the service, on the container's port.
    let from_lb = &r["WebFromLoadBalancer"]["Properties"];
    assert_eq!(from_lb["FromPort"], 8080);
    assert_eq!(
        from_lb["SourceSecurityGroupId"]["Fn::GetAtt"][0],
        "WebLbSecurityGroup"
    );
    assert_eq!(r["WebListener"]["Properties"]["Protocol"], "HTTPS");
    assert_eq!(
        r["WebHttpRedirect"]["Properties"]["DefaultActions"][0]["Type"],
        "redirect"
    );
    assert_eq!(
        r["WebService"]["Properties"]["LoadBalancers"][0]["ContainerName"],
        "web"
    );
    assert_eq!(
        r["WebScalableTarget"]["Properties"]["ScheduledActions"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(r["WebRequestScaling"].is_object());
    // Queue worker: encrypted queues with a dead-letter queue, scale to zero.
    assert_eq!(
        r["ThumbnailsQueue"]["Properties"]["KmsMasterKeyId"],
        "alias/aws/sqs"
    );
    assert_eq!(
        r["ThumbnailsQueue"]["Properties"]["RedrivePolicy"]["maxReceiveCount"],
        5
    );
    assert_eq!(r["ThumbnailsService"]["Properties"]["DesiredCount"], 0);
    assert_eq!(
        r["ThumbnailsScaleToZero"]["Properties"]["StepScalingPolicyConfiguration"]
            ["StepAdjustments"][0]["ScalingAdjustment"],
        0
    );
    let steps = r["ThumbnailsScaleOut"]["Properties"]["StepScalingPolicyConfiguration"]
        ["StepAdjustments"]
        .as_array()
        .unwrap();
    assert_eq!(steps.len(), 8);
    // Trigger: object-created events under the prefix, the key passed on.
    let rule = &r["OnUploadRule"]["Properties"];
    assert_eq!(
        rule["EventPattern"]["detail"]["object"]["key"][0]["prefix"],
        "incoming/"
    );
    assert!(rule["Targets"][0]["InputTransformer"]["InputTemplate"]
        .as_str()
        .unwrap()
        .contains("OBJECT_KEY"));
    assert_eq!(
        r["UploadsBucket"]["Properties"]["NotificationConfiguration"]["EventBridgeConfiguration"]
            ["EventBridgeEnabled"],
        true
    );
    assert_eq!(
        r["UploadsBucket"]["Properties"]["PublicAccessBlockConfiguration"]["BlockPublicPolicy"],
        true
    );
}
