//! How a command fails: the error printed the same way by every command, and its exit code
//! (1 failure, 2 bad configuration or lists).

use std::process::ExitCode;

use super::progress::error_label;

/// Prints `msg` as an error; exit 1.
pub fn fail(msg: &str) -> ExitCode {
    eprintln!("{} {msg}", error_label());
    ExitCode::FAILURE
}

/// Prints a library error: each problem of a bad configuration or list (exit 2), or the
/// failure (exit 1).
pub fn report_error(e: &crate::Error) -> ExitCode {
    match e {
        crate::Error::Config(problems) => {
            for p in problems {
                eprintln!("{} {p}", error_label());
            }
            eprintln!(
                "{} problem{} found; nothing was built",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            ExitCode::from(2)
        }
        crate::Error::Build(msg) => fail(msg),
    }
}
