//! Which sites the lists' feeds link to: from every post's sanitized content and from every
//! blogroll, aggregated per site and ranked.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::model::{LinkedSite, MIN_FEEDS_FOR_HALF_RULE, is_platform, site_key};
use crate::index::feed::PostRef;
use crate::index::site_index::SiteIndex;
use crate::parse::links::{BlogrollEntry, outbound_links};

/// The newest posts of a feed whose links count.
const POSTS_PER_FEED: usize = 50;
/// The links of one post that count, at most.
const LINKS_PER_POST: usize = 100;

/// A site as it is being gathered.
#[derive(Default)]
struct Gathering {
    url: Option<String>,
    feeds: BTreeSet<usize>,
    posts: Vec<PostRef>,
    blogrolls: BTreeSet<usize>,
}

/// The sites the lists' feeds link to, best first: linked from the most feeds, then read
/// through them by the most people, then from the most posts, then most recently, then by
/// key. `blogrolls` gives each listed feed's blogroll entries, by its normalized URL.
/// Left out: the sites of the lists' own feeds (their feed URLs, web sites and posts), the
/// [`PLATFORMS`](super::model::PLATFORMS), and sites linked from more than half of the feeds with
/// posts (when there are at least [`MIN_FEEDS_FOR_HALF_RULE`](super::model::MIN_FEEDS_FOR_HALF_RULE)).
pub fn linked_sites(
    index: &SiteIndex,
    blogrolls: &BTreeMap<String, Vec<BlogrollEntry>>,
) -> Vec<LinkedSite> {
    let own = own_sites(index);
    let wanted = |key: &str| !own.contains(key) && !is_platform(key);
    let mut sites: BTreeMap<String, Gathering> = BTreeMap::new();
    for (f, feed) in index.feeds.iter().enumerate() {
        for (i, item) in feed.items.iter().enumerate().take(POSTS_PER_FEED) {
            let Some(html) = &item.content_html else {
                continue;
            };
            let mut seen: HashSet<String> = HashSet::new();
            for link in outbound_links(html, LINKS_PER_POST) {
                let Some(key) = site_key(&link).filter(|k| wanted(k)) else {
                    continue;
                };
                if !seen.insert(key.clone()) {
                    continue;
                }
                let g = sites.entry(key).or_default();
                g.url.get_or_insert_with(|| root_of(&link));
                g.feeds.insert(f);
                g.posts.push(PostRef { feed: f, item: i });
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

/// The sites of the lists' own feeds: their feed URLs, web sites and posts' links.
fn own_sites(index: &SiteIndex) -> HashSet<String> {
    let mut own = HashSet::new();
    for feed in &index.feeds {
        let urls = [
            Some(&feed.url),
            Some(&feed.xml_url),
            feed.site_link.as_ref(),
        ];
        let links = feed.items.iter().filter_map(|i| i.link.as_ref());
        own.extend(
            urls.into_iter()
                .flatten()
                .chain(links)
                .filter_map(|u| site_key(u)),
        );
    }
    own
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
