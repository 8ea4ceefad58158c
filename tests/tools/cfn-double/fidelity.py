"""One check per behaviour the double's README claims, against a running
double. usage: fidelity.py ENDPOINT [--faults]. Exits non-zero on the first
claim that does not hold; prints one line per claim that does. With
--faults, the double must have been started with
`--fail ^Broken --throttle 2 --slow 2`, and only the fault claims are checked."""
import json
import sys

import boto3

KW = dict(endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t")
cf = boto3.client("cloudformation", **KW)
CLUSTER = {"Type": "AWS::EKS::Cluster", "Properties": {
    "Name": "c1", "RoleArn": "arn:aws:iam::1:role/r", "ResourcesVpcConfig": {"SubnetIds": ["s1"]}}}
LOGS = {"Type": "AWS::Logs::LogGroup", "Properties": {}}


def tpl(res, out=None):
    return json.dumps({"Resources": res, **({"Outputs": out} if out else {})})


def run(stack, body, kind, name, **kw):
    cf.create_change_set(StackName=stack, ChangeSetName=name, TemplateBody=body, ChangeSetType=kind)
    d = cf.describe_change_set(StackName=stack, ChangeSetName=name)
    cf.execute_change_set(StackName=stack, ChangeSetName=name, **kw)
    return d, cf.describe_stacks(StackName=stack)["Stacks"][0]


def refused(f):
    try:
        f()
    except Exception as e:
        return str(e)
    return ""


def claim(name, ok, detail=""):
    if not ok:
        sys.exit("FAILED: %s %s" % (name, detail))
    print("ok: %s" % name)


def create_cs(stack, body):
    return lambda: cf.create_change_set(StackName=stack, ChangeSetName="x", ChangeSetType="CREATE", TemplateBody=body)


if sys.argv[2:] == ["--faults"]:
    from botocore.config import Config
    raw = boto3.client("cloudformation", config=Config(retries={"total_max_attempts": 1, "mode": "standard"}), **KW)
    first = [refused(lambda: raw.list_stacks()) for _ in range(3)]
    claim("--throttle N: the first N calls of an action are throttled",
          "Throttling" in first[0] and "Rate exceeded" in first[1] and first[2] == "", first)
    d, s = run("faulty", tpl({"G": LOGS, "BrokenLogs": LOGS}), "CREATE", "c1")
    later = [cf.describe_stacks(StackName="faulty")["Stacks"][0]["StackStatus"] for _ in range(2)]
    claim("--slow N: an executed stack stays in progress for N describes",
          s["StackStatus"] == "CREATE_IN_PROGRESS" and later == ["CREATE_IN_PROGRESS", "ROLLBACK_COMPLETE"], (s["StackStatus"], later))
    s = cf.describe_stacks(StackName="faulty")["Stacks"][0]
    claim("--fail REGEX: a matching resource fails and the stack rolls back",
          s["StackStatus"] == "ROLLBACK_COMPLETE" and "injected failure of BrokenLogs" in s.get("StackStatusReason", ""), s)
    sys.exit(0)

e = refused(create_cs("v", tpl({"C": CLUSTER}, {"O": {"Value": {"Fn::GetAtt": ["C", "Nope"]}}})))
claim("a GetAtt of an unknown attribute is refused", "does not support attribute type Nope" in e, e)
e = refused(create_cs("v", tpl({"C": {"Type": "AWS::EKS::Clustr", "Properties": {}}})))
claim("an unknown type is refused", "Unrecognized resource types" in e, e)
e = refused(create_cs("v", tpl({"R": {"Type": "AWS::EKS::Addon", "Properties": {"ClusterName": {"Ref": "Missing"}, "AddonName": "a"}}})))
claim("a dangling Ref is refused", "Unresolved resource dependencies [Missing]" in e, e)

d, s = run("gen", tpl({"C": CLUSTER, "G": LOGS}, {"A": {"Value": {"Fn::GetAtt": ["C", "Arn"]}}}), "CREATE", "c1")
claim("EKS, which moto cannot model, is created with its attributes",
      s["StackStatus"] == "CREATE_COMPLETE" and s["Outputs"][0]["OutputValue"].startswith("arn:aws:eks:"), s)
d, s2 = run("gen2", tpl({"C": dict(CLUSTER, Properties=dict(CLUSTER["Properties"], Name="c2")), "G": LOGS},
                         {"A": {"Value": {"Fn::GetAtt": ["C", "Arn"]}}}), "CREATE", "c1")
claim("physical ids are deterministic per stack and logical id",
      cf.describe_stack_resource(StackName="gen", LogicalResourceId="G")["StackResourceDetail"]["PhysicalResourceId"]
      != cf.describe_stack_resource(StackName="gen2", LogicalResourceId="G")["StackResourceDetail"]["PhysicalResourceId"])

exp = tpl({"C": CLUSTER}, {"E": {"Value": {"Fn::GetAtt": ["C", "Arn"]}, "Export": {"Name": "cl-arn"}}})
d, s = run("exporter", exp, "CREATE", "c1")
claim("a stack made by a change set gets outputs and exports",
      s.get("Outputs") and [x["Name"] for x in cf.list_exports()["Exports"]] == ["cl-arn"], s)
imp = tpl({"A": {"Type": "AWS::EKS::Addon", "Properties": {"ClusterName": "c1", "AddonName": "a",
           "ConfigurationValues": {"Fn::ImportValue": "cl-arn"}}}})
d, s = run("importer", imp, "CREATE", "c1")
claim("Fn::ImportValue resolves in a change set", s["StackStatus"] == "CREATE_COMPLETE", s)
d, s = run("exporter", tpl({"C": CLUSTER}), "UPDATE", "u1")
claim("an export in use cannot be removed (the update rolls back)",
      s["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE" and "in use by importer" in (s.get("StackStatusReason") or ""), s)
cf.delete_stack(StackName="exporter")
s = cf.describe_stacks(StackName="exporter")["Stacks"][0]
claim("an exporter whose export is imported cannot be deleted", s["StackStatus"] == "DELETE_FAILED", s)
cf.delete_stack(StackName="importer")
cf.delete_stack(StackName="exporter")
claim("deleting the importer, then the exporter, works", cf.list_exports()["Exports"] == [])

d, s = run("named", tpl({"C": CLUSTER}), "CREATE", "c1")
c2 = json.loads(json.dumps(CLUSTER))
c2["Properties"]["RoleArn"] = "arn:aws:iam::1:role/other"
d, s = run("named", tpl({"C": c2}), "UPDATE", "u1")
rc = d["Changes"][0]["ResourceChange"]
claim("a create-only change is a replacement with its cause",
      rc["Replacement"] == "True" and rc["Details"][0]["Target"]["Name"] == "RoleArn", rc)
claim("a custom-named resource cannot be replaced",
      s["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE" and "custom-named resource requires replacing" in s.get("StackStatusReason", ""), s)

vpc = {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}}
sub = {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "V"}, "CidrBlock": "10.0.0.0/24"}}
run("dep", tpl({"V": vpc, "S": sub}), "CREATE", "c1")
vpc2 = {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.1.0.0/16"}}
d, s = run("dep", tpl({"V": vpc2, "S": sub}), "UPDATE", "u1")
by = {c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"] for c in d["Changes"]}
claim("a replacement reaches what refers to it (Dynamic, Conditional)",
      by["V"]["Replacement"] == "True" and by["S"]["Replacement"] == "Conditional"
      and by["S"]["Details"][0]["Evaluation"] == "Dynamic", by)

r = {"K": {"Type": "AWS::KMS::Key", "DeletionPolicy": "Retain", "Properties": {"KeyPolicy": {}}}, "G": LOGS}
run("ret", tpl(r), "CREATE", "c1")
d, s = run("ret", tpl({"G": LOGS}), "UPDATE", "u1")
claim("a removal reports its deletion policy", d["Changes"][0]["ResourceChange"].get("PolicyAction") == "Retain", d["Changes"])
cf.create_change_set(StackName="ret", ChangeSetName="same", ChangeSetType="UPDATE", TemplateBody=tpl({"G": LOGS}))
d = cf.describe_change_set(StackName="ret", ChangeSetName="same")
claim("a change set without changes fails with CloudFormation's reason",
      d["Status"] == "FAILED" and "didn't contain changes" in (d.get("StatusReason") or ""), d.get("StatusReason"))
e = refused(lambda: cf.create_change_set(StackName="ret", ChangeSetName="again", ChangeSetType="CREATE", TemplateBody=tpl({"G": LOGS})))
claim("a CREATE change set for an existing stack is refused", "already exists" in e, e)
ev = cf.describe_stack_events(StackName="named")["StackEvents"]
claim("events come newest first, with the failure and its reason",
      ev[0]["ResourceStatus"] == "UPDATE_ROLLBACK_COMPLETE" and any(x["ResourceStatus"] == "UPDATE_FAILED" for x in ev), ev[:3])

sub6 = {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": "vpc-1", "CidrBlock": {"Fn::Select": [2, {"Fn::Cidr": ["10.7.0.0/16", 4, 8]}]}}}
d, s = run("cidr", tpl({"S": sub6}, {"B": {"Value": {"Fn::Select": [2, {"Fn::Cidr": ["10.7.0.0/16", 4, 8]}]}}}), "CREATE", "c1")
outs = {o["OutputKey"]: o["OutputValue"] for o in s.get("Outputs", [])}
claim("Fn::Cidr carves real blocks", outs.get("B") == "10.7.2.0/24", outs)
