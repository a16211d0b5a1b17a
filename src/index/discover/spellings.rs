//! One feed, several spellings: lists often write the same feed differently (`http` and
//! `https`, with or without `www.` or a trailing slash, a FeedBurner address; the loose
//! identity of [`crate::site::lint::loose_identity`]). Discovery counts each group as one feed, and
//! suggests it under the spelling the person is most likely to write.

use std::collections::HashMap;

use crate::index::site_index::SiteIndex;
use crate::site::DiscoverConfig;

/// Which feed of the index stands for each feed in discovery: each group of spellings is
/// represented by its lowest index position, i.e. the spelling with the most readers (the
/// index orders feeds by readers, then title, then URL). Without `merge_spellings`, every feed
/// stands for itself.
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
                .entry(crate::site::lint::loose_identity(&feed.url))
                .or_insert(f)
        })
        .collect()
}

/// The spellings of each feed written in more than one way, by representative: the
/// representative first, then the others in index order.
pub(super) fn groups(rep: &[usize]) -> HashMap<u32, Vec<u32>> {
    let mut groups: HashMap<u32, Vec<u32>> = HashMap::new();
    for (f, &r) in rep.iter().enumerate() {
        if r != f {
            groups
                .entry(r as u32)
                .or_insert_with(|| vec![r as u32])
                .push(f as u32);
        }
    }
    groups
}

/// How a person writes addresses: how many of their feeds use `https`, of how many.
#[derive(Debug, Clone, Copy)]
pub(super) struct SchemeHabit {
    /// Feeds written with `https`.
    pub(super) https: usize,
    /// All their feeds.
    pub(super) feeds: usize,
}

impl SchemeHabit {
    /// Counts the schemes of the person's URLs.
    pub(super) fn of<'u>(urls: impl Iterator<Item = &'u str>) -> Self {
        let mut habit = SchemeHabit { https: 0, feeds: 0 };
        for url in urls {
            habit.feeds += 1;
            habit.https += usize::from(is_https(url));
        }
        habit
    }

    /// How many of the person's feeds use the same scheme as `url`.
    fn same_scheme(&self, url: &str) -> usize {
        if is_https(url) {
            self.https
        } else {
            self.feeds - self.https
        }
    }
}

fn is_https(url: &str) -> bool {
    url.get(..6)
        .is_some_and(|s| s.eq_ignore_ascii_case("https:"))
}

/// The spelling of a group to suggest to a person: the one that maximizes
/// `(neighbours who write it + 1) · (the person's feeds with its scheme + 1)`, both counts
/// add-one smoothed, i.e. what the people the suggestion comes from write, weighed by whether
/// the person writes `http` or `https`. Ties go to the earliest spelling (the most read).
pub(super) fn choose<'u>(
    group: &[u32],
    url: impl Fn(u32) -> &'u str,
    votes: impl Fn(u32) -> usize,
    habit: SchemeHabit,
) -> Option<u32> {
    let weight = |f: u32| (votes(f) as u64 + 1) * (habit.same_scheme(url(f)) as u64 + 1);
    group
        .iter()
        .copied()
        .max_by(|&a, &b| weight(a).cmp(&weight(b)).then(b.cmp(&a)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const URLS: [&str; 3] = [
        "https://www.example.org/feed",
        "http://www.example.org/feed",
        "http://example.org/feed",
    ];

    #[test]
    fn the_spelling_neighbours_write_weighed_by_the_persons_scheme() {
        let url = |f: u32| URLS[f as usize];
        let group = [0, 1, 2];
        let all_http = SchemeHabit::of(["http://a/", "http://b/", "http://c/"].into_iter());
        let all_https = SchemeHabit::of(["https://a/", "HTTPS://b/"].into_iter());
        assert_eq!((all_https.https, all_https.feeds), (2, 2));
        let mixed = SchemeHabit {
            https: 5,
            feeds: 10,
        };
        // Neighbours write spelling 0 three times, spelling 1 once.
        let votes = |f: u32| [3, 1, 0][f as usize];
        // Someone who writes every feed with http: (1+1)·(3+1) = 8 beats (3+1)·(0+1) = 4.
        assert_eq!(choose(&group, url, votes, all_http), Some(1));
        assert_eq!(choose(&group, url, votes, all_https), Some(0));
        // No habit either way: the neighbours decide.
        assert_eq!(choose(&group, url, votes, mixed), Some(0));
        // Nothing to go by: the most read spelling.
        let none = |_: u32| 0;
        assert_eq!(choose(&group, url, none, mixed), Some(0));
        assert_eq!(choose(&[], url, none, mixed), None);
        // Equal weights between the two http spellings: the earlier one.
        assert_eq!(choose(&[2, 1], url, none, all_http), Some(1));
    }

    #[test]
    fn groups_list_each_feed_spelled_more_than_one_way() {
        let rep = [0, 1, 0, 3, 1, 0];
        let g = groups(&rep);
        assert_eq!(g.len(), 2);
        assert_eq!(g[&0], [0, 2, 5]);
        assert_eq!(g[&1], [1, 4]);
    }
}
