//! Folding one fetch's response into the feed's cache entry: the fetch record's successes and
//! failures, the parsed content merged into the feed's history, and when to fetch it next.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::model::Feed;
use crate::parse::parse_feed;
use crate::refresh::cache::{CACHE_FORMAT, CacheEntry, FetchRecord, FetchStatus};
use crate::refresh::fetch::{Fetched, Response};
use crate::refresh::history::{self, Keep};
use crate::refresh::identity;
use crate::refresh::schedule::schedule;
use crate::refresh::state::Outcome;

/// What decides how a fetch result is kept.
pub(super) struct Policy {
    /// How much of the feed's history is kept.
    pub(super) keep: Keep,
    /// `[fetch] min_interval_secs`: the least time between two fetches of a feed.
    pub(super) min_interval_secs: u64,
    /// The pages of feeds that moved, by the address they moved to (see
    /// [`identity::moved_pages`]): a feed new to the cache at such an address takes its page.
    pub(super) moved: HashMap<String, identity::Page>,
}

/// Folds a fetch response into the previous cache entry; returns the entry, the outcome and
/// how many items are new.
pub(super) fn apply(
    url: &str,
    previous: Option<CacheEntry>,
    fetched: Fetched,
    now: DateTime<Utc>,
    policy: &Policy,
) -> (CacheEntry, Outcome, usize) {
    // A feed that gave content before keeps its page's slug, whatever its title says now.
    let moved = previous.is_none().then(|| policy.moved.get(url)).flatten();
    let fixed = moved.is_some() || previous.as_ref().is_some_and(|e| e.feed.is_some());
    let mut entry = previous.unwrap_or_else(|| CacheEntry {
        format: CACHE_FORMAT,
        url: url.to_owned(),
        fetch: FetchRecord::new(now),
        feed: None,
        first_seen: None,
        slug: moved.map(|(slug, _)| slug.clone()),
        former_slugs: moved.map(|(_, former)| former.clone()).unwrap_or_default(),
        categories_read: false,
        posts: None,
        unread_items: None,
    });
    if entry.slug.is_none() && entry.feed.is_some() {
        entry.slug = Some(identity::slug_of(url, Some(&entry)));
    }
    let Fetched { response, meta } = fetched;
    entry.fetch.fetched_at = now;
    let answered = !matches!(response, Response::Failed { status: None, .. });
    if answered {
        entry.fetch.moved_to = meta.moved_to.clone();
    }
    let (outcome, new_items) = take_response(&mut entry, response, now, policy);
    schedule(&mut entry.fetch, &meta, now, policy.min_interval_secs);
    identity::settle(&mut entry, fixed);
    let outcome = match outcome {
        // `schedule` may have added when the feed is retried.
        Outcome::Failed(e) => Outcome::Failed(entry.fetch.error.clone().unwrap_or(e)),
        other => other,
    };
    (entry, outcome, new_items)
}

/// Writes what the response says into the entry; returns the outcome and how many items are
/// new.
fn take_response(
    entry: &mut CacheEntry,
    response: Response,
    now: DateTime<Utc>,
    policy: &Policy,
) -> (Outcome, usize) {
    match response {
        Response::NotModified if entry.feed.is_some() => {
            succeed(&mut entry.fetch, 304, now);
            entry.fetch.status = FetchStatus::NotModified;
            (Outcome::NotModified, 0)
        }
        Response::NotModified => {
            let error = "HTTP 304 without a cached copy".into();
            (fail(&mut entry.fetch, error, Some(304), now), 0)
        }
        Response::Failed { error, status } => {
            entry.fetch.gone = status == Some(410);
            (fail(&mut entry.fetch, error, status, now), 0)
        }
        Response::Body {
            bytes,
            final_url,
            status,
            validators,
        } => match parse_feed(&bytes, &final_url, now, policy.keep.items) {
            Ok(feed) => {
                succeed(&mut entry.fetch, status, now);
                entry.fetch.etag = validators.etag;
                entry.fetch.last_modified = validators.last_modified;
                entry.fetch.final_url = Some(final_url);
                entry.categories_read = true;
                (Outcome::Updated, keep_feed(entry, feed, now, policy.keep))
            }
            Err(e) => (fail(&mut entry.fetch, e.0, Some(status), now), 0),
        },
    }
}

/// Makes a freshly parsed feed the entry's content, its items merged into the history the
/// entry had; returns how many items are new.
fn keep_feed(entry: &mut CacheEntry, mut feed: Feed, now: DateTime<Utc>, keep: Keep) -> usize {
    if entry.feed.is_none() && entry.first_seen.is_none() {
        entry.first_seen = Some(now);
    }
    let old = entry.feed.take().map(|f| f.items).unwrap_or_default();
    let (items, new_items) = history::merge(&old, feed.items, now, keep);
    feed.items = items;
    entry.feed = Some(feed);
    new_items
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
