//! A person and their reading list, as loaded from `people/<slug>.toml` or `.opml`.

use std::path::PathBuf;

use super::feed_options::FeedOptions;

/// A person and their reading list.
#[derive(Debug, Clone)]
pub struct Person {
    /// The file stem of their list, used in URLs.
    pub slug: String,
    /// The file the list came from, relative to the site directory.
    pub file: PathBuf,
    /// Their display name.
    pub name: String,
    /// A short bio, in markdown.
    pub bio: String,
    /// Their home page, if given.
    pub homepage: Option<String>,
    /// Their avatar image URL, if given.
    pub avatar: Option<String>,
    /// The feeds they read, in the order written.
    pub feeds: Vec<Subscription>,
}

/// One feed in a person's list.
#[derive(Debug, Clone)]
pub struct Subscription {
    /// The URL as written in the list.
    pub url: String,
    /// The URL normalized by [`crate::urls::normalize`]: the feed's identity.
    pub key: String,
    /// A title that overrides the feed's own.
    pub title: Option<String>,
    /// The person's tags for this feed, lowercased.
    pub tags: Vec<String>,
    /// Why they read it, in markdown.
    pub note: Option<String>,
    /// Which of its posts the rivers show, and how.
    pub options: FeedOptions,
}

/// Lowercases and trims tags, drops empty ones and duplicates, keeps the order written.
pub fn normalize_tags(tags: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim().to_lowercase();
        if !tag.is_empty() && !out.contains(&tag) {
            out.push(tag);
        }
    }
    out
}
