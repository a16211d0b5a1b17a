//! One person's suggestions: the three signals (people, feeds, content) gathered over the feeds
//! they reach, blended with the popularity prior, the best kept with their reasons, and the
//! most read feeds filling what is left, below every other suggestion.

use super::explain::{Evidence, explain};
use super::model::Model;
use super::neighbours::{Neighbour, neighbours};
use super::order::keep_best;
use super::reasons::Reason;
use super::results::{Related, Similar, Suggestion};
use super::scratch::Scratch;

/// Signals, by their slot in [`Scratch`].
const PEOPLE: usize = 0;
const FEEDS: usize = 1;
const CONTENT: usize = 2;

/// One person's results: suggestions, similar people, and every neighbour's id.
pub(super) type PersonResult = (Vec<Suggestion>, Vec<Similar>, Vec<u32>);

/// Scratch space for one thread: over people, over feeds, and a flag per feed.
pub(super) struct Workspace {
    people: Scratch,
    feeds: Scratch,
    marks: Vec<bool>,
}

impl Workspace {
    pub(super) fn new(n_people: usize, n_feeds: usize) -> Self {
        Workspace {
            people: Scratch::new(n_people),
            feeds: Scratch::new(n_feeds),
            marks: vec![false; n_feeds],
        }
    }
}

/// One person's suggestions and similar people.
pub(super) fn person(
    model: &Model,
    person: u32,
    related: &[Vec<Related>],
    w: &mut Workspace,
) -> PersonResult {
    let mine = &model.readership.lists[person as usize];
    for &f in mine {
        w.marks[f as usize] = true;
    }
    let out = suggest(model, person, related, w);
    for &f in mine {
        w.marks[f as usize] = false;
    }
    out
}

/// [`person`], with the person's feeds flagged in `w.marks`.
fn suggest(
    model: &Model,
    person: u32,
    related: &[Vec<Related>],
    w: &mut Workspace,
) -> PersonResult {
    let cfg = model.config;
    let r = &model.readership;
    let mine = &r.lists[person as usize];
    let neighbours = neighbours(r, cfg, person, &mut w.people, &w.marks);
    let marks = &w.marks;
    let reads = |f: u32| marks[f as usize];
    let sf = &mut w.feeds;
    let profile = model.content.profile(mine);
    gather(model, mine, &neighbours, related, &profile, sf, reads);
    let mut candidates = blend(model, sf);
    sf.clear();
    keep_best(&mut candidates, cfg.suggestions_per_person, |c| (c.1, c.0));

    let evidence = Evidence {
        mine,
        neighbours: &neighbours,
        related,
        profile: &profile,
    };
    let mut out: Vec<Suggestion> = candidates
        .iter()
        .map(|&(j, score, parts)| Suggestion {
            feed: j,
            score,
            reason: explain(model, j, parts, &evidence),
        })
        .collect();
    fill_with_popular(model, &mut out, reads);

    let similar = neighbours
        .iter()
        .take(cfg.similar_people)
        .map(|n| Similar {
            person: n.person,
            shared: r.lists[n.person as usize]
                .iter()
                .copied()
                .filter(|&f| reads(f))
                .collect(),
            score: n.cosine,
        })
        .collect();
    let neighbours = neighbours.iter().map(|n: &Neighbour| n.person).collect();
    (out, similar, neighbours)
}

/// Adds each signal over the feeds it reaches: people (the cosines of the neighbours who read
/// a feed), feeds (the similarities of the person's feeds to it) and content (the cosine of
/// the person's profile with it). Feeds the person reads are left out.
fn gather(
    model: &Model,
    mine: &[u32],
    neighbours: &[Neighbour],
    related: &[Vec<Related>],
    profile: &[(u32, f32)],
    sf: &mut Scratch,
    reads: impl Fn(u32) -> bool,
) {
    let r = &model.readership;
    for n in neighbours {
        for &j in &r.lists[n.person as usize] {
            if !reads(j) {
                sf.add(j, PEOPLE, n.cosine as f32);
            }
        }
    }
    for &i in mine {
        for rel in &related[i as usize] {
            if !reads(rel.feed) {
                sf.add(rel.feed, FEEDS, rel.score as f32);
            }
        }
    }
    model.content.add_scores(profile, mine, sf, CONTENT);
}

/// Every feed a signal reached, with its blended score and the weighted parts of it (people
/// and feeds divided by their maximum over the person's candidates, content as a cosine, the
/// popularity prior), the parts' sum divided by the sum of the weights.
fn blend(model: &Model, sf: &Scratch) -> Vec<(u32, f64, [f64; 4])> {
    let cfg = model.config;
    let mut max = [0.0f64; 2];
    for &j in &sf.touched {
        for (k, m) in max.iter_mut().enumerate() {
            *m = m.max(f64::from(sf.value[j as usize][k]));
        }
    }
    let total = cfg.weight_people + cfg.weight_feeds + cfg.weight_content + cfg.weight_popularity;
    let total = if total > 0.0 { total } else { 1.0 };
    let ratio = |x: f32, m: f64| if m > 0.0 { f64::from(x) / m } else { 0.0 };
    let mut candidates = Vec::new();
    for &j in &sf.touched {
        let v = sf.value[j as usize];
        let parts = [
            cfg.weight_people * ratio(v[PEOPLE], max[PEOPLE]),
            cfg.weight_feeds * ratio(v[FEEDS], max[FEEDS]),
            cfg.weight_content * f64::from(v[CONTENT]),
            cfg.weight_popularity * f64::from(model.readership.prior[j as usize]),
        ];
        let score = parts.iter().sum::<f64>() / total;
        if score > 0.0 {
            candidates.push((j, score, parts));
        }
    }
    candidates
}

/// Popularity fills what the other signals leave empty, below every real suggestion: the most
/// read feeds (two readers or more) the person does not read.
fn fill_with_popular(model: &Model, out: &mut Vec<Suggestion>, reads: impl Fn(u32) -> bool) {
    let r = &model.readership;
    let floor = out.last().map_or(0.01, |s| s.score / 2.0);
    let max_readers = r.popular.first().map_or(1, |&f| r.count(f));
    for &f in &r.popular {
        if out.len() >= model.config.suggestions_per_person {
            break;
        }
        let readers = r.count(f);
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
}

#[cfg(test)]
mod tests {
    use super::super::check::assert_reasons_true;
    use super::super::compute::discover;
    use super::super::input::{Community, FeedContent};
    use super::*;
    use crate::site::DiscoverConfig;

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
            words: String::new(),
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
}
