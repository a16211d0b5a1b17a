//! `toluu fetch`: fetch the feeds (or one shard of them) into the state, without building.

use std::process::ExitCode;

use super::args::FetchArgs;
use super::exit::report_error;

/// Runs `toluu fetch`.
pub fn run(args: FetchArgs) -> ExitCode {
    let options = crate::FetchOptions {
        shard: args.shard,
        cache_dir: args.state_dir,
        at: args.at,
    };
    match crate::fetch(&args.dir, &options) {
        Ok(summary) => {
            eprintln!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => report_error(&e),
    }
}
