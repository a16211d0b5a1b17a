//! Who reads what, prepared for counting: each person's feeds and each feed's readers as flat
//! sorted rows, the feeds by popularity, the popularity prior, bitsets for the reader sets of
//! popular feeds, and the fixed sample of a feed's readers that keeps the cost linear in follows.

/// The lists and reader sets, and what is derived from their sizes alone.
pub(super) struct Readership {
    /// Each person's feeds, sorted, distinct.
    pub(super) lists: Rows,
    /// Each feed's readers, sorted.
    pub(super) readers: Rows,
    /// Feeds by popularity: most readers first, then id.
    pub(super) popular: Vec<u32>,
    /// Each feed's popularity prior, `ln(1 + readers) / ln(1 + most readers)`.
    pub(super) prior: Vec<f32>,
    /// The reader sets of feeds read by more than one person in 64, as bitsets, so that
    /// counting the readers two popular feeds share costs `people / 64` words at most.
    bits: Vec<Option<Box<[u64]>>>,
}

impl Readership {
    /// Reads each person's list of feed ids; ids at or past `n_feeds` are ignored, and a feed
    /// listed twice counts once.
    pub(super) fn new(lists: &[Vec<u32>], n_feeds: usize) -> Self {
        let lists_nested: Vec<Vec<u32>> = lists
            .iter()
            .map(|l| {
                let mut l: Vec<u32> = l
                    .iter()
                    .copied()
                    .filter(|&f| (f as usize) < n_feeds)
                    .collect();
                l.sort_unstable();
                l.dedup();
                l
            })
            .collect();
        let mut readers: Vec<Vec<u32>> = vec![Vec::new(); n_feeds];
        for (p, list) in lists_nested.iter().enumerate() {
            for &f in list {
                readers[f as usize].push(p as u32);
            }
        }
        let lists = Rows::new(&lists_nested);
        drop(lists_nested);
        let mut popular: Vec<u32> = (0..n_feeds as u32).collect();
        popular.sort_by_key(|&f| (std::cmp::Reverse(readers[f as usize].len()), f));
        let most = popular.first().map_or(0, |&f| readers[f as usize].len());
        let prior = readers
            .iter()
            .map(|r| ((r.len() as f64).ln_1p() / (most as f64).ln_1p().max(1e-9)) as f32)
            .collect();
        let words = lists.len().div_ceil(64);
        let bits = readers
            .iter()
            .map(|r| {
                (r.len() > words.max(64)).then(|| {
                    let mut b = vec![0u64; words].into_boxed_slice();
                    for &p in r {
                        b[p as usize / 64] |= 1 << (p % 64);
                    }
                    b
                })
            })
            .collect();
        Readership {
            lists,
            readers: Rows::new(&readers),
            popular,
            prior,
            bits,
        }
    }

    /// How many feeds there are.
    pub(super) fn n_feeds(&self) -> usize {
        self.readers.len()
    }

    /// How many people there are.
    pub(super) fn n_people(&self) -> usize {
        self.lists.len()
    }

    /// How many people read `feed`.
    pub(super) fn count(&self, feed: u32) -> usize {
        self.readers[feed as usize].len()
    }

    /// Whether `person` reads `feed`.
    pub(super) fn reads(&self, person: u32, feed: u32) -> bool {
        self.lists[person as usize].binary_search(&feed).is_ok()
    }

    /// How many people read both feeds, exactly: with bitsets when both reader sets are
    /// large, else by looking the smaller set up in the larger.
    pub(super) fn in_common(&self, a: u32, b: u32) -> u32 {
        let (a, b) = if self.count(a) <= self.count(b) {
            (a as usize, b as usize)
        } else {
            (b as usize, a as usize)
        };
        match (&self.bits[a], &self.bits[b]) {
            (Some(x), Some(y)) => x
                .iter()
                .zip(y.iter())
                .map(|(x, y)| (x & y).count_ones())
                .sum(),
            (None, Some(y)) => self.readers[a]
                .iter()
                .filter(|&&p| y[p as usize / 64] >> (p % 64) & 1 == 1)
                .count() as u32,
            _ => intersection(&self.readers[a], &self.readers[b]),
        }
    }

    /// A fixed sample of at most `cap` readers of `feed`: every k-th one, in person order.
    pub(super) fn sample(&self, feed: u32, cap: usize) -> impl Iterator<Item = u32> + '_ {
        let all = &self.readers[feed as usize];
        all.iter()
            .step_by(all.len().div_ceil(cap.max(1)).max(1))
            .copied()
    }
}

/// Rows of ids in one flat array (each person's feeds, each feed's readers): one allocation,
/// and a row is one slice away, which matters when millions of rows are visited at random.
pub(super) struct Rows {
    starts: Vec<usize>,
    ids: Vec<u32>,
}

impl Rows {
    fn new(rows: &[Vec<u32>]) -> Self {
        let mut starts = Vec::with_capacity(rows.len() + 1);
        let mut ids = Vec::with_capacity(rows.iter().map(Vec::len).sum());
        starts.push(0);
        for r in rows {
            ids.extend_from_slice(r);
            starts.push(ids.len());
        }
        Rows { starts, ids }
    }

    pub(super) fn len(&self) -> usize {
        self.starts.len() - 1
    }
}

impl std::ops::Index<usize> for Rows {
    type Output = [u32];
    fn index(&self, i: usize) -> &[u32] {
        &self.ids[self.starts[i]..self.starts[i + 1]]
    }
}

/// The size of the intersection of two sorted lists: binary searches from the shorter one,
/// so a feed with 50,000 readers costs little against one with 10.
fn intersection(a: &[u32], b: &[u32]) -> u32 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.len() * 8 < large.len() {
        small
            .iter()
            .filter(|x| large.binary_search(x).is_ok())
            .count() as u32
    } else {
        let (mut i, mut j, mut n) = (0, 0, 0);
        while i < small.len() && j < large.len() {
            match small[i].cmp(&large[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    n += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_in_common_agree_with_bitsets_lists_and_a_sample() {
        // 200 people: feed 0 read by all (a bitset), feed 1 by even people (a bitset), feed 2
        // by every third person up to 30 (a list), feed 3 by person 5 only.
        let lists: Vec<Vec<u32>> = (0..200u32)
            .map(|p| {
                let mut l = vec![0, 0];
                if p % 2 == 0 {
                    l.push(1);
                }
                if p % 3 == 0 && p < 30 {
                    l.push(2);
                }
                if p == 5 {
                    l.push(3);
                }
                l.push(99); // out of range: ignored
                l
            })
            .collect();
        let r = Readership::new(&lists, 4);
        assert_eq!((r.n_people(), r.n_feeds()), (200, 4));
        assert_eq!(r.count(0), 200, "a feed listed twice counts once");
        let brute = |a: u32, b: u32| {
            (0..200u32)
                .filter(|&p| r.reads(p, a) && r.reads(p, b))
                .count() as u32
        };
        for a in 0..4 {
            for b in 0..4 {
                assert_eq!(r.in_common(a, b), brute(a, b), "{a} {b}");
            }
        }
        assert_eq!(r.popular, [0, 1, 2, 3]);
        assert_eq!(r.prior[0], 1.0);
        let sample: Vec<u32> = r.sample(0, 50).collect();
        assert_eq!(sample.len(), 50);
        assert_eq!(&sample[..3], [0, 4, 8]);
        assert_eq!(r.sample(3, 50).collect::<Vec<_>>(), [5]);
    }
}
