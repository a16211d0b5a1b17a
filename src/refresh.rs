//! Bringing every feed up to date: for each distinct feed, fetch it (conditionally), parse it
//! and update its cache file; or, offline, read the cache alone. Runs on a dedicated rayon pool
//! sized by `fetch.concurrency`, since fetching waits on the network, not the CPU.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rayon::prelude::*;

use crate::cache::{CACHE_FORMAT, Cache, CacheEntry, FetchRecord, FetchStatus};
use crate::config::FetchConfig;
use crate::fetch::{Fetcher, Response, Validators};
use crate::model::Feed;
use crate::parse::parse_feed;

/// What happened to a feed in this build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Fetched and parsed: new content.
    Updated,
    /// The server said 304: the cached content is current.
    NotModified,
    /// Not fetched (offline build): the cached content is used.
    Cached,
    /// The fetch or parse failed; the last good content (if any) is used.
    Failed(String),
}

/// A feed after this build's refresh: its cache entry (the state to render from) and what
/// happened.
#[derive(Debug, Clone)]
pub struct FeedState {
    /// The normalized feed URL.
    pub url: String,
    /// The current entry; `None` only when the feed has never been fetched successfully and
    /// this build could not either.
    pub entry: Option<CacheEntry>,
    /// What happened this build.
    pub outcome: Outcome,
    /// Problems with the cache file itself (corrupt, old format), reported but not fatal.
    pub cache_warning: Option<String>,
    /// How long the refresh took.
    pub elapsed: Duration,
}

impl FeedState {
    /// The last good parsed content, if any.
    pub fn feed(&self) -> Option<&Feed> {
        self.entry.as_ref().and_then(|e| e.feed.as_ref())
    }
}

/// Which feeds a refresh fetches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Every feed (a normal build).
    #[default]
    All,
    /// Only feeds the cache has never seen; the others come from the cache (`serve` rebuilds).
    MissingOnly,
    /// None: everything comes from the cache.
    Offline,
}

/// Told about the refresh as it goes, for progress bars; called from the fetch threads.
#[derive(Clone, Default)]
pub struct Observer(Option<Arc<ObserverFn>>);

type ObserverFn = dyn Fn(Progress<'_>) + Send + Sync;

/// One step of a refresh, as told to an [`Observer`].
#[derive(Debug)]
pub enum Progress<'a> {
    /// The refresh starts: this many feeds, this many of them fetched.
    Start {
        /// Feeds in the site.
        total: usize,
        /// Feeds that will be fetched (the others come from the cache).
        fetching: usize,
    },
    /// One feed is done.
    Done(&'a FeedState),
}

impl Observer {
    /// An observer calling `f`.
    pub fn new(f: impl Fn(Progress<'_>) + Send + Sync + 'static) -> Self {
        Observer(Some(Arc::new(f)))
    }

    fn tell(&self, progress: Progress<'_>) {
        if let Some(f) = &self.0 {
            f(progress);
        }
    }
}

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Observer(..)"
        } else {
            "Observer(none)"
        })
    }
}

/// Refreshes every feed in `urls` (normalized, distinct), in parallel, and returns their
/// states in the same order.
pub fn refresh_all(
    urls: &[String],
    config: &FetchConfig,
    max_items: usize,
    cache: &Cache,
    offline: bool,
) -> Result<Vec<FeedState>, String> {
    let mode = if offline { Mode::Offline } else { Mode::All };
    refresh_observed(urls, config, max_items, cache, mode, &Observer::default())
}

/// [`refresh_all`] with a [`Mode`] and an [`Observer`].
pub fn refresh_observed(
    urls: &[String],
    config: &FetchConfig,
    max_items: usize,
    cache: &Cache,
    mode: Mode,
    observer: &Observer,
) -> Result<Vec<FeedState>, String> {
    let fetch: Vec<bool> = urls
        .iter()
        .map(|url| match mode {
            Mode::All => true,
            Mode::Offline => false,
            Mode::MissingOnly => !cache.path_for(url).exists(),
        })
        .collect();
    let fetching = fetch.iter().filter(|f| **f).count();
    observer.tell(Progress::Start {
        total: urls.len(),
        fetching,
    });
    let done = |state: FeedState| {
        observer.tell(Progress::Done(&state));
        state
    };
    if fetching == 0 {
        return Ok(urls
            .par_iter()
            .map(|url| done(from_cache(url, cache)))
            .collect());
    }
    let fetcher = Fetcher::new(config)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.concurrency)
        .thread_name(|i| format!("toluu-fetch-{i}"))
        .build()
        .map_err(|e| format!("cannot start the fetch pool: {e}"))?;
    // One time for the whole build, so that feeds first fetched in the same build share their
    // `first_seen` (see `index::limit_backlog`).
    let now = Utc::now();
    Ok(pool.install(|| {
        urls.par_iter()
            .zip(fetch.par_iter())
            .with_max_len(1)
            .map(|(url, fetch)| {
                done(if *fetch {
                    refresh_one(url, &fetcher, max_items, cache, now)
                } else {
                    from_cache(url, cache)
                })
            })
            .collect()
    }))
}

