//! Discovery: suggested feeds for each person, related feeds ("readers also read"), similar
//! people ("reads like you") and hidden gems, from who reads what and, when known, what the
//! feeds are about (tags and their own text).
//!
//! Pure functions over plain data: no I/O here. Every ranking is sorted with a full tie-break
//! (score, then feed or person id), so the same [`Community`] always gives the same
//! [`Discovery`], whatever the number of threads. The formula is documented in README.md
//! ("Discovery").

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Deserialize;

/// `[discover]`: how suggestions are ranked and how many are shown.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DiscoverConfig {
    /// Suggested feeds on each person's page (and from `toluu suggest`).
    pub suggestions_per_person: usize,
    /// Related feeds on each feed's page ("Readers also read").
    pub related_per_feed: usize,
    /// Similar people on each person's page ("Reads like you").
    pub similar_people: usize,
    /// How many most similar people (by list cosine) vote for a person's suggestions.
    pub neighbours: usize,
    /// Shrinkage λ of the feed–feed similarity `c/r · c/(c + λ)` for `c` shared readers of `r`.
    pub shrinkage: f64,
    /// Readers of one feed looked at, at most: bigger reader sets are sampled (every k-th
    /// reader in a fixed order), so the cost grows with follows, not with people².
    pub max_readers_sampled: usize,
    /// Weight of the people signal (user-kNN).
    pub weight_people: f64,
    /// Weight of the feed signal (feed–feed co-readership).
    pub weight_feeds: f64,
    /// Weight of the content signal (tags and text, TF-IDF cosine).
    pub weight_content: f64,
    /// Show "added most recently" on `/discover/` from the lists' git history (when the site
    /// is a git checkout).
    pub recent_from_git: bool,
    /// Weight of the popularity prior, `ln(1 + readers) / ln(1 + most readers)`, added to
    /// feeds that another signal already found.
    pub weight_popularity: f64,
    /// Count the spellings of one feed (`http`/`https`, `www.`, a trailing slash, FeedBurner)
    /// as one feed in discovery (done where the lists are read, in `suggest.rs`).
    pub merge_spellings: bool,
}

impl Default for DiscoverConfig {
    fn default() -> Self {
        DiscoverConfig {
            suggestions_per_person: 10,
            related_per_feed: 5,
            similar_people: 5,
            neighbours: 50,
            shrinkage: 5.0,
            max_readers_sampled: 50,
            weight_people: 1.0,
            weight_feeds: 1.0,
            weight_content: 0.2,
            weight_popularity: 0.25,
            recent_from_git: true,
            merge_spellings: true,
        }
    }
}

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

/// Why a feed is suggested; every variant states facts that hold in the input.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// `shared` of the `of` other readers of the person's feed `via` also read it.
    AlsoRead {
        /// The person's feed.
        via: u32,
        /// Readers of both `via` and the suggestion.
        shared: u32,
        /// Readers of `via` other than the person.
        of: u32,
    },
    /// `readers` of the person's `of` nearest neighbours read it, among them `example`, whose
    /// list has `common` feeds in common with the person's.
    ReadLikeYou {
        /// Neighbours who read it.
        readers: u32,
        /// Neighbours.
        of: u32,
        /// The most similar neighbour who reads it.
        example: u32,
        /// Feeds `example` and the person both read.
        common: u32,
    },
    /// The suggestion carries `terms`, and so do `feeds` of the person's feeds (each at least
    /// one of them). `tags` says whether the terms are tags or words of the feeds' text.
    Shares {
        /// True for tags, false for words of the feeds' own text.
        tags: bool,
        /// The terms, strongest first.
        terms: Vec<String>,
        /// How many of the person's feeds carry at least one of them.
        feeds: u32,
    },
    /// One of the most read feeds: a filler where the other signals leave the list short.
    Popular {
        /// Its readers.
        readers: u32,
    },
}

