//! The command line: the only place that touches files and the terminal.
//!
//! Exit codes: 0 success, 1 errors in the program or a failed operation,
//! 2 a plan with changes (`--detailed-exitcode`), 64 a bad command line,
//! 130 interrupted while waiting on CloudFormation.

mod build;
mod destroy;
mod fmt;
mod input;
mod live;
mod lsp;
mod outcome;
mod plan;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "cairn",
    version,
    about = "Compile .cairn programs to CloudFormation"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Parse, resolve and type-check a program; print diagnostics.
    Check {
        #[command(flatten)]
        common: Common,
    },
    /// Write one CloudFormation template per stack, manifests, and a build manifest.
    Build {
        #[command(flatten)]
        common: Common,
        /// Output directory.
        #[arg(short, long, default_value = "out")]
        out: PathBuf,
        /// Write nothing; exit 1 and show the diff when the directory is stale.
        #[arg(long)]
        check: bool,
    },
    /// Show what deploying the program would change: offline against the
    /// templates of an earlier build (`--against DIR`), or live through
    /// CloudFormation change sets.
    Plan {
        #[command(flatten)]
        common: Common,
        /// The earlier build to compare with (the templates committed in
        /// the repository).
        #[arg(long)]
        against: Option<PathBuf>,
        /// Exit 0 when nothing changes, 2 when something does, 1 on error.
        #[arg(long)]
        detailed_exitcode: bool,
        /// Also save the plan as JSON (a live plan can then be applied
        /// exactly: `cairn apply PLAN.json`).
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        deploy: DeployArgs,
    },
    /// Deploy through CloudFormation change sets, stack by stack: from a
    /// program (plan, show, confirm) or from a saved live plan (exactly it).
    Apply {
        #[command(flatten)]
        common: Common,
        /// Apply without asking (for CI).
        #[arg(long)]
        yes: bool,
        /// Where the completed Kubernetes manifests are written.
        #[arg(short, long, default_value = "out")]
        out: PathBuf,
        /// Then `kubectl apply` the manifests (current kubectl context).
        #[arg(long)]
        kubectl: bool,
        #[command(flatten)]
        deploy: DeployArgs,
    },
    /// Delete the program's deployed stacks, importers first: what goes is
    /// shown, then confirmed (or `--yes`); stateful deletions need
    /// `allow_delete`; what `DeletionPolicy` keeps is listed afterwards.
    Destroy {
        #[command(flatten)]
        common: Common,
        /// Destroy without asking (for CI).
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        deploy: DeployArgs,
    },
    /// Print the dependency graph of the declarations (or, with
    /// `--resources`, of the CloudFormation resources).
    Graph {
        #[command(flatten)]
        common: Common,
        /// Graph notation (`--format dot|mermaid` says the same).
        #[arg(long = "graph-format", value_enum)]
        graph_format: Option<GraphFormat>,
        /// Resources and their references instead of declarations.
        #[arg(long)]
        resources: bool,
        /// Draw each CloudFormation stack as a box around what it holds:
        /// how Cairn split the program.
        #[arg(long)]
        stacks: bool,
    },
    /// Show the long explanation of a diagnostic code, e.g. `cairn explain E0201`.
    Explain { code: String },
    /// The language server (LSP over stdio) behind the editor extension.
    Lsp,
    /// Rewrite `.cairn` files in the one canonical layout (directories are
    /// searched); `--check` writes nothing, shows the diff and exits 1 when
    /// a file is not formatted.
    Fmt {
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long)]
        check: bool,
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
    },
}

impl Command {
    /// The program options of every command that takes one except `graph`,
    /// whose `--format` also names a notation.
    fn common(&self) -> Option<&Common> {
        match self {
            Command::Check { common }
            | Command::Build { common, .. }
            | Command::Plan { common, .. }
            | Command::Apply { common, .. }
            | Command::Destroy { common, .. } => Some(common),
            Command::Graph { .. }
            | Command::Explain { .. }
            | Command::Lsp
            | Command::Fmt { .. } => None,
        }
    }
}

