// The infrastructure of examples/retail, written with aws-cdk-lib, for
// benches/cdk.py to time against `cairn build`. L2 constructs where the CDK
// has them (VPC, flow logs, KMS, IAM), L1 for EKS (its L2 cluster needs a
// kubectl Lambda that Cairn's template does not have).
const cdk = require("aws-cdk-lib");
const ec2 = require("aws-cdk-lib/aws-ec2");
const eks = require("aws-cdk-lib/aws-eks");
const iam = require("aws-cdk-lib/aws-iam");
const kms = require("aws-cdk-lib/aws-kms");
const logs = require("aws-cdk-lib/aws-logs");

const app = new cdk.App();
const stack = new cdk.Stack(app, "retail", { env: { region: "ap-northeast-2" } });
cdk.Tags.of(stack).add("team", "retail");
cdk.Tags.of(stack).add("cost_center", "cc-42");

const flowKey = new kms.Key(stack, "MainFlowLogKey", { enableKeyRotation: true });
const flowGroup = new logs.LogGroup(stack, "MainFlowLogGroup", {
  encryptionKey: flowKey,
  retention: logs.RetentionDays.ONE_YEAR,
});
const vpc = new ec2.Vpc(stack, "MainVpc", {
  ipAddresses: ec2.IpAddresses.cidr("10.0.0.0/16"),
  maxAzs: 3,
  natGateways: 1,
  flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowGroup) } },
});

const clusterRole = new iam.Role(stack, "RetailClusterRole", {
  assumedBy: new iam.ServicePrincipal("eks.amazonaws.com"),
  managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName("AmazonEKSClusterPolicy")],
});
const secretsKey = new kms.Key(stack, "RetailClusterSecretsKey", { enableKeyRotation: true });
const cluster = new eks.CfnCluster(stack, "RetailCluster", {
  name: "retail",
  version: "1.31",
  roleArn: clusterRole.roleArn,
  resourcesVpcConfig: {
    subnetIds: vpc.privateSubnets.map((s) => s.subnetId),
    endpointPrivateAccess: true,
    endpointPublicAccess: false,
  },
  encryptionConfig: [{ provider: { keyArn: secretsKey.keyArn }, resources: ["secrets"] }],
  accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
  logging: { clusterLogging: { enabledTypes: [{ type: "api" }, { type: "audit" }, { type: "authenticator" }] } },
});
new eks.CfnAccessEntry(stack, "RetailClusterAdmin0", {
  clusterName: cluster.ref,
  principalArn: "arn:aws:iam::111122223333:role/platform-admin",
  accessPolicies: [{
    policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    accessScope: { type: "cluster" },
  }],
});
for (const addon of ["vpc-cni", "coredns", "kube-proxy", "eks-pod-identity-agent"]) {
  new eks.CfnAddon(stack, `RetailCluster${addon}`, { clusterName: cluster.ref, addonName: addon });
}

const nodeRole = new iam.Role(stack, "WorkersNodeRole", {
  assumedBy: new iam.ServicePrincipal("ec2.amazonaws.com"),
  managedPolicies: ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly", "AmazonEKS_CNI_Policy"]
    .map((p) => iam.ManagedPolicy.fromAwsManagedPolicyName(p)),
});
const lt = new ec2.CfnLaunchTemplate(stack, "WorkersLaunchTemplate", {
  launchTemplateData: {
    metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 },
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3", encrypted: true } }],
  },
});
new eks.CfnNodegroup(stack, "WorkersNodegroup", {
  clusterName: cluster.ref,
  nodeRole: nodeRole.roleArn,
  subnets: vpc.privateSubnets.map((s) => s.subnetId),
  instanceTypes: ["m5.large", "m5a.large"],
  capacityType: "ON_DEMAND",
  scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 5 },
  labels: { role: "general", env: "prod" },
  launchTemplate: { id: lt.ref, version: lt.attrLatestVersionNumber },
});

const podRole = new iam.Role(stack, "BatchPodExecutionRole", {
  assumedBy: new iam.ServicePrincipal("eks-fargate-pods.amazonaws.com"),
  managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName("AmazonEKSFargatePodExecutionRolePolicy")],
});
new eks.CfnFargateProfile(stack, "BatchFargateProfile", {
  clusterName: cluster.ref,
  podExecutionRoleArn: podRole.roleArn,
  subnets: vpc.privateSubnets.map((s) => s.subnetId),
  selectors: [{ namespace: "batch" }, { namespace: "jobs", labels: [{ key: "queue", value: "low" }] }],
});

const csiRole = new iam.Role(stack, "RetailEbsCsiRole", {
  assumedBy: new iam.ServicePrincipal("pods.eks.amazonaws.com").withSessionTags(),
  managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName("service-role/AmazonEBSCSIDriverPolicyV2")],
});
new eks.CfnAddon(stack, "RetailEbsCsiAddon", {
  clusterName: cluster.ref,
  addonName: "aws-ebs-csi-driver",
  podIdentityAssociations: [{ serviceAccount: "ebs-csi-controller-sa", roleArn: csiRole.roleArn }],
});

new cdk.CfnOutput(stack, "ClusterEndpoint", { value: cluster.attrEndpoint });
new cdk.CfnOutput(stack, "ClusterName", { value: cluster.ref });
app.synth();
