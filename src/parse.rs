//! Parsing feed bytes (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed) into the [`crate::model`].
//!
//! feed-rs does the parsing; this module turns its output into our model: plain-text titles,
//! absolute and checked links, sanitized content, UTC dates clamped to the fetch time, and the
//! items in a stable order. It also repairs a few common breakages feed-rs rejects.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use url::Url;

use crate::model::{Feed, Item};
use crate::sanitize;
use crate::urls::safe_link;

/// The longest excerpt kept for an item, in characters.
pub const EXCERPT_CHARS: usize = 280;

/// Why some bytes are not a feed, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

/// Parses `bytes` fetched from `url` at `fetched_at`, keeping at most `max_items` items.
pub fn parse_feed(
    bytes: &[u8],
    url: &str,
    fetched_at: DateTime<Utc>,
    max_items: usize,
) -> Result<Feed, ParseError> {
    let parsed = parse_with_repairs(bytes, url)?;
    Ok(convert(parsed, url, fetched_at, max_items))
}

fn parse_raw(
    bytes: &[u8],
    url: &str,
) -> Result<feed_rs::model::Feed, feed_rs::parser::ParseFeedError> {
    feed_rs::parser::Builder::new()
        .base_uri(Some(url))
        .build()
        .parse(bytes)
}

fn parse_with_repairs(bytes: &[u8], url: &str) -> Result<feed_rs::model::Feed, ParseError> {
    let reencoded = crate::charset::fix_declared_encoding(bytes);
    let bytes = reencoded.as_deref().unwrap_or(bytes);
    let head = sniff_head(bytes);
    if looks_like_html(&head) {
        return Err(not_a_feed_html(bytes, url));
    }
    let text = String::from_utf8_lossy(bytes);
    if head.contains("purl.org/atom/ns#") {
        let upgraded = upgrade_atom03(&text);
        return parse_raw(upgraded.as_bytes(), url).map_err(|e| describe(&e));
    }
    match parse_raw(bytes, url) {
        Ok(feed) => Ok(feed),
        Err(first) => {
            // Retry with the repairs that make common real-world breakage parse.
            let mut repaired: Cow<str> = Cow::Borrowed(&text);
            if let Some(fixed) = add_missing_rss_version(&repaired) {
                repaired = Cow::Owned(fixed);
            }
            if let Some(fixed) = escape_bare_ampersands(&repaired) {
                repaired = Cow::Owned(fixed);
            }
            if matches!(repaired, Cow::Owned(_))
                && let Ok(feed) = parse_raw(repaired.as_bytes(), url)
            {
                return Ok(feed);
            }
            Err(describe(&first))
        }
    }
}

/// The first few hundred bytes, lowercased, for sniffing.
fn sniff_head(bytes: &[u8]) -> String {
    let end = bytes.len().min(1024);
    String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase()
}

fn looks_like_html(head: &str) -> bool {
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    trimmed.starts_with("<!doctype html")
        || trimmed.starts_with("<html")
        || (trimmed.starts_with("<!--") && head.contains("<html"))
}

fn not_a_feed_html(bytes: &[u8], url: &str) -> ParseError {
    let links = crate::autodiscover::feed_links(&String::from_utf8_lossy(bytes), url);
    if links.is_empty() {
        ParseError("not a feed: an HTML page that links to no feed".to_owned())
    } else {
        ParseError(format!(
            "not a feed: an HTML page, which links to {}",
            links.join(", ")
        ))
    }
}

fn describe(err: &feed_rs::parser::ParseFeedError) -> ParseError {
    use feed_rs::parser::ParseFeedError as E;
    let msg = match err {
        E::ParseError(kind) => format!("not a feed: {kind}"),
        E::IoError(e) => format!("cannot read the feed: {e}"),
        E::JsonSerde(e) => format!("broken JSON Feed: {e}"),
        E::JsonUnsupportedVersion(v) => format!("unsupported JSON Feed version {v}"),
        E::XmlReader(e) => format!("broken XML: {e}"),
    };
    ParseError(msg)
}

/// `<rss>` without a `version` (or with an odd one) is rejected by feed-rs; call it 2.0.
fn add_missing_rss_version(text: &str) -> Option<String> {
    let start = text.find("<rss")?;
    let end = start + text[start..].find('>')?;
    let tag = &text[start..end];
    if tag.contains("version=\"2.0\"") || tag.contains("version='2.0'") {
        return None;
    }
    let cleaned = match tag.find("version=") {
        Some(v) => {
            let quote = tag[v + 8..].chars().next()?;
            let close = v + 9 + tag[v + 9..].find(quote)?;
            format!("{}{}", tag[..v].trim_end(), &tag[close + 1..])
        }
        None => tag.to_owned(),
    };
    Some(format!(
        "{}{} version=\"2.0\"{}",
        &text[..start],
        cleaned.trim_end(),
        &text[end..]
    ))
}

/// Escapes `&` characters that do not start an entity or character reference.
fn escape_bare_ampersands(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 16);
    let mut changed = false;
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let entity_len = after
            .char_indices()
            .take(32)
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '#'))
            .filter(|&(_, c)| c == ';')
            .map(|(n, _)| n);
        if matches!(entity_len, Some(n) if n > 0) {
            out.push('&');
        } else {
            out.push_str("&amp;");
            changed = true;
        }
        rest = after;
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// Atom 0.3 parses in feed-rs as an empty feed; rewrite its namespace and renamed elements to
/// their Atom 1.0 equivalents.
fn upgrade_atom03(text: &str) -> String {
    let mut out = text.replace("http://purl.org/atom/ns#", "http://www.w3.org/2005/Atom");
    for (old, new) in [
        ("issued>", "published>"),
        ("modified>", "updated>"),
        ("tagline>", "subtitle>"),
        ("copyright>", "rights>"),
    ] {
        out = out.replace(&format!("<{old}"), &format!("<{new}"));
        out = out.replace(&format!("</{old}"), &format!("</{new}"));
    }
    out = out.replace("mode=\"escaped\"", "type=\"html\"");
    out
}

