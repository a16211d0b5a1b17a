//! Person–person similarity ("reads like you"): the people whose lists have the highest
//! cosine with a person's, `|I(u) ∩ I(v)| / √(|I(u)|·|I(v)|)`. Candidates come from the
//! sampled readers of the person's feeds; only the most frequent get an exact overlap.

use super::order::sort_best;
use super::readership::Readership;
use super::scratch::Scratch;
use crate::site::DiscoverConfig;

/// Candidate neighbours whose exact overlap is computed, per neighbour wanted.
const CANDIDATES_PER_NEIGHBOUR: usize = 2;

/// A person like another.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Neighbour {
    /// Their id.
    pub(super) person: u32,
    /// Feeds both read.
    pub(super) common: u32,
    /// The cosine of the two lists.
    pub(super) cosine: f64,
}

/// The `config.neighbours` people most like `person`, most similar first. `marks` flags the
/// person's feeds; `s` is scratch space over people.
pub(super) fn neighbours(
    r: &Readership,
    config: &DiscoverConfig,
    person: u32,
    s: &mut Scratch,
    marks: &[bool],
) -> Vec<Neighbour> {
    let mine = &r.lists[person as usize];
    for &f in mine {
        for v in r.sample(f, config.max_readers_sampled) {
            if v != person {
                s.add(v, 0, 1.0);
            }
        }
    }
    let mut candidates: Vec<(u32, u32)> = s
        .touched
        .iter()
        .map(|&v| (v, s.count[v as usize]))
        .collect();
    s.clear();
    let keep = config.neighbours.max(1) * CANDIDATES_PER_NEIGHBOUR;
    if candidates.len() > keep {
        candidates.select_nth_unstable_by(keep, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        candidates.truncate(keep);
    }
    let mut out: Vec<Neighbour> = candidates
        .into_iter()
        .map(|(v, _)| {
            let theirs = &r.lists[v as usize];
            let common: u32 = theirs.iter().map(|&f| u32::from(marks[f as usize])).sum();
            let cosine = f64::from(common) / ((mine.len() * theirs.len()) as f64).sqrt();
            Neighbour {
                person: v,
                common,
                cosine,
            }
        })
        .collect();
    sort_best(&mut out, |n| (n.cosine, n.person));
    out.truncate(config.neighbours);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_overlapping_lists_first_with_exact_counts() {
        let lists = vec![
            vec![0, 1, 2, 3],
            vec![0, 1, 2],       // 3 in common, cosine 3/√12
            vec![0, 1, 2, 3, 4], // 4 in common, cosine 4/√20
            vec![3, 5],          // 1 in common
            vec![6],             // none
        ];
        let r = Readership::new(&lists, 7);
        let mut marks = vec![false; 7];
        for &f in &lists[0] {
            marks[f as usize] = true;
        }
        let cfg = DiscoverConfig::default();
        let n = neighbours(&r, &cfg, 0, &mut Scratch::new(5), &marks);
        let ids: Vec<(u32, u32)> = n.iter().map(|n| (n.person, n.common)).collect();
        assert_eq!(ids, [(2, 4), (1, 3), (3, 1)]);
        assert!((n[0].cosine - 4.0 / 20f64.sqrt()).abs() < 1e-12);
    }
}
