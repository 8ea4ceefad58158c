//! The stdlib's templates, ready to use: compiled by handlebars when cairn
//! was built (`build/ready.rs` writes the code) and rebuilt here in
//! microseconds, instead of compiled on every run in milliseconds.
//!
//! Input: a template's path under `stdlib/`. Output: the compiled template
//! handlebars itself would make from its text, without the line and column
//! of each element (handlebars uses them only to place render errors; the
//! lowering recompiles a failing template from its text to report one).
//! Invariant: equal to `Template::compile_with_name(text, path)` with its
//! positions removed, for every template (tested).

use handlebars::template::{
    BlockParam, DecoratorTemplate, ExpressionSpec, ExpressionSpecBuilder, HelperTemplate,
    Parameter, Subexpression, Template, TemplateElement,
};
use handlebars::{Path, PathSeg};
use std::collections::HashMap;
use std::sync::OnceLock;

/// A rebuilt template, or why handlebars refused a piece of it.
type Built = Result<Template, String>;

/// A generated function that rebuilds one template.
type Make = fn() -> Built;

mod generated {
    use super::*;
    include!(concat!(env!("OUT_DIR"), "/templates.rs"));
}

/// The compiled template at `path`, if the stdlib has one.
pub fn template(path: &str) -> Option<Built> {
    let all = generated::TEMPLATES;
    let i = all.binary_search_by(|(p, _)| (*p).cmp(path)).ok()?;
    all.get(i).map(|(_, make)| make())
}

/// Paths of every template, sorted.
pub fn paths() -> impl Iterator<Item = &'static str> {
    generated::TEMPLATES.iter().map(|(p, _)| *p)
}

