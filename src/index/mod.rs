//! The site's index: everything the pages show, computed once from the lists and the feeds'
//! states. Feeds are identified by their normalized URL and numbered in a fixed order, so the
//! same input gives the same index.

pub mod discover;
pub mod recent;
pub mod search;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::model::Item;
use crate::refresh::cache::FetchRecord;
use crate::refresh::health::{self, Health};
use crate::refresh::{FeedState, Outcome};
use crate::site::{Person, Site};

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
    /// Its items, newest first: the feed's current ones and those kept from earlier builds
    /// (its page shows the first `items_per_feed`).
    pub items: Vec<Item>,
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
    /// Every post of every feed, newest first, undated posts last, a post that several feeds
    /// carry (the same link) once; then made fair by
    /// [`limit_backlog`] and [`fair_pages`]: a new feed's backlog trimmed, and no feed over its share of a page.
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
    pub discovery: crate::index::discover::Discovery,
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
        let posts = dedupe_by_link(posts, &self.feeds);
        fair_pages(&posts, self.page_share.0, self.page_share.1)
    }
}

/// Builds the index from the loaded site and the refreshed feeds.
pub fn build_index(site: &Site, states: Vec<FeedState>, _items_per_feed: usize) -> SiteIndex {
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
                items: feed.map(|f| f.items.clone()).unwrap_or_default(),
                fetch: state
                    .as_ref()
                    .and_then(|s| s.entry.as_ref().map(|e| e.fetch.clone())),
                first_seen: state
                    .as_ref()
                    .and_then(|s| s.entry.as_ref().and_then(|e| e.first_seen)),
                outcome: state
                    .map(|s| s.outcome)
                    .unwrap_or_else(|| Outcome::Failed("not fetched".to_owned())),
                health: Health {
                    state: health::HealthState::Ok,
                    error: None,
                    failures: 0,
                    failing_since: None,
                    moved_to: None,
                    note: None,
                },
                url,
            }
        })
        .collect();
    for feed in &mut feeds {
        feed.health = health::assess(feed.fetch.as_ref(), &feed.outcome, &site.config.health);
    }
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

    let mut all_posts: Vec<PostRef> = feeds
        .iter()
        .enumerate()
        .flat_map(|(f, feed)| (0..feed.items.len()).map(move |i| PostRef { feed: f, item: i }))
        .collect();
    all_posts.sort_by(|a, b| {
        let (ia, ib) = (&feeds[a.feed].items[a.item], &feeds[b.feed].items[b.item]);
        crate::model::newest_first(ia.date(), ib.date())
            .then_with(|| feeds[a.feed].slug.cmp(&feeds[b.feed].slug))
            .then_with(|| a.item.cmp(&b.item))
    });

    let river_by_date = limit_backlog(&all_posts, &feeds, site.config.river.new_feed_items);
    let page_share = (
        site.config.build.posts_per_page,
        site.config.river.max_per_feed_per_page,
    );
    let river = fair_pages(
        &dedupe_by_link(river_by_date.iter().copied(), &feeds),
        page_share.0,
        page_share.1,
    );

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
        river_by_date,
        page_share,
        tags,
        discovery: Default::default(),
        recent: None,
    };
    index.discovery = crate::index::discover::discover_index(&index, &site.config.discover);
    index
}

/// Keeps at most `new_feed_items` posts of each new feed's backlog in the river (0: all).
///
/// A feed is *new* when it was added after the site's first build: its
/// [`FeedInfo::first_seen`] (the build that first got content from it, recorded in its cache
/// file) is later than the earliest `first_seen` of all feeds. Feeds cached before toluu
/// recorded `first_seen` count as there from the start; feeds first fetched in the same build
/// as the oldest ones are not new either, so a site's first build shows every feed in full.
/// A new feed's backlog is what it had published before its first fetch: its posts dated
/// before `first_seen`, and its undated posts. Posts published later are never trimmed, and
/// every post stays on the feed's own page.
pub fn limit_backlog(river: &[PostRef], feeds: &[FeedInfo], new_feed_items: usize) -> Vec<PostRef> {
    if new_feed_items == 0 {
        return river.to_vec();
    }
    // `None` (there before toluu recorded it) sorts before every time.
    let Some(site_start) = feeds.iter().map(|f| f.first_seen).min() else {
        return river.to_vec();
    };
    let mut backlog_kept = vec![0usize; feeds.len()];
    river
        .iter()
        .copied()
        .filter(|p| {
            let feed = &feeds[p.feed];
            let first_seen = match feed.first_seen {
                Some(t) if Some(t) > site_start => t,
                _ => return true,
            };
            let is_backlog = feed.items[p.item].date().is_none_or(|d| d < first_seen);
            if !is_backlog {
                return true;
            }
            backlog_kept[p.feed] += 1;
            backlog_kept[p.feed] <= new_feed_items
        })
        .collect()
}

