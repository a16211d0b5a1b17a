//! `toluu check`: every problem in a site's files, located as `file:line:col`, and with
//! `--fetch`, what each feed answers now (dead, moved, not a feed).

use std::fs;
use std::path::Path;

use rayon::prelude::*;

use crate::cache::Cache;
use crate::config::{self, Diagnostic, Site};
use crate::fetch::{Fetcher, Response, Validators};
use crate::lint;
use crate::parse::parse_feed;

/// What `toluu check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Problems that make the check fail.
    pub errors: Vec<Diagnostic>,
    /// Things worth fixing that do not fail the check (a feed that moved, one feed under two
    /// spellings).
    pub warnings: Vec<Diagnostic>,
    /// People in the site, when it loaded.
    pub people: usize,
    /// Distinct feeds in the site, when it loaded.
    pub feeds: usize,
    /// Feeds probed over the network (`--fetch`).
    pub probed: usize,
}

/// What probing one feed found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// It answers with a feed at the same URL.
    Ok,
    /// It answers with a feed after redirects: the list should name the new URL.
    Moved(String),
    /// It fails: the same words as the build summary (`HTTP 404 Not Found`, `not a feed: …`).
    Failed(String),
}

/// Checks the site in `root`; with `fetch`, also probes every feed.
pub fn check(root: &Path, fetch: bool) -> CheckReport {
    let site = match config::load_site(root) {
        Ok(site) => site,
        Err(errors) => {
            return CheckReport {
                errors,
                ..CheckReport::default()
            };
        }
    };
    let urls = crate::distinct_feeds(&site);
    let cache = Cache::new(root.join(&site.config.build.cache_dir));
    let mut report = CheckReport {
        people: site.people.len(),
        feeds: urls.len(),
        warnings: lint::same_feed_spellings(&site, &cache),
        ..CheckReport::default()
    };
    if fetch {
        match probe_all(&urls, &site.config.fetch) {
            Ok(probes) => {
                report.probed = probes.len();
                for (url, probe) in urls.iter().zip(probes) {
                    locate_probe(&site, url, &probe, &mut report);
                }
            }
            Err(e) => report
                .errors
                .push(Diagnostic::file(Path::new(config::CONFIG_FILE), e)),
        }
    }
    report
}

/// Fetches and parses every feed of `urls` (in parallel, `fetch.concurrency` at a time),
/// ignoring the cache.
pub fn probe_all(urls: &[String], cfg: &config::FetchConfig) -> Result<Vec<Probe>, String> {
    let fetcher = Fetcher::new(cfg)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.concurrency)
        .build()
        .map_err(|e| format!("cannot start the fetch pool: {e}"))?;
    Ok(pool.install(|| {
        urls.par_iter()
            .with_max_len(1)
            .map(|url| probe(&fetcher, url))
            .collect()
    }))
}

/// Fetches `url` once and says what it is.
pub fn probe(fetcher: &Fetcher, url: &str) -> Probe {
    match fetcher.get(url, &Validators::default()) {
        Response::Body {
            bytes, final_url, ..
        } => match parse_feed(&bytes, &final_url, chrono::Utc::now(), 1) {
            Err(e) => Probe::Failed(e.0),
            Ok(_) if same_url(&final_url, url) => Probe::Ok,
            Ok(_) => Probe::Moved(final_url),
        },
        Response::NotModified => Probe::Ok,
        Response::Failed { error, .. } => Probe::Failed(error),
    }
}

fn same_url(a: &str, b: &str) -> bool {
    match (crate::urls::normalize(a), crate::urls::normalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Reports `probe` at each list that names `url`.
fn locate_probe(site: &Site, url: &str, probe: &Probe, report: &mut CheckReport) {
    for person in &site.people {
        for sub in person.feeds.iter().filter(|f| f.key == url) {
            let text = fs::read_to_string(site.root.join(&person.file)).unwrap_or_default();
            // At the value's opening quote, like the other diagnostics of a list.
            let offset = text
                .find(&format!("\"{}\"", sub.url))
                .or_else(|| text.find(&sub.url))
                .unwrap_or(0);
            let at = |msg: String| Diagnostic::at(&person.file, &text, offset, msg);
            match probe {
                Probe::Ok => {}
                Probe::Moved(to) => report.warnings.push(at(format!(
                    "feed '{}' moved: it now answers at '{to}'; list the new URL",
                    sub.url
                ))),
                Probe::Failed(why) => report
                    .errors
                    .push(at(format!("feed '{}' failed: {why}", sub.url))),
            }
        }
    }
}
