//! `toluu add`: find the feeds of a URL, let the user pick one, and append it to a list.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use super::args::AddArgs;
use super::exit::{fail, report_error};
use crate::site::edit;

/// Runs `toluu add`.
pub fn run(args: AddArgs) -> ExitCode {
    let feed = edit::NewFeed {
        person: args.person,
        url: args.url,
        tags: args.tags,
        note: args.note,
        name: args.name,
    };
    add(&args.site.dir, feed, args.pick)
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
