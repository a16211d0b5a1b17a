//! Discovery over a site: what it ranks, taken from the site's index (one feed per group of
//! spellings, tags as words, the fetched feeds' own text), and its results mapped back to the
//! index, each person's feeds named as that person writes them.

use std::collections::BTreeMap;

use super::compute::discover;
use super::input::{Community, FeedContent};
use super::reasons::Reason;
use super::results::Discovery;
use super::spellings::{self, SchemeHabit, representatives};
use crate::index::site_index::SiteIndex;
use crate::site::DiscoverConfig;

/// Words too common to say what a feed is about.
const STOPWORDS: &[&str] = &[
    "about", "after", "all", "also", "and", "are", "but", "can", "for", "from", "has", "have",
    "her", "his", "how", "into", "its", "just", "more", "new", "not", "now", "one", "our", "out",
    "part", "post", "posts", "the", "their", "this", "that", "what", "when", "which", "who", "why",
    "will", "with", "you", "your", "was", "were", "been", "blog", "feed", "news", "than", "them",
    "they", "there", "these", "those", "some", "over", "only", "most", "very", "any", "may",
    "http", "https", "www", "com", "org", "net", "rss", "atom", "xml",
];

/// The words of a text, for the content signal: lowercase, letters and digits, at least three
/// characters, not only digits, not a stop word.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3 && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
}

/// The terms of a tag, for comparing tags: people write the same folder as `Comics`,
/// `comic` or `Web Comics`, so a tag counts as each of its words (letters and digits), in the
/// singular (a final `s` dropped from words of four letters or more, not from `ss`).
pub fn tag_terms(tag: &str) -> impl Iterator<Item = String> + '_ {
    tag.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_lowercase();
            if w.chars().count() >= 4 && w.ends_with('s') && !w.ends_with("ss") {
                w[..w.len() - 1].to_owned()
            } else {
                w
            }
        })
}

/// What discovery ranks, taken from the index: feed ids are the index's feed positions and
/// person ids the index's person positions. Every spelling of a feed is counted as its
/// representative (see [`representatives`]): the others have no readers here.
pub fn community(index: &SiteIndex, config: &DiscoverConfig) -> Community {
    let rep = representatives(index, config);
    let mut tag_counts: Vec<BTreeMap<String, u32>> = vec![BTreeMap::new(); index.feeds.len()];
    for (p, person) in index.people.iter().enumerate() {
        for (sub, &f) in person.feeds.iter().zip(&index.subscriptions[p]) {
            let mut terms: Vec<String> = sub.tags.iter().flat_map(|t| tag_terms(t)).collect();
            terms.sort_unstable();
            terms.dedup();
            for term in terms {
                *tag_counts[rep[f]].entry(term).or_default() += 1;
            }
        }
    }
    let feeds = index
        .feeds
        .iter()
        .zip(tag_counts)
        .enumerate()
        .map(|(f, (feed, tags))| {
            // Only a fetched feed's own text says what it is about (a bare host name does not).
            let fetched = !feed.items.is_empty() || feed.description.is_some();
            let mut text = String::new();
            if fetched && rep[f] == f {
                let all = words(&feed.title)
                    .chain(feed.description.iter().flat_map(|d| words(d)))
                    .chain(feed.items.iter().flat_map(|i| words(&i.title)));
                for word in all {
                    text.push_str(&word);
                    text.push(' ');
                }
            }
            FeedContent {
                tags: tags.into_iter().collect(),
                words: text,
            }
        })
        .collect();
    Community {
        lists: index
            .subscriptions
            .iter()
            .map(|s| s.iter().map(|&f| rep[f] as u32).collect())
            .collect(),
        feeds,
    }
}

/// Runs discovery over the index. Discovery sees one feed per group of spellings (see
/// [`representatives`]); its results are mapped back so that a person's own feeds (in reasons
/// and in the feeds shared with similar people) are named as that person spells them, a
/// suggestion is written in the spelling the person is most likely to write (the one their
/// neighbours write, weighed by their own `http`/`https` habit), and every spelling of a feed
/// gets the related feeds of its group.
pub fn discover_index(index: &SiteIndex, config: &DiscoverConfig) -> Discovery {
    discover_index_with(index, config, discover)
}

/// [`discover_index`] with `run` in place of [`discover`]: `run` must give what `discover`
/// gives for the same [`Community`] and configuration (a result kept from an earlier build for
/// the same input, say).
pub fn discover_index_with(
    index: &SiteIndex,
    config: &DiscoverConfig,
    run: impl FnOnce(&Community, &DiscoverConfig) -> Discovery,
) -> Discovery {
    let rep = representatives(index, config);
    let mut d = run(&community(index, config), config);
    // The person's own spelling of a feed of the group `r`.
    let own = |p: usize, r: u32| -> u32 {
        index.subscriptions[p]
            .iter()
            .find(|&&f| rep[f] as u32 == r)
            .map_or(r, |&f| f as u32)
    };
    let groups = spellings::groups(&rep);
    let reads = |p: u32, f: u32| index.subscriptions[p as usize].contains(&(f as usize));
    let url = |f: u32| index.feeds[f as usize].url.as_str();
    for (p, list) in d.suggestions.iter_mut().enumerate() {
        let habit = SchemeHabit::of(index.subscriptions[p].iter().map(|&f| url(f as u32)));
        let neighbours = &d.neighbours[p];
        for s in list {
            if let Reason::AlsoRead { via, .. } = &mut s.reason {
                *via = own(p, *via);
            }
            if let Some(group) = groups.get(&s.feed) {
                let votes = |f: u32| neighbours.iter().filter(|&&v| reads(v, f)).count();
                s.feed = spellings::choose(group, url, votes, habit).unwrap_or(s.feed);
            }
        }
    }
    for (p, list) in d.similar.iter_mut().enumerate() {
        for s in list {
            for f in &mut s.shared {
                *f = own(p, *f);
            }
        }
    }
    for (f, &r) in rep.iter().enumerate() {
        if r != f {
            d.related[f] = d.related[r].clone();
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::{tag_terms, words};

    #[test]
    fn tags_compare_by_singular_words() {
        let terms = |t: &str| tag_terms(t).collect::<Vec<_>>();
        assert_eq!(terms("Web Comics"), ["web", "comic"]);
        assert_eq!(terms("comic"), ["comic"]);
        assert_eq!(terms("YouTube Channels"), ["youtube", "channel"]);
        // Short words and double s keep their s.
        assert_eq!(terms("os/css access"), ["os", "css", "access"]);
        assert_eq!(terms("博客"), ["博客"]);
    }

    #[test]
    fn words_drop_short_numeric_and_common_words() {
        let w: Vec<String> = words("The Rust blog: 2024 release of Rust 1.80, by me").collect();
        assert_eq!(w, ["rust", "release", "rust"].map(String::from));
    }
}
