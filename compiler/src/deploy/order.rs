//! The order stacks are applied in, read off the templates themselves: a
//! stack that imports (`Fn::ImportValue`) a name another stack exports
//! depends on it. Reading the templates, not the program, keeps a saved
//! plan self-contained and works for any way the stacks were split.

use super::apply::StackInput;
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// For each stack, the indices of the stacks it depends on.
pub fn dependencies(stacks: &[StackInput]) -> Vec<Vec<usize>> {
    let parsed: Vec<Json> = stacks
        .iter()
        .map(|s| serde_json::from_str(&s.template).unwrap_or(Json::Null))
        .collect();
    // Export names are compared as JSON text, so `"x"` and `{"Fn::Sub": "x"}`
    // are different names, as they may be to CloudFormation.
    let mut exporter: BTreeMap<String, usize> = BTreeMap::new();
    for (i, t) in parsed.iter().enumerate() {
        let outputs = t.get("Outputs").and_then(Json::as_object);
        for o in outputs.into_iter().flat_map(|m| m.values()) {
            if let Some(name) = o.get("Export").and_then(|e| e.get("Name")) {
                exporter.insert(name.to_string(), i);
            }
        }
    }
    parsed
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut imports = vec![];
            collect_imports(t, &mut imports);
            let mut deps: Vec<usize> = imports
                .iter()
                .filter_map(|name| exporter.get(&name.to_string()).copied())
                .filter(|j| *j != i)
                .collect();
            deps.sort_unstable();
            deps.dedup();
            deps
        })
        .collect()
}

fn collect_imports<'a>(v: &'a Json, out: &mut Vec<&'a Json>) {
    match v {
        Json::Object(m) => {
            for (k, x) in m {
                if k == "Fn::ImportValue" {
                    out.push(x);
                } else {
                    collect_imports(x, out);
                }
            }
        }
        Json::Array(a) => a.iter().for_each(|x| collect_imports(x, out)),
        _ => {}
    }
}

/// Groups stacks into waves: every stack comes after all it depends on, and
/// the stacks of one wave are independent. Input order is kept within a
/// wave. Stacks caught in a cycle (which CloudFormation could not deploy
/// either) go last, together, so the caller still reports them.
pub fn waves(deps: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = deps.len();
    let mut done = vec![false; n];
    let mut out = vec![];
    let mut left = n;
    while left > 0 {
        let wave: Vec<usize> = (0..n)
            .filter(|i| !done.get(*i).copied().unwrap_or(true))
            .filter(|i| {
                deps.get(*i)
                    .is_some_and(|d| d.iter().all(|j| done.get(*j).copied().unwrap_or(true)))
            })
            .collect();
        if wave.is_empty() {
            out.push(
                (0..n)
                    .filter(|i| !done.get(*i).copied().unwrap_or(true))
                    .collect(),
            );
            break;
        }
        for i in &wave {
            if let Some(d) = done.get_mut(*i) {
                *d = true;
            }
        }
        left -= wave.len();
        out.push(wave);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stack(name: &str, template: serde_json::Value) -> StackInput {
        StackInput {
            name: name.into(),
            template: template.to_string(),
        }
    }

    #[test]
    fn importers_wait_for_exporters_and_independent_stacks_share_a_wave() {
        let net = stack(
            "net",
            serde_json::json!({"Outputs": {"Vpc": {"Value": "v", "Export": {"Name": "app-net-Vpc"}}}}),
        );
        let eks = stack(
            "eks",
            serde_json::json!({"Resources": {"C": {"Properties": {"Vpc": {"Fn::ImportValue": "app-net-Vpc"}}}}}),
        );
        let ecr = stack("ecr", serde_json::json!({"Resources": {}}));
        let stacks = [eks, net, ecr];
        let deps = dependencies(&stacks);
        assert_eq!(deps, vec![vec![1], vec![], vec![]]);
        assert_eq!(waves(&deps), vec![vec![1, 2], vec![0]]);
    }

    #[test]
    fn a_cycle_ends_in_one_last_wave_instead_of_looping() {
        let deps = vec![vec![1], vec![0], vec![]];
        assert_eq!(waves(&deps), vec![vec![2], vec![0, 1]]);
    }
}
