//! The feeds found through links, as the pages show them: the site's list ("Mentioned by
//! what you read"), each person's share of it, and the reasons in words.

use std::collections::{BTreeMap, HashSet};

use super::model::{FoundFeed, LinkSuggestion, LinkedSite, Mentioned};
use crate::index::site_index::SiteIndex;

/// Feeds named in a reason before "and N more".
const NAMED: usize = 3;

/// The linked sites whose feed was found, best first; a feed the lists already name (under
/// any spelling the index knows) or a second site giving the same feed is left out.
pub fn mentioned(
    index: &SiteIndex,
    sites: Vec<LinkedSite>,
    found: &BTreeMap<String, FoundFeed>,
) -> Vec<Mentioned> {
    let listed: HashSet<String> = index.feeds.iter().map(|f| f.url.clone()).collect();
    let mut seen: HashSet<String> = HashSet::new();
    sites
        .into_iter()
        .filter_map(|site| {
            let feed = found.get(&site.key)?.clone();
            let url = crate::urls::normalize(&feed.url).unwrap_or_else(|_| feed.url.clone());
            (!listed.contains(&url) && seen.insert(url)).then_some(Mentioned { site, feed })
        })
        .collect()
}

/// For each person, at most `per_person` of the mentioned feeds that feeds they read link
/// to: linked from the most of their feeds first, then from the most of their posts, then
/// in the site's order.
pub fn for_people(
    index: &SiteIndex,
    mentioned: &[Mentioned],
    per_person: usize,
) -> Vec<Vec<LinkSuggestion>> {
    index
        .subscriptions
        .iter()
        .map(|subs| {
            let reads: HashSet<usize> = subs.iter().copied().collect();
            let mut list: Vec<LinkSuggestion> = mentioned
                .iter()
                .enumerate()
                .filter_map(|(m, entry)| {
                    let feeds: Vec<usize> = entry
                        .site
                        .feeds
                        .iter()
                        .copied()
                        .filter(|f| reads.contains(f))
                        .collect();
                    if feeds.is_empty() {
                        return None;
                    }
                    let posts: Vec<_> = entry
                        .site
                        .posts
                        .iter()
                        .filter(|p| reads.contains(&p.feed))
                        .collect();
                    Some(LinkSuggestion {
                        mentioned: m,
                        posts: posts.len(),
                        latest: posts.first().map(|p| **p),
                        feeds,
                    })
                })
                .collect();
            list.sort_by(|a, b| {
                (b.feeds.len(), b.posts)
                    .cmp(&(a.feeds.len(), a.posts))
                    .then_with(|| a.mentioned.cmp(&b.mentioned))
            });
            list.truncate(per_person);
            list
        })
        .collect()
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Feed titles, the first [`NAMED`] of them and how many more.
fn names(index: &SiteIndex, feeds: &[usize]) -> String {
    let mut out: Vec<String> = feeds
        .iter()
        .take(NAMED)
        .map(|&f| index.feeds[f].title.clone())
        .collect();
    if feeds.len() > NAMED {
        out.push(format!("and {} more", feeds.len() - NAMED));
    }
    out.join(", ")
}

/// Why a site is mentioned, for `/discover/`: "linked from 5 posts in 3 feeds: Marc's Blog,
/// …", and whose blogrolls list it.
pub fn site_reason(index: &SiteIndex, site: &LinkedSite) -> String {
    let mut parts = Vec::new();
    if !site.posts.is_empty() {
        let mut with_posts: Vec<usize> = site.posts.iter().map(|p| p.feed).collect();
        with_posts.sort_unstable();
        with_posts.dedup();
        parts.push(format!(
            "linked from {} in {}: {}",
            plural(site.posts.len(), "post"),
            plural(with_posts.len(), "feed"),
            names(index, &with_posts)
        ));
    }
    if !site.blogrolls.is_empty() {
        parts.push(format!(
            "in the blogroll of {}",
            names(index, &site.blogrolls)
        ));
    }
    parts.join("; ")
}

/// Why a feed found through links is suggested to someone: "linked from 3 posts in feeds you
/// read, most recently in Marc's Blog on 5 Nov 2026", and whose blogrolls list it.
pub fn person_reason(index: &SiteIndex, entry: &Mentioned, s: &LinkSuggestion) -> String {
    let mut parts = Vec::new();
    if let Some(latest) = s.latest {
        let mut text = format!(
            "linked from {} in feeds you read, most recently in {}",
            plural(s.posts, "post"),
            index.feeds[latest.feed].title
        );
        if let Some(date) = index.item(latest).date() {
            text.push_str(&format!(" on {}", date.format("%-d %b %Y")));
        }
        parts.push(text);
    }
    let rolls: Vec<usize> = s
        .feeds
        .iter()
        .copied()
        .filter(|f| entry.site.blogrolls.contains(f))
        .collect();
    if !rolls.is_empty() {
        parts.push(format!("in the blogroll of {}", names(index, &rolls)));
    }
    parts.join("; ")
}
