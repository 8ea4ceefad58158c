//! Cross-stack references: once resources are spread over stacks, a `Ref`,
//! `Fn::GetAtt` or `Fn::Sub` variable naming a resource of another stack
//! becomes `Fn::ImportValue` of an export that stack gains, and a
//! `DependsOn` on it is dropped (the stack order stands for it).
//!
//! Input: a stack's resources and outputs, which stack owns each logical
//! ID, and the stacks' names. Output: the same JSON rewritten in place, and
//! the exports the rewrite needs.
//! Invariant: a reference within a stack is never touched, so a program in
//! one stack comes out exactly as before.
//!
//! Why exports, not SSM parameters: CloudFormation refuses to delete or
//! change an export while another stack imports it, which is the guard a
//! split program wants (a node group's stack cannot lose its cluster), and
//! apply reads the stack order off the exports and imports. Export names
//! are `<stack>:<LogicalId>[:<Attribute>]`; `apply --stack-prefix` prefixes
//! them as it prefixes stack names, so two copies of a program never share
//! an export. Every attribute the stdlib's templates read is a string, as
//! an export must be.

use super::intrinsics::{sub_of, sub_parts, target, SubPart};
use serde_json::{json, Value as Json};
use std::collections::{BTreeMap, BTreeSet};

/// A value one stack exports: the stack's index, a logical ID, and the
/// attribute (`None` for `Ref`).
pub type Export = (usize, String, Option<String>);

pub struct Wiring<'a> {
    /// The stack each logical ID belongs to.
    pub owner: &'a BTreeMap<String, usize>,
    pub names: &'a [String],
}

impl Wiring<'_> {
    /// Rewrites one resource of stack `here`.
    pub fn resource(&self, here: usize, res: &mut Json, needed: &mut BTreeSet<Export>) {
        if let Some(m) = res.as_object_mut() {
            if let Some(deps) = m.get_mut("DependsOn") {
                self.drop_foreign(here, deps);
                let empty = deps.as_array().is_some_and(Vec::is_empty) || deps.is_null();
                if empty {
                    m.remove("DependsOn");
                }
            }
        }
        self.value(here, res, needed);
    }

    /// Rewrites any value (a resource, an output) of stack `here`.
    pub fn value(&self, here: usize, v: &mut Json, needed: &mut BTreeSet<Export>) {
        if let Some(export) = self.foreign_reference(here, v) {
            *v = json!({ "Fn::ImportValue": self.export_name(&export) });
            needed.insert(export);
            return;
        }
        match v {
            Json::Object(m) => {
                if let Some(sub) = m.get_mut("Fn::Sub") {
                    self.sub(here, sub, needed);
                }
                for (k, x) in m.iter_mut() {
                    if k != "Fn::Sub" {
                        self.value(here, x, needed);
                    }
                }
            }
            Json::Array(a) => a.iter_mut().for_each(|x| self.value(here, x, needed)),
            _ => {}
        }
    }

    /// The name stack `export.0` exports the value under.
    pub fn export_name(&self, (stack, id, attr): &Export) -> String {
        let stack = self.names.get(*stack).map_or("", String::as_str);
        match attr {
            Some(a) => format!("{stack}:{id}:{}", a.replace('.', ":")),
            None => format!("{stack}:{id}"),
        }
    }

    fn stack_of(&self, here: usize, id: &str) -> Option<usize> {
        self.owner.get(id).copied().filter(|t| *t != here)
    }

    /// `{"Ref": X}` or `{"Fn::GetAtt": ...}` naming another stack's resource.
    fn foreign_reference(&self, here: usize, v: &Json) -> Option<Export> {
        let (id, attr) = target(v)?;
        let t = self.stack_of(here, id)?;
        Some((t, id.to_string(), attr.map(String::from)))
    }

    /// `${X}` and `${X.Attr}` of another stack's resource become variables
    /// bound to imports; the string form turns into the list form for that.
    fn sub(&self, here: usize, sub: &mut Json, needed: &mut BTreeSet<Export>) {
        let Some((text, vars)) = sub_of(sub) else {
            return;
        };
        let mut vars = vars.cloned().unwrap_or_default();
        let mut out = String::with_capacity(text.len());
        let mut changed = false;
        for part in sub_parts(text) {
            let var = match part {
                SubPart::Text(t) => {
                    out.push_str(t);
                    continue;
                }
                SubPart::Var(v) => v,
            };
            let (id, attr) = match var.split_once('.') {
                Some((i, a)) => (i, Some(a.to_string())),
                None => (var, None),
            };
            match self.stack_of(here, id).filter(|_| !vars.contains_key(var)) {
                Some(t) => {
                    let name = format!(
                        "{id}{}Import",
                        attr.as_deref().unwrap_or("").replace('.', "")
                    );
                    let export = (t, id.to_string(), attr);
                    vars.insert(
                        name.clone(),
                        json!({ "Fn::ImportValue": self.export_name(&export) }),
                    );
                    needed.insert(export);
                    out.push_str(&format!("${{{name}}}"));
                    changed = true;
                }
                None => out.push_str(&format!("${{{var}}}")),
            }
        }
        for x in vars.values_mut() {
            self.value(here, x, needed);
        }
        if changed || !vars.is_empty() {
            *sub = json!([out, vars]);
        }
    }

    fn drop_foreign(&self, here: usize, deps: &mut Json) {
        let keep = |d: &Json| {
            d.as_str()
                .is_none_or(|id| self.stack_of(here, id).is_none())
        };
        match deps {
            Json::Array(a) => a.retain(keep),
            Json::String(_) if !keep(deps) => *deps = Json::Null,
            _ => {}
        }
    }
}

