//! Bringing every feed up to date: for each distinct feed, fetch it (conditionally), parse it
//! and update its cache file; or, offline, read the cache alone. Runs on a dedicated rayon pool
//! sized by `fetch.concurrency`, since fetching waits on the network, not the CPU.

pub mod autodiscover;
pub mod cache;
pub mod fetch;
pub mod health;
pub mod history;
pub mod lock;
pub mod shard;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rayon::prelude::*;

use crate::model::Feed;
use crate::parse::parse_feed;
use crate::refresh::cache::{CACHE_FORMAT, Cache, CacheEntry, FetchRecord, FetchStatus};
use crate::refresh::fetch::{Fetched, Fetcher, Response, ResponseMeta, Validators};
use crate::site::{BuildConfig, FetchConfig};
use history::Keep;

/// The longest a server's `Cache-Control: max-age` or `Retry-After` can hold a feed back, so a
/// misconfigured server cannot freeze a feed for a year.
const MAX_SERVER_WAIT_SECS: i64 = 24 * 3600;

/// What happened to a feed in this build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Fetched and parsed: new content.
    Updated,
    /// The server said 304: the cached content is current.
    NotModified,
    /// Not fetched (offline build): the cached content is used.
    Cached,
    /// Not fetched this build, on purpose (the reason in plain words: `min_interval_secs`,
    /// `Cache-Control: max-age`, `Retry-After`); the cached content is used.
    Skipped(String),
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
    /// The HTTP status of this build's response, if a request was made and answered.
    pub http_status: Option<u16>,
    /// The body bytes received this build.
    pub bytes: u64,
    /// Items seen for the first time this build.
    pub new_items: usize,
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
    build: &BuildConfig,
    cache: &Cache,
    offline: bool,
) -> Result<Vec<FeedState>, String> {
    let mode = if offline { Mode::Offline } else { Mode::All };
    refresh_observed(urls, config, build, cache, mode, &Observer::default())
}

/// [`refresh_all`] with the build's time given: the shards of one sharded fetch share it, so
/// that feeds first fetched in the same run share their `first_seen` whichever shard got them.
pub fn refresh_all_at(
    urls: &[String],
    config: &FetchConfig,
    build: &BuildConfig,
    cache: &Cache,
    offline: bool,
    now: DateTime<Utc>,
) -> Result<Vec<FeedState>, String> {
    let mode = if offline { Mode::Offline } else { Mode::All };
    refresh_observed_at(urls, config, build, cache, mode, &Observer::default(), now)
}

/// [`refresh_all`] with a [`Mode`] and an [`Observer`].
pub fn refresh_observed(
    urls: &[String],
    config: &FetchConfig,
    build: &BuildConfig,
    cache: &Cache,
    mode: Mode,
    observer: &Observer,
) -> Result<Vec<FeedState>, String> {
    refresh_observed_at(urls, config, build, cache, mode, observer, Utc::now())
}

