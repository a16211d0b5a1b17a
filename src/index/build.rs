//! Building the index, stage by stage: the lists' subscriptions gathered into one entry per
//! feed, each joined with its refreshed state, the feeds ranked, the rivers and tags drawn from
//! them, and discovery run over the result.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::discover::site::discover_index;
use super::feed::{FeedInfo, PostRef, post_mark};
use super::filter;
use super::river::{fair_river, limit_backlog};
use super::site_index::{SiteIndex, TagInfo};
use super::slug::{MAX_SLUG, cut, is_faithful, short_hash, slugify};
use crate::refresh::{FeedState, Outcome};
use crate::refresh::{health, identity};
use crate::site::{FeedOptions, HealthConfig, Person, Show, Site};

/// Builds the index from the loaded site and the refreshed feeds.
pub fn build_index(site: &Site, states: Vec<FeedState>, items_per_feed: usize) -> SiteIndex {
    let mut index = build_index_undiscovered(site, states, items_per_feed);
    index.discovery = discover_index(&index, &site.config.discover);
    index
}

/// [`build_index`] without discovery (its suggestions and similar feeds are empty): what
/// the pages of feeds and people are made of, and `/status/`.
pub fn build_index_undiscovered(
    site: &Site,
    states: Vec<FeedState>,
    _items_per_feed: usize,
) -> SiteIndex {
    let people = site.people.clone();
    let config = (&site.config.health, site.config.river.show);
    let mut feeds = join_states(gather(&people), states, config);
    feeds.par_iter_mut().for_each(|feed| {
        feed.content_digests = feed
            .items
            .iter()
            .map(|i| i.content_html.as_ref().map(|c| Sha256::digest(c).into()))
            .collect();
        feed.post_marks = feed.items.iter().map(|i| post_mark(&i.id)).collect();
    });
    distinct_slugs(&mut feeds);
    rank(&mut feeds);
    let subscriptions = subscriptions(&people, &feeds);
    let river_by_date = limit_backlog(
        &posts_newest_first(&feeds),
        &feeds,
        site.config.river.new_feed_items,
    );
    let page_share = (
        site.config.build.posts_per_page,
        site.config.river.max_per_feed_per_page,
    );
    let river = fair_river(river_by_date.iter().copied(), &feeds, page_share);
    let tags = tags(&feeds);
    SiteIndex {
        people,
        subscriptions,
        feeds,
        river,
        river_by_date,
        page_share,
        tags,
        discovery: Default::default(),
        recent: None,
        moved_people: Vec::new(),
        pictures: Default::default(),
        mentioned: Vec::new(),
        link_suggestions: Vec::new(),
    }
}

/// What the lists say of one feed, before its state is known.
struct Gathered {
    xml_url: String,
    readers: Vec<usize>,
    title_override: Option<String>,
    tag_counts: BTreeMap<String, usize>,
    /// Each list's options for it, in person order.
    options: Vec<FeedOptions>,
}

/// Gathers each distinct feed's readers, overrides and tags, in person order, by normalized URL.
fn gather(people: &[Person]) -> BTreeMap<String, Gathered> {
    let mut gathered: BTreeMap<String, Gathered> = BTreeMap::new();
    for (p, person) in people.iter().enumerate() {
        for sub in &person.feeds {
            let g = gathered.entry(sub.key.clone()).or_insert_with(|| Gathered {
                xml_url: sub.url.clone(),
                readers: Vec::new(),
                title_override: None,
                tag_counts: BTreeMap::new(),
                options: Vec::new(),
            });
            g.readers.push(p);
            g.options.push(sub.options.clone());
            if g.title_override.is_none() {
                g.title_override = sub.title.clone();
            }
            for tag in &sub.tags {
                *g.tag_counts.entry(tag.clone()).or_default() += 1;
            }
        }
    }
    gathered
}

/// Joins each gathered feed with its refreshed state (states of feeds no list names are
/// dropped), in URL order; `config` is the health rules and the site's `[river] show`.
fn join_states(
    gathered: BTreeMap<String, Gathered>,
    states: Vec<FeedState>,
    config: (&HealthConfig, Show),
) -> Vec<FeedInfo> {
    let mut by_url: HashMap<String, FeedState> =
        states.into_iter().map(|s| (s.url.clone(), s)).collect();
    gathered
        .into_iter()
        .map(|(url, g)| {
            let state = by_url.remove(&url);
            feed_info(url, g, state, config)
        })
        .collect()
}

