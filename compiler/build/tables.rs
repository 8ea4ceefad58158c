//! Build-time half of the ready-made tables (`src/schema/tables.rs`): for
//! each table under `stdlib/data/` with a `rows` object, its rows as a
//! sorted index of key and JSON text, and the rest of the table apart.
//!
//! Why: `instance_types.json` has about 1,400 rows; parsing it whole takes
//! half a millisecond, a fifth of a `cairn check`, to read the one or two
//! rows a node group names. An index in the binary costs nothing to load.

use serde_json::{Map, Value};
use std::fmt::Write as _;

/// Rust source for `ROWS` and `HEADS`, sorted by table name. Errors name
/// the table that is not JSON.
pub fn generate(tables: &[(String, String)]) -> Result<String, String> {
    let mut rows = String::from(
        "/// Each table's rows: key and JSON text, sorted by key.\n\
         pub(super) static ROWS: &[(&str, &[(&str, &str)])] = &[\n",
    );
    let mut heads = String::from(
        "/// Each table with rows, without them: the facts about the rows.\n\
         pub(super) static HEADS: &[(&str, &str)] = &[\n",
    );
    for (name, text) in tables {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| format!("stdlib/data/{name}.json is not JSON: {e}"))?;
        let Value::Object(mut top) = v else { continue };
        let Some(Value::Object(table_rows)) = top.remove("rows") else {
            continue;
        };
        let mut sorted: Vec<(&String, &Value)> = table_rows.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        let _ = writeln!(rows, "    ({name:?}, &[");
        for (k, v) in sorted {
            let _ = writeln!(rows, "        ({k:?}, {:?}),", v.to_string());
        }
        rows.push_str("    ]),\n");
        let head = Value::Object(Map::from_iter(top));
        let _ = writeln!(heads, "    ({name:?}, {:?}),", head.to_string());
    }
    rows.push_str("];\n");
    heads.push_str("];\n");
    Ok(format!("{rows}\n{heads}"))
}