/// The output that carries `export` in its stack: `{"Value", "Export"}`.
pub fn export_output(w: &Wiring<'_>, export: &Export) -> Json {
    let (_, id, attr) = export;
    let value = match attr {
        Some(a) => json!({ "Fn::GetAtt": [id, a] }),
        None => json!({ "Ref": id }),
    };
    json!({ "Value": value, "Export": { "Name": w.export_name(export) } })
}

/// The output key for `export`: alphanumeric, as CloudFormation wants;
/// unique in `taken`, which it joins.
pub fn export_key(export: &Export, taken: &mut BTreeSet<String>) -> String {
    let (_, id, attr) = export;
    let attr: String = attr
        .as_deref()
        .unwrap_or("Ref")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let base = format!("Export{id}{attr}");
    let mut key = base.clone();
    let mut n = 2;
    while taken.contains(&key) {
        key = format!("{base}{n}");
        n += 1;
    }
    taken.insert(key.clone());
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wiring_test(v: Json) -> (Json, Vec<String>) {
        let owner: BTreeMap<String, usize> = [("Vpc".to_string(), 0), ("Role".to_string(), 1)]
            .into_iter()
            .collect();
        let names = vec!["p-vpc".to_string(), "p".to_string()];
        let w = Wiring {
            owner: &owner,
            names: &names,
        };
        let mut v = v;
        let mut needed = BTreeSet::new();
        w.resource(1, &mut v, &mut needed);
        (v, needed.iter().map(|e| w.export_name(e)).collect())
    }

    #[test]
    fn references_to_another_stack_become_imports() {
        let (v, exports) = wiring_test(json!({
            "DependsOn": ["Vpc", "Role"],
            "Properties": {
                "A": { "Ref": "Vpc" },
                "B": { "Fn::GetAtt": ["Vpc", "CidrBlock"] },
                "C": { "Fn::GetAtt": "Vpc.DefaultSecurityGroup" },
                "D": { "Ref": "Role" },
                "E": { "Ref": "AWS::Region" }
            }
        }));
        assert_eq!(
            v,
            json!({
                "DependsOn": ["Role"],
                "Properties": {
                    "A": { "Fn::ImportValue": "p-vpc:Vpc" },
                    "B": { "Fn::ImportValue": "p-vpc:Vpc:CidrBlock" },
                    "C": { "Fn::ImportValue": "p-vpc:Vpc:DefaultSecurityGroup" },
                    "D": { "Ref": "Role" },
                    "E": { "Ref": "AWS::Region" }
                }
            })
        );
        assert_eq!(
            exports,
            [
                "p-vpc:Vpc",
                "p-vpc:Vpc:CidrBlock",
                "p-vpc:Vpc:DefaultSecurityGroup"
            ]
        );
    }

    #[test]
    fn sub_variables_of_another_stack_become_bound_imports() {
        let (v, exports) = wiring_test(json!({ "DependsOn": "Vpc", "X": {
            "Fn::Sub": "${Vpc}/${Vpc.CidrBlock}/${Role}/${!Vpc}/${AWS::Region}"
        } }));
        assert_eq!(
            v,
            json!({ "X": { "Fn::Sub": [
                "${VpcImport}/${VpcCidrBlockImport}/${Role}/${!Vpc}/${AWS::Region}",
                {
                    "VpcImport": { "Fn::ImportValue": "p-vpc:Vpc" },
                    "VpcCidrBlockImport": { "Fn::ImportValue": "p-vpc:Vpc:CidrBlock" }
                }
            ] } })
        );
        assert_eq!(exports, ["p-vpc:Vpc", "p-vpc:Vpc:CidrBlock"]);
    }

    #[test]
    fn a_sub_variable_shadowing_a_resource_is_left_alone() {
        let (v, exports) =
            wiring_test(json!({ "Fn::Sub": ["${Vpc}", { "Vpc": { "Ref": "Vpc" } }] }));
        assert_eq!(
            v,
            json!({ "Fn::Sub": ["${Vpc}", { "Vpc": { "Fn::ImportValue": "p-vpc:Vpc" } }] })
        );
        assert_eq!(exports, ["p-vpc:Vpc"]);
    }

    #[test]
    fn export_keys_are_alphanumeric_and_unique() {
        let mut taken = BTreeSet::from(["ExportVpcRef".to_string()]);
        let e = (0, "Vpc".to_string(), None);
        assert_eq!(export_key(&e, &mut taken), "ExportVpcRef2");
        let e = (0, "Db".to_string(), Some("Endpoint.Address".to_string()));
        assert_eq!(export_key(&e, &mut taken), "ExportDbEndpointAddress");
    }
}
