//! The steps of one feed's refresh: read from the cache alone ([`from_cache`]), or fetched on
//! a fetch thread ([`fetch_one`]) and then parsed and cached on a parse thread
//! ([`finish_one`]).

use std::time::Instant;

use chrono::{DateTime, Utc};

use crate::refresh::apply::{Policy, apply};
use crate::refresh::cache::{Cache, CacheEntry, FetchStatus};
use crate::refresh::fetch::{Fetched, Fetcher, Response, Validators};
use crate::refresh::heads;
use crate::refresh::state::{FeedState, Outcome};

/// Where a feed is after its fetch thread is done with it.
pub(super) enum Step {
    /// Nothing more to do (read from the cache, or not fetched yet by request of the server).
    Done(Box<FeedState>),
    /// Fetched: to be parsed and cached.
    Fetched(Box<FetchedFeed>),
}

/// A feed as its fetch left it, before parsing.
pub(super) struct FetchedFeed {
    url: String,
    previous: Option<CacheEntry>,
    cache_warning: Option<String>,
    fetched: Fetched,
    start: Instant,
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

/// A feed as its cache file has it, not fetched.
pub(super) fn from_cache(url: &str, cache: &Cache) -> FeedState {
    let start = Instant::now();
    // Read whole: a build from the cache alone is a build whose lists or pages changed, more
    // often than not, and that one renders from the posts.
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
pub(super) fn fetch_one(url: &str, fetcher: &Fetcher, cache: &Cache, now: DateTime<Utc>) -> Step {
    let start = Instant::now();
    // Its posts are read only if the build needs them (new content, pages to render).
    let (previous, cache_warning) = match heads::load(cache, url) {
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
        .filter(|e| e.feed.is_some() && e.categories_read)
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
pub(super) fn finish_one(
    feed: FetchedFeed,
    policy: &Policy,
    cache: &Cache,
    now: DateTime<Utc>,
) -> FeedState {
    let FetchedFeed {
        url,
        mut previous,
        mut cache_warning,
        fetched,
        start,
    } = feed;
    // New content is merged into the feed's history: its posts, read now.
    if matches!(fetched.response, Response::Body { .. })
        && let Some(previous) = previous.as_mut()
        && let Err(e) = cache.read_posts_into(previous)
    {
        cache_warning.get_or_insert(e);
    }
    let bytes = match &fetched.response {
        Response::Body { bytes, .. } => bytes.len() as u64,
        _ => 0,
    };
    // What the entry's file holds besides the fetch record, before and after: when only the
    // record changed, only the record is written.
    let kept = |e: &CacheEntry| {
        (
            e.slug.clone(),
            e.former_slugs.clone(),
            e.first_seen,
            e.categories_read,
        )
    };
    let before = previous
        .as_ref()
        .filter(|_| !matches!(fetched.response, Response::Body { .. }))
        .map(kept);
    let (entry, outcome, new_items) = apply(&url, previous, fetched, now, policy);
    let stored = if before.is_some_and(|b| b == kept(&entry)) {
        cache.store_fetch(&entry);
        Ok(())
    } else {
        cache.store(&entry)
    };
    if let Err(e) = stored {
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