fn refresh_observed_at(
    urls: &[String],
    config: &FetchConfig,
    build: &BuildConfig,
    cache: &Cache,
    mode: Mode,
    observer: &Observer,
    now: DateTime<Utc>,
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
    // One time for the whole build (`now`), so that feeds first fetched in the same build share
    // their `first_seen` (see `index::limit_backlog`).
    let policy = Policy {
        keep: Keep {
            items: build.keep_items.max(build.items_per_feed),
            days: build.keep_days,
        },
        min_interval_secs: config.min_interval_secs,
    };
    // The fetch threads only fetch (mostly waiting on the network); what came back is parsed
    // and cached on the machine's cores meanwhile, so a fetch thread is never held up by
    // parsing and `concurrency` requests stay in flight.
    // Parsing has a pool of its own: the build may be rendering ahead on the global one.
    let parse_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(std::thread::available_parallelism().map_or(2, usize::from))
        .thread_name(|i| format!("toluu-parse-{i}"))
        .build()
        .map_err(|e| format!("cannot start the parse pool: {e}"))?;
    let (fetched_tx, fetched_rx) = std::sync::mpsc::channel::<(usize, Step)>();
    let mut states: Vec<(usize, FeedState)> = std::thread::scope(|scope| {
        scope.spawn(|| {
            pool.install(|| {
                urls.par_iter()
                    .zip(fetch.par_iter())
                    .enumerate()
                    .with_max_len(1)
                    .for_each_with(fetched_tx, |tx, (i, (url, fetch))| {
                        let step = if *fetch {
                            fetch_one(url, &fetcher, cache, now)
                        } else {
                            Step::Done(Box::new(from_cache(url, cache)))
                        };
                        // The receiver lives until every sender is gone.
                        let _ = tx.send((i, step));
                    });
            });
        });
        parse_pool.install(|| {
            fetched_rx
                .into_iter()
                .par_bridge()
                .map(|(i, step)| {
                    let state = match step {
                        Step::Done(state) => *state,
                        Step::Fetched(fetched) => finish_one(*fetched, &policy, cache, now),
                    };
                    (i, done(state))
                })
                .collect()
        })
    });
    states.sort_by_key(|(i, _)| *i);
    Ok(states.into_iter().map(|(_, state)| state).collect())
}

/// Where a feed is after its fetch thread is done with it.
enum Step {
    /// Nothing more to do (read from the cache, or not fetched yet by request of the server).
    Done(Box<FeedState>),
    /// Fetched: to be parsed and cached.
    Fetched(Box<FetchedFeed>),
}

/// A feed as its fetch left it, before parsing.
struct FetchedFeed {
    url: String,
    previous: Option<CacheEntry>,
    cache_warning: Option<String>,
    fetched: Fetched,
    start: Instant,
}

/// What decides how a fetch result is kept.
struct Policy {
    keep: Keep,
    min_interval_secs: u64,
}

fn state(url: &str, entry: Option<CacheEntry>, outcome: Outcome, start: Instant) -> FeedState {
    FeedState {
        url: url.to_owned(),
        entry,
        outcome,
        cache_warning: None,
        elapsed: start.elapsed(),
        http_status: None,
        bytes: 0,
        new_items: 0,
    }
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
        cache_warning,
        ..state(url, entry, outcome, start)
    }
}

/// Fetches one feed (conditionally, from what its cache entry knows), unless the server asked
/// to wait; parsing is left to [`finish_one`].
fn fetch_one(url: &str, fetcher: &Fetcher, cache: &Cache, now: DateTime<Utc>) -> Step {
    let start = Instant::now();
    let (previous, cache_warning) = match cache.load(url) {
        Ok(entry) => (entry, None),
        Err(warning) => (None, Some(warning)),
    };
    if let Some(prev) = &previous
        && let Some(after) = prev.fetch.next_fetch_after
        && now < after
    {
        let why = prev.fetch.wait_reason.as_deref().unwrap_or("asked to wait");
        let reason = format!(
            "not fetched before {}: {why}",
            after.format("%Y-%m-%d %H:%M UTC")
        );
        return Step::Done(Box::new(FeedState {
            cache_warning,
            ..state(url, previous, Outcome::Skipped(reason), start)
        }));
    }
    let validators = previous
        .as_ref()
        .filter(|e| e.feed.is_some())
        .map(|e| Validators {
            etag: e.fetch.etag.clone(),
            last_modified: e.fetch.last_modified.clone(),
        })
        .unwrap_or_default();
    let fetched = fetcher.get_full(url, &validators);
    Step::Fetched(Box::new(FetchedFeed {
        url: url.to_owned(),
        previous,
        cache_warning,
        fetched,
        start,
    }))
}

