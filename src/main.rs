//! The `toluu` command line: a thin layer over the library.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    commands::run(cli::Cli::parse().command)
}

/// The allocator: rendering thousands of pages is allocation-bound, and mimalloc is markedly
/// faster than the system allocator under rayon's threads (see README "Performance").
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
