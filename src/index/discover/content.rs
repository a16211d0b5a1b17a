//! The content signal: a TF-IDF vector per feed over the tags its readers gave it and the
//! words of its own text, a person's profile as the sum of their feeds' vectors, and the
//! cosine between the two, found through an inverted index of each term's strongest feeds.

use std::collections::HashMap;

use super::input::FeedContent;
use super::order::sort_best;
use super::reasons::Reason;
use super::scratch::Scratch;

/// Feeds kept per content term, strongest first: bounds the cost of very common terms.
const POSTINGS_KEPT: usize = 500;
/// Terms of a person's content profile used to look for candidates.
const PROFILE_TERMS: usize = 30;
/// Text words weigh this much relative to tags.
const WORD_WEIGHT: f32 = 0.5;

/// A sparse vector: (term, weight), sorted by term.
pub(super) type SparseVector = Vec<(u32, f32)>;

/// The content vectors and their inverted index.
pub(super) struct ContentIndex {
    /// Each feed's content vector, L2-normalized.
    vectors: Vec<SparseVector>,
    /// For each term: its text and whether it is a tag.
    terms: Vec<(String, bool)>,
    /// For each term: the feeds carrying it, strongest first, at most [`POSTINGS_KEPT`].
    postings: Vec<Vec<(u32, f32)>>,
}

impl ContentIndex {
    pub(super) fn new(feeds: &[FeedContent]) -> Self {
        let (vectors, terms) = content_vectors(feeds);
        let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); terms.len()];
        for (f, v) in vectors.iter().enumerate() {
            for &(t, w) in v {
                postings[t as usize].push((f as u32, w));
            }
        }
        for p in &mut postings {
            p.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            p.truncate(POSTINGS_KEPT);
        }
        ContentIndex {
            vectors,
            terms,
            postings,
        }
    }

    /// A person's content profile: the sum of their feeds' vectors, L2-normalized, by term.
    pub(super) fn profile(&self, mine: &[u32]) -> SparseVector {
        let mut sum: HashMap<u32, f32> = HashMap::new();
        for &f in mine {
            for &(t, w) in &self.vectors[f as usize] {
                *sum.entry(t).or_default() += w;
            }
        }
        let mut v: Vec<(u32, f32)> = sum.into_iter().collect();
        v.sort_unstable_by_key(|x| x.0);
        normalize(&mut v);
        v
    }

    /// Adds, as `signal`, the cosine of the profile with every feed the person does not read
    /// that carries one of the profile's strongest terms.
    pub(super) fn add_scores(
        &self,
        profile: &[(u32, f32)],
        mine: &[u32],
        s: &mut Scratch,
        signal: usize,
    ) {
        let mut strongest = profile.to_vec();
        sort_best(&mut strongest, |x| (f64::from(x.1), x.0));
        strongest.truncate(PROFILE_TERMS);
        let mut seen: Vec<u32> = Vec::new();
        for &(t, _) in &strongest {
            seen.extend(self.postings[t as usize].iter().map(|x| x.0));
        }
        seen.sort_unstable();
        seen.dedup();
        for f in seen {
            if mine.binary_search(&f).is_err() {
                let cos = dot(profile, &self.vectors[f as usize]) as f32;
                if cos > 0.0 {
                    s.add(f, signal, cos);
                }
            }
        }
    }

    /// The terms `feed` shares with the person's profile (tags if any, else words), the two
    /// strongest, and how many of the person's feeds carry at least one of them.
    pub(super) fn shared_terms(
        &self,
        feed: u32,
        mine: &[u32],
        profile: &[(u32, f32)],
    ) -> Option<Reason> {
        let v = &self.vectors[feed as usize];
        let mut contrib: Vec<(u32, f32)> = v
            .iter()
            .filter_map(|&(t, w)| {
                let p = profile.binary_search_by_key(&t, |x| x.0).ok()?;
                Some((t, w * profile[p].1))
            })
            .collect();
        let any_tag = contrib.iter().any(|&(t, _)| self.terms[t as usize].1);
        contrib.retain(|&(t, _)| self.terms[t as usize].1 == any_tag);
        sort_best(&mut contrib, |c| (f64::from(c.1), c.0));
        contrib.truncate(2);
        if contrib.is_empty() {
            return None;
        }
        let carries = |f: u32| {
            let vf = &self.vectors[f as usize];
            contrib
                .iter()
                .any(|&(t, _)| vf.binary_search_by_key(&t, |x| x.0).is_ok())
        };
        Some(Reason::Shares {
            tags: any_tag,
            terms: contrib
                .iter()
                .map(|&(t, _)| self.terms[t as usize].0.clone())
                .collect(),
            feeds: mine.iter().filter(|&&f| carries(f)).count() as u32,
        })
    }
}

