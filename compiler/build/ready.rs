//! Build-time half of the ready-made templates (`src/schema/ready.rs`):
//! compiles every stdlib template with handlebars itself and writes Rust
//! code that rebuilds the compiled form through handlebars' public API.
//!
//! Why: handlebars computes a line and column for every token by rescanning
//! the template from its start, so compiling costs time quadratic in a
//! template's length: 2 ms for `vpc/network.cfn.hbs`, 3.6 ms for a build
//! of `examples/retail`, most of the whole process. Rebuilding the
//! compiled form is a few allocations per element.
//!
//! Only one thing is not reachable through the public API: the flag that
//! says whether an expression indents its output inside an indented
//! partial. It is read from the derived `Debug` text, where it is the last
//! field. The unit test `ready_templates_equal_compiled_ones` compiles
//! every template at test time and compares it with the rebuilt one, so a
//! handlebars upgrade that changes any of this fails a test, not a build.

use handlebars::template::{
    BlockParam, DecoratorTemplate, HelperTemplate, Parameter, Template, TemplateElement,
};
use handlebars::{Path as HbPath, PathSeg};
use std::fmt::Write as _;

/// Rust source for `TEMPLATES`: `(path, constructor)` sorted by path, one
/// function per template. Errors name the template that did not compile.
pub fn generate(templates: &[(String, String)]) -> Result<String, String> {
    let mut out = String::from(
        "/// Every stdlib template, compiled when cairn was built: path and constructor.\n\
         pub(super) static TEMPLATES: &[(&str, Make)] = &[\n",
    );
    for (i, (path, _)) in templates.iter().enumerate() {
        let _ = writeln!(out, "    ({path:?}, t{i}),");
    }
    out.push_str("];\n");
    for (i, (path, text)) in templates.iter().enumerate() {
        let t = Template::compile_with_name(text, path.clone())
            .map_err(|e| format!("stdlib/{path} does not compile: {e}"))?;
        let _ = writeln!(
            out,
            "\nfn t{i}() -> Built {{\n    Ok({})\n}}",
            template(&t)?
        );
    }
    Ok(out)
}

fn template(t: &Template) -> Result<String, String> {
    let elements = t
        .elements
        .iter()
        .map(element)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(format!(
        "tpl({:?}, vec![{}])",
        t.name.as_deref(),
        elements.join(", ")
    ))
}

fn element(e: &TemplateElement) -> Result<String, String> {
    Ok(match e {
        TemplateElement::RawString(s) => format!("raw({s:?})"),
        TemplateElement::Comment(s) => format!("comment({s:?})"),
        TemplateElement::Expression(h) => format!("expr({})?", helper(h)?),
        TemplateElement::HtmlExpression(h) => format!("html({})?", helper(h)?),
        TemplateElement::HelperBlock(h) => format!("block({})?", helper(h)?),
        TemplateElement::PartialExpression(d) => format!("partial({})?", decorator(d)?),
        TemplateElement::PartialBlock(d) => format!("partial_block({})?", decorator(d)?),
        TemplateElement::DecoratorExpression(d) => format!("decorator({})?", decorator(d)?),
        TemplateElement::DecoratorBlock(d) => format!("decorator_block({})?", decorator(d)?),
        other => {
            return Err(format!(
                "a template element this build cannot rebuild: {other:?}"
            ))
        }
    })
}

