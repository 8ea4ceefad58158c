//! The `cairn` command.

fn main() {
    std::process::exit(cairn_cli::run(std::env::args_os().collect()));
}

#[path = "cli/mod.rs"]
mod cairn_cli;
