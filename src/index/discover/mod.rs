//! Discovery: suggested feeds for each person, related feeds ("readers also read"), similar
//! people ("reads like you") and hidden gems, from who reads what and, when known, what the
//! feeds are about (tags and their own text).
//!
//! Pure functions over plain data: no I/O here. Every ranking is sorted with a full tie-break
//! (score, then feed or person id), so the same [`Community`] always gives the same
//! [`Discovery`], whatever the number of threads. The formula is documented in README.md
//! ("Discovery"). [`discover`] works on plain ids; [`discover_index`] runs it over a site's
//! index, one feed per group of spellings.
//!
//! The parts: `readership` (who reads what, sampled), `related` (feed–feed), `neighbours`
//! (person–person), `content` (TF-IDF over tags and text), `suggestions` (the blend),
//! `reasons` (why, in facts and words), `gems` (for `/discover/`), `site` and `spellings`
//! (from the site's lists and back).

mod content;
mod gems;
mod neighbours;
mod order;
mod readership;
mod reasons;
mod related;
mod scratch;
mod site;
mod spellings;
mod suggestions;

use rayon::prelude::*;

pub use crate::site::DiscoverConfig;
pub use reasons::Reason;
pub use site::{community, discover_index, tag_terms, words};
pub use spellings::representatives;

use content::ContentIndex;
use readership::Readership;
use suggestions::{PersonResult, Workspace};

/// What discovery knows about one feed besides its readers.
#[derive(Debug, Clone, Default)]
pub struct FeedContent {
    /// Tags its readers gave it, with how many readers gave each.
    pub tags: Vec<(String, u32)>,
    /// Words of its own text (title, description, recent post titles), lowercased; repeated
    /// words count more. Empty when the feed was never fetched.
    pub words: Vec<String>,
}

/// The input: who reads what, and what each feed is about.
#[derive(Debug, Clone, Default)]
pub struct Community {
    /// For each person, the ids (indexes into `feeds`) of the feeds they read.
    pub lists: Vec<Vec<u32>>,
    /// For each feed, its content.
    pub feeds: Vec<FeedContent>,
}

/// A suggested feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The feed's id.
    pub feed: u32,
    /// The blended score, in `[0, 1]`; higher is better.
    pub score: f64,
    /// Why, in facts.
    pub reason: Reason,
}

/// A feed related to another by shared readers.
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    /// The related feed's id.
    pub feed: u32,
    /// Readers of both feeds (exact).
    pub shared: u32,
    /// The shrunk share of the first feed's readers who read this one.
    pub score: f64,
}

/// A person whose list overlaps another's.
#[derive(Debug, Clone, PartialEq)]
pub struct Similar {
    /// The person's id.
    pub person: u32,
    /// The feeds both read, by id.
    pub shared: Vec<u32>,
    /// The cosine similarity of the two lists.
    pub score: f64,
}

/// A feed few read, suggested to many.
#[derive(Debug, Clone, PartialEq)]
pub struct Gem {
    /// The feed's id.
    pub feed: u32,
    /// Its readers.
    pub readers: u32,
    /// How many people have it among their suggestions.
    pub suggested_to: u32,
}

/// Everything discovery computes.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// For each person, their suggestions, best first.
    pub suggestions: Vec<Vec<Suggestion>>,
    /// For each feed, the most related feeds, best first.
    pub related: Vec<Vec<Related>>,
    /// For each person, the people who read most like them, best first.
    pub similar: Vec<Vec<Similar>>,
    /// Feeds read by at most two people that are suggested to the most people.
    pub hidden_gems: Vec<Gem>,
    /// For each person, every neighbour who voted for their suggestions (the `neighbours`
    /// people with the highest list cosine), most similar first.
    pub neighbours: Vec<Vec<u32>>,
}

/// The prepared input: who reads what, and the content index.
struct Model<'a> {
    config: &'a DiscoverConfig,
    readership: Readership,
    content: ContentIndex,
}

/// Computes every suggestion, related feed, similar person and hidden gem.
pub fn discover(community: &Community, config: &DiscoverConfig) -> Discovery {
    let model = Model {
        config,
        readership: Readership::new(&community.lists, community.feeds.len()),
        content: ContentIndex::new(&community.feeds),
    };
    let r = &model.readership;
    // Work comes in chunks of at least 256, so each thread sets up few scratch arrays.
    let related_kept: Vec<Vec<Related>> = (0..r.n_feeds())
        .into_par_iter()
        .with_min_len(256)
        .map_init(Vec::new, |buf, f| {
            related::related(r, config, f as u32, buf)
        })
        .collect();
    let people: Vec<PersonResult> = (0..r.n_people())
        .into_par_iter()
        .with_min_len(256)
        .map_init(
            || Workspace::new(r.n_people(), r.n_feeds()),
            |w, p| suggestions::person(&model, p as u32, &related_kept, w),
        )
        .collect();
    let mut suggestions = Vec::with_capacity(people.len());
    let mut similar = Vec::with_capacity(people.len());
    let mut neighbours = Vec::with_capacity(people.len());
    for (s, m, n) in people {
        suggestions.push(s);
        similar.push(m);
        neighbours.push(n);
    }
    let hidden_gems = gems::hidden_gems(r, &suggestions);
    let related = related_kept
        .into_iter()
        .map(|mut r| {
            r.truncate(config.related_per_feed);
            r
        })
        .collect();
    Discovery {
        suggestions,
        related,
        similar,
        hidden_gems,
        neighbours,
    }
}

#[cfg(test)]
mod tests {
    use super::reasons::check::assert_reasons_true;
    use super::*;

    #[test]
    fn output_is_deterministic_and_sampling_keeps_counts_exact() {
        let lists: Vec<Vec<u32>> = (0..300u32)
            .map(|p| {
                let mut l: Vec<u32> = (0..8).map(|k| (p * 7 + k * k * 13) % 40).collect();
                l.sort_unstable();
                l.dedup();
                l
            })
            .collect();
        let c = Community {
            lists,
            feeds: vec![FeedContent::default(); 40],
        };
        let cfg = DiscoverConfig {
            max_readers_sampled: 10,
            ..Default::default()
        };
        let a = discover(&c, &cfg);
        let b = discover(&c, &cfg);
        assert_eq!(a.suggestions, b.suggestions);
        assert_eq!(a.related, b.related);
        assert_eq!(a.similar, b.similar);
        assert_reasons_true(&c, &a);
        for (f, rel) in a.related.iter().enumerate() {
            for r in rel {
                let both = c
                    .lists
                    .iter()
                    .filter(|l| l.contains(&(f as u32)) && l.contains(&r.feed))
                    .count() as u32;
                assert_eq!(r.shared, both);
            }
        }
    }
}
