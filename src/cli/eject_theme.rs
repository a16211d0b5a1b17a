//! `toluu eject-theme`: copy a theme into the site, to edit it there.

use std::process::ExitCode;

use super::args::EjectThemeArgs;
use super::exit::report_error;

/// Runs `toluu eject-theme`.
pub fn run(args: EjectThemeArgs) -> ExitCode {
    match crate::render::theme::eject_theme(&args.dir, args.theme.as_deref(), args.force) {
        Ok(files) => {
            println!("copied {} files into {}", files.len(), args.dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => report_error(&e),
    }
}
