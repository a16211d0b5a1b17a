//! The check every discovery test runs: each reason states facts that hold in the input.

use super::input::Community;
use super::reasons::Reason;
use super::results::Discovery;

fn reads(c: &Community, p: usize, f: u32) -> bool {
    c.lists[p].contains(&f)
}

/// Every reason states facts that hold in the input, counted on the full lists.
pub(super) fn assert_reasons_true(c: &Community, d: &Discovery) {
    let readers = |f: u32| (0..c.lists.len()).filter(|&p| reads(c, p, f)).count() as u32;
    for (p, list) in d.suggestions.iter().enumerate() {
        for s in list {
            assert!(!reads(c, p, s.feed), "suggests a feed {p} reads");
            match &s.reason {
                Reason::AlsoRead { via, shared, of } => {
                    assert!(reads(c, p, *via));
                    assert_eq!(*of, readers(*via) - 1);
                    let both = (0..c.lists.len())
                        .filter(|&q| reads(c, q, *via) && reads(c, q, s.feed))
                        .count() as u32;
                    assert_eq!(*shared, both);
                }
                Reason::ReadLikeYou {
                    readers: k,
                    of,
                    example,
                    common,
                } => {
                    let e = *example as usize;
                    assert!(reads(c, e, s.feed));
                    let inter = c.lists[p].iter().filter(|&&f| reads(c, e, f)).count() as u32;
                    assert_eq!(*common, inter);
                    assert!(k <= of && *k >= 1);
                }
                Reason::Shares { terms, feeds, .. } => {
                    assert!(!terms.is_empty() && *feeds >= 1);
                }
                Reason::Popular { readers: r } => assert_eq!(*r, readers(s.feed)),
            }
        }
    }
}
