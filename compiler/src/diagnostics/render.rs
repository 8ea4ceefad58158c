//! Rendering through miette: the only place that imports it.

use super::{Diagnostic, Severity};
use crate::source::Sources;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use std::fmt;

#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    pub color: bool,
    pub width: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 80,
        }
    }
}

/// Renders every diagnostic, in the order given, followed by a summary line.
pub fn render_all(diags: &[Diagnostic], sources: &Sources, opts: RenderOptions) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&render(d, sources, opts));
    }
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    if errors > 0 {
        out.push_str(&format!(
            "error: {}{}\n",
            plural(errors, "error"),
            warn_suffix(warnings)
        ));
    } else if warnings > 0 {
        out.push_str(&format!("warning: {}\n", plural(warnings, "warning")));
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn warn_suffix(warnings: usize) -> String {
    if warnings == 0 {
        String::new()
    } else {
        format!(", {}", plural(warnings, "warning"))
    }
}

pub fn render(d: &Diagnostic, sources: &Sources, opts: RenderOptions) -> String {
    let theme = match (opts.color, d.severity) {
        (true, _) => GraphicalTheme::unicode(),
        (false, _) => GraphicalTheme::unicode_nocolor(),
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_links(false);
    let report = Report::new(d, sources);
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        out = format!(
            "{}[{}]: {}\n",
            severity_word(d.severity),
            d.code.id,
            d.message
        );
    }
    out
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// One diagnostic as miette sees it. Labels in files other than the primary
/// one cannot share its snippet, so they are rendered as located notes.
struct Report {
    header: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
}

impl Report {
    fn new(d: &Diagnostic, sources: &Sources) -> Report {
        let primary_file = d.primary_span().map(|s| s.file);
        let mut labels = vec![];
        let mut notes = vec![];
        for l in &d.labels {
            if Some(l.span.file) == primary_file {
                let span = SourceSpan::new((l.span.start as usize).into(), l.span.len());
                let text = if l.message.is_empty() {
                    None
                } else {
                    Some(l.message.clone())
                };
                labels.push(LabeledSpan::new_with_span(text, span));
            } else {
                let (line, col) = sources.line_col(l.span.file, l.span.start);
                notes.push(format!(
                    "{}:{line}:{col}: {}",
                    sources.name(l.span.file),
                    l.message
                ));
            }
        }
        let mut help = d.help.clone();
        if !notes.is_empty() {
            let joined = notes.join("\n");
            help = Some(match help {
                Some(h) => format!("{h}\n{joined}"),
                None => joined,
            });
        }
        let source = primary_file
            .and_then(|f| sources.get(f))
            .map(|f| NamedSource::new(f.name.clone(), f.text.clone()));
        Report {
            header: d.message.clone(),
            code: format!("{}[{}]", severity_word(d.severity), d.code.id),
            severity: match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
            },
            help,
            source,
            labels,
        }
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.header)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.header)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}
