//! The site's index: everything the pages show, computed once from the lists and the feeds'
//! states. Feeds are identified by their normalized URL and numbered in a fixed order, so the
//! same input gives the same index.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::cache::FetchRecord;
use crate::config::{Person, Site};
use crate::model::Item;
use crate::refresh::{FeedState, Outcome};

/// A feed as the site shows it.
#[derive(Debug)]
pub struct FeedInfo {
    /// The normalized URL: the feed's identity.
    pub url: String,
    /// The URL as first written in a list (what a feed reader should subscribe to).
    pub xml_url: String,
    /// Stable page slug: title slug plus a short hash of the URL.
    pub slug: String,
    /// Display title: a list's override, else the feed's own, else its host.
    pub title: String,
    /// The feed's description, plain text.
    pub description: Option<String>,
    /// The feed's web site.
    pub site_link: Option<String>,
    /// Indexes into [`SiteIndex::people`] of its readers, in slug order.
    pub readers: Vec<usize>,
    /// Tags given by its readers, most used first.
    pub tags: Vec<String>,
    /// Its latest items (at most `items_per_feed`), newest first.
    pub items: Vec<Item>,
    /// The last fetch record, if the feed was ever tried.
    pub fetch: Option<FetchRecord>,
    /// What happened this build.
    pub outcome: Outcome,
}

impl FeedInfo {
    /// Whether the feed's last fetch failed (its page shows why).
    pub fn failing(&self) -> bool {
        matches!(self.outcome, Outcome::Failed(_))
    }
}

/// A post in a river: a feed index and an item index into that feed's items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostRef {
    /// Index into [`SiteIndex::feeds`].
    pub feed: usize,
    /// Index into that feed's `items`.
    pub item: usize,
}

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
    /// Every post of every feed, newest first; undated posts last.
    pub river: Vec<PostRef>,
    /// Tags, sorted by name.
    pub tags: Vec<TagInfo>,
    /// Suggestions, related feeds and similar people (ids are positions in `people`/`feeds`).
    pub discovery: crate::discover::Discovery,
    /// Feeds by when they were first added to a list (Unix seconds), newest first, from the
    /// site's git history; `None` when the site is not a git checkout.
    pub recent: Option<Vec<(usize, i64)>>,
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

    /// The posts of the given feeds, in river order.
    pub fn river_of(&self, feeds: &[usize]) -> Vec<PostRef> {
        let mut wanted = vec![false; self.feeds.len()];
        for &f in feeds {
            wanted[f] = true;
        }
        self.river
            .iter()
            .copied()
            .filter(|p| wanted[p.feed])
            .collect()
    }
}