fn convert(
    feed: feed_rs::model::Feed,
    url: &str,
    fetched_at: DateTime<Utc>,
    max_items: usize,
) -> Feed {
    let feed_url = Url::parse(url).ok();
    let site_link = pick_link(&feed.links, feed_url.as_ref(), true);
    let site_base = site_link.as_deref().and_then(|l| Url::parse(l).ok());
    let title = feed
        .title
        .as_ref()
        .map(|t| sanitize::plain_text(&t.content))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| fallback_title(url));
    let description = feed
        .description
        .as_ref()
        .map(|d| sanitize::truncate_words(&sanitize::plain_text(&d.content), 500))
        .filter(|d| !d.is_empty());
    let clamp = |d: Option<DateTime<Utc>>| d.map(|d| d.min(fetched_at));
    let entries = newest_distinct(feed.entries, fetched_at, max_items);
    let mut items: Vec<Item> = entries
        .into_iter()
        .map(|entry| {
            let link = pick_link(&entry.links, feed_url.as_ref(), false)
                .or_else(|| safe_link(&entry.id, None));
            let content_base = entry
                .content
                .as_ref()
                .and_then(|c| c.src.as_ref().map(|l| l.href.clone()))
                .or(entry.base.clone())
                .and_then(|b| feed_url.as_ref().and_then(|f| f.join(&b).ok()))
                .or_else(|| link.as_deref().and_then(|l| Url::parse(l).ok()))
                .or_else(|| site_base.clone())
                .or_else(|| feed_url.clone());
            let raw_content = entry
                .content
                .as_ref()
                .and_then(|c| c.body.clone())
                .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()));
            let content_html = raw_content
                .map(|html| sanitize::clean_html(&html, content_base.as_ref()))
                .filter(|h| !h.trim().is_empty());
            let excerpt_source = entry
                .summary
                .as_ref()
                .map(|s| sanitize::clean_html(&s.content, content_base.as_ref()))
                .filter(|s| !s.trim().is_empty())
                .or_else(|| content_html.clone())
                .unwrap_or_default();
            let author = entry
                .authors
                .iter()
                .filter_map(|p| {
                    let name = sanitize::plain_text(p.name.as_deref().unwrap_or(""));
                    (!name.is_empty()).then_some(name)
                })
                .collect::<Vec<_>>()
                .join(", ");
            Item {
                id: entry.id.trim().to_owned(),
                title: entry
                    .title
                    .as_ref()
                    .map(|t| sanitize::plain_text(&t.content))
                    .unwrap_or_default(),
                link,
                published: clamp(entry.published),
                updated: clamp(entry.updated),
                author: (!author.is_empty()).then_some(author),
                excerpt: sanitize::excerpt(&excerpt_source, EXCERPT_CHARS),
                content_html,
            }
        })
        .collect();
    // Newest first; undated items after dated ones, in feed order (the sort is stable).
    items.sort_by(|a, b| match (a.date(), b.date()) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let mut seen = std::collections::HashSet::new();
    items.retain(|i| seen.insert(i.id.clone()));
    items.truncate(max_items);
    Feed {
        title,
        site_link,
        description,
        items,
    }
}

/// The entries that will become items: newest first (undated last, in feed order), one per
/// id, at most `max_items`. Choosing them before sanitizing keeps a feed of 10,000 entries as
/// cheap as one of `max_items`.
fn newest_distinct(
    mut entries: Vec<feed_rs::model::Entry>,
    fetched_at: DateTime<Utc>,
    max_items: usize,
) -> Vec<feed_rs::model::Entry> {
    let date = |e: &feed_rs::model::Entry| e.published.or(e.updated).map(|d| d.min(fetched_at));
    entries.sort_by(|a, b| match (date(a), date(b)) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let mut seen = std::collections::HashSet::new();
    entries.retain(|e| seen.insert(e.id.trim().to_owned()));
    entries.truncate(max_items);
    entries
}

/// The alternate (or first untyped) link; for a feed's own links, skip the `self` link.
fn pick_link(links: &[feed_rs::model::Link], base: Option<&Url>, site: bool) -> Option<String> {
    let candidates = links.iter().filter(|l| {
        let rel = l.rel.as_deref().unwrap_or("alternate");
        rel == "alternate" && !(site && is_feed_type(l.media_type.as_deref()))
    });
    candidates
        .chain(links.iter().filter(|l| l.rel.is_none()))
        .find_map(|l| safe_link(&l.href, base))
}

fn is_feed_type(media_type: Option<&str>) -> bool {
    media_type.is_some_and(|t| t.contains("rss") || t.contains("atom") || t.contains("json"))
}

fn fallback_title(url: &str) -> String {
    Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_bare_ampersands() {
        assert_eq!(
            escape_bare_ampersands("a & b &amp; c &#38; d").as_deref(),
            Some("a &amp; b &amp; c &#38; d")
        );
        assert_eq!(escape_bare_ampersands("a &amp; b"), None);
    }

    #[test]
    fn adds_rss_version() {
        let fixed = add_missing_rss_version("<rss><channel/></rss>").unwrap();
        assert!(fixed.starts_with("<rss version=\"2.0\">"), "{fixed}");
        let fixed = add_missing_rss_version("<rss version=\"0.94\" x=\"y\">").unwrap();
        assert_eq!(fixed, "<rss x=\"y\" version=\"2.0\">");
    }
}
