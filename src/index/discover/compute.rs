//! Discovery over plain ids: every suggestion, related feed, similar person and hidden gem
//! from a [`Community`], feeds and people ranked in parallel.

use rayon::prelude::*;

use super::content::ContentIndex;
use super::gems;
use super::input::Community;
use super::model::Model;
use super::readership::Readership;
use super::related;
use super::results::{Discovery, Related};
use super::suggestions::{self, PersonResult, Workspace};
use crate::site::DiscoverConfig;

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
    use super::super::check::assert_reasons_true;
    use super::super::input::FeedContent;
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
