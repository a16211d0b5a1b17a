//! The bridge between the site and [`crate::discover`]: the community discovery ranks (who
//! reads what, each feed's tags and words), and the `toluu suggest` command, which prints the
//! same suggestions as the site from the lists and the fetch cache, without fetching.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::cache::Cache;
use crate::discover::DiscoverConfig;
use crate::discover::{Community, Discovery, FeedContent, discover};
use crate::index::SiteIndex;
use crate::{Error, config, index, refresh};

/// Options of `toluu suggest`.
#[derive(Debug, Clone, Default)]
pub struct SuggestOptions {
    /// Only this person (by slug).
    pub person: Option<String>,
    /// Suggestions per person, instead of `[discover] suggestions_per_person`.
    pub limit: Option<usize>,
    /// Print JSON instead of text.
    pub json: bool,
}

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

/// Which feed of the index stands for each feed in discovery: the same feed spelled differently
/// in different lists (`http` and `https`, with or without `www.` or a trailing slash, a
/// FeedBurner address; [`crate::lint::loose_identity`]) is one feed for discovery, so that its
/// readers are counted together. Each group is represented by its lowest index position, i.e.
/// the spelling with the most readers (the index orders feeds by readers, then title, then URL).
pub fn representatives(index: &SiteIndex, config: &DiscoverConfig) -> Vec<usize> {
    if !config.merge_spellings {
        return (0..index.feeds.len()).collect();
    }
    let mut first: HashMap<String, usize> = HashMap::new();
    index
        .feeds
        .iter()
        .enumerate()
        .map(|(f, feed)| {
            *first
                .entry(crate::lint::loose_identity(&feed.url))
                .or_insert(f)
        })
        .collect()
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
            let mut text: Vec<String> = Vec::new();
            if fetched && rep[f] == f {
                text.extend(words(&feed.title));
                text.extend(feed.description.iter().flat_map(|d| words(d)));
                text.extend(feed.items.iter().flat_map(|i| words(&i.title)));
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
/// and in the feeds shared with similar people) are named as that person spells them, and
/// every spelling of a feed gets the related feeds of its group.
pub fn discover_index(index: &SiteIndex, config: &DiscoverConfig) -> Discovery {
    let rep = representatives(index, config);
    let mut d = discover(&community(index, config), config);
    // The person's own spelling of a feed of the group `r`.
    let own = |p: usize, r: u32| -> u32 {
        index.subscriptions[p]
            .iter()
            .find(|&&f| rep[f] as u32 == r)
            .map_or(r, |&f| f as u32)
    };
    // The spellings of each feed written in more than one way, most read first.
    let mut spellings: HashMap<u32, Vec<u32>> = HashMap::new();
    for (f, &r) in rep.iter().enumerate() {
        if r != f {
            spellings
                .entry(r as u32)
                .or_insert_with(|| vec![r as u32])
                .push(f as u32);
        }
    }
    let reads = |p: u32, f: u32| index.subscriptions[p as usize].contains(&(f as usize));
    for (p, list) in d.suggestions.iter_mut().enumerate() {
        for s in list {
            if let crate::discover::Reason::AlsoRead { via, .. } = &mut s.reason {
                *via = own(p, *via);
            }
            if let Some(group) = spellings.get(&s.feed) {
                let own_https = index.subscriptions[p]
                    .iter()
                    .filter(|&&f| index.feeds[f].url.starts_with("https:"))
                    .count();
                let own = index.subscriptions[p].len();
                let weight = |f: u32| {
                    let votes = d.neighbours[p].iter().filter(|&&v| reads(v, f)).count();
                    let same = if index.feeds[f as usize].url.starts_with("https:") {
                        own_https
                    } else {
                        own - own_https
                    };
                    (votes + 1) as f64 * (same + 1) as f64 / (own + 2) as f64
                };
                s.feed = group
                    .iter()
                    .copied()
                    .max_by(|&a, &b| weight(a).total_cmp(&weight(b)).then(b.cmp(&a)))
                    .unwrap_or(s.feed);
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

#[derive(Serialize)]
struct SuggestionJson<'a> {
    url: &'a str,
    score: f64,
    reason: String,
}

#[derive(Serialize)]
struct RelatedJson<'a> {
    url: &'a str,
    shared_readers: u32,
    score: f64,
}

#[derive(Serialize)]
struct SimilarJson<'a> {
    slug: &'a str,
    score: f64,
    shared_feeds: usize,
}

#[derive(Serialize)]
struct SuggestJson<'a> {
    people: BTreeMap<&'a str, Vec<SuggestionJson<'a>>>,
    related: BTreeMap<&'a str, Vec<RelatedJson<'a>>>,
    similar_people: BTreeMap<&'a str, Vec<SimilarJson<'a>>>,
}

/// Scores are shown with four decimals: enough to rank, short to read.
fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// `toluu suggest`: loads the lists and whatever the fetch cache holds (never the network),
/// and returns the suggestions as text or JSON.
pub fn suggest(site_dir: &Path, options: &SuggestOptions) -> Result<String, Error> {
    let mut site = config::load_site(site_dir).map_err(Error::Config)?;
    if let Some(limit) = options.limit {
        site.config.discover.suggestions_per_person = limit;
    }
    let cfg = &site.config;
    let cache = Cache::new(site_dir.join(&cfg.build.cache_dir));
    let urls = crate::distinct_feeds(&site);
    let states = if cache.dir().is_dir() {
        refresh::refresh_all(&urls, &cfg.fetch, &cfg.build, &cache, true).map_err(Error::Build)?
    } else {
        Vec::new()
    };
    let index = index::build_index(&site, states, cfg.build.items_per_feed);
    let people: Vec<usize> = match &options.person {
        Some(slug) => vec![
            index
                .people
                .iter()
                .position(|p| &p.slug == slug)
                .ok_or_else(|| {
                    Error::Build(format!(
                        "no person `{slug}` in {}: expected the name of a list under people/",
                        site_dir.display()
                    ))
                })?,
        ],
        None => (0..index.people.len()).collect(),
    };
    Ok(if options.json {
        to_json(&index, &people, options.person.is_some())
    } else {
        to_text(&index, &people)
    })
}

fn reason_text(index: &SiteIndex, reason: &crate::discover::Reason) -> String {
    reason.text(
        |f| index.feeds[f as usize].title.clone(),
        |p| index.people[p as usize].name.clone(),
    )
}

fn to_json(index: &SiteIndex, people: &[usize], one_person: bool) -> String {
    let d = &index.discovery;
    let feeds: Vec<usize> = if one_person {
        let mut f: Vec<usize> = people
            .iter()
            .flat_map(|&p| index.subscriptions[p].iter().copied())
            .collect();
        f.sort_unstable();
        f
    } else {
        (0..index.feeds.len()).collect()
    };
    let out = SuggestJson {
        people: people
            .iter()
            .map(|&p| {
                let list = d.suggestions[p]
                    .iter()
                    .map(|s| SuggestionJson {
                        url: &index.feeds[s.feed as usize].xml_url,
                        score: round(s.score),
                        reason: reason_text(index, &s.reason),
                    })
                    .collect();
                (index.people[p].slug.as_str(), list)
            })
            .collect(),
        related: feeds
            .iter()
            .filter(|&&f| !d.related[f].is_empty())
            .map(|&f| {
                let list = d.related[f]
                    .iter()
                    .map(|r| RelatedJson {
                        url: &index.feeds[r.feed as usize].xml_url,
                        shared_readers: r.shared,
                        score: round(r.score),
                    })
                    .collect();
                (index.feeds[f].xml_url.as_str(), list)
            })
            .collect(),
        similar_people: people
            .iter()
            .map(|&p| {
                let list = d.similar[p]
                    .iter()
                    .map(|s| SimilarJson {
                        slug: &index.people[s.person as usize].slug,
                        score: round(s.score),
                        shared_feeds: s.shared.len(),
                    })
                    .collect();
                (index.people[p].slug.as_str(), list)
            })
            .collect(),
    };
    serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"
}

fn to_text(index: &SiteIndex, people: &[usize]) -> String {
    let d = &index.discovery;
    let mut out = String::new();
    for &p in people {
        let person = &index.people[p];
        let _ = writeln!(out, "{} ({})", person.slug, person.name);
        if d.suggestions[p].is_empty() {
            let _ = writeln!(out, "  no suggestions yet");
        }
        for (n, s) in d.suggestions[p].iter().enumerate() {
            let feed = &index.feeds[s.feed as usize];
            let _ = writeln!(
                out,
                "  {:>2}. {:.3}  {}  <{}>\n        {}",
                n + 1,
                s.score,
                feed.title,
                feed.xml_url,
                reason_text(index, &s.reason)
            );
        }
        let names: Vec<String> = d.similar[p]
            .iter()
            .map(|s| {
                format!(
                    "{} ({} in common)",
                    index.people[s.person as usize].slug,
                    s.shared.len()
                )
            })
            .collect();
        if !names.is_empty() {
            let _ = writeln!(out, "  reads like: {}", names.join(", "));
        }
    }
    out
}

/// The feeds of the index by when they were first added to a list, newest first, from the
/// site's git history; `None` when the site is not in a git checkout.
pub fn recent_additions(site_dir: &Path, index: &SiteIndex) -> Option<Vec<(usize, i64)>> {
    let first_added = crate::recent::first_added(site_dir)?;
    let position: HashMap<&str, usize> = index
        .feeds
        .iter()
        .enumerate()
        .map(|(i, f)| (f.url.as_str(), i))
        .collect();
    let mut out: Vec<(usize, i64)> = first_added
        .iter()
        .filter_map(|(url, &t)| Some((*position.get(url.as_str())?, t)))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::tag_terms;

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
}
