//! Lower: each checked declaration to a CloudFormation fragment, through
//! its kind's handlebars template.
//!
//! Input: the checked program, in dependency order, and the stdlib.
//! Output: one [`Fragment`] per declaration: resources, the attributes
//! other declarations may read, and Kubernetes manifests.
//! Invariant: templates run in strict mode with no HTML escaping; every
//! rendered fragment is parsed back as JSON, and a template that renders
//! invalid JSON or misses a declared attribute is an internal error naming
//! the template, never a panic or a broken file.

mod context;
mod helpers;
mod relaxed;
mod secrets;

use crate::diagnostics::{codes, Diagnostic};
use crate::ir;
use crate::schema::Stdlib;
use handlebars::Handlebars;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;

/// A rendered template's sections; anything else in it is ignored.
#[derive(Deserialize)]
struct Rendered {
    #[serde(rename = "Resources", default)]
    resources: BTreeMap<String, Box<RawValue>>,
    #[serde(rename = "Attributes", default)]
    attrs: Map<String, Json>,
    #[serde(rename = "Manifests", default)]
    manifests: Map<String, Json>,
}

#[derive(Debug)]
pub struct Fragment {
    pub decl: String,
    /// Each resource as the template rendered it: checked to be JSON, but
    /// parsed only when its stack is written. Held as values, a large
    /// program's fragments took ten times their text's memory.
    pub resources: BTreeMap<String, Box<RawValue>>,
    pub attrs: Map<String, Json>,
    pub manifests: Map<String, Json>,
    /// The size of the rendered fragment: what the declaration adds to a
    /// template, near enough to split stacks by.
    pub bytes: usize,
}