/// One feed as the site shows it: the lists' title override, else the feed's own title, else
/// its host; its tags most used first; its posts as the lists' options show them; its health
/// judged from its last fetch.
fn feed_info(
    url: String,
    g: Gathered,
    state: Option<FeedState>,
    (config, show): (&HealthConfig, Show),
) -> FeedInfo {
    let (mut entry, outcome) = match state {
        Some(s) => (s.entry, s.outcome),
        None => (None, Outcome::Failed("not fetched".to_owned())),
    };
    // The state is this feed's alone: its posts move into the index.
    let items = entry
        .as_mut()
        .and_then(|e| e.feed.as_mut())
        .map(|f| std::mem::take(&mut f.items))
        .unwrap_or_default();
    let feed = entry.as_ref().and_then(|e| e.feed.as_ref());
    let title = g
        .title_override
        .or_else(|| feed.map(|f| f.title.clone()))
        .unwrap_or_else(|| host_of(&url));
    let mut tags: Vec<(String, usize)> = g.tag_counts.into_iter().collect();
    tags.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let fetch = entry.as_ref().map(|e| e.fetch.clone());
    let shown = filter::apply(&g.options, items, show);
    FeedInfo {
        slug: identity::slug_of(&url, entry.as_ref()),
        former_slugs: entry
            .as_ref()
            .map(|e| e.former_slugs.clone())
            .unwrap_or_default(),
        xml_url: g.xml_url,
        title,
        description: feed.and_then(|f| f.description.clone()),
        site_link: feed.and_then(|f| f.site_link.clone()),
        readers: g.readers,
        tags: tags.into_iter().map(|(t, _)| t).collect(),
        items: shown.items,
        content_digests: Vec::new(),
        post_marks: Vec::new(),
        hidden: shown.hidden,
        filtered: shown.filtered,
        show: shown.show,
        health: health::assess(fetch.as_ref(), &outcome, config),
        fetch,
        first_seen: entry.as_ref().and_then(|e| e.first_seen),
        outcome,
        url,
    }
}

/// Gives a feed whose kept slug another feed (earlier in URL order) already has a slug of its
/// own: two feeds are always two pages.
fn distinct_slugs(feeds: &mut [FeedInfo]) {
    let mut taken: HashSet<String> = HashSet::new();
    for feed in feeds.iter_mut() {
        if !taken.insert(feed.slug.clone()) {
            feed.slug = format!(
                "{}-{}",
                cut(feed.slug.clone(), MAX_SLUG - 7),
                short_hash(&feed.url)
            );
            taken.insert(feed.slug.clone());
        }
    }
}

/// Ranks the feeds: most readers first, then title, then URL.
fn rank(feeds: &mut [FeedInfo]) {
    feeds.sort_by(|a, b| {
        b.readers
            .len()
            .cmp(&a.readers.len())
            .then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase()))
            .then_with(|| a.url.cmp(&b.url))
    });
}

/// For each person, the position in the ranked `feeds` of each of their subscriptions.
fn subscriptions(people: &[Person], feeds: &[FeedInfo]) -> Vec<Vec<usize>> {
    let position: HashMap<&str, usize> = feeds
        .iter()
        .enumerate()
        .map(|(i, f)| (f.url.as_str(), i))
        .collect();
    people
        .iter()
        .map(|p| p.feeds.iter().map(|s| position[s.key.as_str()]).collect())
        .collect()
}

/// Every post of every feed, newest first, undated posts last; ties by feed slug, then by the
/// feed's own order.
fn posts_newest_first(feeds: &[FeedInfo]) -> Vec<PostRef> {
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
    all_posts
}

/// The tags, by slug, each with the feeds tagged with it in rank order. Spellings that differ
/// only in case and separators (`Machine learning`, `machine-learning`) are one tag, named by
/// the first spelling seen; two tags that slug alike (`C` and `C++`) stay two pages.
fn tags(feeds: &[FeedInfo]) -> Vec<TagInfo> {
    let mut by_spelling: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (f, feed) in feeds.iter().enumerate() {
        for tag in &feed.tags {
            let entry = by_spelling
                .entry(spelling(tag))
                .or_insert_with(|| (tag.clone(), Vec::new()));
            if !entry.1.contains(&f) {
                entry.1.push(f);
            }
        }
    }
    let mut taken: HashSet<String> = HashSet::new();
    let mut tags: Vec<TagInfo> = by_spelling
        .into_iter()
        .map(|(key, (name, feeds))| TagInfo {
            slug: tag_slug(&name, &key, &mut taken),
            name,
            feeds,
        })
        .collect();
    tags.sort_by(|a, b| a.slug.cmp(&b.slug));
    tags
}

/// What makes two spellings of a tag the same tag: its words, lowercased.
fn spelling(tag: &str) -> String {
    let lower = tag.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .collect();
    words.join("-")
}

/// A tag's slug: its plain slug when that keeps the whole name (`rust`, `zoe` for `Zoë`) and
/// no tag earlier in spelling order took it; else the slug and a hash of the spelling, so that
/// a tag's page never depends on which other tags exist (`C++` is `c-` and a hash, always).
fn tag_slug(name: &str, key: &str, taken: &mut HashSet<String>) -> String {
    let plain = slugify(name);
    if !plain.is_empty() && is_faithful(name) && taken.insert(plain.clone()) {
        return plain;
    }
    let base = if plain.is_empty() {
        "tag".to_owned()
    } else {
        plain
    };
    let slug = format!("{}-{}", cut(base, MAX_SLUG - 7), short_hash(key));
    taken.insert(slug.clone());
    slug
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| url.to_owned())
}
