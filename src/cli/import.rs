//! `toluu import`: an OPML file into a person's list; each outline that cannot be read is
//! one warning line at its place in the file.

use std::process::ExitCode;

use super::args::ImportArgs;
use super::exit::fail;
use crate::site::edit;

/// Runs `toluu import`.
pub fn run(args: ImportArgs) -> ExitCode {
    match edit::import_opml(&args.site.dir, &args.file, &args.person) {
        Ok(summary) => {
            for problem in &summary.skipped {
                eprintln!(
                    "warning: {}:{}:{}: skipped: {}",
                    problem.file.display(),
                    problem.line,
                    problem.col,
                    problem.message
                );
            }
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}