/// A registry of just the templates `program` needs, and the partials they
/// use, in the ready-made form the build compiled (`schema::ready`):
/// compiling a template from its text costs far more than rendering it.
fn registry(program: &ir::Program, stdlib: &'static Stdlib) -> Result<Handlebars<'static>, String> {
    let roots = program.decls.iter().filter_map(|d| {
        stdlib
            .kind(&d.kind)
            .and_then(|k| stdlib.template_for(k, d.variant.as_deref()))
            .map(|(p, _)| p)
    });
    let mut h = empty_registry(stdlib);
    for path in with_partials(roots, stdlib) {
        let t = crate::schema::ready::template(path)
            .ok_or_else(|| format!("{path}: not among the compiled templates"))?
            .map_err(|e| format!("{path}: {e}"))?;
        h.register_template(path, t);
    }
    Ok(h)
}

/// The registry for one template compiled from its text, which (unlike the
/// ready-made form) knows where each element is: for reporting a render
/// error with its line and column.
fn registry_from_text(path: &str, stdlib: &'static Stdlib) -> Result<Handlebars<'static>, String> {
    let mut h = empty_registry(stdlib);
    for p in with_partials(std::iter::once(path), stdlib) {
        let text = stdlib.templates.get(p).copied().unwrap_or("");
        h.register_template_string(p, text)
            .map_err(|e| format!("{p}: {e}"))?;
    }
    Ok(h)
}

fn empty_registry(stdlib: &'static Stdlib) -> Handlebars<'static> {
    let mut h = Handlebars::new();
    h.set_strict_mode(true);
    h.register_escape_fn(handlebars::no_escape);
    helpers::register(&mut h, stdlib);
    h
}

/// `roots` and every partial they include, transitively, each once, in the
/// order first met. `_name.hbs` files are partials: pieces kinds share.
fn with_partials<'a>(
    roots: impl Iterator<Item = &'a str>,
    stdlib: &'static Stdlib,
) -> Vec<&'a str> {
    let mut wanted: Vec<&str> = vec![];
    for r in roots {
        if !wanted.contains(&r) {
            wanted.push(r);
        }
    }
    let mut i = 0;
    while let Some(path) = wanted.get(i).copied() {
        i += 1;
        let Some(text) = stdlib.templates.get(path) else {
            continue;
        };
        for partial in partials_named(text) {
            if let Some((p, _)) = stdlib.templates.get_key_value(partial) {
                if !wanted.contains(p) {
                    wanted.push(p);
                }
            }
        }
    }
    wanted
}

/// The partials a template includes: `{{> path ...}}` and
/// `{{include "path"}}`.
fn partials_named(text: &str) -> impl Iterator<Item = &str> {
    // Up to the closing braces first: `{{> a.hbs}},` names `a.hbs`.
    let partials = text
        .split("{{>")
        .skip(1)
        .filter_map(|rest| rest.split("}}").next()?.split_whitespace().next());
    let included = text
        .split("{{include \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next());
    partials.chain(included)
}

pub fn lower(program: &ir::Program, stdlib: &'static Stdlib) -> (Vec<Fragment>, Vec<Diagnostic>) {
    let mut diags = vec![];
    let hb = match registry(program, stdlib) {
        Ok(h) => h,
        Err(e) => {
            return (
                vec![],
                vec![internal(
                    None,
                    &format!("a stdlib template does not parse: {e}"),
                )],
            )
        }
    };
    let mut cx = context::Cx::for_program(program, stdlib);
    let mut out = vec![];
    for decl in &program.decls {
        match lower_one(decl, stdlib, &hb, &cx) {
            Ok((f, context)) => {
                cx.remember(decl, context, &f.attrs);
                out.push(f);
            }
            Err(d) => diags.push(*d),
        }
    }
    (out, diags)
}

/// Values of program outputs, rendered like template values.
pub fn output_values<'a>(
    values: impl Iterator<Item = &'a ir::Value>,
    fragments: &[Fragment],
    project: &ir::Project,
) -> Vec<Json> {
    let values: Vec<&ir::Value> = values.collect();
    let cx = context::Cx::for_outputs(
        &values,
        fragments.iter().map(|f| (f.decl.as_str(), &f.attrs)),
        project,
    );
    values.into_iter().map(|v| cx.value(v)).collect()
}

fn lower_one(
    decl: &ir::Decl,
    stdlib: &'static Stdlib,
    hb: &Handlebars<'_>,
    cx: &context::Cx,
) -> Result<(Fragment, Json), Box<Diagnostic>> {
    let schema = stdlib
        .kind(&decl.kind)
        .ok_or_else(|| boxed(Some(decl), "unknown kind at lowering"))?;
    let (path, _) = stdlib
        .template_for(schema, decl.variant.as_deref())
        .ok_or_else(|| {
            internal(
                Some(decl),
                &format!("no lowering template for `{}`", decl.kind),
            )
        })?;
    // Handed over whole: `render` would serialize a copy of it first.
    let mut ctx = handlebars::Context::from(cx.decl_context(decl));
    let rendered = hb.render_with_context(path, &ctx).map_err(|e| {
        // Render again from the template's text, to say where it failed.
        let placed = registry_from_text(path, stdlib)
            .and_then(|h| h.render_with_context(path, &ctx).map_err(|e| e.to_string()));
        let e = match placed {
            Err(placed) => placed,
            Ok(_) => e.to_string(),
        };
        boxed(Some(decl), &format!("{path}: {e}"))
    })?;
    let cleaned = relaxed::strip_trailing_commas(&rendered);
    let rendered: Rendered = serde_json::from_str(&cleaned).map_err(|e| {
        let line = cleaned
            .lines()
            .nth(e.line().saturating_sub(1))
            .unwrap_or("")
            .trim();
        internal(
            Some(decl),
            &format!(
                "{path} rendered invalid JSON at line {}: {e}: `{line}`",
                e.line()
            ),
        )
    })?;
    let frag = Fragment {
        decl: crate::names::flat(&decl.name),
        resources: rendered.resources,
        attrs: rendered.attrs,
        manifests: rendered.manifests,
        bytes: cleaned.len(),
    };
    for e in &schema.exports {
        if !frag.attrs.contains_key(&e.name) {
            return Err(boxed(
                Some(decl),
                &format!("{path} does not define the exported attribute `{}`", e.name),
            ));
        }
    }
    Ok((frag, std::mem::take(ctx.data_mut())))
}

fn internal(decl: Option<&ir::Decl>, msg: &str) -> Diagnostic {
    let d = Diagnostic::error(codes::INTERNAL_LOWERING, format!("internal error: {msg}"))
        .help("this is a bug in Cairn's standard library, not in your program; please report it with the program");
    match decl {
        Some(d0) => d.label(d0.span, "while lowering this declaration"),
        None => d,
    }
}

/// PascalCase of a declared name: the root of its logical IDs.
pub fn logical_root(name: &str) -> String {
    helpers::pascal(name)
}

pub use context::num;
pub use helpers::kebab;

fn boxed(decl: Option<&ir::Decl>, msg: &str) -> Box<Diagnostic> {
    Box::new(internal(decl, msg))
}