/// Builds each feed's TF-IDF vector over tags and words, and the term table.
fn content_vectors<'f>(feeds: &'f [FeedContent]) -> (Vec<SparseVector>, Vec<(String, bool)>) {
    let mut ids: HashMap<(bool, &'f str), u32> = HashMap::new();
    let mut terms: Vec<(String, bool)> = Vec::new();
    let mut df: Vec<u32> = Vec::new();
    let mut raw: Vec<Vec<(u32, f32)>> = Vec::with_capacity(feeds.len());
    for feed in feeds {
        let mut tf: HashMap<u32, f32> = HashMap::new();
        let mut intern = |is_tag: bool, term: &'f str| {
            let next = terms.len() as u32;
            let id = *ids.entry((is_tag, term)).or_insert(next);
            if id == next {
                terms.push((term.to_owned(), is_tag));
                df.push(0);
            }
            id
        };
        for (tag, n) in &feed.tags {
            let id = intern(true, tag);
            *tf.entry(id).or_default() += 1.0 + (*n.max(&1) as f32).ln();
        }
        let mut words: HashMap<u32, f32> = HashMap::new();
        for w in feed.words() {
            *words.entry(intern(false, w)).or_default() += 1.0;
        }
        for (id, n) in words {
            tf.insert(id, WORD_WEIGHT * (1.0 + n.ln()));
        }
        for &id in tf.keys() {
            df[id as usize] += 1;
        }
        raw.push(tf.into_iter().collect());
    }
    let n = feeds.len() as f32;
    let vectors = raw
        .into_iter()
        .map(|mut v| {
            // A term on one feed only says nothing about others; a word on most feeds is noise.
            v.retain(|&(t, _)| {
                let d = df[t as usize];
                d >= 2 && (terms[t as usize].1 || (d as f32) < n / 2.0)
            });
            for (t, w) in &mut v {
                *w *= ((1.0 + n) / (1.0 + df[*t as usize] as f32)).ln() + 1.0;
            }
            v.sort_unstable_by_key(|x| x.0);
            normalize(&mut v);
            v
        })
        .collect();
    (vectors, terms)
}

fn normalize(v: &mut [(u32, f32)]) {
    let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
    if norm > 0.0 {
        for x in v {
            x.1 /= norm;
        }
    }
}

/// The dot product of two sparse vectors sorted by term.
fn dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f64 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += f64::from(a[i].1 * b[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tagged(tags: &[&str], words: &[&str]) -> FeedContent {
        FeedContent {
            tags: tags.iter().map(|t| ((*t).to_owned(), 1)).collect(),
            words: words.iter().map(|w| format!("{w} ")).collect(),
        }
    }

    #[test]
    fn profiles_find_feeds_by_shared_tags_and_name_them() {
        let feeds = [
            tagged(&["rust", "db"], &[]),
            tagged(&["rust"], &[]),
            tagged(&["cooking"], &[]),
            tagged(&["cooking", "rust"], &[]),
            tagged(&["db"], &[]),
            tagged(&["unique"], &[]), // on one feed only: dropped
        ];
        let c = ContentIndex::new(&feeds);
        assert!(c.vectors[5].is_empty());
        let mine = [0];
        let profile = c.profile(&mine);
        let mut s = Scratch::new(feeds.len());
        c.add_scores(&profile, &mine, &mut s, 2);
        let mut found = s.touched.clone();
        found.sort_unstable();
        assert_eq!(
            found,
            [1, 3, 4],
            "not feed 0 (read), not 2 (no term in common)"
        );
        let reason = c.shared_terms(1, &mine, &profile).expect("shares rust");
        assert_eq!(
            reason,
            Reason::Shares {
                tags: true,
                terms: vec!["rust".to_owned()],
                feeds: 1
            }
        );
        assert!(c.shared_terms(2, &mine, &profile).is_none());
    }

    #[test]
    fn words_count_only_when_no_tag_is_shared() {
        let feeds = [
            tagged(&[], &["compiler", "compiler", "garden"]),
            tagged(&[], &["compiler"]),
            tagged(&[], &["garden"]),
            tagged(&[], &["other"]),
            tagged(&[], &["other"]),
        ];
        let c = ContentIndex::new(&feeds);
        let profile = c.profile(&[0]);
        match c.shared_terms(1, &[0], &profile) {
            Some(Reason::Shares { tags, terms, feeds }) => {
                assert!(!tags);
                assert_eq!(terms, ["compiler"]);
                assert_eq!(feeds, 1);
            }
            other => panic!("{other:?}"),
        }
    }
}
