//! What a build did, for the end-of-build summary table and `--report`.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::config::Site;
use crate::refresh::{FeedState, Outcome};

/// One feed's line in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct FeedReport {
    /// The feed URL (normalized).
    pub url: String,
    /// `ok`, `not modified`, `cached` or `failed`.
    pub status: &'static str,
    /// Why it failed, in plain words.
    pub error: Option<String>,
    /// The list files that name this feed.
    pub listed_in: Vec<String>,
    /// Items the site has for it.
    pub items: usize,
    /// Milliseconds the refresh took.
    pub millis: u128,
}

/// The summary of a build.
#[derive(Debug, Clone, Serialize)]
pub struct BuildReport {
    /// Per feed, sorted by URL.
    pub feeds: Vec<FeedReport>,
    /// Problems with cache files (corrupt, old format, unwritable).
    pub cache_warnings: Vec<String>,
    /// Whether the build fetched nothing.
    pub offline: bool,
    /// Where the site was written.
    pub output_dir: PathBuf,
    /// How many files were written.
    pub files_written: usize,
    /// Wall time of the whole build, in milliseconds.
    pub millis: u128,
}

impl BuildReport {
    /// The refresh part of the report; [`BuildReport::finish`] adds the output.
    pub fn new(site: &Site, states: &[FeedState], offline: bool) -> Self {
        let mut lists: HashMap<&str, Vec<String>> = HashMap::new();
        for person in &site.people {
            for feed in &person.feeds {
                lists
                    .entry(feed.key.as_str())
                    .or_default()
                    .push(person.file.display().to_string());
            }
        }
        let feeds = states
            .iter()
            .map(|s| {
                let (status, error) = match &s.outcome {
                    Outcome::Updated => ("ok", None),
                    Outcome::NotModified => ("not modified", None),
                    Outcome::Cached => ("cached", None),
                    Outcome::Failed(e) => ("failed", Some(e.clone())),
                };
                FeedReport {
                    url: s.url.clone(),
                    status,
                    error,
                    listed_in: lists.remove(s.url.as_str()).unwrap_or_default(),
                    items: s.feed().map_or(0, |f| f.items.len()),
                    millis: s.elapsed.as_millis(),
                }
            })
            .collect();
        BuildReport {
            feeds,
            cache_warnings: states
                .iter()
                .filter_map(|s| s.cache_warning.clone())
                .collect(),
            offline,
            output_dir: PathBuf::new(),
            files_written: 0,
            millis: 0,
        }
    }

    /// Completes the report with what was written.
    pub fn finish(mut self, output_dir: PathBuf, files_written: usize, elapsed: Duration) -> Self {
        self.output_dir = output_dir;
        self.files_written = files_written;
        self.millis = elapsed.as_millis();
        self
    }

    /// How many feeds failed this build.
    pub fn failed(&self) -> usize {
        self.feeds.iter().filter(|f| f.status == "failed").count()
    }

    fn count(&self, status: &str) -> usize {
        self.feeds.iter().filter(|f| f.status == status).count()
    }
}

impl fmt::Display for BuildReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for warning in &self.cache_warnings {
            writeln!(f, "warning: {warning}")?;
        }
        let failed: Vec<&FeedReport> = self.feeds.iter().filter(|r| r.status == "failed").collect();
        if !failed.is_empty() {
            let width = failed
                .iter()
                .map(|r| r.url.len())
                .max()
                .unwrap_or(0)
                .min(60);
            writeln!(f, "{:<width$}  {:<8}  reason", "feed", "status")?;
            for r in &failed {
                let kept = if r.items > 0 {
                    format!(" (showing {} cached items)", r.items)
                } else {
                    String::new()
                };
                writeln!(
                    f,
                    "{:<width$}  {:<8}  {}{kept} [{}]",
                    r.url,
                    r.status,
                    r.error.as_deref().unwrap_or(""),
                    r.listed_in.join(", ")
                )?;
            }
        }
        writeln!(
            f,
            "{} feeds: {} ok, {} not modified, {} cached, {} failed",
            self.feeds.len(),
            self.count("ok"),
            self.count("not modified"),
            self.count("cached"),
            self.failed()
        )?;
        write!(
            f,
            "wrote {} files to {} in {:.2} s",
            self.files_written,
            self.output_dir.display(),
            self.millis as f64 / 1000.0
        )
    }
}
