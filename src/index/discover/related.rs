//! Feed–feed similarity from shared readers ("readers also read"), with shrinkage: the share
//! of a feed's readers who also read another, `c/r · c/(c + λ)`, so that two feeds sharing one
//! reader do not outrank two sharing twenty. Counted on a fixed sample of each feed's readers;
//! the kept feeds then get exact counts.

use super::order::{keep_best, sort_best};
use super::readership::Readership;
use super::results::Related;
use crate::site::DiscoverConfig;

/// How many related feeds each feed keeps for scoring (more than are shown).
const RELATED_KEPT: usize = 30;

/// The feeds most related to `feed` by shared readers, best first. `buf` is scratch space.
pub(super) fn related(
    r: &Readership,
    config: &DiscoverConfig,
    feed: u32,
    buf: &mut Vec<u32>,
) -> Vec<Related> {
    let r_i = r.count(feed);
    let cap = config.max_readers_sampled;
    let sampled = r.sample(feed, cap).count();
    if sampled == 0 {
        return Vec::new();
    }
    // Co-read feeds gathered then sorted and counted: sequential memory, where counting
    // into a dense array of every feed would miss the cache at each step.
    buf.clear();
    for p in r.sample(feed, cap) {
        buf.extend(r.lists[p as usize].iter().copied().filter(|&j| j != feed));
    }
    buf.sort_unstable();
    let scale = r_i as f64 / sampled as f64;
    let lambda = config.shrinkage;
    // P(j | i), shrunk: `c` of the `r_i` readers of `feed` read `j`. Cosine (dividing by
    // √(r_i·r_j)) did worse on real lists, where popular feeds matter (README, Discovery).
    let sim = |c: f64| c / r_i as f64 * c / (c + lambda);
    let mut out: Vec<Related> = buf
        .chunk_by(|a, b| a == b)
        .map(|run| Related {
            feed: run[0],
            shared: run.len() as u32,
            score: sim(run.len() as f64 * scale),
        })
        .collect();
    buf.clear();
    keep_best(&mut out, RELATED_KEPT, |r| (r.score, r.feed));
    if sampled < r_i {
        // Counts from a sample are estimates: make the kept ones exact.
        for rel in &mut out {
            rel.shared = r.in_common(feed, rel.feed);
            rel.score = sim(f64::from(rel.shared));
        }
        sort_best(&mut out, |r| (r.score, r.feed));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrinkage_prefers_many_shared_readers_over_one() {
        // Feed 0 and 1: 20 readers in common out of 30. Feed 2 and 3: one reader, in common.
        let mut lists: Vec<Vec<u32>> = (0..30)
            .map(|p| if p < 20 { vec![0, 1] } else { vec![0] })
            .collect();
        lists.push(vec![2, 3]);
        let r = Readership::new(&lists, 4);
        let cfg = DiscoverConfig::default();
        let mut buf = Vec::new();
        let r01 = &related(&r, &cfg, 0, &mut buf)[0];
        let r23 = &related(&r, &cfg, 2, &mut buf)[0];
        assert_eq!((r01.feed, r01.shared), (1, 20));
        assert_eq!((r23.feed, r23.shared), (3, 1));
        // Without shrinkage, P(3|2) = 1 beats P(1|0) = 2/3; with it, 20 shared readers win.
        assert!(r01.score > r23.score, "{r01:?} vs {r23:?}");
    }

    #[test]
    fn sampled_counts_are_made_exact() {
        // 100 readers of feed 0; feed 1 read by the first 37 of them; sample 10.
        let lists: Vec<Vec<u32>> = (0..100)
            .map(|p| if p < 37 { vec![0, 1] } else { vec![0] })
            .collect();
        let r = Readership::new(&lists, 2);
        let cfg = DiscoverConfig {
            max_readers_sampled: 10,
            ..Default::default()
        };
        let rel = related(&r, &cfg, 0, &mut Vec::new());
        assert_eq!(rel.len(), 1);
        assert_eq!(rel[0].shared, 37);
        assert!((rel[0].score - 37.0 / 100.0 * 37.0 / 42.0).abs() < 1e-12);
    }
}