/// Parses what a fetch brought, merges it into the feed's history and caches it.
fn finish_one(feed: FetchedFeed, policy: &Policy, cache: &Cache, now: DateTime<Utc>) -> FeedState {
    let FetchedFeed {
        url,
        previous,
        mut cache_warning,
        fetched,
        start,
    } = feed;
    let bytes = match &fetched.response {
        Response::Body { bytes, .. } => bytes.len() as u64,
        _ => 0,
    };
    let (entry, outcome, new_items) = apply(&url, previous, fetched, now, policy);
    if let Err(e) = cache.store(&entry) {
        cache_warning = Some(format!(
            "{}: cannot write cache file: {e}",
            cache.path_for(&url).display()
        ));
    }
    FeedState {
        cache_warning,
        http_status: entry.fetch.http_status,
        bytes,
        new_items,
        ..state(&url, Some(entry), outcome, start)
    }
}

/// Folds a fetch response into the previous cache entry; returns the entry, the outcome and
/// how many items are new.
fn apply(
    url: &str,
    previous: Option<CacheEntry>,
    fetched: Fetched,
    now: DateTime<Utc>,
    policy: &Policy,
) -> (CacheEntry, Outcome, usize) {
    let mut entry = previous.unwrap_or_else(|| CacheEntry {
        format: CACHE_FORMAT,
        url: url.to_owned(),
        fetch: FetchRecord::new(now),
        feed: None,
        first_seen: None,
    });
    let Fetched { response, meta } = fetched;
    entry.fetch.fetched_at = now;
    let answered = !matches!(response, Response::Failed { status: None, .. });
    if answered {
        entry.fetch.moved_to = meta.moved_to.clone();
    }
    let mut new_items = 0;
    let outcome = match response {
        Response::NotModified if entry.feed.is_some() => {
            succeed(&mut entry.fetch, 304, now);
            entry.fetch.status = FetchStatus::NotModified;
            Outcome::NotModified
        }
        Response::NotModified => fail(
            &mut entry.fetch,
            "HTTP 304 without a cached copy".into(),
            Some(304),
            now,
        ),
        Response::Failed { error, status } => {
            entry.fetch.gone = status == Some(410);
            fail(&mut entry.fetch, error, status, now)
        }
        Response::Body {
            bytes,
            final_url,
            status,
            validators,
        } => match parse_feed(&bytes, &final_url, now, policy.keep.items) {
            Ok(mut feed) => {
                if entry.feed.is_none() && entry.first_seen.is_none() {
                    entry.first_seen = Some(now);
                }
                let old = entry.feed.take().map(|f| f.items).unwrap_or_default();
                let (items, new) = history::merge(&old, feed.items, now, policy.keep);
                feed.items = items;
                new_items = new;
                succeed(&mut entry.fetch, status, now);
                entry.fetch.etag = validators.etag;
                entry.fetch.last_modified = validators.last_modified;
                entry.fetch.final_url = Some(final_url);
                entry.feed = Some(feed);
                Outcome::Updated
            }
            Err(e) => fail(&mut entry.fetch, e.0, Some(status), now),
        },
    };
    schedule(&mut entry.fetch, &meta, now, policy.min_interval_secs);
    let outcome = match outcome {
        // `schedule` may have added when the feed is retried.
        Outcome::Failed(e) => Outcome::Failed(entry.fetch.error.clone().unwrap_or(e)),
        other => other,
    };
    (entry, outcome, new_items)
}

