//! `toluu import`: an OPML file into a person's list.

use std::process::ExitCode;

use super::args::ImportArgs;
use super::exit::fail;
use crate::site::edit;

/// Runs `toluu import`.
pub fn run(args: ImportArgs) -> ExitCode {
    match edit::import_opml(&args.site.dir, &args.file, &args.person) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}
