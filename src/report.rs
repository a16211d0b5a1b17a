//! What a build did, for the end-of-build summary table (printed by [`crate::cli::table`]) and
//! `--report`.
//!
//! The words are the ones the `/status/` page uses (see [`crate::refresh::health`]): a feed is "ok",
//! "not modified", "failing", "moved" or "dead"; a failure within the grace period stays "ok"
//! with a note.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::refresh::health;
use crate::refresh::{FeedState, Outcome};
use crate::site::Site;

/// One feed's line in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct FeedReport {
    /// The feed URL (normalized).
    pub url: String,
    /// What happened this build: `ok`, `not modified`, `cached`, `skipped` or `failed`.
    pub status: &'static str,
    /// Its health: `ok`, `not modified`, `failing`, `moved` or `dead` (see [`crate::refresh::health`]).
    pub health: &'static str,
    /// Why it failed, in plain words.
    pub error: Option<String>,
    /// Why it was not fetched, when it was skipped.
    pub note: Option<String>,
    /// Failed builds in a row.
    pub failures: u32,
    /// The new address of a moved feed.
    pub moved_to: Option<String>,
    /// The list files that name this feed.
    pub listed_in: Vec<String>,
    /// The HTTP status of this build's response, if a request was answered.
    pub http_status: Option<u16>,
    /// Body bytes received this build.
    pub bytes: u64,
    /// Items seen for the first time this build.
    pub items_new: usize,
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
    /// How many of them were new or changed (the others were kept as they were).
    pub files_changed: usize,
    /// Wall time of the whole build, in milliseconds.
    pub millis: u128,
    /// Wall time of each stage of the build, in order (`build -v` prints them).
    pub stages: Vec<StageTime>,
    /// HTML pages rendered (their fingerprint changed since the previous build, or it had
    /// none).
    pub pages_rendered: usize,
    /// HTML pages not rendered: their fingerprint is the one the previous build kept.
    pub pages_kept: usize,
    /// Files of the previous site that the new one does not have, removed.
    pub files_removed: usize,
}

/// How long one stage of a build took.
#[derive(Debug, Clone, Serialize)]
pub struct StageTime {
    /// The stage: "load", "refresh", "index", "render and write", "swap".
    pub stage: &'static str,
    /// Wall time in milliseconds.
    pub millis: u128,
}

/// Times the stages of a build, one after the other.
#[derive(Debug)]
pub struct Stopwatch {
    started: std::time::Instant,
    lap: std::time::Instant,
    stages: Vec<StageTime>,
}

impl Default for Stopwatch {
    fn default() -> Self {
        let now = std::time::Instant::now();
        Stopwatch {
            started: now,
            lap: now,
            stages: Vec::new(),
        }
    }
}

impl Stopwatch {
    /// Records that `stage` ended now (it began where the previous one ended).
    pub fn lap(&mut self, stage: &'static str) {
        let now = std::time::Instant::now();
        self.stages.push(StageTime {
            stage,
            millis: (now - self.lap).as_millis(),
        });
        self.lap = now;
    }

    /// Time since the stopwatch started.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// The stages recorded so far.
    pub fn stages(&self) -> &[StageTime] {
        &self.stages
    }
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
                    Outcome::Skipped(_) => ("skipped", None),
                    Outcome::Failed(e) => ("failed", Some(e.clone())),
                };
                let record = s.entry.as_ref().map(|e| &e.fetch);
                let health = health::assess(record, &s.outcome, &site.config.health);
                FeedReport {
                    url: s.url.clone(),
                    status,
                    health: health.state.word(),
                    error: error.or(health.error),
                    note: health.note,
                    failures: health.failures,
                    moved_to: health.moved_to,
                    listed_in: lists.remove(s.url.as_str()).unwrap_or_default(),
                    http_status: s.http_status,
                    bytes: s.bytes,
                    items_new: s.new_items,
                    items: s.entry.as_ref().map_or(0, |e| e.item_count()),
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
            files_changed: 0,
            millis: 0,
            stages: Vec::new(),
            pages_rendered: 0,
            pages_kept: 0,
            files_removed: 0,
        }
    }

    /// Completes the report with what was written.
    pub fn finish(
        mut self,
        output_dir: PathBuf,
        files_written: usize,
        files_changed: usize,
        clock: &Stopwatch,
    ) -> Self {
        self.files_changed = files_changed;
        self.output_dir = output_dir;
        self.files_written = files_written;
        self.millis = clock.elapsed().as_millis();
        self.stages = clock.stages().to_vec();
        self
    }

    /// How many feeds failed this build.
    pub fn failed(&self) -> usize {
        self.feeds.iter().filter(|f| f.status == "failed").count()
    }
}