/// What an expression, a helper block, a partial or a decorator is called
/// with.
struct Spec {
    name: Parameter,
    params: Vec<Parameter>,
    hash: Vec<(&'static str, Parameter)>,
    block_param: Option<BlockParam>,
}

impl Spec {
    fn build(self) -> Result<ExpressionSpec, String> {
        let mut b = ExpressionSpecBuilder::default();
        b.name(self.name)
            .params(self.params)
            .hash(hash(self.hash))
            .omit_pre_ws(false)
            .omit_pro_ws(false);
        if let Some(p) = self.block_param {
            b.block_param(p);
        }
        b.build().map_err(|e| e.to_string())
    }
}

struct Helper {
    spec: Spec,
    block: bool,
    chain: bool,
    indent: bool,
    template: Option<Template>,
    inverse: Option<Template>,
}

impl Helper {
    fn build(self) -> Result<Box<HelperTemplate>, String> {
        let spec = self.spec.build()?;
        let mut h = if self.chain {
            HelperTemplate::new_chain(spec, self.block, self.indent)
        } else {
            HelperTemplate::new(spec, self.block, self.indent)
        };
        h.template = self.template;
        h.inverse = self.inverse;
        Ok(Box::new(h))
    }
}

struct Decorator {
    spec: Spec,
    indent: bool,
    indent_text: Option<&'static str>,
    template: Option<Template>,
}

impl Decorator {
    fn build(self) -> Result<Box<DecoratorTemplate>, String> {
        let mut d = DecoratorTemplate::new(self.spec.build()?, self.indent);
        d.template = self.template;
        d.indent = self.indent_text.map(String::from);
        Ok(Box::new(d))
    }
}

fn hash(pairs: Vec<(&'static str, Parameter)>) -> HashMap<String, Parameter> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn tpl(name: Option<&str>, elements: Vec<TemplateElement>) -> Template {
    let mut t = Template::new();
    t.name = name.map(String::from);
    t.elements = elements;
    t
}

fn raw(s: &str) -> TemplateElement {
    TemplateElement::RawString(s.to_string())
}

fn comment(s: &str) -> TemplateElement {
    TemplateElement::Comment(s.to_string())
}

fn expr(h: Helper) -> Result<TemplateElement, String> {
    h.build().map(TemplateElement::Expression)
}

// Called by the generated code once a template uses this form.
#[allow(dead_code)]
fn html(h: Helper) -> Result<TemplateElement, String> {
    h.build().map(TemplateElement::HtmlExpression)
}

fn block(h: Helper) -> Result<TemplateElement, String> {
    h.build().map(TemplateElement::HelperBlock)
}

fn partial(d: Decorator) -> Result<TemplateElement, String> {
    d.build().map(TemplateElement::PartialExpression)
}

// Called by the generated code once a template uses this form.
#[allow(dead_code)]
fn partial_block(d: Decorator) -> Result<TemplateElement, String> {
    d.build().map(TemplateElement::PartialBlock)
}

// Called by the generated code once a template uses this form.
#[allow(dead_code)]
fn decorator(d: Decorator) -> Result<TemplateElement, String> {
    d.build().map(TemplateElement::DecoratorExpression)
}

// Called by the generated code once a template uses this form.
#[allow(dead_code)]
fn decorator_block(d: Decorator) -> Result<TemplateElement, String> {
    d.build().map(TemplateElement::DecoratorBlock)
}

// Called by the generated code for a path segment it cannot spell.
#[allow(dead_code)]
fn path(raw: &str) -> Result<Parameter, String> {
    handlebars::Path::parse(raw)
        .map(Parameter::Path)
        .map_err(|e| e.to_string())
}

/// The `@root` (`path_root`) or `..` (`path_up`) segment of a path.
fn ruled(rule: &str) -> Result<PathSeg, String> {
    static PROTOTYPES: OnceLock<Option<(PathSeg, PathSeg)>> = OnceLock::new();
    let first = |raw: &str| match handlebars::Path::parse(raw).ok()? {
        Path::Relative((segs, _)) => segs.into_iter().next(),
        Path::Local(_) => None,
    };
    let found = PROTOTYPES
        .get_or_init(|| Some((first("@root.x")?, first("../x")?)))
        .as_ref()
        .and_then(|(root, up)| match rule {
            "path_root" => Some(root.clone()),
            "path_up" => Some(up.clone()),
            _ => None,
        });
    found.ok_or_else(|| format!("no path segment `{rule}`"))
}

fn literal(json: &str) -> Result<Parameter, String> {
    serde_json::from_str(json)
        .map(Parameter::Literal)
        .map_err(|e| e.to_string())
}

fn sub(s: Spec) -> Parameter {
    Parameter::Subexpression(Subexpression::new(s.name, s.params, hash(s.hash)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compiled template with the positions handlebars records (and the
    /// rebuilt form lacks) removed, at every depth.
    fn without_positions(mut t: Template) -> Template {
        t.mapping.clear();
        t.elements = t.elements.into_iter().map(element).collect();
        t
    }

    fn element(e: TemplateElement) -> TemplateElement {
        let helper = |mut h: Box<HelperTemplate>| {
            h.template = h.template.take().map(without_positions);
            h.inverse = h.inverse.take().map(without_positions);
            h
        };
        let deco = |mut d: Box<DecoratorTemplate>| {
            d.template = d.template.take().map(without_positions);
            d
        };
        match e {
            TemplateElement::Expression(h) => TemplateElement::Expression(helper(h)),
            TemplateElement::HtmlExpression(h) => TemplateElement::HtmlExpression(helper(h)),
            TemplateElement::HelperBlock(h) => TemplateElement::HelperBlock(helper(h)),
            TemplateElement::PartialExpression(d) => TemplateElement::PartialExpression(deco(d)),
            TemplateElement::PartialBlock(d) => TemplateElement::PartialBlock(deco(d)),
            TemplateElement::DecoratorExpression(d) => {
                TemplateElement::DecoratorExpression(deco(d))
            }
            TemplateElement::DecoratorBlock(d) => TemplateElement::DecoratorBlock(deco(d)),
            other => other,
        }
    }

    #[test]
    fn ready_templates_equal_compiled_ones() {
        let files = crate::schema::Stdlib::files();
        let mut n = 0;
        for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".hbs")) {
            let compiled = Template::compile_with_name(text, path.to_string())
                .map(without_positions)
                .map_err(|e| e.to_string());
            let ready = template(path);
            assert_eq!(ready, Some(compiled), "{path}");
            n += 1;
        }
        assert_eq!(n, paths().count());
        assert!(n > 20, "only {n} templates");
    }

    #[test]
    fn an_unknown_path_has_no_template() {
        assert_eq!(template("eks/nothing.cfn.hbs"), None);
    }
}
