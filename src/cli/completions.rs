//! `toluu completions`: the shell completion script, written by clap from the command line's
//! shape.

use std::process::ExitCode;

use clap::CommandFactory;

use super::args::{Cli, CompletionsArgs};

/// Runs `toluu completions`.
pub fn run(args: CompletionsArgs) -> ExitCode {
    clap_complete::generate(
        args.shell,
        &mut Cli::command(),
        "toluu",
        &mut std::io::stdout(),
    );
    ExitCode::SUCCESS
}
