//! The site's index as the pages read it: people, feeds, rivers, tags and discovery, and the
//! questions pages ask of it.

use chrono::{DateTime, Utc};

use super::discover::results::Discovery;
use super::feed::{FeedInfo, PostRef};
use super::links::model::{LinkSuggestion, Mentioned};
use super::river::fair_river;
use crate::model::Item;
use crate::site::Person;

/// A tag and what it gathers.
#[derive(Debug)]
pub struct TagInfo {
    /// The tag as written (lowercased).
    pub name: String,
    /// Its URL slug.
    pub slug: String,
    /// Indexes of the feeds tagged with it, by readers then title.
    pub feeds: Vec<usize>,
}

/// Everything the pages need.
#[derive(Debug)]
pub struct SiteIndex {
    /// People, sorted by slug.
    pub people: Vec<Person>,
    /// For each person, the index in `feeds` of each of their subscriptions, in list order.
    pub subscriptions: Vec<Vec<usize>>,
    /// Every distinct feed, ranked: most readers first, then title, then URL.
    pub feeds: Vec<FeedInfo>,
    /// Every post of every feed, newest first, undated posts last, a post that several feeds
    /// carry (the same link) once; then made fair by
    /// [`limit_backlog`](super::river::limit_backlog) and
    /// [`fair_pages`](super::river::fair_pages): a new feed's backlog trimmed, and no feed over
    /// its share of a page.
    pub river: Vec<PostRef>,
    /// The river newest first with new feeds' backlogs trimmed, before posts carried by several
    /// feeds are merged and the per-page share is applied: what the rivers of a person or a tag
    /// are cut from.
    pub river_by_date: Vec<PostRef>,
    /// Posts per river page and the most one feed may show on one page (0: no limit).
    pub page_share: (usize, usize),
    /// Tags, sorted by name.
    pub tags: Vec<TagInfo>,
    /// Suggestions, related feeds and similar people (ids are positions in `people`/`feeds`).
    pub discovery: Discovery,
    /// Feeds by when they were first added to a list (Unix seconds), newest first, from the
    /// site's git history; `None` when the site is not a git checkout.
    pub recent: Option<Vec<(usize, i64)>>,
    /// Former slugs of people whose list was renamed (by slug), each with the position in
    /// `people` of the person it is now, from the site's git history
    /// ([`moved_people`](super::renames::moved_people)); empty when the site is not a git
    /// checkout.
    pub moved_people: Vec<(String, usize)>,
    /// Feeds' icons (by feed URL) and people's faces (by avatar URL) the state has (see
    /// [`crate::refresh::icons`]); empty until the build sets them.
    pub pictures: crate::refresh::icons::Pictures,
    /// Feeds from outside the lists that the lists' posts and blogrolls link to, best first
    /// (see [`links`](super::links)); empty until the links are followed.
    pub mentioned: Vec<Mentioned>,
    /// For each person, the feeds of `mentioned` suggested to them, best first.
    pub link_suggestions: Vec<Vec<LinkSuggestion>>,
}

impl SiteIndex {
    /// The item a post refers to.
    pub fn item(&self, post: PostRef) -> &Item {
        &self.feeds[post.feed].items[post.item]
    }

    /// The date of the newest post, used as the site's "updated" time (not the wall clock, so
    /// that builds are reproducible).
    pub fn updated(&self) -> Option<DateTime<Utc>> {
        self.river.first().and_then(|p| self.item(*p).date())
    }

    /// The posts of the given feeds, in river order (fair to them, like the site's river).
    pub fn river_of(&self, feeds: &[usize]) -> Vec<PostRef> {
        let mut wanted = vec![false; self.feeds.len()];
        for &f in feeds {
            wanted[f] = true;
        }
        let posts = self
            .river_by_date
            .iter()
            .copied()
            .filter(|p| wanted[p.feed]);
        fair_river(posts, &self.feeds, self.page_share)
    }
}