impl Reason {
    /// The reason in words, given the feeds' titles and the people's names.
    pub fn text(&self, feed_title: impl Fn(u32) -> String, name: impl Fn(u32) -> String) -> String {
        fn people(n: u32) -> String {
            if n == 1 {
                "1 person".to_owned()
            } else {
                format!("{n} people")
            }
        }
        fn list(terms: &[String]) -> String {
            match terms {
                [] => String::new(),
                [one] => one.clone(),
                [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
            }
        }
        let feeds = |n: u32| {
            if n == 1 {
                "1 of your feeds".to_owned()
            } else {
                format!("{n} of your feeds")
            }
        };
        match self {
            Reason::AlsoRead { via, shared, of } => {
                let title = feed_title(*via);
                if of == shared && *of == 1 {
                    format!("read by the other reader of {title}")
                } else if of == shared && *of == 2 {
                    format!("read by both people who also read {title}")
                } else {
                    format!(
                        "read by {shared} of the {} who also read {title}",
                        people(*of)
                    )
                }
            }
            Reason::ReadLikeYou {
                readers,
                of,
                example,
                common,
            } => {
                let common = if *common == 1 {
                    "1 feed".to_owned()
                } else {
                    format!("{common} feeds")
                };
                if *of == 1 {
                    format!(
                        "read by {}, the one person whose list is most like yours ({common} in common)",
                        name(*example)
                    )
                } else {
                    format!(
                        "read by {readers} of the {} whose lists are most like yours, among them {} ({common} in common)",
                        people(*of),
                        name(*example),
                    )
                }
            }
            Reason::Shares {
                tags: true,
                terms,
                feeds: n,
            } => format!(
                "shares the tag{} {} with {}",
                if terms.len() == 1 { "" } else { "s" },
                list(terms),
                feeds(*n)
            ),
            Reason::Shares {
                tags: false,
                terms,
                feeds: n,
            } => format!("writes about {}, like {}", list(terms), feeds(*n)),
            Reason::Popular { readers } => {
                format!("one of the most read feeds here ({})", people(*readers))
            }
        }
    }
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

/// One person's results: suggestions, similar people, and every neighbour's id.
type PersonResult = (Vec<Suggestion>, Vec<Similar>, Vec<u32>);

/// How many related feeds each feed keeps for scoring (more than are shown).
const RELATED_KEPT: usize = 30;
/// Candidate neighbours whose exact overlap is computed, per neighbour wanted.
const CANDIDATES_PER_NEIGHBOUR: usize = 2;
/// Feeds kept per content term, strongest first: bounds the cost of very common terms.
const POSTINGS_KEPT: usize = 500;
/// Terms of a person's content profile used to look for candidates.
const PROFILE_TERMS: usize = 30;
/// Text words weigh this much relative to tags.
const WORD_WEIGHT: f32 = 0.5;
/// How many hidden gems are kept.
const GEMS: usize = 10;

/// Computes every suggestion, related feed, similar person and hidden gem.
pub fn discover(community: &Community, config: &DiscoverConfig) -> Discovery {
    let model = Model::new(community, config);
    // Work comes in chunks of at least 256, so each thread sets up few scratch arrays.
    let related_kept: Vec<Vec<Related>> = (0..model.n_feeds)
        .into_par_iter()
        .with_min_len(256)
        .map_init(
            || Scratch::new(model.n_feeds),
            |s, f| model.related(f as u32, s),
        )
        .collect();
    let people: Vec<PersonResult> = (0..model.lists.len())
        .into_par_iter()
        .with_min_len(256)
        .map_init(
            || {
                let marks = vec![false; model.n_feeds];
                (
                    Scratch::new(model.lists.len()),
                    Scratch::new(model.n_feeds),
                    marks,
                )
            },
            |(sp, sf, marks), p| model.person(p as u32, &related_kept, sp, sf, marks),
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
    let hidden_gems = model.gems(&suggestions);
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

/// A dense accumulator with the list of touched slots, reused across people or feeds:
/// `count` for how many times a slot was hit, `value` for up to three signals.
struct Scratch {
    value: Vec<[f32; 3]>,
    count: Vec<u32>,
    touched: Vec<u32>,
}

impl Scratch {
    fn new(n: usize) -> Self {
        Scratch {
            value: vec![[0.0; 3]; n],
            count: vec![0; n],
            touched: Vec::new(),
        }
    }

    fn add(&mut self, slot: u32, signal: usize, value: f32) {
        let i = slot as usize;
        if self.count[i] == 0 {
            self.touched.push(slot);
        }
        self.count[i] += 1;
        self.value[i][signal] += value;
    }

    fn clear(&mut self) {
        for &t in &self.touched {
            self.value[t as usize] = [0.0; 3];
            self.count[t as usize] = 0;
        }
        self.touched.clear();
    }
}

/// The prepared input: sorted lists, reader sets, content vectors and their inverted index.
struct Model<'a> {
    config: &'a DiscoverConfig,
    n_feeds: usize,
    /// Each person's feeds, sorted, distinct.
    lists: Rows,
    /// Each feed's readers, sorted.
    readers: Rows,
    /// Feeds by popularity: most readers first, then id.
    popular: Vec<u32>,
    /// Each feed's popularity prior, `ln(1 + readers) / ln(1 + most readers)`.
    prior: Vec<f32>,
    /// The reader sets of feeds read by more than one person in 64, as bitsets, so that
    /// counting the readers two popular feeds share costs `people / 64` words at most.
    bits: Vec<Option<Box<[u64]>>>,
    /// Each feed's content vector: (term, weight), L2-normalized, sorted by term.
    vectors: Vec<Vec<(u32, f32)>>,
    /// For each term: its text and whether it is a tag.
    terms: Vec<(String, bool)>,
    /// For each term: the feeds carrying it, strongest first, at most [`POSTINGS_KEPT`].
    postings: Vec<Vec<(u32, f32)>>,
}

impl<'a> Model<'a> {
    fn new(community: &Community, config: &'a DiscoverConfig) -> Self {
        let n_feeds = community.feeds.len();
        let lists_nested: Vec<Vec<u32>> = community
            .lists
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
        let (vectors, terms) = content_vectors(&community.feeds);
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
        let readers = Rows::new(&readers);
        Model {
            config,
            n_feeds,
            lists,
            readers,
            popular,
            prior,
            bits,
            vectors,
            terms,
            postings,
        }
    }

    /// How many people read both feeds, exactly: with bitsets when both reader sets are
    /// large, else by looking the smaller set up in the larger.
    fn readers_in_common(&self, a: u32, b: u32) -> u32 {
        let (a, b) = if self.readers[a as usize].len() <= self.readers[b as usize].len() {
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

    /// A fixed sample of at most `max_readers_sampled` readers of `feed`: every k-th one, in
    /// person order.
    fn sample(&self, feed: u32) -> impl Iterator<Item = u32> + '_ {
        let all = &self.readers[feed as usize];
        let cap = self.config.max_readers_sampled.max(1);
        all.iter().step_by(all.len().div_ceil(cap).max(1)).copied()
    }

    /// The feeds most related to `feed` by shared readers, shrunk: `c/r · c/(c + λ)`.
    fn related(&self, feed: u32, s: &mut Scratch) -> Vec<Related> {
        let r_i = self.readers[feed as usize].len();
        let sampled = self.sample(feed).count();
        if sampled == 0 {
            return Vec::new();
        }
        // Co-read feeds gathered then sorted and counted: sequential memory, where counting
        // into a dense array of every feed would miss the cache at each step.
        let co = &mut s.touched;
        co.clear();
        for p in self.sample(feed) {
            co.extend(
                self.lists[p as usize]
                    .iter()
                    .copied()
                    .filter(|&j| j != feed),
            );
        }
        co.sort_unstable();
        let scale = r_i as f64 / sampled as f64;
        let lambda = self.config.shrinkage;
        // P(j | i), shrunk: `c` of the `r_i` readers of `feed` read `j`. Cosine (dividing by
        // √(r_i·r_j)) did worse on real lists, where popular feeds matter (README, Discovery).
        let sim = |c: f64| c / r_i as f64 * c / (c + lambda);
        let mut out: Vec<Related> = co
            .chunk_by(|a, b| a == b)
            .map(|run| Related {
                feed: run[0],
                shared: run.len() as u32,
                score: sim(run.len() as f64 * scale),
            })
            .collect();
        co.clear();
        keep_best(&mut out, RELATED_KEPT, |r| (r.score, r.feed));
        if sampled < r_i {
            // Counts from a sample are estimates: make the kept ones exact.
            for r in &mut out {
                r.shared = self.readers_in_common(feed, r.feed);
                r.score = sim(f64::from(r.shared));
            }
            sort_best(&mut out, |r| (r.score, r.feed));
        }
        out
    }

    /// The people most like `person`: candidates from the sampled readers of their feeds,
    /// then the exact cosine of the two lists.
    /// `marks` flags the person's feeds.
    fn neighbours(&self, person: u32, s: &mut Scratch, marks: &[bool]) -> Vec<(u32, u32, f64)> {
        let mine = &self.lists[person as usize];
        for &f in mine {
            for v in self.sample(f) {
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
        let keep = self.config.neighbours.max(1) * CANDIDATES_PER_NEIGHBOUR;
        if candidates.len() > keep {
            candidates.select_nth_unstable_by(keep, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            candidates.truncate(keep);
        }
        let mut out: Vec<(u32, u32, f64)> = candidates
            .into_iter()
            .map(|(v, _)| {
                let theirs = &self.lists[v as usize];
                let common: u32 = theirs.iter().map(|&f| u32::from(marks[f as usize])).sum();
                let cos = f64::from(common) / ((mine.len() * theirs.len()) as f64).sqrt();
                (v, common, cos)
            })
            .collect();
        sort_best(&mut out, |n| (n.2, n.0));
        out.truncate(self.config.neighbours);
        out
    }

    /// One person's suggestions and similar people.
    fn person(
        &self,
        person: u32,
        related: &[Vec<Related>],
        sp: &mut Scratch,
        sf: &mut Scratch,
        marks: &mut [bool],
    ) -> PersonResult {
        let mine = &self.lists[person as usize];
        for &f in mine {
            marks[f as usize] = true;
        }
        let out = self.suggest(person, related, sp, sf, marks);
        for &f in mine {
            marks[f as usize] = false;
        }
        out
    }

    /// [`Model::person`], with the person's feeds flagged in `marks`.
    fn suggest(
        &self,
        person: u32,
        related: &[Vec<Related>],
        sp: &mut Scratch,
        sf: &mut Scratch,
        marks: &[bool],
    ) -> PersonResult {
        let cfg = self.config;
        let mine = &self.lists[person as usize];
        let neighbours = self.neighbours(person, sp, marks);
        let reads = |f: u32| marks[f as usize];

        // Three signals, accumulated densely over candidate feeds: [people, feeds, content].
        for &(v, _, cos) in &neighbours {
            for &j in &self.lists[v as usize] {
                if !reads(j) {
                    sf.add(j, 0, cos as f32);
                }
            }
        }
        for &i in mine {
            for r in &related[i as usize] {
                if !reads(r.feed) {
                    sf.add(r.feed, 1, r.score as f32);
                }
            }
        }
        let profile = self.profile(mine);
        self.content_scores(&profile, mine, sf);

        let mut max = [0.0f64; 2];
        for &j in &sf.touched {
            for (k, m) in max.iter_mut().enumerate() {
                *m = m.max(f64::from(sf.value[j as usize][k]));
            }
        }
        let total =
            cfg.weight_people + cfg.weight_feeds + cfg.weight_content + cfg.weight_popularity;
        let total = if total > 0.0 { total } else { 1.0 };
        let ratio = |x: f32, m: f64| if m > 0.0 { f64::from(x) / m } else { 0.0 };
        let mut candidates: Vec<(u32, f64, [f64; 4])> = Vec::new();
        for &j in &sf.touched {
            let v = sf.value[j as usize];
            let parts = [
                cfg.weight_people * ratio(v[0], max[0]),
                cfg.weight_feeds * ratio(v[1], max[1]),
                cfg.weight_content * f64::from(v[2]),
                cfg.weight_popularity * f64::from(self.prior[j as usize]),
            ];
            let score = parts.iter().sum::<f64>() / total;
            if score > 0.0 {
                candidates.push((j, score, parts));
            }
        }
        sf.clear();
        keep_best(&mut candidates, cfg.suggestions_per_person, |c| (c.1, c.0));

        let mut out: Vec<Suggestion> = candidates
            .iter()
            .map(|&(j, score, parts)| Suggestion {
                feed: j,
                score,
                reason: self.reason(j, parts, mine, &neighbours, related, &profile),
            })
            .collect();
        // Popularity fills what the other signals leave empty, below every real suggestion.
        let floor = out.last().map_or(0.01, |s| s.score / 2.0);
        let max_readers = self
            .popular
            .first()
            .map_or(1, |&f| self.readers[f as usize].len());
        for &f in &self.popular {
            if out.len() >= cfg.suggestions_per_person {
                break;
            }
            let readers = self.readers[f as usize].len();
            if readers < 2 {
                break;
            }
            if reads(f) || out.iter().any(|s| s.feed == f) {
                continue;
            }
            out.push(Suggestion {
                feed: f,
                score: floor * readers as f64 / max_readers as f64,
                reason: Reason::Popular {
                    readers: readers as u32,
                },
            });
        }

        let similar = neighbours
            .iter()
            .take(cfg.similar_people)
            .map(|&(v, _, cos)| Similar {
                person: v,
                shared: self.lists[v as usize]
                    .iter()
                    .copied()
                    .filter(|&f| reads(f))
                    .collect(),
                score: cos,
            })
            .collect();
        let neighbours = neighbours.iter().map(|n| n.0).collect();
        (out, similar, neighbours)
    }

    /// The reason for suggesting `feed`: the fact behind its strongest signal.
    fn reason(
        &self,
        feed: u32,
        parts: [f64; 4],
        mine: &[u32],
        neighbours: &[(u32, u32, f64)],
        related: &[Vec<Related>],
        profile: &[(u32, f32)],
    ) -> Reason {
        let mut order = [0usize, 1, 2];
        order.sort_by(|&a, &b| parts[b].total_cmp(&parts[a]).then(a.cmp(&b)));
        for signal in order {
            if parts[signal] <= 0.0 {
                break;
            }
            let reason = match signal {
                0 => {
                    let readers: Vec<&(u32, u32, f64)> = neighbours
                        .iter()
                        .filter(|n| self.lists[n.0 as usize].binary_search(&feed).is_ok())
                        .collect();
                    readers.first().map(|first| Reason::ReadLikeYou {
                        readers: readers.len() as u32,
                        of: neighbours.len() as u32,
                        example: first.0,
                        common: first.1,
                    })
                }
                1 => mine
                    .iter()
                    .filter_map(|&i| {
                        let r = related[i as usize].iter().find(|r| r.feed == feed)?;
                        Some((i, r))
                    })
                    .max_by(|a, b| a.1.score.total_cmp(&b.1.score).then(b.0.cmp(&a.0)))
                    .map(|(i, r)| Reason::AlsoRead {
                        via: i,
                        shared: r.shared,
                        of: self.readers[i as usize].len() as u32 - 1,
                    }),
                _ => self.shares(feed, mine, profile),
            };
            if let Some(reason) = reason {
                return reason;
            }
        }
        Reason::Popular {
            readers: self.readers[feed as usize].len() as u32,
        }
    }

    /// The terms `feed` shares with the person's profile, tags first, and how many of the
    /// person's feeds carry at least one of them.
    fn shares(&self, feed: u32, mine: &[u32], profile: &[(u32, f32)]) -> Option<Reason> {
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

    /// A person's content profile: the sum of their feeds' vectors, L2-normalized, by term.
    fn profile(&self, mine: &[u32]) -> Vec<(u32, f32)> {
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

    /// Adds, as signal 2, the cosine of the profile with every feed that carries one of its
    /// strongest terms.
    fn content_scores(&self, profile: &[(u32, f32)], mine: &[u32], s: &mut Scratch) {
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
                    s.add(f, 2, cos);
                }
            }
        }
    }
    /// Feeds read by at most two people, by how many people they are suggested to.
    fn gems(&self, suggestions: &[Vec<Suggestion>]) -> Vec<Gem> {
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
            .filter(|&(f, n)| n >= 2 && self.readers[f as usize].len() <= 2)
            .map(|(f, n)| Gem {
                feed: f,
                readers: self.readers[f as usize].len() as u32,
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
}

/// Rows of ids in one flat array (each person's feeds, each feed's readers): one allocation,
/// and a row is one slice away, which matters when millions of rows are visited at random.
struct Rows {
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

    fn len(&self) -> usize {
        self.starts.len() - 1
    }
}

impl std::ops::Index<usize> for Rows {
    type Output = [u32];
    fn index(&self, i: usize) -> &[u32] {
        &self.ids[self.starts[i]..self.starts[i + 1]]
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
        for w in &feed.words {
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

/// A sparse vector: (term, weight), sorted by term.
type SparseVector = Vec<(u32, f32)>;

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

/// Keeps the `k` best items, sorted best first, without sorting the rest.
fn keep_best<T>(items: &mut Vec<T>, k: usize, key: impl Fn(&T) -> (f64, u32)) {
    let order = |a: &T, b: &T| {
        let (sa, ia) = key(a);
        let (sb, ib) = key(b);
        sb.total_cmp(&sa).then(ia.cmp(&ib))
    };
    if items.len() > k && k > 0 {
        items.select_nth_unstable_by(k - 1, order);
    }
    items.truncate(k);
    items.shrink_to_fit();
    items.sort_by(order);
}

/// Sorts best first: by score descending, then id ascending (a total, fixed order).
fn sort_best<T>(items: &mut [T], key: impl Fn(&T) -> (f64, u32)) {
    items.sort_by(|a, b| {
        let (sa, ia) = key(a);
        let (sb, ib) = key(b);
        sb.total_cmp(&sa).then(ia.cmp(&ib))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn community(lists: &[&[u32]], n_feeds: usize) -> Community {
        Community {
            lists: lists.iter().map(|l| l.to_vec()).collect(),
            feeds: vec![FeedContent::default(); n_feeds],
        }
    }

    fn reads(c: &Community, p: usize, f: u32) -> bool {
        c.lists[p].contains(&f)
    }

    /// Every reason states facts that hold in the input.
    fn assert_reasons_true(c: &Community, d: &Discovery) {
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
                        let mine: Vec<u32> = c.lists[p].clone();
                        let inter = mine.iter().filter(|&&f| reads(c, e, f)).count() as u32;
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

    #[test]
    fn shrinkage_prefers_many_shared_readers_over_one() {
        // Feed 0 and 1: 20 readers in common out of 30. Feed 2 and 3: one reader, in common.
        let mut lists: Vec<Vec<u32>> = (0..30)
            .map(|p| if p < 20 { vec![0, 1] } else { vec![0] })
            .collect();
        lists.push(vec![2, 3]);
        let c = Community {
            lists,
            feeds: vec![FeedContent::default(); 4],
        };
        let d = discover(&c, &DiscoverConfig::default());
        let r01 = &d.related[0][0];
        let r23 = &d.related[2][0];
        assert_eq!((r01.feed, r01.shared), (1, 20));
        assert_eq!((r23.feed, r23.shared), (3, 1));
        // Without shrinkage, P(3|2) = 1 beats P(1|0) = 2/3; with it, 20 shared readers win.
        assert!(r01.score > r23.score, "{r01:?} vs {r23:?}");
    }

    #[test]
    fn popularity_fills_but_does_not_take_every_list() {
        // Feeds 0..3 are read by most; two interest groups share 3..8 and 8..13, each person
        // missing one feed of their group.
        let mut lists: Vec<Vec<u32>> = Vec::new();
        for p in 0..20u32 {
            let group = if p < 10 { 3 } else { 8 };
            // Popular feeds: each read by 16 of the 20, so they are candidates too.
            let mut l: Vec<u32> = (0..3).filter(|k| (p + k) % 5 != 0).collect();
            l.extend((group..group + 5).filter(|f| f % 5 != p % 5));
            lists.push(l);
        }
        lists.push(vec![13]); // someone alone with a feed nobody else reads
        let c = Community {
            lists,
            feeds: vec![FeedContent::default(); 14],
        };
        let d = discover(&c, &DiscoverConfig::default());
        for p in 0..20 {
            let group = if p < 10 { 3..8 } else { 8..13 };
            // The missing group feed comes first or second (after a missing popular feed).
            let top: Vec<u32> = d.suggestions[p].iter().take(2).map(|s| s.feed).collect();
            assert!(
                top.iter().any(|f| group.contains(f)),
                "person {p} got {top:?} first"
            );
            assert!(
                d.suggestions[p]
                    .iter()
                    .any(|s| !matches!(s.reason, Reason::Popular { .. })),
                "person {p} got only popular feeds"
            );
        }
        // The loner has no overlap: popular feeds fill their list, and say so.
        assert!(!d.suggestions[20].is_empty());
        assert!(
            d.suggestions[20]
                .iter()
                .all(|s| matches!(s.reason, Reason::Popular { .. }))
        );
        assert_reasons_true(&c, &d);
    }

    #[test]
    fn tags_carry_a_small_community() {
        // Three people, no feed in common: only tags can relate them.
        let tag = |t: &str| FeedContent {
            tags: vec![(t.to_owned(), 1)],
            words: Vec::new(),
        };
        let c = Community {
            lists: vec![vec![0, 1], vec![2, 3], vec![4]],
            feeds: vec![
                tag("rust"),
                tag("cooking"),
                tag("rust"),
                tag("knitting"),
                tag("cooking"),
            ],
        };
        let d = discover(&c, &DiscoverConfig::default());
        let first = &d.suggestions[0][0];
        assert!([2, 4].contains(&first.feed), "{first:?}");
        let text = first
            .reason
            .text(|f| format!("feed {f}"), |p| format!("person {p}"));
        assert!(text.starts_with("shares the tag"), "{text}");
        assert_reasons_true(&c, &d);
    }

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
        let c = community(&lists.iter().map(Vec::as_slice).collect::<Vec<_>>(), 40);
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
