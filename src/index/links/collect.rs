//! Which sites the lists' feeds link to: from every post's sanitized content and from every
//! blogroll, aggregated per site and ranked.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::model::{LinkedSite, MIN_FEEDS_FOR_HALF_RULE, is_platform, site_key, site_key_of};
use crate::index::feed::{FeedInfo, PostRef};
use crate::index::site_index::SiteIndex;
use crate::parse::links::{BlogrollEntry, outbound_urls};

/// The newest posts of a feed whose links count.
const POSTS_PER_FEED: usize = 50;
/// The links of one post that count, at most.
const LINKS_PER_POST: usize = 100;

/// The sites one post links to, each once, with the first link to it: (site key, link).
type SiteLinks = Vec<(String, String)>;
/// The posts of one feed that link out, by their place in the feed, with their [`SiteLinks`].
type FeedLinks = Vec<(usize, SiteLinks)>;

/// A site as it is being gathered.
#[derive(Default)]
struct Gathering {
    url: Option<String>,
    feeds: BTreeSet<usize>,
    posts: Vec<PostRef>,
    blogrolls: BTreeSet<usize>,
}

/// What the posts of the lists' feeds link to, read from their content: the costly part of
/// [`linked_sites`], made by [`post_links`] on every core while the blogrolls are visited.
#[derive(Debug, Default)]
pub struct PostLinks {
    /// The sites of the lists' own feeds: their feed URLs, web sites and posts' links.
    own: HashSet<String>,
    /// By feed (as the index has them): each post that links out, with the sites it links
    /// to, each once, with the first link to it.
    by_feed: Vec<FeedLinks>,
}

/// The links of the posts of every feed of `index`, one feed per task (see [`PostLinks`]).
pub fn post_links(index: &SiteIndex) -> PostLinks {
    PostLinks::of_feeds(index.feeds.par_iter().map(feed_links).collect())
}

/// What one feed's posts link to: its part of [`PostLinks`], which [`feed_links`] makes from
/// the feed alone (so that a build can keep it for the next, under [`feed_links_key`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FeedPostLinks {
    /// The sites of the feed itself: its feed URLs, web site and posts' links.
    own: Vec<String>,
    /// Each of its posts that links out, with the sites it links to.
    posts: FeedLinks,
}

impl PostLinks {
    /// The links of the posts of every feed, from each feed's part, in the index's order.
    pub fn of_feeds(feeds: Vec<FeedPostLinks>) -> PostLinks {
        let mut links = PostLinks::default();
        for feed in feeds {
            links.own.extend(feed.own);
            links.by_feed.push(feed.posts);
        }
        links
    }
}

/// One feed's part of [`PostLinks`], read from its posts' content.
pub fn feed_links(feed: &FeedInfo) -> FeedPostLinks {
    FeedPostLinks {
        own: own_sites(feed),
        posts: links_of(feed),
    }
}

/// A SHA-256 of everything [`feed_links`] reads of `feed`: its URLs, its posts' links and the
/// content of the posts whose links count. Two feeds with the same key have the same links.
pub fn feed_links_key(feed: &FeedInfo) -> [u8; 32] {
    fn text(h: &mut Sha256, t: Option<&str>) {
        match t {
            Some(t) => {
                h.update((t.len() as u64 + 1).to_le_bytes());
                h.update(t.as_bytes());
            }
            None => h.update(0u64.to_le_bytes()),
        }
    }
    let mut h = Sha256::new();
    text(&mut h, Some(&feed.url));
    text(&mut h, Some(&feed.xml_url));
    text(&mut h, feed.site_link.as_deref());
    text(&mut h, Some(&feed.items.len().to_string()));
    for item in &feed.items {
        text(&mut h, item.link.as_deref());
    }
    let posts = feed.items.iter().take(POSTS_PER_FEED);
    for (item, digest) in posts.zip(
        feed.content_digests
            .iter()
            .map(Some)
            .chain(std::iter::repeat(None)),
    ) {
        // The content's digest stands for the content (made once, see `FeedInfo`).
        match (item.content_html.as_deref(), digest) {
            (Some(_), Some(Some(digest))) => {
                h.update(u64::MAX.to_le_bytes());
                h.update(digest);
            }
            (content, _) => text(&mut h, content),
        }
    }
    h.finalize().into()
}

/// The sites each of the newest posts of `feed` links to, each once, with the first link.
fn links_of(feed: &FeedInfo) -> FeedLinks {
    let mut posts = Vec::new();
    for (i, item) in feed.items.iter().enumerate().take(POSTS_PER_FEED) {
        let Some(html) = &item.content_html else {
            continue;
        };
        let mut seen: HashSet<String> = HashSet::new();
        let links: SiteLinks = outbound_urls(html, LINKS_PER_POST)
            .into_iter()
            .filter_map(|url| Some((site_key_of(&url)?, String::from(url))))
            .filter(|(key, _)| seen.insert(key.clone()))
            .collect();
        if !links.is_empty() {
            posts.push((i, links));
        }
    }
    posts
}