fn from_cache(url: &str, cache: &Cache) -> FeedState {
    let start = Instant::now();
    let (entry, cache_warning) = match cache.load(url) {
        Ok(entry) => (entry, None),
        Err(warning) => (None, Some(warning)),
    };
    // Offline, a feed keeps the state its last fetch left: failing stays failing.
    let outcome = match &entry {
        Some(e) if e.fetch.status == FetchStatus::Failed => Outcome::Failed(
            e.fetch
                .error
                .clone()
                .unwrap_or_else(|| "the last fetch failed".to_owned()),
        ),
        Some(e) if e.feed.is_some() => Outcome::Cached,
        _ => Outcome::Failed("not in the cache (offline build)".to_owned()),
    };
    FeedState {
        url: url.to_owned(),
        entry,
        outcome,
        cache_warning,
        elapsed: start.elapsed(),
    }
}

fn refresh_one(
    url: &str,
    fetcher: &Fetcher,
    max_items: usize,
    cache: &Cache,
    now: DateTime<Utc>,
) -> FeedState {
    let start = Instant::now();
    let (previous, cache_warning) = match cache.load(url) {
        Ok(entry) => (entry, None),
        Err(warning) => (None, Some(warning)),
    };
    let validators = previous
        .as_ref()
        .filter(|e| e.feed.is_some())
        .map(|e| Validators {
            etag: e.fetch.etag.clone(),
            last_modified: e.fetch.last_modified.clone(),
        })
        .unwrap_or_default();
    let response = fetcher.get(url, &validators);
    let (entry, outcome) = apply(url, previous, response, now, max_items);
    let mut cache_warning = cache_warning;
    if let Err(e) = cache.store(&entry) {
        cache_warning = Some(format!(
            "{}: cannot write cache file: {e}",
            cache.path_for(url).display()
        ));
    }
    FeedState {
        url: url.to_owned(),
        entry: Some(entry),
        outcome,
        cache_warning,
        elapsed: start.elapsed(),
    }
}

/// Folds a fetch response into the previous cache entry.
fn apply(
    url: &str,
    previous: Option<CacheEntry>,
    response: Response,
    now: DateTime<Utc>,
    max_items: usize,
) -> (CacheEntry, Outcome) {
    let mut entry = previous.unwrap_or_else(|| CacheEntry {
        format: CACHE_FORMAT,
        url: url.to_owned(),
        fetch: FetchRecord {
            status: FetchStatus::Failed,
            http_status: None,
            error: None,
            fetched_at: now,
            last_success_at: None,
            etag: None,
            last_modified: None,
            final_url: None,
        },
        feed: None,
        first_seen: None,
    });
    entry.fetch.fetched_at = now;
    let outcome = match response {
        Response::NotModified if entry.feed.is_some() => {
            entry.fetch.status = FetchStatus::NotModified;
            entry.fetch.http_status = Some(304);
            entry.fetch.error = None;
            entry.fetch.last_success_at = Some(now);
            Outcome::NotModified
        }
        Response::NotModified => fail(
            &mut entry,
            "HTTP 304 without a cached copy".into(),
            Some(304),
        ),
        Response::Failed { error, status } => fail(&mut entry, error, status),
        Response::Body {
            bytes,
            final_url,
            status,
            validators,
        } => match parse_feed(&bytes, &final_url, now, max_items) {
            Ok(feed) => {
                entry.fetch = FetchRecord {
                    status: FetchStatus::Ok,
                    http_status: Some(status),
                    error: None,
                    fetched_at: now,
                    last_success_at: Some(now),
                    etag: validators.etag,
                    last_modified: validators.last_modified,
                    final_url: Some(final_url),
                };
                if entry.feed.is_none() && entry.first_seen.is_none() {
                    entry.first_seen = Some(now);
                }
                entry.feed = Some(feed);
                Outcome::Updated
            }
            Err(e) => fail(&mut entry, e.0, Some(status)),
        },
    };
    (entry, outcome)
}

fn fail(entry: &mut CacheEntry, error: String, status: Option<u16>) -> Outcome {
    entry.fetch.status = FetchStatus::Failed;
    entry.fetch.http_status = status;
    entry.fetch.error = Some(error.clone());
    Outcome::Failed(error)
}
