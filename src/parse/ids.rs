//! Items' ids: none made up at random, none that is a script URL, and one each (items
//! sharing an id get it made unique).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use url::Url;

use crate::model::Item;

/// feed-rs's id for an item without one, except that where feed-rs would make up a random
/// UUID (no link and no title), this leaves the id empty for
/// [`convert`](super::convert::convert) to derive a stable one.
pub(super) fn stable_id(
    links: &[feed_rs::model::Link],
    title: &Option<feed_rs::model::Text>,
    uri: Option<&str>,
) -> String {
    if links.is_empty() && title.is_none() {
        String::new()
    } else {
        feed_rs::parser::generate_id(links, title, uri)
    }
}

/// Whether an id is a URL that runs code when followed. Ids are opaque and never become links
/// as they are, but such an id is replaced by its hash so that no template can ever misuse it.
pub(super) fn is_script_url(id: &str) -> bool {
    // The scheme as the URL parser finds it (leading controls and spaces skipped, tabs and
    // newlines ignored); only an id whose scheme may be one of these is parsed.
    let scheme = id
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take_while(|&c| c != ':')
        .take(11);
    let mut lower = String::with_capacity(11);
    lower.extend(scheme.map(|c| c.to_ascii_lowercase()));
    matches!(lower.as_str(), "javascript" | "vbscript" | "data")
        && Url::parse(id).is_ok_and(|u| matches!(u.scheme(), "javascript" | "vbscript" | "data"))
}

/// An id for an item that has neither id, link nor title: a hash of its date and text, so that
/// it stays the same from one fetch to the next.
pub(super) fn content_id(date: Option<DateTime<Utc>>, text: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(date.map(|d| d.to_rfc3339()).unwrap_or_default());
    hasher.update([0]);
    hasher.update(text);
    let digest = hasher.finalize();
    hex::encode(&digest[..16])
}

/// Drops repeats of an item, and keeps items that merely share an id.
///
/// A feed that lists the same post twice (same id, title, link and date) shows it once. But
/// some real feeds give distinct posts the same guid (scripting.com reuses a day's permalink
/// for every untitled post of that day); those are different posts a reader wants to see, so
/// each is kept, and the later ones get the id made unique with a hash of what tells them
/// apart (stable from one fetch to the next, unlike a counter).
pub(super) fn dedup_items(items: &mut Vec<Item>) {
    let first_seen: Vec<bool> = {
        let mut seen = HashSet::new();
        items
            .iter()
            .map(|i| seen.insert((i.id.as_str(), i.title.as_str(), i.link.as_deref(), i.date())))
            .collect()
    };
    // `retain` visits the items once each, in order.
    let mut first_seen = first_seen.into_iter();
    items.retain(|_| first_seen.next().unwrap_or(true));
    let mut ids = HashSet::new();
    for item in items.iter_mut() {
        if ids.insert(item.id.clone()) {
            continue;
        }
        let mut hasher = Sha256::new();
        for part in [
            item.title.as_str(),
            item.link.as_deref().unwrap_or(""),
            &item.date().map(|d| d.to_rfc3339()).unwrap_or_default(),
            &item.excerpt,
        ] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        let digest = hasher.finalize();
        let mut id = format!(
            "{}#{:02x}{:02x}{:02x}{:02x}",
            item.id, digest[0], digest[1], digest[2], digest[3]
        );
        while !ids.insert(id.clone()) {
            id.push('+');
        }
        item.id = id;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_url_ids_are_found_as_the_url_parser_reads_them() {
        for id in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "\u{1}\u{1f}java\tscr\nipt:x",
            "vbscript:msgbox",
            "DATA:text/html,x",
        ] {
            assert!(is_script_url(id), "{id:?}");
        }
        for id in [
            "https://e.example/a",
            "tag:e.example,2024:1",
            "javascripts:x",
            "java script:x",
            "data",
            "urn:uuid:1",
            "",
        ] {
            assert!(!is_script_url(id), "{id:?}");
        }
    }

    fn item(id: &str, title: &str) -> Item {
        Item {
            id: id.to_owned(),
            title: title.to_owned(),
            link: None,
            published: None,
            updated: None,
            author: None,
            excerpt: String::new(),
            content_html: None,
            categories: Vec::new(),
            has_more: None,
            first_seen: None,
        }
    }

    #[test]
    fn dedup_drops_repeats_and_keeps_distinct_items_sharing_an_id() {
        let mut items = vec![item("a", "one"), item("a", "one"), item("a", "two")];
        dedup_items(&mut items);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].id, "a");
        assert!(
            items[1].id.starts_with("a#") && items[1].id.len() == "a#".len() + 8,
            "{}",
            items[1].id
        );
        let again = {
            let mut v = vec![item("a", "one"), item("a", "two")];
            dedup_items(&mut v);
            v[1].id.clone()
        };
        assert_eq!(items[1].id, again, "the new id is stable");
    }
}
