//! The fetch cache: one human-readable JSON file per feed under `.toluu/cache/`.
//!
//! A cache file records what the last fetch of a feed learned (validators for conditional GET,
//! status, times) and the last good parsed content. It is written atomically (temp file +
//! rename), so a build killed at any moment leaves the previous file intact. A file that is
//! corrupt or from another format version is reported and ignored: that feed is refetched.
//!
//! A fetch that changes nothing but the record (a 304, a failure) does not rewrite the whole
//! entry: its record goes into `fetches.jsonl`, one line per feed, which the refresh writes
//! once, atomically, when every feed is in (one file, not a thousand). When a feed has both,
//! the record fetched later wins; writing a feed's whole entry drops its line. A build killed
//! before that one write leaves the older records, never a newer one: the next fetch is then
//! conditional on older validators, which costs a full answer, not a post.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use super::names::{file_name_for, is_entry_file};
pub use super::record::{FetchRecord, FetchStatus};
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
    /// How many posts the file said it holds (written ahead of them, see `Stored` in this
    /// module): only [`super::heads::load`] goes by it; once an entry is read it is `None`,
    /// and it is never written from here.
    #[serde(default, skip_serializing)]
    pub posts: Option<usize>,
    /// `Some(n)` when the entry was read without its posts ([`super::heads::load`]): `feed` has
    /// none, its file has `n`. Never written: [`Cache::store`] reads the posts back first.
    #[serde(skip)]
    pub unread_items: Option<usize>,
}

/// A cache entry as its file is written: every small field first, then how many posts the
/// feed has, then the feed with its posts, last. A build that needs only an entry's head (a
/// feed that answered 304) then reads no more of the file than its first kilobytes
/// ([`super::heads::load`]); [`CacheEntry`] reads the file whole, in any order.
#[derive(Serialize)]
struct Stored<'a> {
    format: u32,
    url: &'a str,
    fetch: &'a FetchRecord,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_seen: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    slug: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    former_slugs: &'a [String],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    categories_read: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    posts: Option<usize>,
    feed: Option<&'a Feed>,
}

impl<'a> Stored<'a> {
    fn of(entry: &'a CacheEntry) -> Self {
        Stored {
            format: entry.format,
            url: &entry.url,
            fetch: &entry.fetch,
            first_seen: entry.first_seen,
            slug: entry.slug.as_deref(),
            former_slugs: &entry.former_slugs,
            categories_read: entry.categories_read,
            posts: entry.feed.as_ref().map(|f| f.items.len()),
            feed: entry.feed.as_ref(),
        }
    }
}

impl CacheEntry {
    /// How many posts the entry has, read or not.
    pub fn item_count(&self) -> usize {
        self.unread_items
            .or_else(|| self.feed.as_ref().map(|f| f.items.len()))
            .unwrap_or(0)
    }
}

/// The file of the cache directory that holds the fetch records written alone (see the
/// module's documentation): one JSON object per line, sorted by URL.
pub const RECORDS_FILE: &str = "fetches.jsonl";

/// A feed's fetch record written alone: one line of [`RECORDS_FILE`].
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordLine {
    format: u32,
    url: String,
    fetch: FetchRecord,
}

/// The fetch records written alone, by URL, as read from [`RECORDS_FILE`] and changed since.
#[derive(Debug, Default)]
struct Records {
    /// `None` until first needed, then read from the file (empty when there is none).
    by_url: Option<BTreeMap<String, FetchRecord>>,
    /// Changed since read: [`Cache::write_records`] writes the file.
    changed: bool,
}

/// The cache directory of a site.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
    records: Arc<Mutex<Records>>,
}

