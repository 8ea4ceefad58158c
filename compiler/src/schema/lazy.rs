//! Schemas loaded when first asked for: a program that declares five kinds
//! parses five kinds' files, not all sixteen (a third of a small build's
//! time went to the schemas it never used).
//!
//! Input: the stdlib's `.cairn` files. Output: an index of the kinds, enums
//! and type aliases they define (by scanning each file's top-level lines),
//! and maps that parse a file and resolve one kind or enum on first use.
//! Invariant: what a lazy map hands out is exactly what loading everything
//! at once gives; `load::load` forces every entry and checks the index
//! against the parsed files, and the stdlib's test calls it.

use super::load::{self, Parsed};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

/// The stdlib's schema files, each parsed on first use, and which file
/// defines which name.
#[derive(Default)]
pub(super) struct Schemas {
    pub files: Vec<SchemaFile>,
    pub kinds: BTreeMap<&'static str, usize>,
    pub enums: BTreeMap<&'static str, usize>,
    pub aliases: BTreeMap<&'static str, usize>,
}

pub(super) struct SchemaFile {
    pub path: &'static str,
    pub text: &'static str,
    parsed: OnceLock<Parsed>,
}

impl Schemas {
    pub fn index(files: &[(&'static str, &'static str)]) -> Schemas {
        let mut s = Schemas::default();
        for (path, text) in files {
            if !path.ends_with(".cairn") {
                continue;
            }
            let i = s.files.len();
            s.files.push(SchemaFile {
                path,
                text,
                parsed: OnceLock::new(),
            });
            // Items start at the line's first column; members are indented.
            for line in text.lines() {
                let map = if line.starts_with("kind ") {
                    &mut s.kinds
                } else if line.starts_with("enum ") {
                    &mut s.enums
                } else if line.starts_with("type ") {
                    &mut s.aliases
                } else {
                    continue;
                };
                let name = line
                    .get(5..)
                    .unwrap_or("")
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or("");
                if !name.is_empty() {
                    map.insert(name, i);
                }
            }
        }
        s
    }

    /// The file's items, parsed on first use.
    pub fn parsed(&self, file: usize) -> Option<&Parsed> {
        let f = self.files.get(file)?;
        Some(f.parsed.get_or_init(|| load::parse_file(f.path, f.text)))
    }
}

/// Named schemas of one sort (kinds or enums), each resolved on first use.
pub struct Lazily<T> {
    schemas: Arc<Schemas>,
    entries: BTreeMap<&'static str, OnceLock<Option<T>>>,
    make: fn(&Schemas, &str) -> Result<T, Vec<String>>,
}

impl<T> Lazily<T> {
    pub(super) fn new(
        schemas: Arc<Schemas>,
        names: impl Iterator<Item = &'static str>,
        make: fn(&Schemas, &str) -> Result<T, Vec<String>>,
    ) -> Self {
        Lazily {
            schemas,
            entries: names.map(|n| (n, OnceLock::new())).collect(),
            make,
        }
    }

    /// The schema named `name`. One that does not resolve is `None`: the
    /// stdlib's test (`load::load`) reports why.
    pub fn get(&self, name: &str) -> Option<&T> {
        self.entry(name).map(|(_, v)| v)
    }

    pub fn get_key_value(&self, name: &str) -> Option<(&'static str, &T)> {
        self.entry(name)
    }

    fn entry(&self, name: &str) -> Option<(&'static str, &T)> {
        let (k, cell) = self.entries.get_key_value(name)?;
        cell.get_or_init(|| (self.make)(&self.schemas, k).ok())
            .as_ref()
            .map(|v| (*k, v))
    }

    /// Resolves `name` now, with the reasons it does not resolve.
    pub(super) fn force(&self, name: &str) -> Result<(), Vec<String>> {
        (self.make)(&self.schemas, name).map(|_| ())
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }

    /// Every name, sorted, without resolving anything.
    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.entries.keys().copied()
    }

    /// Every schema, in name order: resolves them all.
    pub fn values(&self) -> impl Iterator<Item = &T> + '_ {
        self.iter().map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &T)> + '_ {
        self.keys().filter_map(|k| self.entry(k))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<T> Default for Lazily<T> {
    fn default() -> Self {
        Lazily {
            schemas: Arc::default(),
            entries: BTreeMap::new(),
            make: |_, n| Err(vec![format!("`{n}` is not defined")]),
        }
    }
}

impl<T> fmt::Debug for Lazily<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.entries.keys()).finish()
    }
}
