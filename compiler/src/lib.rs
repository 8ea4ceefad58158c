//! Cairn: a declarative language for AWS container infrastructure, compiled
//! to CloudFormation.
//!
//! The library is the whole compiler and does no I/O: callers hand it
//! sources and get back files and diagnostics. The pipeline runs one way:
//! syntax, resolve, graph, check, lower, emit (see `ARCHITECTURE.md`).

pub mod check;
pub mod diagnostics;
pub mod emit;
pub mod graph;
pub mod ir;
pub mod layout;
pub mod lower;
pub mod lsp;
pub mod names;
pub mod resolve;
pub mod schema;
pub mod source;
pub mod syntax;

use diagnostics::{codes, Diagnostic};
use source::{FileId, Sources};
use std::collections::BTreeMap;

/// One compilation's input: the program's files (already in `sources`),
/// `--param` values, and the stack name to use when no `project` names one.
#[derive(Clone, Default)]
pub struct Input {
    pub sources: Sources,
    pub files: Vec<FileId>,
    pub params: BTreeMap<String, String>,
    /// Values from a params file, as Cairn expressions (`"prod"`, `3`,
    /// `50Gi`), with where they came from (`params.json: env`).
    /// `params` wins over these.
    pub param_exprs: BTreeMap<String, (String, String)>,
    pub default_name: String,
    /// Reads module files; without one, a `module` is an error.
    pub loader: Option<resolve::modules::Loader>,
}

#[derive(Debug)]
pub struct Compilation {
    /// The input's sources, plus a pseudo-file per `--param` value.
    pub sources: Sources,
    /// Errors and warnings in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// Present only when there is no error: nothing partial is ever written.
    pub output: Option<emit::Output>,
    pub program: Option<ir::Program>,
    /// Declarations and what each refers to, for `cairn graph`.
    pub picture: graph::render::Picture,
    /// The syntax tree of each input file (for the editor's positions), from
    /// [`check_only`]; [`compile`] frees the trees before lowering instead.
    pub trees: Vec<(FileId, syntax::ast::Program)>,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        diagnostics::has_errors(&self.diagnostics)
    }
}

pub fn compile(input: Input) -> Compilation {
    run(input, true)
}

/// Parse, resolve, order and check, without lowering: every diagnostic of
/// the program itself, at a fraction of a build's cost (for the editor).
/// The output is always `None` and the picture empty; quota checks, which
/// need the templates, are left to `compile`.
pub fn check_only(input: Input) -> Compilation {
    run(input, false)
}

