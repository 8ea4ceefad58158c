//! The live plan's two views merged: Cairn's prediction (the offline diff
//! against the deployed template) and CloudFormation's change sets. Where
//! they contradict each other, the plan says so.

use super::apply::LiveStack;
use crate::plan::{Action, Plan};
use std::collections::BTreeMap;

/// Where CloudFormation's change set and Cairn's diff disagree.
pub fn disagreements(live: &[LiveStack], plan: &Plan) -> Vec<String> {
    let mut out = vec![];
    let ours: BTreeMap<&str, Action> = plan
        .stacks
        .iter()
        .flat_map(|s| &s.changes)
        .map(|c| (c.logical_id.as_str(), c.action))
        .collect();
    for s in live {
        for c in &s.changes {
            // `Conditional` (or no answer, as emulators give) agrees with
            // either prediction; only a definite answer can contradict.
            let theirs = match (c.action.as_str(), c.replacement.as_deref()) {
                ("Add", _) => Some(Action::Create),
                ("Remove", _) => Some(Action::Delete),
                (_, Some("True")) => Some(Action::Replace),
                (_, Some("False")) => Some(Action::Update),
                _ => None,
            };
            let ours = ours.get(c.logical_id.as_str());
            match (ours, theirs) {
                (None, _) => out.push(format!(
                    "{} {}: CloudFormation reports {} that Cairn did not predict",
                    s.stack, c.logical_id, c.action
                )),
                (Some(a), Some(t)) if *a != t => out.push(format!(
                    "{} {}: CloudFormation says {}, Cairn predicted {}",
                    s.stack,
                    c.logical_id,
                    t.word(),
                    a.word()
                )),
                (Some(a), None) if matches!(a, Action::Create | Action::Delete) => {
                    out.push(format!(
                        "{} {}: CloudFormation says {}, Cairn predicted {}",
                        s.stack,
                        c.logical_id,
                        c.action.to_lowercase(),
                        a.word()
                    ))
                }
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::CsChange;
    use crate::plan::{Change, StackPlan};

    fn ours(id: &str, action: Action) -> Plan {
        Plan {
            stacks: vec![StackPlan {
                name: "s".into(),
                changes: vec![Change {
                    logical_id: id.into(),
                    resource_type: "AWS::EC2::VPC".into(),
                    action,
                    declaration: None,
                    properties: vec![],
                    replacement: None,
                    stateful: false,
                    blocked: None,
                    moved: None,
                    follows: None,
                    refused: None,
                }],
                outputs: vec![],
            }],
            ..Plan::default()
        }
    }

    fn theirs(id: &str, action: &str, replacement: Option<&str>) -> Vec<LiveStack> {
        vec![LiveStack {
            stack: "s".into(),
            change_set: Some("cs".into()),
            create: false,
            base_digest: String::new(),
            after: vec![],
            deferred: None,
            changes: vec![CsChange {
                action: action.into(),
                logical_id: id.into(),
                resource_type: "AWS::EC2::VPC".into(),
                replacement: replacement.map(String::from),
            }],
            deployed: None,
        }]
    }

    #[test]
    fn only_a_definite_answer_contradicts_a_prediction() {
        let replace = ours("Vpc", Action::Replace);
        assert!(disagreements(&theirs("Vpc", "Modify", Some("True")), &replace).is_empty());
        assert!(disagreements(&theirs("Vpc", "Modify", Some("Conditional")), &replace).is_empty());
        assert!(disagreements(&theirs("Vpc", "Modify", None), &replace).is_empty());
        assert_eq!(
            disagreements(&theirs("Vpc", "Modify", Some("False")), &replace),
            ["s Vpc: CloudFormation says update, Cairn predicted replace"]
        );
        let update = ours("Vpc", Action::Update);
        assert_eq!(
            disagreements(&theirs("Vpc", "Modify", Some("True")), &update),
            ["s Vpc: CloudFormation says replace, Cairn predicted update"]
        );
    }

    #[test]
    fn a_change_cairn_did_not_predict_is_reported() {
        let other = ours("Other", Action::Update);
        assert_eq!(
            disagreements(&theirs("Vpc", "Add", None), &other),
            ["s Vpc: CloudFormation reports Add that Cairn did not predict"]
        );
    }
}