/// Sets when the feed may be fetched again: the latest of `min_interval_secs`, the server's
/// `max-age` (after a good answer) and its `Retry-After` (after a 429 or 503).
fn schedule(record: &mut FetchRecord, meta: &ResponseMeta, now: DateTime<Utc>, min_secs: u64) {
    let mut wait: Option<(DateTime<Utc>, String)> = None;
    let mut consider = |at: DateTime<Utc>, why: String| {
        if at > now && wait.as_ref().is_none_or(|(w, _)| at > *w) {
            wait = Some((at, why));
        }
    };
    let cap = |secs: i64| chrono::Duration::seconds(secs.clamp(0, MAX_SERVER_WAIT_SECS));
    if min_secs > 0 {
        let secs = i64::try_from(min_secs).unwrap_or(i64::MAX / 2_000);
        consider(
            now + chrono::Duration::seconds(secs.min(100 * 365 * 86_400)),
            format!("[fetch] min_interval_secs is {min_secs}"),
        );
    }
    let good = matches!(record.status, FetchStatus::Ok | FetchStatus::NotModified);
    if good && let Some(age) = meta.max_age {
        let secs = i64::try_from(age).unwrap_or(i64::MAX);
        consider(
            now + cap(secs),
            format!("the server said Cache-Control: max-age={age}"),
        );
    }
    if matches!(record.http_status, Some(429 | 503)) && !good {
        let until = meta
            .retry_after
            .as_deref()
            .and_then(|v| retry_time(v, now))
            .map(|at| at.min(now + cap(MAX_SERVER_WAIT_SECS)));
        if let Some(at) = until {
            let status = record.http_status.unwrap_or(503);
            consider(
                at,
                format!("the server answered HTTP {status} with Retry-After"),
            );
            if let Some(error) = &mut record.error {
                error.push_str(&format!(
                    "; retrying after {}",
                    at.format("%Y-%m-%d %H:%M UTC")
                ));
            }
        }
    }
    record.next_fetch_after = wait.as_ref().map(|(at, _)| *at);
    record.wait_reason = wait.map(|(_, why)| why);
}

/// A `Retry-After` value (delay in seconds, or an HTTP date) as a time.
fn retry_time(value: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if let Ok(secs) = value.parse::<i64>() {
        return Some(now + chrono::Duration::seconds(secs.clamp(0, MAX_SERVER_WAIT_SECS)));
    }
    DateTime::parse_from_rfc2822(value)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

fn succeed(record: &mut FetchRecord, status: u16, now: DateTime<Utc>) {
    record.status = FetchStatus::Ok;
    record.http_status = Some(status);
    record.error = None;
    record.last_success_at = Some(now);
    record.consecutive_failures = 0;
    record.failing_since = None;
    record.gone = false;
}

fn fail(
    record: &mut FetchRecord,
    error: String,
    status: Option<u16>,
    now: DateTime<Utc>,
) -> Outcome {
    record.status = FetchStatus::Failed;
    record.http_status = status;
    record.error = Some(error.clone());
    record.consecutive_failures = record.consecutive_failures.saturating_add(1);
    record.failing_since.get_or_insert(now);
    record.last_failure_at = Some(now);
    Outcome::Failed(error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn retry_after_is_seconds_or_an_http_date_and_is_capped() {
        let now = Utc.with_ymd_and_hms(2026, 11, 20, 6, 0, 0).unwrap();
        assert_eq!(
            retry_time("120", now),
            Some(now + chrono::Duration::seconds(120))
        );
        assert_eq!(
            retry_time("Fri, 20 Nov 2026 08:00:00 GMT", now),
            Some(Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).unwrap())
        );
        assert_eq!(
            retry_time("99999999", now),
            Some(now + chrono::Duration::hours(24)),
            "capped at a day"
        );
        assert_eq!(retry_time("soon", now), None);
    }

    #[test]
    fn the_latest_wait_wins_and_max_age_only_counts_after_a_good_answer() {
        let now = Utc.with_ymd_and_hms(2026, 11, 20, 6, 0, 0).unwrap();
        let mut record = FetchRecord::new(now);
        record.status = FetchStatus::Ok;
        let meta = ResponseMeta {
            max_age: Some(7200),
            ..Default::default()
        };
        schedule(&mut record, &meta, now, 600);
        assert_eq!(
            record.next_fetch_after,
            Some(now + chrono::Duration::hours(2))
        );
        assert!(
            record
                .wait_reason
                .as_deref()
                .unwrap()
                .contains("max-age=7200")
        );
        record.status = FetchStatus::Failed;
        schedule(&mut record, &meta, now, 600);
        assert_eq!(
            record.next_fetch_after,
            Some(now + chrono::Duration::minutes(10))
        );
        schedule(&mut record, &ResponseMeta::default(), now, 0);
        assert_eq!(record.next_fetch_after, None);
    }
}