/// Builds the index from the loaded site and the refreshed feeds.
pub fn build_index(site: &Site, states: Vec<FeedState>, items_per_feed: usize) -> SiteIndex {
    let people = site.people.clone();
    let mut by_url: HashMap<String, FeedState> =
        states.into_iter().map(|s| (s.url.clone(), s)).collect();

    // Gather each distinct feed's readers, overrides and tags, in person order.
    struct Gathered {
        xml_url: String,
        readers: Vec<usize>,
        title_override: Option<String>,
        tag_counts: BTreeMap<String, usize>,
    }
    let mut gathered: BTreeMap<String, Gathered> = BTreeMap::new();
    for (p, person) in people.iter().enumerate() {
        for sub in &person.feeds {
            let g = gathered.entry(sub.key.clone()).or_insert_with(|| Gathered {
                xml_url: sub.url.clone(),
                readers: Vec::new(),
                title_override: None,
                tag_counts: BTreeMap::new(),
            });
            g.readers.push(p);
            if g.title_override.is_none() {
                g.title_override = sub.title.clone();
            }
            for tag in &sub.tags {
                *g.tag_counts.entry(tag.clone()).or_default() += 1;
            }
        }
    }

    let mut feeds: Vec<FeedInfo> = gathered
        .into_iter()
        .map(|(url, g)| {
            let state = by_url.remove(&url);
            let feed = state.as_ref().and_then(|s| s.feed());
            let title = g
                .title_override
                .or_else(|| feed.map(|f| f.title.clone()))
                .unwrap_or_else(|| host_of(&url));
            let mut tags: Vec<(String, usize)> = g.tag_counts.into_iter().collect();
            tags.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            FeedInfo {
                slug: feed_slug(&title, &url),
                xml_url: g.xml_url,
                title,
                description: feed.and_then(|f| f.description.clone()),
                site_link: feed.and_then(|f| f.site_link.clone()),
                readers: g.readers,
                tags: tags.into_iter().map(|(t, _)| t).collect(),
                items: feed
                    .map(|f| f.items.iter().take(items_per_feed).cloned().collect())
                    .unwrap_or_default(),
                fetch: state
                    .as_ref()
                    .and_then(|s| s.entry.as_ref().map(|e| e.fetch.clone())),
                outcome: state
                    .map(|s| s.outcome)
                    .unwrap_or_else(|| Outcome::Failed("not fetched".to_owned())),
                url,
            }
        })
        .collect();
    feeds.sort_by(|a, b| {
        b.readers
            .len()
            .cmp(&a.readers.len())
            .then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase()))
            .then_with(|| a.url.cmp(&b.url))
    });
    let position: HashMap<&str, usize> = feeds
        .iter()
        .enumerate()
        .map(|(i, f)| (f.url.as_str(), i))
        .collect();
    let subscriptions: Vec<Vec<usize>> = people
        .iter()
        .map(|p| p.feeds.iter().map(|s| position[s.key.as_str()]).collect())
        .collect();

    let mut river: Vec<PostRef> = feeds
        .iter()
        .enumerate()
        .flat_map(|(f, feed)| (0..feed.items.len()).map(move |i| PostRef { feed: f, item: i }))
        .collect();
    river.sort_by(|a, b| {
        let (ia, ib) = (&feeds[a.feed].items[a.item], &feeds[b.feed].items[b.item]);
        match (ia.date(), ib.date()) {
            (Some(x), Some(y)) => y.cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| feeds[a.feed].slug.cmp(&feeds[b.feed].slug))
        .then_with(|| a.item.cmp(&b.item))
    });

    let mut tag_map: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (f, feed) in feeds.iter().enumerate() {
        for tag in &feed.tags {
            let slug = slugify(tag);
            let entry = tag_map
                .entry(if slug.is_empty() {
                    "tag".to_owned()
                } else {
                    slug
                })
                .or_insert_with(|| (tag.clone(), Vec::new()));
            if !entry.1.contains(&f) {
                entry.1.push(f);
            }
        }
    }
    let tags = tag_map
        .into_iter()
        .map(|(slug, (name, feeds))| TagInfo { name, slug, feeds })
        .collect();

    let mut index = SiteIndex {
        people,
        subscriptions,
        feeds,
        river,
        tags,
        discovery: Default::default(),
        recent: None,
    };
    index.discovery = crate::suggest::discover_index(&index, &site.config.discover);
    index
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| url.to_owned())
}

/// A URL-safe slug: lowercase ASCII letters and digits separated by single dashes.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// A feed's page slug: up to 40 characters of its title, then 6 hex digits of its URL's hash,
/// so that two feeds with the same title never collide and a slug does not depend on order.
pub fn feed_slug(title: &str, url: &str) -> String {
    let mut base = slugify(title);
    if base.len() > 40 {
        base.truncate(40);
        while base.ends_with('-') {
            base.pop();
        }
    }
    if base.is_empty() {
        base.push_str("feed");
    }
    let digest = Sha256::digest(url.as_bytes());
    format!("{base}-{:02x}{:02x}{:02x}", digest[0], digest[1], digest[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Hello, World! — 2024"), "hello-world-2024");
        assert_eq!(slugify("  distributed systems "), "distributed-systems");
        let s = feed_slug("Julia Evans", "https://jvns.ca/atom.xml");
        assert!(
            s.starts_with("julia-evans-") && s.len() == "julia-evans-".len() + 6,
            "{s}"
        );
        assert_eq!(s, feed_slug("Julia Evans", "https://jvns.ca/atom.xml"));
        assert_ne!(s, feed_slug("Julia Evans", "https://jvns.ca/rss.xml"));
    }
}
