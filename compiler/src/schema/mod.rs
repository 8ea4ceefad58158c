//! The standard library as data: kind schemas, enums, lowering templates
//! and domain tables, all read from `stdlib/` (embedded at build time).
//!
//! Input: the embedded stdlib files. Output: a [`Stdlib`], indexed once per
//! process; each kind's schema is parsed when first read (`lazy`).
//! Invariant: this module knows no kind by name; everything it holds comes
//! from the files. A stdlib that does not load is a bug caught by the test
//! that loads and validates all of it (`load`), so a schema that does not
//! resolve is absent, never a crash.

mod lazy;
mod load;
pub mod ready;
pub mod reference;
mod tables;
#[cfg(test)]
mod tests;
mod types;
pub mod walk;

pub use lazy::Lazily;
pub use load::{index, load};
pub use tables::Rows;
pub use types::{Arg, CheckCall, EnumSchema, Export, FieldSchema, KindSchema, Type, WhenBlock};

use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::sync::OnceLock;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/stdlib_files.rs"));
}

/// The loaded standard library.
#[derive(Debug, Default)]
pub struct Stdlib {
    pub kinds: Lazily<KindSchema>,
    pub enums: Lazily<EnumSchema>,
    /// Lowering templates by path relative to `stdlib/`.
    pub templates: BTreeMap<&'static str, &'static str>,
    /// Tables under `stdlib/data/`, by file stem, parsed when first read.
    pub data: BTreeMap<String, tables::Table>,
    /// The schema files themselves, for hover and go-to-definition.
    pub schema_files: Vec<(&'static str, &'static str)>,
}

impl Stdlib {
    /// The process-wide stdlib, indexed on first use. Every schema is
    /// checked by the stdlib's test (`load`), so indexing cannot fail; the
    /// `Result` stays for callers, which report a failure as internal.
    pub fn get() -> Result<&'static Stdlib, &'static [String]> {
        static CELL: OnceLock<Stdlib> = OnceLock::new();
        Ok(CELL.get_or_init(|| index(embedded::FILES)))
    }

    pub fn files() -> &'static [(&'static str, &'static str)] {
        embedded::FILES
    }

    pub fn kind(&self, name: &str) -> Option<&KindSchema> {
        self.kinds.get(name)
    }

    /// The kind an unknown kind name most likely meant: a misspelling of a
    /// kind, or a peer's word for one (`data/kind_aliases.json`).
    pub fn suggest_kind(&self, name: &str) -> Option<&str> {
        let norm = |s: &str| {
            s.chars()
                .filter(|c| *c != '_' && *c != '-')
                .collect::<String>()
                .to_ascii_lowercase()
        };
        let key = norm(name);
        let alias = self
            .table("kind_aliases")
            .and_then(|t| t.get("aliases"))
            .and_then(|a| a.get(&key))
            .and_then(Json::as_str)
            .and_then(|k| self.kinds.get_key_value(k))
            .map(|(k, _)| k);
        alias
            .or_else(|| crate::diagnostics::closest(name, self.kinds.keys()))
            .or_else(|| self.kinds.keys().find(|k| norm(k) == key))
    }

    /// A whole table. For one row of a big table, [`Stdlib::rows`] reads
    /// less.
    pub fn table(&self, name: &str) -> Option<&Json> {
        self.data.get(name)?.json()
    }

    /// The template that lowers a declaration of `kind`, given its variant.
    pub fn template_for(
        &self,
        kind: &KindSchema,
        variant: Option<&str>,
    ) -> Option<(&'static str, &'static str)> {
        let path = match variant {
            Some(v) => format!("{}/{}.{v}.cfn.hbs", kind.dir, kind.name),
            None => format!("{}/{}.cfn.hbs", kind.dir, kind.name),
        };
        self.templates
            .get_key_value(path.as_str())
            .map(|(k, v)| (*k, *v))
    }
}
