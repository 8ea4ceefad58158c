//! The `cairn` command.

/// mimalloc: a compiler allocates millions of small, short-lived objects
/// (syntax trees, JSON values), where glibc's malloc spends a third of a
/// large build consolidating free lists: 10,000 node groups build in 0.8 s
/// instead of 1.0 s, 40,000 in 3.3 s instead of 6 s, and a small build
/// peaks at 10 MB instead of 14 MB. Without transparent huge pages
/// (`no_thp`): zeroing 2 MB pages made times vary by a factor of two.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cairn_cli::run(std::env::args_os().collect()));
}

#[path = "cli/mod.rs"]
mod cairn_cli;
