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
    /// Check toluu.toml and every list; print every problem as file:line:col.
    Check {
        /// The site directory (holds toluu.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Copy a built-in theme into the site's templates/ and static/ for editing.
    EjectTheme {
        /// The site directory (holds toluu.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The theme to copy (default: the site's `theme`, else "default").
        #[arg(long, value_name = "NAME")]
        theme: Option<String>,
        /// Replace files that already exist.
        #[arg(long)]
        force: bool,
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
        Command::Check { dir } => match toluu::config::load_site(&dir) {
            Ok(site) => {
                let feeds = toluu::distinct_feeds(&site).len();
                println!("ok: {} people, {} distinct feeds", site.people.len(), feeds);
                ExitCode::SUCCESS
            }
            Err(problems) => report_error(&toluu::Error::Config(problems)),
        },
        Command::EjectTheme { dir, theme, force } => {
            match toluu::theme::eject_theme(&dir, theme.as_deref(), force) {
                Ok(files) => {
                    println!("copied {} files into {}", files.len(), dir.display());
                    ExitCode::SUCCESS
                }
                Err(e) => report_error(&e),
            }
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
