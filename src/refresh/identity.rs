//! A feed's identity in its state: the slug of its page, fixed once the feed has given content
//! and never moved by a title change, and the slugs its page had before (kept as redirects).
//!
//! Before a feed has ever given content its slug is provisional (from its host); the first
//! content fixes it from the feed's own title, and the provisional one is remembered. A cache
//! written before slugs were kept gets the slug its page had then (from the cached title).
//! A feed the lists now name by the address its old one permanently moved to takes over the
//! old one's page: its slug and former slugs ([`moved_pages`]).

use std::collections::{HashMap, HashSet};
use std::fs;

use sha2::{Digest, Sha256};

use crate::refresh::cache::{Cache, CacheEntry, file_name_for, is_entry_file};

/// How many bytes of a feed's title its page slug keeps, before the hash of its URL.
const FEED_TITLE_BYTES: usize = 40;

/// A feed's page slug from a title: up to 40 bytes of the title's slug, then 6 hex digits of
/// the URL's hash, so that two feeds with the same title never collide and a slug does not
/// depend on order.
pub fn feed_slug(title: &str, url: &str) -> String {
    let mut base = dashed(title);
    base.truncate(FEED_TITLE_BYTES);
    while base.ends_with('-') {
        base.pop();
    }
    if base.is_empty() {
        base.push_str("feed");
    }
    format!("{base}-{}", short_hash(url))
}

/// The slug of a feed that has not given content yet: from its URL's host.
pub fn provisional_slug(url: &str) -> String {
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    feed_slug(&host, url)
}

/// The slug a feed's page has: the one its state keeps, else the one it would be given now.
pub fn slug_of(url: &str, entry: Option<&CacheEntry>) -> String {
    match entry {
        Some(CacheEntry {
            slug: Some(slug), ..
        }) => slug.clone(),
        Some(CacheEntry {
            feed: Some(feed), ..
        }) => feed_slug(&feed.title, url),
        _ => provisional_slug(url),
    }
}

/// Fixes the entry's slug after a fetch: `fixed` when the entry's slug may no longer change
/// (the feed gave content before); otherwise the first content replaces a provisional slug,
/// which is kept among the former ones.
pub fn settle(entry: &mut CacheEntry, fixed: bool) {
    let now = match &entry.feed {
        Some(feed) => feed_slug(&feed.title, &entry.url),
        None => provisional_slug(&entry.url),
    };
    match entry.slug.take() {
        Some(provisional) if !fixed && provisional != now && entry.feed.is_some() => {
            if !entry.former_slugs.contains(&provisional) {
                entry.former_slugs.push(provisional);
            }
            entry.slug = Some(now);
        }
        Some(slug) => entry.slug = Some(slug),
        None => entry.slug = Some(now),
    }
}

/// A feed's page as its state keeps it: its slug and its former slugs.
pub type Page = (String, Vec<String>);

/// The pages of the feeds in the cache that none of `listed` is, but whose last fetch found
/// they permanently moved: by the (normalized) address they moved to. Read only when some of
/// `listed` is new to the cache; a cache file that cannot be read is passed over.
pub fn moved_pages(cache: &Cache, listed: &[String]) -> HashMap<String, Page> {
    let mut pages = HashMap::new();
    if listed.iter().all(|u| cache.path_for(u).exists()) {
        return pages;
    }
    let known: HashSet<String> = listed.iter().map(|u| file_name_for(u)).collect();
    let Ok(dir) = fs::read_dir(cache.dir()) else {
        return pages;
    };
    let mut names: Vec<String> = dir
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| is_entry_file(n) && !known.contains(n))
        .collect();
    names.sort();
    for name in names {
        let Ok(Some(entry)) = cache.read_entry(&cache.dir().join(&name)) else {
            continue;
        };
        let Some(to) = entry
            .fetch
            .moved_to
            .as_deref()
            .and_then(|m| crate::urls::normalize(m).ok())
        else {
            continue;
        };
        let page = (slug_of(&entry.url, Some(&entry)), entry.former_slugs);
        pages.entry(to).or_insert(page);
    }
    pages
}

/// 6 hex digits of the SHA-256 of `text`.
pub fn short_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!("{:02x}{:02x}{:02x}", digest[0], digest[1], digest[2])
}

/// The text transliterated to ASCII (`Zoë` → `Zoe`), lowercased, with every run of other
/// characters a dash, none at either end.
pub fn dashed(text: &str) -> String {
    let mut out = String::new();
    for c in deunicode::deunicode(text).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}
