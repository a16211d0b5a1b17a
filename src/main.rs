//! The `toluu` command line: a thin layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Turn a git repository of reading lists into a static website.
#[derive(Parser)]
#[command(name = "toluu", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fetch every feed of the lists and write the site.
    Build {
        /// The site directory (holds toluu.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Build from the cache alone; fetch nothing.
        #[arg(long)]
        offline: bool,
        /// Exit non-zero when any feed fails (the site is still written).
        #[arg(long)]
        strict: bool,
        /// Override base_url from toluu.toml (for previews).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Write the site here instead of [build] output_dir.
        #[arg(long, short = 'o', value_name = "DIR")]
        output_dir: Option<PathBuf>,
        /// Also write the build report as JSON to this file.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// Print only errors.
        #[arg(long, short = 'q')]
        quiet: bool,
        /// Merge the state written by `toluu fetch --shard` into the site's first (repeatable).
        #[arg(long, value_name = "DIR")]
        merge_state: Vec<PathBuf>,
    },
    /// Fetch the feeds (or one shard of them) into the state, without building the site.
    Fetch {
        /// The site directory (holds toluu.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Fetch only shard K of N (e.g. 2/4): a fixed split by URL hash.
        #[arg(long, value_name = "K/N", value_parser = toluu::shard::Shard::parse)]
        shard: Option<toluu::shard::Shard>,
        /// Write the state to this directory instead of the site's cache.
        #[arg(long, value_name = "DIR")]
        state_dir: Option<PathBuf>,
        /// The run's time (RFC 3339); give every shard of one run the same.
        #[arg(long, value_name = "TIME")]
        at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Check toluu.toml and every list; print every problem as file:line:col.
    Check {
        /// The site directory (holds toluu.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Also fetch every feed once and report how each answers (exit 1 if any fails);
        /// the site's state and output are not touched.
        #[arg(long)]
        fetch: bool,
    },
    /// Rewrite every list (people/*.toml) in canonical form, keeping comments.
    Fmt {
        /// The site directory (holds people/).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Write nothing; exit 1 and name the files that are not in canonical form.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Fetch {
            dir,
            shard,
            state_dir,
            at,
        } => {
            let options = toluu::FetchOptions {
                shard,
                cache_dir: state_dir,
                at,
            };
            match toluu::fetch(&dir, &options) {
                Ok(summary) => {
                    eprintln!("{summary}");
                    ExitCode::SUCCESS
                }
                Err(e) => report_error(&e),
            }
        }
        Command::Build {
            dir,
            offline,
            strict,
            base_url,
            output_dir,
            report,
            quiet,
            merge_state,
        } => {
            let options = toluu::BuildOptions {
                offline,
                base_url,
                output_dir,
                merge_state,
            };
            match toluu::build(&dir, &options) {
                Ok(summary) => {
                    if !quiet || summary.failed() > 0 {
                        eprintln!("{summary}");
                    }
                    if let Some(path) = report {
                        let json = serde_json::to_string_pretty(&summary).unwrap_or_default();
                        if let Err(e) = std::fs::write(&path, json + "\n") {
                            eprintln!("error: {}: cannot write the report: {e}", path.display());
                            return ExitCode::FAILURE;
                        }
                    }
                    if strict && summary.failed() > 0 {
                        eprintln!("error: {} feeds failed (--strict)", summary.failed());
                        return ExitCode::FAILURE;
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => report_error(&e),
            }
        }
        Command::Check { dir, fetch: true } => match toluu::check_feeds(&dir) {
            Ok(summary) => {
                println!("{summary}");
                if summary.failed() > 0 {
                    ExitCode::FAILURE
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(e) => report_error(&e),
        },
        Command::Check { dir, fetch: false } => match toluu::config::load_site(&dir) {
            Ok(site) => {
                let cache = toluu::cache::Cache::new(dir.join(&site.config.build.cache_dir));
                for warning in toluu::lint::same_feed_spellings(&site, &cache) {
                    eprintln!("warning: {warning}");
                }
                let feeds = toluu::distinct_feeds(&site).len();
                println!("ok: {} people, {} distinct feeds", site.people.len(), feeds);
                ExitCode::SUCCESS
            }
            Err(problems) => report_error(&toluu::Error::Config(problems)),
        },
        Command::Fmt { dir, check } => {
            let report = toluu::fmt::fmt_site(&dir, check);
            for file in &report.changed {
                let verb = if check {
                    "would reformat"
                } else {
                    "reformatted"
                };
                println!("{verb} {}", dir.join(file).display());
            }
            if !report.problems.is_empty() {
                return report_error(&toluu::Error::Config(report.problems));
            }
            if check && !report.changed.is_empty() {
                eprintln!(
                    "{} list{} not in canonical form; run `toluu fmt`",
                    report.changed.len(),
                    if report.changed.len() == 1 {
                        " is"
                    } else {
                        "s are"
                    }
                );
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
    }
}

fn report_error(e: &toluu::Error) -> ExitCode {
    match e {
        toluu::Error::Config(problems) => {
            for p in problems {
                eprintln!("error: {p}");
            }
            eprintln!(
                "{} problem{} found; nothing was built",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            ExitCode::from(2)
        }
        toluu::Error::Build(msg) => {
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}
