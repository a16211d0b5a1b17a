//! `toluu build`: fetch every feed, write the site and print the summary table.

use std::path::Path;
use std::process::ExitCode;

use super::args::BuildArgs;
use super::exit::{fail, report_error};
use super::progress::{BuildProgress, Verbosity};
use super::table;
use crate::report::BuildReport;

/// Runs `toluu build`.
pub fn run(args: BuildArgs) -> ExitCode {
    let verbosity = match (args.quiet, args.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    let (progress, observer) = BuildProgress::new(verbosity);
    let options = crate::BuildOptions {
        offline: args.offline,
        base_url: args.base_url,
        output_dir: args.output_dir,
        force: args.force,
        observer,
        merge_state: args.merge_state,
        ..Default::default()
    };
    let result = crate::build(&args.dir, &options);
    progress.finish();
    match result {
        Ok(summary) => conclude(&summary, verbosity, args.report.as_deref(), args.strict),
        Err(e) => report_error(&e),
    }
}

/// Prints the summary of a build that ran, writes `--report`, and fails under `--strict` if a
/// feed failed.
fn conclude(
    summary: &BuildReport,
    verbosity: Verbosity,
    report: Option<&Path>,
    strict: bool,
) -> ExitCode {
    match verbosity {
        Verbosity::Quiet if summary.failed() > 0 => {
            eprintln!("{}", table::quiet_summary(summary));
        }
        Verbosity::Quiet => {}
        _ => eprintln!("{summary}"),
    }
    if verbosity == Verbosity::Verbose {
        eprintln!("{}", table::stages_line(summary));
    }
    if let Some(path) = report {
        let json = serde_json::to_string_pretty(summary).unwrap_or_default();
        if let Err(e) = std::fs::write(path, json + "\n") {
            return fail(&format!("{}: cannot write the report: {e}", path.display()));
        }
    }
    if strict && summary.failed() > 0 {
        return fail(&format!("{} feeds failed (--strict)", summary.failed()));
    }
    ExitCode::SUCCESS
}
