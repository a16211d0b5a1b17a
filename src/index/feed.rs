//! What the index holds of each feed and each post: a feed as the site shows it, and a post as
//! a reference into its feed's items.

use chrono::{DateTime, Utc};

use crate::model::Item;
use crate::refresh::Outcome;
use crate::refresh::cache::FetchRecord;
use crate::refresh::health::Health;
use crate::site::Show;

/// A feed as the site shows it.
#[derive(Debug)]
pub struct FeedInfo {
    /// The normalized URL: the feed's identity.
    pub url: String,
    /// The URL as first written in a list (what a feed reader should subscribe to).
    pub xml_url: String,
    /// Its page slug, as its state keeps it (see [`crate::refresh::identity`]): never moved
    /// by a title change.
    pub slug: String,
    /// Slugs its page had before: each is a page redirecting to the current one.
    pub former_slugs: Vec<String>,
    /// Display title: a list's override, else the feed's own, else its host.
    pub title: String,
    /// The feed's description, plain text.
    pub description: Option<String>,
    /// The feed's web site.
    pub site_link: Option<String>,
    /// Indexes into [`SiteIndex::people`](crate::index::SiteIndex::people) of its readers, in slug order.
    pub readers: Vec<usize>,
    /// Tags given by its readers, most used first.
    pub tags: Vec<String>,
    /// Its items, newest first: the feed's current ones and those kept from earlier builds
    /// (its page shows the first `items_per_feed`).
    /// Only the posts the lists' filters let through (see [`FeedInfo::hidden`]).
    pub items: Vec<Item>,
    /// A SHA-256 of each item's `content_html` (by its place in `items`; `None` without
    /// content), made once per build for what compares posts by their content: the pages'
    /// fingerprints and the posts' links kept between builds.
    pub content_digests: Vec<Option<[u8; 32]>>,
    /// Each item's [`post_mark`] (by its place in `items`): where the rivers' pages break.
    pub post_marks: Vec<u64>,
    /// How many of its posts the lists' filters hide (kept in the state, shown nowhere).
    pub hidden: usize,
    /// Whether a filter of the lists applies to it (every list naming it has one).
    pub filtered: bool,
    /// How its posts appear (the lists' `show`, else the site's `[river] show`).
    pub show: Show,
    /// The last fetch record, if the feed was ever tried.
    pub fetch: Option<FetchRecord>,
    /// What happened this build.
    pub outcome: Outcome,
    /// Its health, judged with the grace period (see [`crate::refresh::health`]).
    pub health: Health,
    /// When toluu first got content from it (see [`crate::refresh::cache::CacheEntry::first_seen`]).
    pub first_seen: Option<DateTime<Utc>>,
}

impl FeedInfo {
    /// Whether the site shows the feed as failing: failing past the grace period, or dead.
    pub fn failing(&self) -> bool {
        self.health.alarming()
    }
}

/// A number a post keeps from build to build, made from its id (the first 8 bytes of its
/// SHA-256): a river's pages break at posts whose mark says so, so that a post coming or going
/// moves no break but the ones near it. The feed's URL is not in it: a feed that moves keeps
/// its posts' marks.
pub fn post_mark(item_id: &str) -> u64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(item_id.as_bytes());
    u64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
}

/// A post in a river: a feed index and an item index into that feed's items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PostRef {
    /// Index into [`SiteIndex::feeds`](crate::index::SiteIndex::feeds).
    pub feed: usize,
    /// Index into that feed's `items`.
    pub item: usize,
}
