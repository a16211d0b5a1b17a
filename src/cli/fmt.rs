//! `toluu fmt`: rewrite every list in canonical form, or with `--check`, name those that are
//! not.

use std::process::ExitCode;

use super::args::FmtArgs;
use super::exit::report_error;

/// Runs `toluu fmt`.
pub fn run(args: FmtArgs) -> ExitCode {
    let FmtArgs { dir, check } = args;
    let report = crate::site::fmt::fmt_site(&dir, check);
    for file in &report.changed {
        let verb = if check {
            "would reformat"
        } else {
            "reformatted"
        };
        println!("{verb} {}", dir.join(file).display());
    }
    if !report.problems.is_empty() {
        return report_error(&crate::Error::Config(report.problems));
    }
    if check && !report.changed.is_empty() {
        let n = report.changed.len();
        eprintln!(
            "{n} list{} not in canonical form; run `toluu fmt`",
            if n == 1 { " is" } else { "s are" }
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
