//! `toluu check`: every problem in a site's files, located as `file:line:col`, broken links
//! inside the site (see [`super::links`]), and with `--fetch`, what each feed answers now
//! (dead, moved, not a feed).

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use super::args::CheckArgs;
use super::progress::{error_label, warning_label};
use crate::refresh::cache::Cache;
use crate::report::{BuildReport, FeedReport};
use crate::site::lint;
use crate::site::{self, Diagnostic, Site};

/// What `toluu check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Problems in the site's files, broken links among them: the check fails (exit 2).
    pub errors: Vec<Diagnostic>,
    /// Feeds that failed when fetched (`--fetch`), located at the line that lists them: the
    /// check fails (exit 1).
    pub feed_errors: Vec<Diagnostic>,
    /// Things worth fixing that do not fail the check (a feed that moved, one feed under two
    /// spellings).
    pub warnings: Vec<Diagnostic>,
    /// People in the site, when it loaded.
    pub people: usize,
    /// Distinct feeds in the site, when it loaded.
    pub feeds: usize,
    /// With `--fetch`: how each feed answered, in the build summary's words.
    pub fetched: Option<BuildReport>,
}

/// Runs `toluu check`: prints every problem; exit 2 if the files have one, 1 if a feed
/// failed. With `--changed-since`, see [`super::changed`].
pub fn run(args: CheckArgs) -> ExitCode {
    finish(&args.dir, &check(&args.dir, args.fetch))
}

/// Prints what a check found (in GitHub Actions, also as annotations) and gives its exit code.
pub(super) fn finish(dir: &Path, report: &CheckReport) -> ExitCode {
    let errors = report.errors.iter().chain(&report.feed_errors);
    super::github::annotate(dir, errors, &report.warnings);
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

/// Checks the site in `root`; with `fetch`, also fetches every feed once (see
/// [`crate::check_feeds`]: the site's state and output are not touched).
pub fn check(root: &Path, fetch: bool) -> CheckReport {
    let site = match site::load_site(root) {
        Ok(site) => site,
        Err(errors) => {
            return CheckReport {
                errors,
                ..CheckReport::default()
            };
        }
    };
    let cache = Cache::new(root.join(&site.config.build.cache_dir));
    let mut report = CheckReport {
        people: site.people.len(),
        feeds: crate::distinct_feeds(&site).len(),
        warnings: lint::same_feed_spellings(&site, |key| {
            cache
                .load(key)
                .ok()
                .flatten()
                .and_then(|e| e.fetch.final_url)
        }),
        ..CheckReport::default()
    };
    if let Err(refused) = crate::output::claim::output_dir(&site, None, false) {
        report.errors.push(refused);
    }
    report
        .warnings
        .extend(site::config_warnings(root, &site.config));
    let mut links = super::links::check(&site);
    report.errors.append(&mut links.errors);
    report.warnings.append(&mut links.warnings);
    if fetch {
        match crate::check_feeds(root) {
            Ok(summary) => {
                for feed in &summary.feeds {
                    locate(&site, feed, &mut report);
                }
                report.fetched = Some(summary);
            }
            Err(e) => report.errors.push(Diagnostic::file(
                Path::new(site::CONFIG_FILE),
                e.to_string(),
            )),
        }
    }
    report
}

/// Reports a feed that failed or moved at each line that lists it.
pub(super) fn locate(site: &Site, feed: &FeedReport, report: &mut CheckReport) {
    let failed = feed.status == "failed";
    let moved = feed.moved_to.as_deref().filter(|_| feed.health == "moved");
    if !failed && moved.is_none() {
        return;
    }
    for person in &site.people {
        for sub in person.feeds.iter().filter(|f| f.key == feed.url) {
            let text = fs::read_to_string(site.root.join(&person.file)).unwrap_or_default();
            // At the value's opening quote, like the other diagnostics of a list.
            let offset = text
                .find(&format!("\"{}\"", sub.url))
                .or_else(|| text.find(&sub.url))
                .unwrap_or(0);
            let at = |msg: String| Diagnostic::at(&person.file, &text, offset, msg);
            if let Some(to) = moved {
                report.warnings.push(at(format!(
                    "feed '{}' moved: it now answers at '{to}'; list the new URL",
                    sub.url
                )));
            }
            if failed {
                let why = feed.error.as_deref().unwrap_or("failed");
                report
                    .feed_errors
                    .push(at(format!("feed '{}' failed: {why}", sub.url)));
            }
        }
    }
}
