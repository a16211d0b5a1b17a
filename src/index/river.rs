//! The order of the rivers: a new feed's backlog trimmed, a post carried by several feeds
//! shown once, and no feed over its share of a page.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};

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
/// feed may show among that many posts in a row).
pub(super) fn fair_river(
    posts: impl Iterator<Item = PostRef>,
    feeds: &[FeedInfo],
    page_share: (usize, usize),
) -> Vec<PostRef> {
    fair_pages(&dedupe_by_link(posts, feeds), page_share.0, page_share.1)
}

/// Reorders a river so that no feed shows more than `max_per_feed` posts among any `per_page`
/// posts in a row while other feeds still have posts to show: a feed's extra posts move down,
/// keeping their order. When only capped feeds are left, their posts come in river order.
/// `max_per_feed` 0 means no limit.
///
/// The window slides with each post instead of being cut at fixed places, so the order at one
/// place depends only on the posts just before it: a post that comes or goes changes the order
/// near it, not down the whole river (the pages after it keep their posts; see
/// `render::pages::paginate`).
pub fn fair_pages(river: &[PostRef], per_page: usize, max_per_feed: usize) -> Vec<PostRef> {
    if max_per_feed == 0 || per_page <= max_per_feed {
        return river.to_vec();
    }
    // Each feed's posts in river order, and the feeds by the river place of their next post.
    let mut queues: HashMap<usize, VecDeque<(usize, PostRef)>> = HashMap::new();
    for (place, &p) in river.iter().enumerate() {
        queues.entry(p.feed).or_default().push_back((place, p));
    }
    let mut heads: BinaryHeap<Reverse<(usize, usize)>> = queues
        .iter()
        .map(|(&feed, q)| Reverse((q[0].0, feed)))
        .collect();
    // How many of the last `per_page - 1` posts each feed has.
    let mut recent: HashMap<usize, usize> = HashMap::new();
    let mut out: Vec<PostRef> = Vec::with_capacity(river.len());
    let mut capped = Vec::new();
    while !heads.is_empty() {
        let mut chosen = None;
        while let Some(Reverse((place, feed))) = heads.pop() {
            if recent.get(&feed).copied().unwrap_or(0) < max_per_feed {
                chosen = Some((place, feed));
                break;
            }
            capped.push(Reverse((place, feed)));
        }
        // Every feed left is at its share: the first of them, in river order.
        let (_, feed) = match chosen {
            Some(c) => c,
            None => capped.remove(0).0,
        };
        heads.extend(capped.drain(..));
        let queue = queues.get_mut(&feed).expect("a feed with posts left");
        let (_, post) = queue.pop_front().expect("a post left");
        if let Some(&(next, _)) = queue.front() {
            heads.push(Reverse((next, feed)));
        }
        out.push(post);
        *recent.entry(feed).or_default() += 1;
        if out.len() >= per_page {
            let left = out[out.len() - per_page].feed;
            *recent.get_mut(&left).expect("counted when it came") -= 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posts(feeds: &[usize]) -> Vec<PostRef> {
        let mut next = [0; 64];
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
    fn fair_pages_caps_each_feed_in_any_window_and_keeps_every_post() {
        // Feed 0 posts 10 times before anyone else posts at all.
        let river = posts(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 1, 2, 0]);
        let fair = fair_pages(&river, 5, 2);
        let feeds: Vec<usize> = fair.iter().map(|p| p.feed).collect();
        // Two of feed 0 in any 5 in a row while the others have posts; then feed 0 alone.
        assert_eq!(feeds, [0, 0, 1, 2, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]);
        assert_keeps_every_post_in_order(&river, &fair);
        // 0 turns it off.
        assert_eq!(fair_pages(&river, 5, 0), river);
    }

    fn assert_keeps_every_post_in_order(river: &[PostRef], fair: &[PostRef]) {
        let mut sorted = fair.to_vec();
        sorted.sort_by_key(|p| (p.feed, p.item));
        let mut expected = river.to_vec();
        expected.sort_by_key(|p| (p.feed, p.item));
        assert_eq!(sorted, expected, "nothing lost or doubled");
        for f in 0..8 {
            let items: Vec<usize> = fair
                .iter()
                .filter(|p| p.feed == f)
                .map(|p| p.item)
                .collect();
            assert!(items.windows(2).all(|w| w[0] < w[1]), "feed {f} in order");
        }
    }

    #[test]
    fn a_new_post_changes_the_order_only_near_it() {
        // Feed 0 posts ten times in a row every 100 posts, 50 others in turn: each burst is
        // spread, the case where windows cut at fixed places would shift every page after a
        // new post.
        let feeds: Vec<usize> = (0..1000)
            .map(|i| if i % 100 < 10 { 0 } else { 1 + i % 50 })
            .collect();
        let before = fair_pages(&posts(&feeds), 30, 3);
        // A new post of feed 5 at the top: its items are numbered from the newest, so
        // renumber feed 5's old posts as the next build would see them.
        let mut with_new = vec![5];
        with_new.extend(&feeds);
        let after = fair_pages(&posts(&with_new), 30, 3);
        let shift = |p: &PostRef| PostRef {
            feed: p.feed,
            item: p.item - usize::from(p.feed == 5),
        };
        let after: Vec<PostRef> = after
            .iter()
            .filter(|p| **p != PostRef { feed: 5, item: 0 })
            .map(shift)
            .collect();
        let differ = before
            .iter()
            .zip(&after)
            .rposition(|(a, b)| a != b)
            .map_or(0, |i| i + 1);
        assert!(differ < 60, "the orders differ down to place {differ}");
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

    proptest::proptest! {
        #[test]
        fn no_feed_over_its_share_of_any_window_while_others_wait(
            feeds in proptest::collection::vec(0usize..8, 0..200),
            per_page in 1usize..12,
            max in 1usize..5,
        ) {
            let river = posts(&feeds);
            let fair = fair_pages(&river, per_page, max);
            assert_keeps_every_post_in_order(&river, &fair);
            for (i, p) in fair.iter().enumerate() {
                let window = &fair[i.saturating_sub(per_page - 1)..i];
                let share = |f: usize| window.iter().filter(|q| q.feed == f).count();
                if share(p.feed) >= max {
                    // Over its share only when every feed still waiting is at its share too,
                    // and then the first of them in river order.
                    proptest::prop_assert!(fair[i..].iter().all(|q| share(q.feed) >= max));
                    let first = river.iter().position(|q| fair[i..].contains(q));
                    proptest::prop_assert_eq!(first.map(|f| river[f]), Some(*p));
                }
            }
            // Without a feed over its share, the river keeps its order.
            let light = river.iter().enumerate().all(|(i, p)| {
                river[i.saturating_sub(per_page - 1)..i].iter().filter(|q| q.feed == p.feed).count() < max
            });
            if light {
                proptest::prop_assert_eq!(fair, river);
            }
        }
    }
}