/// `Spec { name, params, hash, block_param }`, the part helpers, partials
/// and decorators share.
fn spec(
    name: &Parameter,
    params: &[Parameter],
    hash: &std::collections::HashMap<String, Parameter>,
    block_param: Option<&BlockParam>,
) -> Result<String, String> {
    let params = params
        .iter()
        .map(parameter)
        .collect::<Result<Vec<_>, _>>()?;
    let mut keys: Vec<&String> = hash.keys().collect();
    keys.sort();
    let mut pairs = vec![];
    for k in keys {
        if let Some(v) = hash.get(k) {
            pairs.push(format!("({k:?}, {})", parameter(v)?));
        }
    }
    let block_param = match block_param {
        None => "None".to_string(),
        Some(BlockParam::Single(p)) => format!("Some(BlockParam::Single({}))", parameter(p)?),
        Some(BlockParam::Pair((a, b))) => format!(
            "Some(BlockParam::Pair(({}, {})))",
            parameter(a)?,
            parameter(b)?
        ),
        Some(other) => {
            return Err(format!(
                "a block parameter this build cannot rebuild: {other:?}"
            ))
        }
    };
    Ok(format!(
        "Spec {{ name: {}, params: vec![{}], hash: vec![{}], block_param: {block_param} }}",
        parameter(name)?,
        params.join(", "),
        pairs.join(", ")
    ))
}

fn helper(h: &HelperTemplate) -> Result<String, String> {
    let spec = spec(&h.name, &h.params, &h.hash, h.block_param.as_ref())?;
    let opt = |t: &Option<Template>| -> Result<String, String> {
        Ok(match t {
            Some(t) => format!("Some({})", template(t)?),
            None => "None".into(),
        })
    };
    Ok(format!(
        "Helper {{ spec: {spec}, block: {}, chain: {}, indent: {}, template: {}, inverse: {} }}",
        h.block,
        h.chain,
        indents(&format!("{h:?}")),
        opt(&h.template)?,
        opt(&h.inverse)?
    ))
}

fn decorator(d: &DecoratorTemplate) -> Result<String, String> {
    let spec = spec(&d.name, &d.params, &d.hash, None)?;
    let template = match &d.template {
        Some(t) => format!("Some({})", template(t)?),
        None => "None".into(),
    };
    Ok(format!(
        "Decorator {{ spec: {spec}, indent: {}, indent_text: {:?}, template: {template} }}",
        indents(&format!("{d:?}")),
        d.indent.as_deref()
    ))
}

/// A relative path's segments as code: names spelt out, and the grammar's
/// `@root` and `..` segments taken from a parsed prototype (the grammar's
/// rule type is private); None for any other segment.
fn segments(segs: &[PathSeg]) -> Option<Vec<String>> {
    segs.iter()
        .map(|s| match s {
            PathSeg::Named(n) => Some(format!("PathSeg::Named({n:?}.to_string())")),
            PathSeg::Ruled(r) => {
                let rule = format!("{r:?}");
                matches!(rule.as_str(), "path_root" | "path_up")
                    .then(|| format!("ruled({rule:?})?"))
            }
            _ => None,
        })
        .collect()
}

/// The `indent_before_write` flag, the last field of the derived `Debug`.
fn indents(debug: &str) -> bool {
    debug.ends_with("indent_before_write: true }")
}

fn parameter(p: &Parameter) -> Result<String, String> {
    Ok(match p {
        Parameter::Name(n) => format!("Parameter::Name({n:?}.to_string())"),
        Parameter::Path(HbPath::Local((level, name, raw))) => format!(
            "Parameter::Path(Path::Local(({level}, {name:?}.to_string(), {raw:?}.to_string())))"
        ),
        Parameter::Path(HbPath::Relative((segs, raw))) => match segments(segs) {
            Some(segs) => format!(
                "Parameter::Path(Path::Relative((vec![{}], {raw:?}.to_string())))",
                segs.join(", ")
            ),
            // A segment this build cannot spell: parsed when rebuilt.
            None => format!("path({raw:?})?"),
        },
        Parameter::Literal(j) => format!("literal({:?})?", j.to_string()),
        Parameter::Subexpression(s) => {
            let TemplateElement::Expression(h) = s.as_element() else {
                return Err(format!("a subexpression this build cannot rebuild: {s:?}"));
            };
            format!(
                "sub({})",
                spec(&h.name, &h.params, &h.hash, h.block_param.as_ref())?
            )
        }
        other => return Err(format!("a parameter this build cannot rebuild: {other:?}")),
    })
}
