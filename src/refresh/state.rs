//! What a refresh hands on for each feed: its state after this build, and what happened to it.
//! A leaf of the refresh stage, so that the steps that fill these in and the health judged
//! from them can all import them from here.

use std::time::Duration;

use crate::model::Feed;
use crate::refresh::cache::CacheEntry;

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