/// Keeps the first of the posts that share a link (the same post carried by two feeds, e.g.
/// an author's own feed and a group blog's).
fn dedupe_by_link(posts: impl Iterator<Item = PostRef>, feeds: &[FeedInfo]) -> Vec<PostRef> {
    let mut seen = std::collections::HashSet::new();
    posts
        .filter(|p| match &feeds[p.feed].items[p.item].link {
            Some(link) => seen.insert(link.as_str()),
            None => true,
        })
        .collect()
}

/// Reorders a river so that, page by page (`per_page` posts), no feed shows more than
/// `max_per_feed` posts while other feeds still have posts to show: a feed's extra posts move
/// to the next pages, keeping their order. When only capped feeds are left, pages are filled
/// with their posts. Each page stays newest first. `max_per_feed` 0 means no limit.
pub fn fair_pages(river: &[PostRef], per_page: usize, max_per_feed: usize) -> Vec<PostRef> {
    if max_per_feed == 0 || per_page == 0 {
        return river.to_vec();
    }
    let mut pending: Vec<PostRef> = river.to_vec();
    let mut out = Vec::with_capacity(river.len());
    let mut counts: HashMap<usize, usize> = HashMap::new();
    while !pending.is_empty() {
        counts.clear();
        let mut taken = vec![false; pending.len()];
        let mut n = 0;
        for (i, p) in pending.iter().enumerate() {
            if n == per_page {
                break;
            }
            let c = counts.entry(p.feed).or_default();
            if *c < max_per_feed {
                *c += 1;
                taken[i] = true;
                n += 1;
            }
        }
        // Only capped feeds are left: fill the page with them rather than leave it short.
        for t in taken.iter_mut() {
            if n == per_page {
                break;
            }
            if !*t {
                *t = true;
                n += 1;
            }
        }
        let mut keep = Vec::with_capacity(pending.len() - n);
        for (p, t) in pending.into_iter().zip(taken) {
            if t {
                out.push(p);
            } else {
                keep.push(p);
            }
        }
        pending = keep;
    }
    out
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

    fn posts(feeds: &[usize]) -> Vec<PostRef> {
        let mut next = [0; 8];
        feeds
            .iter()
            .map(|&f| {
                next[f] += 1;
                PostRef {
                    feed: f,
                    item: next[f] - 1,
                }
            })
            .collect()
    }

    #[test]
    fn fair_pages_caps_each_feed_per_page_and_keeps_every_post() {
        // Feed 0 posts 10 times before anyone else posts at all.
        let river = posts(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 1, 2, 0]);
        let fair = fair_pages(&river, 5, 2);
        let feeds: Vec<usize> = fair.iter().map(|p| p.feed).collect();
        // Page 2 has only 2 other posts left: feed 0 fills the rest rather than leave it short.
        assert_eq!(feeds, [0, 0, 1, 2, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0]);
        // Each feed's own posts keep their order; nothing is lost or doubled.
        let mut sorted = fair.clone();
        sorted.sort_by_key(|p| (p.feed, p.item));
        let mut expected = river.clone();
        expected.sort_by_key(|p| (p.feed, p.item));
        assert_eq!(sorted, expected);
        for f in 0..3 {
            let items: Vec<usize> = fair
                .iter()
                .filter(|p| p.feed == f)
                .map(|p| p.item)
                .collect();
            assert!(items.windows(2).all(|w| w[0] < w[1]));
        }
        // 0 turns it off.
        assert_eq!(fair_pages(&river, 5, 0), river);
    }

    #[test]
    fn fair_pages_scales() {
        // 1,000 feeds of 20 posts, one of them posting 2,000 times: well under a second.
        let mut river: Vec<PostRef> = (0..2000).map(|i| PostRef { feed: 0, item: i }).collect();
        river.extend((0..20_000).map(|i| PostRef {
            feed: 1 + i % 1000,
            item: i / 1000,
        }));
        let start = std::time::Instant::now();
        let fair = fair_pages(&river, 30, 3);
        assert_eq!(fair.len(), river.len());
        assert!(fair[..30].iter().filter(|p| p.feed == 0).count() == 3);
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
    }
}
