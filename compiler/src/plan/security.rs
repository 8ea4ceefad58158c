//! The security section: IAM statements and managed policies, security
//! group rules and endpoint exposure that a change adds or removes (what
//! CDK calls a broadening), as one readable line each.

use serde::Serialize;
use serde_json::{Map, Value as Json};
use std::collections::BTreeSet;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Security {
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

impl Security {
    pub fn extend(&mut self, other: Security) {
        self.added.extend(other.added);
        self.removed.extend(other.removed);
    }

    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

pub fn compare(before: &Map<String, Json>, after: &Map<String, Json>) -> Security {
    let (b, a) = (facts(before), facts(after));
    Security {
        added: a.difference(&b).cloned().collect(),
        removed: b.difference(&a).cloned().collect(),
    }
}

fn text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

fn list(v: Option<&Json>) -> Vec<Json> {
    match v {
        Some(Json::Array(a)) => a.clone(),
        Some(other) => vec![other.clone()],
        None => vec![],
    }
}

fn facts(resources: &Map<String, Json>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (id, r) in resources {
        let p = r.get("Properties").cloned().unwrap_or(Json::Null);
        match r.get("Type").and_then(Json::as_str).unwrap_or("") {
            "AWS::IAM::Role" => {
                for arn in list(p.get("ManagedPolicyArns")) {
                    out.insert(format!("IAM {id}: managed policy {}", text(&arn)));
                }
                for s in list(
                    p.get("AssumeRolePolicyDocument")
                        .and_then(|d| d.get("Statement")),
                ) {
                    out.insert(format!(
                        "IAM {id}: trusts {}",
                        text(s.get("Principal").unwrap_or(&Json::Null))
                    ));
                }
                for pol in list(p.get("Policies")) {
                    statements(id, pol.get("PolicyDocument"), &mut out);
                }
            }
            "AWS::IAM::Policy" => statements(id, p.get("PolicyDocument"), &mut out),
            "AWS::EC2::SecurityGroup" => {
                for rule in list(p.get("SecurityGroupIngress")) {
                    out.insert(format!("network {id}: ingress {}", rule_text(&rule)));
                }
                for rule in list(p.get("SecurityGroupEgress")) {
                    out.insert(format!("network {id}: egress {}", rule_text(&rule)));
                }
            }
            "AWS::EC2::SecurityGroupIngress" => {
                out.insert(format!(
                    "network {}: ingress {}",
                    text(p.get("GroupId").unwrap_or(&Json::Null)),
                    rule_text(&p)
                ));
            }
            "AWS::EKS::Cluster" => {
                let vpc = p.get("ResourcesVpcConfig").cloned().unwrap_or(Json::Null);
                if vpc.get("EndpointPublicAccess") == Some(&Json::Bool(true)) {
                    out.insert(format!(
                        "exposure {id}: public Kubernetes API from {}",
                        text(vpc.get("PublicAccessCidrs").unwrap_or(&Json::Null))
                    ));
                }
            }
            "AWS::ElasticLoadBalancingV2::LoadBalancer"
                if p.get("Scheme").and_then(Json::as_str) == Some("internet-facing") =>
            {
                out.insert(format!("exposure {id}: internet-facing load balancer"));
            }
            _ => {}
        }
    }
    out
}

fn statements(id: &str, doc: Option<&Json>, out: &mut BTreeSet<String>) {
    for s in list(doc.and_then(|d| d.get("Statement"))) {
        let effect = s
            .get("Effect")
            .and_then(Json::as_str)
            .unwrap_or("Allow")
            .to_lowercase();
        let actions = list(s.get("Action"))
            .iter()
            .map(text)
            .collect::<Vec<_>>()
            .join(", ");
        let resources = list(s.get("Resource"))
            .iter()
            .map(text)
            .collect::<Vec<_>>()
            .join(", ");
        out.insert(format!("IAM {id}: {effect} {actions} on {resources}"));
    }
}

fn rule_text(r: &Json) -> String {
    let proto = r.get("IpProtocol").map(text).unwrap_or_default();
    let ports = match (r.get("FromPort"), r.get("ToPort")) {
        (Some(f), Some(t)) if f == t => format!(" {}", text(f)),
        (Some(f), Some(t)) => format!(" {}-{}", text(f), text(t)),
        _ => String::new(),
    };
    let peer = [
        "CidrIp",
        "SourceSecurityGroupId",
        "DestinationSecurityGroupId",
    ]
    .iter()
    .find_map(|k| r.get(*k).map(text))
    .unwrap_or_else(|| "?".into());
    let proto = if proto == "-1" {
        "all".to_string()
    } else {
        proto
    };
    format!("{proto}{ports} with {peer}")
}
