//! The stdlib's tables (`stdlib/data/*.json`), parsed when first asked
//! for, and the rows of the big ones indexed when cairn was built
//! (`build/tables.rs`): a program pays only for the tables it reads, and
//! for the rows it names.

use serde_json::Value as Json;
use std::sync::OnceLock;

mod generated {
    include!(concat!(env!("OUT_DIR"), "/tables.rs"));
}

/// One table: its text, parsed on first use.
#[derive(Debug)]
pub struct Table {
    text: &'static str,
    parsed: OnceLock<Option<Json>>,
    head: OnceLock<Option<Json>>,
}

impl Table {
    pub fn new(text: &'static str) -> Table {
        Table {
            text,
            parsed: OnceLock::new(),
            head: OnceLock::new(),
        }
    }

    /// The whole table; None when it is not JSON (a test proves every one
    /// is).
    pub fn json(&self) -> Option<&Json> {
        self.parsed
            .get_or_init(|| serde_json::from_str(self.text).ok())
            .as_ref()
    }

    /// Whether the text parses, and the parser's message when not.
    pub fn validate(&self) -> Result<(), String> {
        serde_json::from_str::<Json>(self.text)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// A top-level entry other than `rows`, without reading the rows.
    fn fact(&self, name: &str, key: &str) -> Option<&Json> {
        let head = self.head.get_or_init(|| {
            let i = generated::HEADS
                .binary_search_by(|(t, _)| (*t).cmp(name))
                .ok()?;
            let (_, text) = generated::HEADS.get(i)?;
            serde_json::from_str(text).ok()
        });
        match head {
            Some(h) => h.get(key),
            None => self.json()?.get(key),
        }
    }
}

/// The rows of a table, indexed at build time.
#[derive(Clone, Copy)]
pub struct Rows(&'static [(&'static str, &'static str)]);

impl Rows {
    pub fn get(&self, key: &str) -> Option<Json> {
        let i = self.0.binary_search_by(|(k, _)| (*k).cmp(key)).ok()?;
        self.0
            .get(i)
            .and_then(|(_, v)| serde_json::from_str(v).ok())
    }

    /// Every key, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &'static str> {
        self.0.iter().map(|(k, _)| *k)
    }

    /// Every row, parsed, in key order: for the rare question about all of
    /// them (the nearest name to a typo).
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, Json)> {
        self.0
            .iter()
            .filter_map(|(k, v)| Some((*k, serde_json::from_str(v).ok()?)))
    }
}

impl super::Stdlib {
    /// The rows of the table `name` (`stdlib/data/<name>.json`'s `rows`).
    pub fn rows(&self, name: &str) -> Option<Rows> {
        let i = generated::ROWS
            .binary_search_by(|(t, _)| (*t).cmp(name))
            .ok()?;
        generated::ROWS.get(i).map(|(_, rows)| Rows(rows))
    }

    /// One top-level entry of a table (`as_of`, `source`), without reading
    /// its rows.
    pub fn fact(&self, name: &str, key: &str) -> Option<&Json> {
        self.data.get(name)?.fact(name, key)
    }
}
