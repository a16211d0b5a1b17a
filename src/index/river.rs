//! The order of the rivers: a new feed's backlog trimmed, a post carried by several feeds
//! shown once, and no feed over its share of a page.

use std::collections::{HashMap, HashSet, VecDeque};

use super::feed::{FeedInfo, PostRef};

/// Keeps at most `new_feed_items` posts of each new feed's backlog in the river (0: all).
///
/// A feed is *new* when it was added after the site's first build: its
/// [`FeedInfo::first_seen`] (the build that first got content from it, recorded in its cache
/// file) is later than the earliest `first_seen` of all feeds. Feeds cached before toluu
/// recorded `first_seen` count as there from the start; feeds first fetched in the same build
/// as the oldest ones are not new either, so a site's first build shows every feed in full.
/// A new feed's backlog is what it had published before its first fetch: its posts dated
/// before `first_seen`, and its undated posts. Posts published later are never trimmed, and
/// every post stays on the feed's own page.
pub fn limit_backlog(river: &[PostRef], feeds: &[FeedInfo], new_feed_items: usize) -> Vec<PostRef> {
    if new_feed_items == 0 {
        return river.to_vec();
    }
    // `None` (there before toluu recorded it) sorts before every time.
    let Some(site_start) = feeds.iter().map(|f| f.first_seen).min() else {
        return river.to_vec();
    };
    let mut backlog_kept = vec![0usize; feeds.len()];
    river
        .iter()
        .copied()
        .filter(|p| {
            let feed = &feeds[p.feed];
            let first_seen = match feed.first_seen {
                Some(t) if Some(t) > site_start => t,
                _ => return true,
            };
            let is_backlog = feed.items[p.item].date().is_none_or(|d| d < first_seen);
            if !is_backlog {
                return true;
            }
            backlog_kept[p.feed] += 1;
            backlog_kept[p.feed] <= new_feed_items
        })
        .collect()
}

/// Keeps the first of the posts that share a link (the same post carried by two feeds, e.g.
/// an author's own feed and a group blog's).
fn dedupe_by_link(posts: impl Iterator<Item = PostRef>, feeds: &[FeedInfo]) -> Vec<PostRef> {
    let mut seen = HashSet::new();
    posts
        .filter(|p| match &feeds[p.feed].items[p.item].link {
            Some(link) => seen.insert(link.as_str()),
            None => true,
        })
        .collect()
}

/// The river as the site shows it, from posts newest first: a post that several feeds carry
/// once, then no feed over its share of a page (`page_share`: posts per page, and the most one
/// feed may show on one).
pub(super) fn fair_river(
    posts: impl Iterator<Item = PostRef>,
    feeds: &[FeedInfo],
    page_share: (usize, usize),
) -> Vec<PostRef> {
    fair_pages(&dedupe_by_link(posts, feeds), page_share.0, page_share.1)
}

/// Reorders a river so that, page by page (`per_page` posts), no feed shows more than
/// `max_per_feed` posts while other feeds still have posts to show: a feed's extra posts move
/// to the next pages, keeping their order. When only capped feeds are left, pages are filled
/// with their posts. Each page stays newest first. `max_per_feed` 0 means no limit.
pub fn fair_pages(river: &[PostRef], per_page: usize, max_per_feed: usize) -> Vec<PostRef> {
    if max_per_feed == 0 || per_page == 0 {
        return river.to_vec();
    }
    // A page is taken from the front of what is pending: the posts it passes over (their feed
    // at its share) go back to the front, in order, so a page costs what it looks at.
    let mut pending: VecDeque<PostRef> = river.iter().copied().collect();
    let mut out = Vec::with_capacity(river.len());
    let mut counts: HashMap<usize, usize> = HashMap::new();
    let mut passed = Vec::new();
    let mut place: Option<HashMap<PostRef, usize>> = None;
    while !pending.is_empty() {
        counts.clear();
        let page_start = out.len();
        while out.len() - page_start < per_page {
            let Some(p) = pending.pop_front() else {
                break;
            };
            let c = counts.entry(p.feed).or_default();
            if *c < max_per_feed {
                *c += 1;
                out.push(p);
            } else {
                passed.push(p);
            }
        }
        if out.len() - page_start < per_page {
            // Only capped feeds are left: fill the page with the first of them rather than
            // leave it short, every post of the page in river order.
            let taken: Vec<PostRef> = out.drain(page_start..).collect();
            let fill = per_page - taken.len();
            let place = place.get_or_insert_with(|| river_order(river));
            let fill = passed.drain(..fill.min(passed.len()));
            out.append(&mut merge_by_place(place, taken, fill));
        }
        for p in passed.drain(..).rev() {
            pending.push_front(p);
        }
    }
    out
}

