//! A feed's history: what a fresh fetch adds to what the cache already knew.
//!
//! Items that drop out of a feed stay (up to `[build] keep_items` per feed, and for
//! `[build] keep_days`); an item keeps the first time toluu saw it, and the date it was first
//! published under: a server that re-dates an old post does not push it back to the top.
//! Identity is the item's id (see [`crate::parse`]); an item whose id changed (a new guid, or
//! an id derived from an edited title) but whose link did not is the same item.

use chrono::{DateTime, Duration, Utc};

use crate::model::Item;

/// How much history a feed keeps.
#[derive(Debug, Clone, Copy)]
pub struct Keep {
    /// The most items kept.
    pub items: usize,
    /// Items older than this many days are forgotten (0: never); items still in the feed are
    /// always kept.
    pub days: u64,
}

/// Merges the freshly parsed `fresh` items (newest first) into `previous` (the cached
/// history). Returns the new history, newest first, and how many items are new.
pub fn merge(
    previous: &[Item],
    fresh: Vec<Item>,
    now: DateTime<Utc>,
    keep: Keep,
) -> (Vec<Item>, usize) {
    let mut matched = vec![false; previous.len()];
    let mut new_items = 0;
    let mut items: Vec<Item> = Vec::with_capacity(fresh.len() + previous.len());
    for mut item in fresh {
        let known = previous
            .iter()
            .enumerate()
            .position(|(i, p)| !matched[i] && p.id == item.id)
            .or_else(|| {
                previous
                    .iter()
                    .enumerate()
                    .position(|(i, p)| !matched[i] && p.link.is_some() && p.link == item.link)
            });
        match known {
            Some(i) => {
                matched[i] = true;
                let old = &previous[i];
                item.first_seen = old.first_seen.or(Some(now));
                if old.published.is_some() {
                    item.published = old.published;
                }
            }
            None => {
                item.first_seen = Some(now);
                new_items += 1;
            }
        }
        items.push(item);
    }
    let fresh_count = items.len();
    items.extend(
        previous
            .iter()
            .zip(&matched)
            .filter(|(_, m)| !**m)
            .map(|(p, _)| p.clone()),
    );
    if keep.days > 0 {
        let horizon = now - Duration::days(keep.days.min(100_000) as i64);
        let mut index = 0;
        items.retain(|item| {
            index += 1;
            index <= fresh_count || item.date().or(item.first_seen).is_none_or(|d| d >= horizon)
        });
    }
    // Newest first; undated items after the dated ones, current ones before dropped ones (the
    // sort is stable).
    items.sort_by(|a, b| crate::model::newest_first(a.date(), b.date()));
    items.truncate(keep.items);
    (items, new_items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn item(id: &str, day: Option<u32>) -> Item {
        Item {
            id: id.to_owned(),
            title: id.to_owned(),
            link: Some(format!("https://x.example/{id}")),
            published: day.map(|d| Utc.with_ymd_and_hms(2026, 11, d, 0, 0, 0).unwrap()),
            updated: None,
            author: None,
            excerpt: String::new(),
            content_html: None,
            categories: Vec::new(),
            has_more: None,
            first_seen: None,
        }
    }

    const KEEP: Keep = Keep { items: 10, days: 0 };

    #[test]
    fn dropped_items_stay_and_new_ones_are_counted() {
        let t1 = Utc.with_ymd_and_hms(2026, 11, 10, 0, 0, 0).unwrap();
        let t2 = Utc.with_ymd_and_hms(2026, 11, 12, 0, 0, 0).unwrap();
        let (first, new) = merge(&[], vec![item("b", Some(2)), item("a", Some(1))], t1, KEEP);
        assert_eq!(new, 2);
        let (second, new) = merge(
            &first,
            vec![item("c", Some(3)), item("b", Some(2))],
            t2,
            KEEP,
        );
        assert_eq!(new, 1);
        let ids: Vec<&str> = second.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["c", "b", "a"]);
        assert_eq!(second[1].first_seen, Some(t1), "first seen is kept");
        assert_eq!(second[0].first_seen, Some(t2));
    }

    #[test]
    fn a_redated_item_keeps_its_first_date_and_a_new_guid_with_the_same_link_is_the_same() {
        let now = Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap();
        let (first, _) = merge(&[], vec![item("a", Some(1))], now, KEEP);
        let mut redated = item("a-new-guid", Some(15));
        redated.link = first[0].link.clone();
        let (second, new) = merge(&first, vec![redated], now, KEEP);
        assert_eq!((second.len(), new), (1, 0));
        assert_eq!(second[0].published, first[0].published);
    }

    #[test]
    fn keep_items_and_keep_days_prune_the_oldest_dropped_items() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap();
        let old: Vec<Item> = (1..=5)
            .rev()
            .map(|d| item(&format!("o{d}"), Some(d)))
            .collect();
        let (kept, _) = merge(
            &old,
            vec![item("n", Some(29))],
            now,
            Keep { items: 3, days: 0 },
        );
        let ids: Vec<&str> = kept.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["n", "o5", "o4"]);
        let (kept, _) = merge(
            &old,
            vec![item("n", Some(29))],
            now,
            Keep {
                items: 10,
                days: 27,
            },
        );
        let ids: Vec<&str> = kept.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["n", "o5", "o4", "o3"], "older than 27 days are gone");
    }
}
