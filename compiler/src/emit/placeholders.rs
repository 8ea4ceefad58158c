//! Manifests that need values known only after deployment (a file system's
//! ID, a DNS name) get them through the stack's outputs: each intrinsic in a
//! manifest becomes an output, and its place in the manifest a handlebars
//! placeholder `{{outputs.Name}}` that apply fills in.

use crate::lower::logical_root;
use serde_json::{json, Map, Value as Json};

/// Replaces intrinsics in `manifest` with placeholders, adding an output for
/// each to `outputs`. Returns whether anything was replaced.
pub fn extract(
    decl: &str,
    file: &str,
    manifest: &mut Json,
    outputs: &mut Map<String, Json>,
) -> bool {
    let mut found = false;
    walk(decl, file, "", manifest, outputs, &mut found);
    found
}

fn is_intrinsic(m: &Map<String, Json>) -> bool {
    m.len() == 1 && m.keys().all(|k| k == "Ref" || k.starts_with("Fn::"))
}

fn walk(
    decl: &str,
    file: &str,
    key: &str,
    v: &mut Json,
    outputs: &mut Map<String, Json>,
    found: &mut bool,
) {
    match v {
        Json::Object(m) if is_intrinsic(m) => {
            let base = format!("{}{}", logical_root(decl), logical_root(key));
            let mut name = base.clone();
            let mut n = 2;
            while outputs
                .get(&name)
                .is_some_and(|o| o.get("Value") != Some(&Json::Object(m.clone())))
            {
                name = format!("{base}{n}");
                n += 1;
            }
            outputs.insert(
                name.clone(),
                json!({ "Value": Json::Object(m.clone()), "Description": format!("filled into manifests/{file} at apply") }),
            );
            *v = json!(format!("{{{{outputs.{name}}}}}"));
            *found = true;
        }
        Json::Object(m) => {
            for (k, x) in m.iter_mut() {
                walk(decl, file, k, x, outputs, found);
            }
        }
        Json::Array(a) => {
            for x in a.iter_mut() {
                walk(decl, file, key, x, outputs, found);
            }
        }
        _ => {}
    }
}
