//! What discovery beyond the lists remembers between builds (`.toluu/links.json`): for each
//! site a post linked to, the feed found there (or why none was); for each feed of the
//! lists, its site's blogroll. Read once, written once at the end of a build that fetched,
//! atomically, so a killed build leaves the previous file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::parse::links::BlogrollEntry;

/// The file, beside the cache.
pub const FILE: &str = "links.json";

/// A feed found on a site the lists do not name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoundFeed {
    /// The feed's URL.
    pub url: String,
    /// Its own title.
    pub title: String,
    /// Its description, as plain text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The web site it names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_link: Option<String>,
    /// The titles of its newest posts (a few).
    #[serde(default)]
    pub posts: Vec<String>,
    /// Its `ETag`, for a conditional GET.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// Its `Last-Modified`, for a conditional GET.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

/// What the last visit of a linked site found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteRecord {
    /// When it was last tried.
    pub checked: DateTime<Utc>,
    /// The feed found (kept from an earlier visit when the last one failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feed: Option<FoundFeed>,
    /// Why the last visit found no feed, in plain words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What the last visit of a listed feed's site found of its blogroll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlogrollRecord {
    /// When it was last tried.
    pub checked: DateTime<Utc>,
    /// The blogroll's URL, when the site advertises one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opml: Option<String>,
    /// Its entries.
    #[serde(default)]
    pub entries: Vec<BlogrollEntry>,
    /// Why the last visit failed, in plain words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkState {
    /// Linked sites, by site key (see `index::links`).
    #[serde(default)]
    pub sites: BTreeMap<String, SiteRecord>,
    /// Blogrolls, by the listed feed's normalized URL.
    #[serde(default)]
    pub blogrolls: BTreeMap<String, BlogrollRecord>,
}

/// The state file of a state directory.
pub fn path_in(state_dir: &Path) -> PathBuf {
    state_dir.join(FILE)
}

impl LinkState {
    /// Reads the file; a missing one is empty, an unreadable one is empty with a warning.
    pub fn load(path: &Path) -> (LinkState, Option<String>) {
        match std::fs::read(path) {
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(state) => (state, None),
                Err(e) => (
                    LinkState::default(),
                    Some(format!(
                        "{}: unreadable, started afresh: {e}",
                        path.display()
                    )),
                ),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (LinkState::default(), None),
            Err(e) => (
                LinkState::default(),
                Some(format!("{}: cannot read it: {e}", path.display())),
            ),
        }
    }

    /// Writes the file through a temp file and a rename.
    pub fn store(&self, path: &Path) -> Result<(), String> {
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())? + "\n";
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, path))
            .map_err(|e| format!("{}: cannot write it: {e}", path.display()))
    }
}