impl Cache {
    /// A cache rooted at `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Cache {
            dir: dir.into(),
            records: Arc::default(),
        }
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
        self.load_with(url, |file: &mut fs::File| {
            let mut text = String::new();
            std::io::Read::read_to_string(file, &mut text)?;
            Ok(serde_json::from_str::<CacheEntry>(&text))
        })
    }

    /// [`Cache::load`] with `parse` reading the file's text.
    pub(super) fn load_with<E: std::fmt::Display>(
        &self,
        url: &str,
        parse: impl FnOnce(&mut fs::File) -> std::io::Result<Result<CacheEntry, E>>,
    ) -> Result<Option<CacheEntry>, String> {
        let path = self.path_for(url);
        let Some(entry) = self.read_file_with(&path, parse)? else {
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

    /// Reads the cache entry in the file at `path` (a file of this cache's directory), with the
    /// feed's lone fetch record when that one was fetched later. `Ok(None)` when there is no
    /// such file; `Err` naming the file when it is unreadable, corrupt or from another format
    /// version.
    pub fn read_entry(&self, path: &Path) -> Result<Option<CacheEntry>, String> {
        self.read_with(path, |text: &str| serde_json::from_str::<CacheEntry>(text))
    }

    /// Reads into `entry` (read by [`super::heads::load`]) the posts its file has; nothing to
    /// do for an entry read whole. `Err` names the file when it can no longer be read.
    pub fn read_posts_into(&self, entry: &mut CacheEntry) -> Result<(), String> {
        if entry.unread_items.is_none() {
            return Ok(());
        }
        let path = self.path_for(&entry.url);
        let whole = self.read_entry(&path)?.filter(|e| e.url == entry.url);
        let items = whole.and_then(|e| e.feed).map(|f| f.items);
        entry.unread_items = None;
        match (items, entry.feed.as_mut()) {
            (Some(items), Some(feed)) => {
                feed.items = items;
                Ok(())
            }
            (None, Some(_)) => Err(format!(
                "{}: cache file gone while the site was built: its posts are not shown",
                path.display()
            )),
            _ => Ok(()),
        }
    }

    /// Reads a cache file with `parse`, checks its format and gives it the feed's lone fetch
    /// record when that one is newer.
    fn read_with<E: std::fmt::Display>(
        &self,
        path: &Path,
        parse: impl FnOnce(&str) -> Result<CacheEntry, E>,
    ) -> Result<Option<CacheEntry>, String> {
        self.read_file_with(path, |file: &mut fs::File| {
            let mut text = String::new();
            std::io::Read::read_to_string(file, &mut text)?;
            Ok(parse(&text))
        })
    }

    /// [`Cache::read_with`], with `parse` reading the open file itself (as much of it as it
    /// needs).
    pub(super) fn read_file_with<E: std::fmt::Display>(
        &self,
        path: &Path,
        parse: impl FnOnce(&mut fs::File) -> std::io::Result<Result<CacheEntry, E>>,
    ) -> Result<Option<CacheEntry>, String> {
        let cannot = |e: std::io::Error| format!("{}: cannot read cache file: {e}", path.display());
        let mut file = match fs::File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(cannot(e)),
        };
        let mut entry: CacheEntry = parse(&mut file)
            .map_err(cannot)?
            .map_err(|e| format!("{}: corrupt cache file, ignored: {e}", path.display()))?;
        entry.posts = None;
        if entry.format != CACHE_FORMAT {
            return Err(format!(
                "{}: cache file of format {} (this toluu writes {CACHE_FORMAT}), ignored",
                path.display(),
                entry.format
            ));
        }
        let url = entry.url.clone();
        if let Some(record) = self.with_records(|r| r.by_url.get(&url).cloned())
            && record.fetched_at >= entry.fetch.fetched_at
        {
            entry.fetch = record;
        }
        Ok(Some(entry))
    }

    /// Runs `f` on the lone fetch records, read from [`RECORDS_FILE`] the first time. Lines
    /// that cannot be read are passed over: the entries' own records are older, and the next
    /// fetch writes good ones.
    fn with_records<R>(&self, f: impl FnOnce(&mut Loaded) -> R) -> R {
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        let records = &mut *records;
        let by_url = records.by_url.get_or_insert_with(|| {
            let text = fs::read_to_string(self.dir.join(RECORDS_FILE)).unwrap_or_default();
            let lines = text.lines().filter(|l| !l.trim().is_empty());
            let good: BTreeMap<String, FetchRecord> = lines
                .clone()
                .filter_map(|line| serde_json::from_str::<RecordLine>(line).ok())
                .filter(|line| line.format == CACHE_FORMAT)
                .map(|line| (line.url, line.fetch))
                .collect();
            // A file with lines that cannot be read is written again, without them.
            records.changed |= good.len() < lines.count();
            good
        });
        let mut loaded = Loaded {
            by_url,
            changed: false,
        };
        let out = f(&mut loaded);
        records.changed |= loaded.changed;
        out
    }

    /// Writes the entry atomically: a temp file in the same directory, then a rename. Its
    /// lone fetch record, which it supersedes, goes at the next [`Cache::write_records`].
    pub fn store(&self, entry: &CacheEntry) -> std::io::Result<()> {
        // An entry read without its posts is written with them, never without.
        let whole;
        let entry = if entry.unread_items.is_some() {
            let mut e = entry.clone();
            self.read_posts_into(&mut e)
                .map_err(std::io::Error::other)?;
            whole = e;
            &whole
        } else {
            entry
        };
        fs::create_dir_all(&self.dir)?;
        let path = self.path_for(&entry.url);
        let mut json =
            serde_json::to_string_pretty(&Stored::of(entry)).map_err(std::io::Error::other)?;
        json.push('\n');
        write_atomically(&path, json.as_bytes())?;
        self.with_records(|r| r.changed = r.by_url.remove(&entry.url).is_some());
        Ok(())
    }

    /// Keeps the entry's fetch record alone, for an entry whose file already holds everything
    /// else of it (a 304, a failure); [`Cache::write_records`] writes it.
    pub fn store_fetch(&self, entry: &CacheEntry) {
        self.with_records(|r| {
            r.by_url.insert(entry.url.clone(), entry.fetch.clone());
            r.changed = true;
        });
    }

    /// Writes the lone fetch records kept since the cache was read to [`RECORDS_FILE`], at
    /// once and atomically, if any changed; records of feeds whose entry is gone are dropped.
    /// Returns a message naming the file when it cannot be written.
    pub fn write_records(&self) -> Result<(), String> {
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        if !records.changed {
            return Ok(());
        }
        let Some(by_url) = records.by_url.as_mut() else {
            return Ok(());
        };
        by_url.retain(|url, _| self.path_for(url).exists());
        let mut text = String::new();
        for (url, fetch) in by_url.iter() {
            let line = RecordLine {
                format: CACHE_FORMAT,
                url: url.clone(),
                fetch: fetch.clone(),
            };
            // A record is plain data: it always serializes.
            text.push_str(&serde_json::to_string(&line).unwrap_or_default());
            text.push('\n');
        }
        let path = self.dir.join(RECORDS_FILE);
        let written = if text.is_empty() {
            match fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            }
        } else {
            fs::create_dir_all(&self.dir).and_then(|()| write_atomically(&path, text.as_bytes()))
        };
        written.map_err(|e| format!("{}: cannot write the fetch records: {e}", path.display()))?;
        records.changed = false;
        Ok(())
    }
}

/// The lone fetch records while [`Cache::with_records`] holds them.
struct Loaded<'a> {
    by_url: &'a mut BTreeMap<String, FetchRecord>,
    changed: bool,
}
