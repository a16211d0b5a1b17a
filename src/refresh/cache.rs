//! The fetch cache: one human-readable JSON file per feed under `.toluu/cache/`.
//!
//! A cache file records what the last fetch of a feed learned (validators for conditional GET,
//! status, times) and the last good parsed content. It is written atomically (temp file +
//! rename), so a build killed at any moment leaves the previous file intact. A file that is
//! corrupt or from another format version is reported and ignored: that feed is refetched.
//!
//! A fetch that changes nothing but the record (a 304, a failure) writes the record alone, in
//! `<name>.fetch.json` beside the entry, instead of the whole entry again. When both are
//! there, the record fetched later wins; writing the whole entry removes the lone record. A
//! build killed between the two writes leaves an older record, never a newer one: the next
//! fetch is then conditional on older validators, which costs a full answer, not a post.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use crate::files::write_atomically;
use crate::model::Feed;

/// The version of the cache file layout; files with another version are ignored.
pub const CACHE_FORMAT: u32 = 2;

/// What one cache file holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheEntry {
    /// Layout version, [`CACHE_FORMAT`].
    pub format: u32,
    /// The feed URL as normalized by [`crate::urls::normalize`].
    pub url: String,
    /// What the last fetch learned.
    pub fetch: FetchRecord,
    /// The last good parsed content, kept when later fetches fail.
    pub feed: Option<Feed>,
    /// When toluu first got content from this feed: posts dated before are its backlog (see
    /// [`crate::index::limit_backlog`]). Absent in caches written before toluu recorded it; such
    /// feeds count as long established.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<DateTime<Utc>>,
    /// The slug of the feed's page, fixed once the feed has given content: a title change
    /// never moves it (see [`crate::refresh::identity`]). Absent in caches written before
    /// toluu kept it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// Slugs the feed's page had before, newest last: each keeps a page that redirects to
    /// the current one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former_slugs: Vec<String>,
    /// Whether `feed` was parsed by a toluu that keeps posts' categories. False in caches
    /// written before: the next fetch then asks for the whole feed (no validators), once, so
    /// that the lists' category filters see its posts' categories.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub categories_read: bool,
}

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

/// The name ending of a feed's fetch record written alone (see the module's documentation).
pub const FETCH_SUFFIX: &str = ".fetch.json";

/// Whether a file of the cache directory named `name` is a feed's entry (not its lone fetch
/// record, not a temp file).
pub fn is_entry_file(name: &str) -> bool {
    name.ends_with(".json") && !name.ends_with(FETCH_SUFFIX) && !name.starts_with('.')
}

/// A feed's fetch record written alone.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FetchFile {
    format: u32,
    url: String,
    fetch: FetchRecord,
}

/// Reads the cache entry in the file at `path`, with the fetch record beside it when that one
/// was fetched later. `Ok(None)` when there is no such file; `Err` naming the file when it is
/// unreadable, corrupt or from another format version.
pub fn read_entry(path: &Path) -> Result<Option<CacheEntry>, String> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: cannot read cache file: {e}", path.display())),
    };
    let mut entry: CacheEntry = serde_json::from_str(&text)
        .map_err(|e| format!("{}: corrupt cache file, ignored: {e}", path.display()))?;
    if entry.format != CACHE_FORMAT {
        return Err(format!(
            "{}: cache file of format {} (this toluu writes {CACHE_FORMAT}), ignored",
            path.display(),
            entry.format
        ));
    }
    // A lone record that cannot be read is passed over: the entry's own is older, and the
    // next fetch writes a good one.
    let record = fs::read_to_string(fetch_path(path))
        .ok()
        .and_then(|text| serde_json::from_str::<FetchFile>(&text).ok())
        .filter(|f| f.format == CACHE_FORMAT && f.url == entry.url);
    if let Some(record) = record
        && record.fetch.fetched_at >= entry.fetch.fetched_at
    {
        entry.fetch = record.fetch;
    }
    Ok(Some(entry))
}

/// The lone fetch record's file beside the entry file `path`.
fn fetch_path(path: &Path) -> PathBuf {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("feed");
    let stem = name.strip_suffix(".json").unwrap_or(name);
    path.with_file_name(format!("{stem}{FETCH_SUFFIX}"))
}

/// The cache directory of a site.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// A cache rooted at `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Cache { dir: dir.into() }
    }

    /// The directory this cache lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file that holds the entry for `url` (a normalized URL): `<host>-<hash>.json`.
    pub fn path_for(&self, url: &str) -> PathBuf {
        self.dir.join(file_name_for(url))
    }

    /// Reads the entry for `url`. `Ok(None)` when there is none; `Err` with a message naming
    /// the file when it exists but is unreadable, corrupt or from another format version.
    pub fn load(&self, url: &str) -> Result<Option<CacheEntry>, String> {
        let path = self.path_for(url);
        let Some(entry) = read_entry(&path)? else {
            return Ok(None);
        };
        if entry.url != url {
            return Err(format!(
                "{}: cache file is for {}, not {url}, ignored",
                path.display(),
                entry.url
            ));
        }
        Ok(Some(entry))
    }

    /// Writes the entry atomically: a temp file in the same directory, then a rename; then
    /// removes the lone fetch record it supersedes.
    pub fn store(&self, entry: &CacheEntry) -> std::io::Result<()> {
        fs::create_dir_all(&self.dir)?;
        let path = self.path_for(&entry.url);
        let mut json = serde_json::to_string_pretty(entry).map_err(std::io::Error::other)?;
        json.push('\n');
        write_atomically(&path, json.as_bytes())?;
        match fs::remove_file(fetch_path(&path)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Writes the entry's fetch record alone, atomically, for an entry whose file already
    /// holds everything else of it (a 304, a failure).
    pub fn store_fetch(&self, entry: &CacheEntry) -> std::io::Result<()> {
        let record = FetchFile {
            format: entry.format,
            url: entry.url.clone(),
            fetch: entry.fetch.clone(),
        };
        let mut json = serde_json::to_string_pretty(&record).map_err(std::io::Error::other)?;
        json.push('\n');
        write_atomically(&fetch_path(&self.path_for(&entry.url)), json.as_bytes())
    }
}

/// The cache file name for a normalized URL: its host, for humans, and a hash, for uniqueness.
pub fn file_name_for(url: &str) -> String {
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "feed".to_owned());
    let host: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let digest = Sha256::digest(url.as_bytes());
    let hash: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("{host}-{hash}.json")
}