fn run(input: Input, lower: bool) -> Compilation {
    let Input {
        mut sources,
        files,
        params,
        param_exprs,
        default_name,
        loader,
    } = input;
    // Parsing needs no stdlib. The stdlib is only indexed here; each kind's
    // schema is parsed when resolution first meets the kind.
    let mut diags = vec![];
    let mut programs = vec![];
    for f in &files {
        let (prog, d) = syntax::parse(sources.text(*f), *f);
        diags.extend(d);
        programs.push(prog);
    }
    let stdlib = match schema::Stdlib::get() {
        Ok(s) => s,
        Err(errs) => {
            let d = Diagnostic::error(
                codes::INTERNAL_LOWERING,
                format!(
                    "internal error: the standard library does not load: {}",
                    errs.join("; ")
                ),
            );
            return Compilation {
                sources,
                diagnostics: vec![d],
                output: None,
                program: None,
                picture: Default::default(),
                trees: vec![],
            };
        }
    };
    let mut param_values: BTreeMap<String, check::ParamValue> = BTreeMap::new();
    for (k, (origin, text)) in param_exprs {
        let file = sources.add(origin, text.clone());
        param_values.insert(
            k,
            check::ParamValue {
                text,
                file,
                expression: true,
            },
        );
    }
    for (k, v) in params {
        let file = sources.add(format!("--param {k}"), v.clone());
        param_values.insert(
            k,
            check::ParamValue {
                text: v,
                file,
                expression: false,
            },
        );
    }
    // The editor keeps the trees as written, blocks and all; unrolling
    // rewrites the program's own copy. A program without blocks is its
    // own tree (unrolling only folds its indexes), and is not copied.
    let blocks = programs.iter().flat_map(|p| &p.items).any(|i| {
        matches!(
            i.kind,
            syntax::ast::ItemKind::For { .. } | syntax::ast::ItemKind::If { .. }
        )
    });
    let written = if lower || !blocks {
        vec![]
    } else {
        programs.clone()
    };
    let given = param_exprs_for_unrolling(&programs, &param_values);
    let (expansion, d) =
        resolve::modules::expand(&mut programs, &mut sources, loader.as_ref(), stdlib, given);
    diags.extend(d);
    programs.extend(expansion.programs);
    let refs: Vec<&syntax::ast::Program> = programs.iter().collect();
    let (resolved, d) = resolve::resolve(&refs, stdlib, &expansion.instances);
    diags.extend(d);
    let (order, d) = graph::order(&resolved, stdlib);
    diags.extend(d);
    let picture = if lower {
        declaration_picture(&resolved, &order)
    } else {
        Default::default()
    };
    let (program, d) = check::check(&resolved, &order, stdlib, &param_values, &default_name);
    diags.extend(d);
    // Module instances follow the input files; only the files' own trees
    // are kept, and only for the editor: a build frees the syntax trees
    // and the resolution before lowering, a third of a large program's
    // memory, since everything after reads the checked program.
    drop(resolved);
    drop(order);
    let trees = match (lower, blocks) {
        (true, _) => {
            drop(programs);
            vec![]
        }
        (false, true) => files.iter().copied().zip(written).collect(),
        (false, false) => files.iter().copied().zip(programs).collect(),
    };
    let mut output = None;
    if lower && !diagnostics::has_errors(&diags) {
        let (fragments, d) = lower::lower(&program, stdlib);
        diags.extend(d);
        if !diagnostics::has_errors(&diags) {
            let (out, d) = emit::emit(&program, fragments, stdlib);
            diags.extend(d);
            output = Some(out);
        }
    }
    diagnostics::sort(&mut diags);
    // A mistake in a `for`'s block that does not depend on the element is
    // found once per element, at the same place: it is reported once.
    diags.dedup_by(|a, b| {
        a.code == b.code && a.message == b.message && a.primary_span() == b.primary_span()
    });
    if diagnostics::has_errors(&diags) {
        output = None;
    }
    Compilation {
        sources,
        diagnostics: diags,
        output,
        program: Some(program),
        picture,
        trees,
    }
}

/// The `param` values a `for` or an `if` may read, as expressions: text
/// given for a textual param is a string, anything else is parsed (a
/// malformed value is left to the checker, which reports it).
fn param_exprs_for_unrolling(
    programs: &[syntax::ast::Program],
    given: &BTreeMap<String, check::ParamValue>,
) -> BTreeMap<String, syntax::ast::Expr> {
    use syntax::ast::{Expr, ExprKind, ItemKind, StrPart, TypeKind};
    let mut out = BTreeMap::new();
    for item in programs.iter().flat_map(|p| &p.items) {
        let ItemKind::Param { name, ty, .. } = &item.kind else {
            continue;
        };
        let Some(pv) = given.get(&name.name) else {
            continue;
        };
        let structured = matches!(&ty.kind, TypeKind::Named { name, .. }
            if matches!(name.name.as_str(), "list" | "map" | "int" | "bool"));
        let expr = if pv.expression || structured {
            match syntax::parse_expr(&pv.text, pv.file) {
                (Some(e), d) if d.is_empty() => e,
                _ => continue,
            }
        } else {
            Expr {
                kind: ExprKind::Str(vec![StrPart::Text(pv.text.clone())]),
                span: source::Span::new(pv.file, 0, pv.text.len()),
            }
        };
        out.insert(name.name.clone(), expr);
    }
    out
}

fn declaration_picture(
    resolved: &resolve::Resolved<'_>,
    order: &graph::Order,
) -> graph::render::Picture {
    use resolve::SymbolKind;
    let mut p = graph::render::Picture::default();
    for (name, s) in &resolved.symbols {
        let kind = match &s.kind {
            SymbolKind::Param => "param",
            SymbolKind::Let => "let",
            SymbolKind::Output => "output",
            SymbolKind::Decl { kind } => kind.as_str(),
            SymbolKind::Poisoned => "?",
            SymbolKind::Module { .. } => "module",
        };
        p.nodes.insert(name.clone(), format!("{kind} {name}"));
    }
    for (from, to) in order.edges.keys() {
        if p.nodes.contains_key(from) && p.nodes.contains_key(to) {
            p.edges.insert((from.clone(), to.clone()));
        }
    }
    p
}
pub mod deploy;
pub mod plan;
