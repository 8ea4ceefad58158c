//! Bodies and objects against a list of field schemas, `when` blocks
//! included: unknown, duplicate, missing and misplaced fields.

use super::errors;
use super::Checker;
use crate::diagnostics::closest;
use crate::ir::Value;
use crate::schema::{FieldSchema, WhenBlock};
use crate::source::Span;
use crate::syntax::ast::Field;
use std::collections::{BTreeMap, BTreeSet};

pub struct FieldsOut {
    pub values: BTreeMap<String, Value>,
    /// Fields written in the source.
    pub set: BTreeSet<String>,
    /// Indexes of the `when` blocks whose condition holds.
    pub active: Vec<usize>,
}

impl Checker<'_> {
    #[allow(clippy::too_many_arguments)]
    pub fn fields(
        &mut self,
        given: &[Field],
        common: &[FieldSchema],
        whens: &[WhenBlock],
        owner: &str,
        anchor: Span,
        path: &str,
        spans: &mut BTreeMap<String, Span>,
    ) -> FieldsOut {
        let mut by_name: BTreeMap<&str, &Field> = BTreeMap::new();
        for f in given {
            if let Some(prev) = by_name.get(f.key.name.as_str()) {
                self.diags.push(errors::duplicate_field(
                    &f.key.name,
                    f.key.span,
                    prev.key.span,
                ));
            } else {
                by_name.insert(&f.key.name, f);
            }
        }
        let mut out = FieldsOut {
            values: BTreeMap::new(),
            set: BTreeSet::new(),
            active: vec![],
        };
        // Written fields the schema does not have: a misspelt one stands in
        // for the field it is nearest to, so one typo is one error (unknown
        // field, with the name it meant), not also "missing".
        // (A scan, not a set: few fields are written, and a set of every
        // schema field per declaration was a visible cost of a large check.)
        let schema_names = || {
            common
                .iter()
                .chain(whens.iter().flat_map(|w| w.fields.iter()))
                .map(|f| f.name.as_str())
        };
        // Each with the field it is nearest to, which only it stands in for.
        let strays: Vec<(&Field, &str)> = by_name
            .values()
            .copied()
            .filter(|g| !schema_names().any(|n| n == g.key.name))
            .filter_map(|g| Some((g, closest(&g.key.name, schema_names())?)))
            .collect();
        for f in common {
            self.one_field(
                f, &by_name, &strays, owner, anchor, path, spans, None, &mut out,
            );
        }
        // Whens whose switch is broken are neither active nor inactive:
        // their fields are skipped silently rather than misreported.
        let mut undecided: BTreeSet<&str> = BTreeSet::new();
        for (i, w) in whens.iter().enumerate() {
            match out.values.get(&w.field) {
                Some(Value::Enum { member, .. }) if w.members.contains(member) => {
                    out.active.push(i)
                }
                Some(Value::Enum { .. }) => {}
                _ => undecided.extend(w.fields.iter().map(|f| f.name.as_str())),
            }
        }
        for &i in &out.active.clone() {
            let Some(w) = whens.get(i) else { continue };
            let switch = out
                .values
                .get(&w.field)
                .and_then(Value::member)
                .unwrap_or("")
                .to_string();
            for f in &w.fields {
                self.one_field(
                    f,
                    &by_name,
                    &strays,
                    owner,
                    anchor,
                    path,
                    spans,
                    Some((&w.field, &switch)),
                    &mut out,
                );
            }
        }
        // Fields of inactive blocks are null, so a template can test them.
        for (i, w) in whens.iter().enumerate() {
            if !out.active.contains(&i) {
                for f in &w.fields {
                    out.values.entry(f.name.clone()).or_insert(Value::Null);
                }
            }
        }
        for g in given {
            let name = g.key.name.as_str();
            if out.set.contains(name)
                || undecided.contains(name)
                || by_name.get(name).map(|f| f.key.span) != Some(g.key.span)
            {
                continue;
            }
            let homes: Vec<&WhenBlock> = whens
                .iter()
                .filter(|w| w.fields.iter().any(|f| f.name == name))
                .collect();
            if let Some(first) = homes.first() {
                let members: Vec<String> = homes
                    .iter()
                    .flat_map(|w| w.members.iter().cloned())
                    .collect();
                let actual = out
                    .values
                    .get(&first.field)
                    .and_then(Value::member)
                    .unwrap_or("")
                    .to_string();
                let switch_span = spans.get(&join(path, &first.field)).copied();
                self.diags.push(errors::field_not_allowed(
                    name,
                    &first.field,
                    &members,
                    &actual,
                    g.key.span,
                    switch_span,
                ));
            } else {
                let mut names: Vec<&str> = common.iter().map(|f| f.name.as_str()).collect();
                for &i in &out.active {
                    if let Some(w) = whens.get(i) {
                        names.extend(w.fields.iter().map(|f| f.name.as_str()));
                    }
                }
                let near = closest(
                    name,
                    names.iter().copied().filter(|n| !out.set.contains(*n)),
                )
                .or_else(|| closest(name, names.iter().copied()));
                self.diags
                    .push(errors::unknown_field(owner, name, g.key.span, near));
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn one_field(
        &mut self,
        f: &FieldSchema,
        by_name: &BTreeMap<&str, &Field>,
        strays: &[(&Field, &str)],
        owner: &str,
        anchor: Span,
        path: &str,
        spans: &mut BTreeMap<String, Span>,
        condition: Option<(&str, &str)>,
        out: &mut FieldsOut,
    ) {
        let v = match by_name.get(f.name.as_str()) {
            Some(given) => {
                out.set.insert(f.name.clone());
                self.check(&given.value, &f.ty, &join(path, &f.name), spans)
            }
            None => match strays
                .iter()
                .find(|(_, meant)| *meant == f.name)
                .map(|(g, _)| g)
            {
                // Its own diagnostic (unknown field, "did you mean") comes
                // from the stray; its value is checked as the field's, so
                // that a rule needing the field (`exactly_one`) stays quiet.
                Some(g) => self.check(&g.value, &f.ty, &join(path, &f.name), spans),
                None if f.required() => self.missing(f, owner, anchor, condition),
                None => self.default_of(f),
            },
        };
        out.values.insert(f.name.clone(), v);
    }

    fn default_of(&mut self, f: &FieldSchema) -> Value {
        match &f.default {
            // Defaults live in the stdlib; their spans are not the
            // program's, so they are checked without recording any.
            Some(d) => self.check(d, &f.ty, "", &mut BTreeMap::new()),
            None => Value::Null,
        }
    }

    fn missing(
        &mut self,
        f: &FieldSchema,
        owner: &str,
        anchor: Span,
        condition: Option<(&str, &str)>,
    ) -> Value {
        let example = self.example(&f.ty);
        self.diags.push(errors::missing_field(
            owner, &f.name, &example, anchor, condition,
        ));
        Value::Poison
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}
