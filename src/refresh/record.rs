//! A feed's fetch record: what its last fetch learned (status, validators, times, health),
//! kept in its cache entry (see [`crate::refresh::cache`]) or, written alone, in
//! `fetches.jsonl`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The outcome of a feed's most recent fetch attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FetchStatus {
    /// Fetched and parsed.
    Ok,
    /// The server answered 304: the cached content is current.
    NotModified,
    /// The fetch or the parse failed; `error` says why.
    Failed,
}

/// Metadata of the last fetch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FetchRecord {
    /// Status of the last attempt.
    pub status: FetchStatus,
    /// HTTP status code of the last response, if one arrived.
    #[serde(default)]
    pub http_status: Option<u16>,
    /// Why the last attempt failed, in plain words.
    #[serde(default)]
    pub error: Option<String>,
    /// When the last attempt was made.
    pub fetched_at: DateTime<Utc>,
    /// When the feed was last fetched successfully (200 or 304).
    #[serde(default)]
    pub last_success_at: Option<DateTime<Utc>>,
    /// The `ETag` of the last good response, sent back as `If-None-Match`.
    #[serde(default)]
    pub etag: Option<String>,
    /// The `Last-Modified` of the last good response, sent back as `If-Modified-Since`.
    #[serde(default)]
    pub last_modified: Option<String>,
    /// The URL the content finally came from, after redirects.
    #[serde(default)]
    pub final_url: Option<String>,
    /// Where the feed permanently moved (a chain of 301/308 redirects from the listed URL),
    /// as of the last fetch that got an answer.
    #[serde(default)]
    pub moved_to: Option<String>,
    /// Failed attempts since the last success (0 when the last attempt succeeded).
    #[serde(default)]
    pub consecutive_failures: u32,
    /// When the current run of failures began.
    #[serde(default)]
    pub failing_since: Option<DateTime<Utc>>,
    /// When the feed last failed.
    #[serde(default)]
    pub last_failure_at: Option<DateTime<Utc>>,
    /// The server said 410 Gone: the feed is dead.
    #[serde(default)]
    pub gone: bool,
    /// Do not fetch before this time: the server asked (`Cache-Control: max-age`,
    /// `Retry-After`) or `[fetch] min_interval_secs` says so.
    #[serde(default)]
    pub next_fetch_after: Option<DateTime<Utc>>,
    /// Why `next_fetch_after` is set, in plain words.
    #[serde(default)]
    pub wait_reason: Option<String>,
}

impl FetchRecord {
    /// The record of a feed never fetched before, about to be tried at `now`.
    pub fn new(now: DateTime<Utc>) -> Self {
        FetchRecord {
            status: FetchStatus::Failed,
            http_status: None,
            error: None,
            fetched_at: now,
            last_success_at: None,
            etag: None,
            last_modified: None,
            final_url: None,
            moved_to: None,
            consecutive_failures: 0,
            failing_since: None,
            last_failure_at: None,
            gone: false,
            next_fetch_after: None,
            wait_reason: None,
        }
    }
}
