//! Hidden gems for `/discover/`: feeds read by at most two people that are among the
//! suggestions (other than popularity fillers) of the most people.

use std::collections::HashMap;

use super::readership::Readership;
use super::reasons::Reason;
use super::results::{Gem, Suggestion};

/// How many hidden gems are kept.
const GEMS: usize = 10;

/// Feeds read by at most two people, by how many people they are suggested to (at least
/// two), then by id.
pub(super) fn hidden_gems(r: &Readership, suggestions: &[Vec<Suggestion>]) -> Vec<Gem> {
    let mut count: HashMap<u32, u32> = HashMap::new();
    for list in suggestions {
        for s in list {
            if !matches!(s.reason, Reason::Popular { .. }) {
                *count.entry(s.feed).or_default() += 1;
            }
        }
    }
    let mut gems: Vec<Gem> = count
        .into_iter()
        .filter(|&(f, n)| n >= 2 && r.count(f) <= 2)
        .map(|(f, n)| Gem {
            feed: f,
            readers: r.count(f) as u32,
            suggested_to: n,
        })
        .collect();
    gems.sort_by(|a, b| {
        b.suggested_to
            .cmp(&a.suggested_to)
            .then(a.feed.cmp(&b.feed))
    });
    gems.truncate(GEMS);
    gems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gems_are_rarely_read_and_often_suggested() {
        // Feed 0: 3 readers; feeds 1 and 2: one reader each.
        let r = Readership::new(&[vec![0, 1], vec![0, 2], vec![0], vec![]], 4);
        let s = |feed, reason| Suggestion {
            feed,
            score: 0.5,
            reason,
        };
        let shares = || Reason::Shares {
            tags: true,
            terms: vec!["x".into()],
            feeds: 1,
        };
        let popular = || Reason::Popular { readers: 1 };
        let suggestions = vec![
            vec![s(0, shares()), s(2, shares())],
            vec![s(1, shares()), s(2, shares())],
            vec![s(1, shares()), s(2, shares())],
            vec![s(0, shares()), s(1, popular())],
        ];
        let gems = hidden_gems(&r, &suggestions);
        let got: Vec<(u32, u32)> = gems.iter().map(|g| (g.feed, g.suggested_to)).collect();
        // Feed 0 is read by three; feed 1's popularity filler does not count.
        assert_eq!(got, [(2, 3), (1, 2)]);
    }
}
