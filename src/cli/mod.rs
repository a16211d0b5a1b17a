//! Runs one command: turns its arguments into the library's options, calls the library, and
//! prints the result. Exit codes: 0 success, 1 failure, 2 bad configuration or lists.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

pub mod args;
pub mod check;
pub mod export;
pub mod init;
pub mod progress;
pub mod serve;
pub mod suggest;
pub mod table;

use crate::site::edit;
use args::{Cli, Command};
use progress::{BuildProgress, Verbosity, error_label, warning_label};

/// The `toluu` binary: parses the command line and runs the command.
pub fn main() -> ExitCode {
    run(Cli::parse().command)
}

/// Runs `command`.
pub fn run(command: Command) -> ExitCode {
    match command {
        Command::Init {
            dir,
            force,
            title,
            toluu_repo,
        } => {
            let options = init::InitOptions {
                force,
                title,
                toluu_repo,
            };
            match init::init(&dir, &options) {
                Ok(files) => {
                    for file in &files {
                        println!("created {}", file.display());
                    }
                    println!("{}", init::next_steps(&dir, &options));
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            }
        }
        Command::Suggest {
            dir,
            person,
            limit,
            json,
        } => {
            let options = crate::cli::suggest::SuggestOptions {
                person,
                limit,
                json,
            };
            match crate::cli::suggest::suggest(&dir, &options) {
                Ok(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => report_error(&e),
            }
        }
        Command::EjectTheme { dir, theme, force } => {
            match crate::render::theme::eject_theme(&dir, theme.as_deref(), force) {
                Ok(files) => {
                    println!("copied {} files into {}", files.len(), dir.display());
                    ExitCode::SUCCESS
                }
                Err(e) => report_error(&e),
            }
        }
        Command::Fetch {
            dir,
            shard,
            state_dir,
            at,
        } => {
            let options = crate::FetchOptions {
                shard,
                cache_dir: state_dir,
                at,
            };
            match crate::fetch(&dir, &options) {
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
            verbose,
            merge_state,
        } => {
            let verbosity = match (quiet, verbose) {
                (true, _) => Verbosity::Quiet,
                (_, true) => Verbosity::Verbose,
                _ => Verbosity::Normal,
            };
            let (progress, observer) = BuildProgress::new(verbosity);
            let options = crate::BuildOptions {
                offline,
                base_url,
                output_dir,
                observer,
                merge_state,
                ..Default::default()
            };
            let result = crate::build(&dir, &options);
            progress.finish();
            match result {
                Ok(summary) => {
                    if verbosity != Verbosity::Quiet || summary.failed() > 0 {
                        eprintln!("{summary}");
                    }
                    if verbosity == Verbosity::Verbose {
                        eprintln!("{}", table::stages_line(&summary));
                    }
                    if let Some(path) = report {
                        let json = serde_json::to_string_pretty(&summary).unwrap_or_default();
                        if let Err(e) = std::fs::write(&path, json + "\n") {
                            return fail(&format!(
                                "{}: cannot write the report: {e}",
                                path.display()
                            ));
                        }
                    }
                    if strict && summary.failed() > 0 {
                        return fail(&format!("{} feeds failed (--strict)", summary.failed()));
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => report_error(&e),
            }
        }
        Command::Serve { dir, port, offline } => {
            let (progress, observer) = BuildProgress::new(Verbosity::Normal);
            let options = serve::ServeOptions {
                port,
                offline,
                observer,
            };
            let result = serve::serve(&dir, &options);
            progress.finish();
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            }
        }
        Command::Add {
            url,
            person,
            tags,
            note,
            pick,
            name,
            site,
        } => {
            let feed = edit::NewFeed {
                person,
                url,
                tags,
                note,
                name,
            };
            add(&site.dir, feed, pick)
        }
        Command::Import { file, person, site } => {
            match edit::import_opml(&site.dir, &file, &person) {
                Ok(summary) => {
                    println!("{summary}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            }
        }
        Command::Export {
            person,
            output,
            site,
        } => match export::export_opml(&site.dir, person.as_deref()) {
            Ok(opml) => match output {
                Some(path) => match std::fs::write(&path, opml) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => fail(&format!("{}: cannot write: {e}", path.display())),
                },
                None => {
                    print!("{opml}");
                    ExitCode::SUCCESS
                }
            },
            Err(e) => fail(&e),
        },
        Command::Check { dir, fetch } => {
            let report = check::check(&dir, fetch);
            if let Some(summary) = &report.fetched {
                println!("{summary}");
            }
            for w in &report.warnings {
                eprintln!("{} {w}", warning_label());
            }
            for e in report.errors.iter().chain(&report.feed_errors) {
                eprintln!("{} {e}", error_label());
            }
            if !report.errors.is_empty() {
                let n = report.errors.len();
                eprintln!("{n} problem{} found", if n == 1 { "" } else { "s" });
                ExitCode::from(2)
            } else if !report.feed_errors.is_empty() {
                let n = report.feed_errors.len();
                eprintln!("{n} feed{} failed", if n == 1 { "" } else { "s" });
                ExitCode::FAILURE
            } else {
                println!(
                    "ok: {} people, {} distinct feeds",
                    report.people, report.feeds
                );
                ExitCode::SUCCESS
            }
        }
        Command::Fmt { dir, check } => {
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
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "toluu", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
    }
}

/// `toluu add`: find the feeds of `feed.url`, pick one, append it.
fn add(dir: &Path, mut feed: edit::NewFeed, pick: Option<usize>) -> ExitCode {
    let url = feed.url.clone();
    let fetch = match crate::site::load_config(dir) {
        Ok(config) => config.fetch,
        Err(problems) => return report_error(&crate::Error::Config(problems)),
    };
    let choices = match crate::refresh::autodiscover::discover(&url, &fetch) {
        Ok(choices) => choices,
        Err(e) => return fail(&e),
    };
    let index = match (choices.len(), pick) {
        (_, Some(n)) if n >= 1 && n <= choices.len() => n - 1,
        (_, Some(n)) => {
            return fail(&format!("--pick {n}: there are {} choices", choices.len()));
        }
        (1, None) => 0,
        (_, None) => {
            eprintln!("{url} has {} feeds:", choices.len());
            for (i, c) in choices.iter().enumerate() {
                eprintln!("  {}. {} ({})", i + 1, c.url, c.title);
            }
            match ask(choices.len()) {
                Some(i) => i,
                None => {
                    return fail("several feeds: choose one with --pick N, or give its URL");
                }
            }
        }
    };
    feed.url = choices[index].url.clone();
    match edit::add_feed(dir, &feed) {
        Ok(file) => {
            println!(
                "added {} ({}) to {}",
                feed.url,
                choices[index].title,
                file.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

/// Asks which choice to take, when stdin is a terminal; `None` otherwise.
fn ask(n: usize) -> Option<usize> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return None;
    }
    loop {
        eprint!("which one? [1-{n}] ");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        if stdin.lock().read_line(&mut line).ok()? == 0 {
            return None;
        }
        match line.trim().parse::<usize>() {
            Ok(i) if i >= 1 && i <= n => return Some(i - 1),
            _ => eprintln!("a number from 1 to {n}, please"),
        }
    }
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("{} {msg}", error_label());
    ExitCode::FAILURE
}

fn report_error(e: &crate::Error) -> ExitCode {
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
