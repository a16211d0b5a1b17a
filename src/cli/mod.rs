//! The command line: [`main`] parses the arguments and hands each command to its own module,
//! whose `run` turns them into the library's options, calls the library, and prints the
//! result. Exit codes: 0 success, 1 failure, 2 bad configuration or lists.

use std::process::ExitCode;

use clap::Parser;

pub mod add;
pub mod args;
pub mod build;
pub mod changed;
pub mod check;
pub mod completions;
pub mod eject_theme;
pub mod exit;
pub mod export;
pub mod fetch;
pub mod fmt;
pub mod github;
pub mod import;
pub mod init;
pub mod links;
pub mod progress;
pub mod serve;
pub mod suggest;
pub mod table;

use args::{Cli, Command};

/// The `toluu` binary: parses the command line and runs the command.
pub fn main() -> ExitCode {
    run(Cli::parse().command)
}

/// Runs `command`.
pub fn run(command: Command) -> ExitCode {
    match command {
        Command::Init(args) => init::run(args),
        Command::Build(args) => build::run(args),
        Command::Suggest(args) => suggest::run(args),
        Command::EjectTheme(args) => eject_theme::run(args),
        Command::Fetch(args) => fetch::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Add(args) => add::run(args),
        Command::Import(args) => import::run(args),
        Command::Export(args) => export::run(args),
        Command::Check(args) if args.changed_since.is_some() => changed::run(args),
        Command::Check(args) => check::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Completions(args) => completions::run(args),
    }
}