/// The sites the lists' feeds link to, best first: linked from the most feeds, then read
/// through them by the most people, then from the most posts, then most recently, then by
/// key. `links` are the posts' links ([`post_links`] of the same index); `blogrolls` gives
/// each listed feed's blogroll entries, by its normalized URL.
/// Left out: the sites of the lists' own feeds (their feed URLs, web sites and posts), the
/// [`PLATFORMS`](super::model::PLATFORMS), and sites linked from more than half of the feeds with
/// posts (when there are at least [`MIN_FEEDS_FOR_HALF_RULE`](super::model::MIN_FEEDS_FOR_HALF_RULE)).
pub fn linked_sites(
    index: &SiteIndex,
    links: &PostLinks,
    blogrolls: &BTreeMap<String, Vec<BlogrollEntry>>,
) -> Vec<LinkedSite> {
    let wanted = |key: &str| !links.own.contains(key) && !is_platform(key);
    let mut sites: BTreeMap<String, Gathering> = BTreeMap::new();
    for (f, feed) in index.feeds.iter().enumerate() {
        for (i, post) in links.by_feed.get(f).into_iter().flatten() {
            for (key, link) in post.iter().filter(|(key, _)| wanted(key)) {
                let g = sites.entry(key.clone()).or_default();
                g.url.get_or_insert_with(|| root_of(link));
                g.feeds.insert(f);
                g.posts.push(PostRef { feed: f, item: *i });
            }
        }
        for entry in blogrolls.get(&feed.url).into_iter().flatten() {
            add_blogroll_entry(&mut sites, f, entry, &wanted);
        }
    }
    let with_posts = index.feeds.iter().filter(|f| !f.items.is_empty()).count();
    let common = |n: usize| with_posts >= MIN_FEEDS_FOR_HALF_RULE && 2 * n > with_posts;
    let mut out: Vec<LinkedSite> = sites
        .into_iter()
        .filter(|(_, g)| !common(g.feeds.len()))
        .map(|(key, g)| finish(index, key, g))
        .collect();
    out.sort_by(|a, b| {
        (b.feeds.len(), b.readers, b.posts.len(), b.latest)
            .cmp(&(a.feeds.len(), a.readers, a.posts.len(), a.latest))
            .then_with(|| a.key.cmp(&b.key))
    });
    out
}

/// Counts a blogroll entry of feed `f` as a link from it.
fn add_blogroll_entry(
    sites: &mut BTreeMap<String, Gathering>,
    f: usize,
    entry: &BlogrollEntry,
    wanted: &impl Fn(&str) -> bool,
) {
    let Some(url) = entry.feed.as_ref().or(entry.site.as_ref()) else {
        return;
    };
    let Some(key) = entry
        .site
        .as_deref()
        .and_then(site_key)
        .or_else(|| site_key(url))
        .filter(|k| wanted(k))
    else {
        return;
    };
    let g = sites.entry(key).or_default();
    // A feed the blogroll gives is the surest place to look.
    match &entry.feed {
        Some(feed_url) if g.blogrolls.is_empty() => g.url = Some(feed_url.clone()),
        _ => {
            g.url.get_or_insert_with(|| root_of(url));
        }
    }
    g.feeds.insert(f);
    g.blogrolls.insert(f);
}

/// The sites of one of the lists' own feeds: its feed URLs, web site and posts' links.
fn own_sites(feed: &FeedInfo) -> Vec<String> {
    let urls = [
        Some(&feed.url),
        Some(&feed.xml_url),
        feed.site_link.as_ref(),
    ];
    let links = feed.items.iter().filter_map(|i| i.link.as_ref());
    // Each site once: a feed's posts are mostly on its own site.
    let mut sites: Vec<String> = urls
        .into_iter()
        .flatten()
        .chain(links)
        .filter_map(|u| site_key(u))
        .collect();
    sites.sort_unstable();
    sites.dedup();
    sites
}

/// A gathered site with its posts newest first and its readers counted.
fn finish(index: &SiteIndex, key: String, g: Gathering) -> LinkedSite {
    let mut posts = g.posts;
    posts.sort_by(|a, b| {
        crate::model::newest_first(index.item(*a).date(), index.item(*b).date())
            .then_with(|| (a.feed, a.item).cmp(&(b.feed, b.item)))
    });
    let readers: BTreeSet<usize> = g
        .feeds
        .iter()
        .flat_map(|&f| index.feeds[f].readers.iter().copied())
        .collect();
    LinkedSite {
        url: g.url.unwrap_or_else(|| format!("https://{key}/")),
        key,
        latest: posts.first().and_then(|p| index.item(*p).date()),
        feeds: g.feeds.into_iter().collect(),
        blogrolls: g.blogrolls.into_iter().collect(),
        posts,
        readers: readers.len(),
    }
}

/// The home page of the site of `url`.
fn root_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.join("/").ok())
        .map_or_else(|| url.to_owned(), String::from)
}