/// Each post's place in `river`.
fn river_order(river: &[PostRef]) -> HashMap<PostRef, usize> {
    river.iter().enumerate().map(|(i, &p)| (p, i)).collect()
}

/// The posts of `a` and `b` together, in their order in the river (`place`).
fn merge_by_place(
    place: &HashMap<PostRef, usize>,
    a: Vec<PostRef>,
    b: impl Iterator<Item = PostRef>,
) -> Vec<PostRef> {
    let mut all: Vec<PostRef> = a.into_iter().chain(b).collect();
    all.sort_by_key(|p| place.get(p).copied().unwrap_or(usize::MAX));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posts(feeds: &[usize]) -> Vec<PostRef> {
        let mut next = [0; 8];
        feeds
            .iter()
            .map(|&f| {
                next[f] += 1;
                PostRef {
                    feed: f,
                    item: next[f] - 1,
                }
            })
            .collect()
    }

    #[test]
    fn fair_pages_caps_each_feed_per_page_and_keeps_every_post() {
        // Feed 0 posts 10 times before anyone else posts at all.
        let river = posts(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 1, 2, 0]);
        let fair = fair_pages(&river, 5, 2);
        let feeds: Vec<usize> = fair.iter().map(|p| p.feed).collect();
        // Page 2 has only 2 other posts left: feed 0 fills the rest rather than leave it short.
        assert_eq!(feeds, [0, 0, 1, 2, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0]);
        // Each feed's own posts keep their order; nothing is lost or doubled.
        let mut sorted = fair.clone();
        sorted.sort_by_key(|p| (p.feed, p.item));
        let mut expected = river.clone();
        expected.sort_by_key(|p| (p.feed, p.item));
        assert_eq!(sorted, expected);
        for f in 0..3 {
            let items: Vec<usize> = fair
                .iter()
                .filter(|p| p.feed == f)
                .map(|p| p.item)
                .collect();
            assert!(items.windows(2).all(|w| w[0] < w[1]));
        }
        // 0 turns it off.
        assert_eq!(fair_pages(&river, 5, 0), river);
    }

    #[test]
    fn fair_pages_scales() {
        // 1,000 feeds of 20 posts, one of them posting 2,000 times: well under a second.
        let mut river: Vec<PostRef> = (0..2000).map(|i| PostRef { feed: 0, item: i }).collect();
        river.extend((0..20_000).map(|i| PostRef {
            feed: 1 + i % 1000,
            item: i / 1000,
        }));
        let start = std::time::Instant::now();
        let fair = fair_pages(&river, 30, 3);
        assert_eq!(fair.len(), river.len());
        assert!(fair[..30].iter().filter(|p| p.feed == 0).count() == 3);
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
    }

    /// The first implementation (a full pass over what is pending for every page), which
    /// [`fair_pages`] must give the same pages as.
    fn fair_pages_by_full_passes(river: &[PostRef], per_page: usize, max: usize) -> Vec<PostRef> {
        let mut pending: Vec<PostRef> = river.to_vec();
        let mut out = Vec::new();
        while !pending.is_empty() {
            let mut counts: HashMap<usize, usize> = HashMap::new();
            let mut taken = vec![false; pending.len()];
            let mut n = 0;
            for (i, p) in pending.iter().enumerate() {
                if n == per_page {
                    break;
                }
                let c = counts.entry(p.feed).or_default();
                if *c < max {
                    *c += 1;
                    taken[i] = true;
                    n += 1;
                }
            }
            for t in taken.iter_mut() {
                if n == per_page {
                    break;
                }
                if !*t {
                    *t = true;
                    n += 1;
                }
            }
            let mut keep = Vec::new();
            for (p, t) in pending.into_iter().zip(taken) {
                if t { out.push(p) } else { keep.push(p) }
            }
            pending = keep;
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn fair_pages_gives_the_pages_of_full_passes(
            feeds in proptest::collection::vec(0usize..8, 0..200),
            per_page in 1usize..12,
            max in 1usize..5,
        ) {
            let river = posts(&feeds);
            proptest::prop_assert_eq!(
                fair_pages(&river, per_page, max),
                fair_pages_by_full_passes(&river, per_page, max)
            );
        }
    }
}
