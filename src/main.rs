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
    },
    /// Suggest feeds to each person, from the lists and the fetch cache (no network).
    Suggest {
        /// The site directory (holds toluu.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Only this person (the file name of their list, without extension).
        #[arg(long, value_name = "SLUG")]
        person: Option<String>,
        /// Suggestions per person (default: [discover] suggestions_per_person).
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Print JSON: {"people": {slug: [{url, score, reason}]}, "related", "similar_people"}.
        #[arg(long)]
        json: bool,
    },
    /// Check toluu.toml and every list; print every problem as file:line:col.
    Check {
        /// The site directory (holds toluu.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Build {
            dir,
            offline,
            strict,
            base_url,
            output_dir,
            report,
            quiet,
        } => {
            let options = toluu::BuildOptions {
                offline,
                base_url,
                output_dir,
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
        Command::Suggest {
            dir,
            person,
            limit,
            json,
        } => {
            let options = toluu::suggest::SuggestOptions {
                person,
                limit,
                json,
            };
            match toluu::suggest::suggest(&dir, &options) {
                Ok(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => report_error(&e),
            }
        }
        Command::Check { dir } => match toluu::config::load_site(&dir) {
            Ok(site) => {
                let feeds = toluu::distinct_feeds(&site).len();
                println!("ok: {} people, {} distinct feeds", site.people.len(), feeds);
                ExitCode::SUCCESS
            }
            Err(problems) => report_error(&toluu::Error::Config(problems)),
        },
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