/// Where and as whom CloudFormation is reached.
#[derive(Args, Debug, Clone)]
pub struct DeployArgs {
    /// Prefix of every stack name (`dev-` gives `dev-retail`).
    #[arg(long, default_value = "")]
    pub stack_prefix: String,
    #[arg(long)]
    pub region: Option<String>,
    #[arg(long)]
    pub profile: Option<String>,
    /// Another CloudFormation endpoint (an emulator, a VPC endpoint).
    #[arg(long)]
    pub endpoint_url: Option<String>,
    /// When an execution fails, keep what succeeded instead of rolling back.
    #[arg(long)]
    pub no_rollback: bool,
}

#[derive(Args, Debug)]
pub struct Common {
    /// A `.cairn` file, or a directory of them.
    program: PathBuf,
    /// Set a parameter: `--param name=value` (repeatable).
    #[arg(long = "param", value_parser = parse_param)]
    params: Vec<(String, String)>,
    /// Parameter values from a file: JSON, or `.cairn` lines `name = value`.
    /// `--param` wins over it.
    #[arg(long = "params")]
    params_file: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
    /// How diagnostics are printed: for people, as JSON, or as GitHub
    /// Actions annotations; for `graph`, also the notation (dot, mermaid).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Github,
    Markdown,
    /// `cairn graph` only: the graph in Graphviz DOT (diagnostics as text).
    Dot,
    /// `cairn graph` only: the graph in Mermaid (diagnostics as text).
    Mermaid,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

fn parse_param(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("expected `name=value`, found `{s}`")),
    }
}

pub fn run(args: Vec<OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 64 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    if let Some(common) = cli.command.common() {
        if matches!(common.format, Format::Dot | Format::Mermaid) {
            eprintln!("error: `--format dot` and `--format mermaid` are notations of `cairn graph`; use text, json, github or markdown here");
            return 64;
        }
    }
    match cli.command {
        Command::Check { common } => build::check(&common),
        Command::Build { common, out, check } => build::build(&common, &out, check),
        Command::Plan {
            common,
            against,
            detailed_exitcode,
            out,
            deploy,
        } => plan::run(
            &common,
            against.as_deref(),
            detailed_exitcode,
            out.as_deref(),
            &deploy,
        ),
        Command::Apply {
            common,
            yes,
            out,
            kubectl,
            deploy,
        } => live::apply(
            &common,
            live::ApplyArgs {
                yes,
                out: &out,
                kubectl,
            },
            &deploy,
        ),
        Command::Destroy {
            common,
            yes,
            deploy,
        } => destroy::run(&common, yes, &deploy),
        Command::Graph {
            mut common,
            graph_format,
            resources,
            stacks,
        } => {
            // The CLI reference spells the notation `--format dot|mermaid`;
            // `--graph-format` is kept for scripts written against it.
            let notation = match (graph_format, common.format) {
                (Some(g), _) => g,
                (None, Format::Mermaid) => GraphFormat::Mermaid,
                _ => GraphFormat::Dot,
            };
            if matches!(common.format, Format::Dot | Format::Mermaid) {
                common.format = Format::Text;
            }
            build::graph(&common, notation, resources, stacks)
        }
        Command::Explain { code } => explain(&code),
        Command::Lsp => lsp::run(),
        Command::Fmt {
            paths,
            check,
            color,
        } => fmt::run(&paths, check, render_options(color)),
    }
}

fn explain(code: &str) -> i32 {
    match cairn::diagnostics::codes::find(code) {
        Some(c) => {
            print!("{}", c.explanation);
            0
        }
        None => {
            let ids = cairn::diagnostics::codes::ALL.iter().map(|c| c.id);
            let near = cairn::diagnostics::closest(&code.to_ascii_uppercase(), ids);
            eprintln!("error: `{code}` is not a Cairn diagnostic code");
            if let Some(n) = near {
                eprintln!("help: did you mean `{n}`?");
            }
            1
        }
    }
}

impl Common {
    fn render_options(&self) -> cairn::diagnostics::RenderOptions {
        render_options(self.color)
    }
}

fn render_options(color: Color) -> cairn::diagnostics::RenderOptions {
    use std::io::IsTerminal;
    let color = match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal(),
    };
    cairn::diagnostics::RenderOptions { color, width: 100 }
}
