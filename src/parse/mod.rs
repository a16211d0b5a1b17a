//! Parsing feed bytes (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed) into the [`crate::model`].
//!
//! feed-rs does the parsing; this module turns its output into our model: plain-text titles,
//! absolute and checked links, sanitized content, UTC dates clamped to the fetch time, and the
//! items in a stable order.
//!
//! Real feeds break feed-rs in a few common ways. So the bytes are first made into text
//! feed-rs decodes right (`encoding`: UTF-16, stray Latin-1 bytes, mislabelled UTF-8) and
//! into a shape it reads (`prepare`: Atom 0.3, RSS in an unknown default namespace); a feed
//! feed-rs still rejects is retried once after `repair` (bare `&`, a missing RSS version or
//! channel, broken Media RSS) or `json::repair` (a sloppy JSON Feed). Dates go through a
//! more lenient parser than feed-rs's (`dates`). Every fix is generic: nothing here knows a
//! particular feed.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use url::Url;

use crate::model::{Feed, Item};
use crate::sanitize;
use crate::urls::safe_url;

pub mod autodiscover;
mod dates;
mod encoding;
mod json;
mod markup;
mod prepare;
mod repair;

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
    let (parsed, bases) = parse_with_repairs(bytes, url)?;
    Ok(convert(parsed, &bases, url, fetched_at, max_items))
}

fn parse_raw(
    bytes: &[u8],
    url: &str,
) -> Result<feed_rs::model::Feed, feed_rs::parser::ParseFeedError> {
    feed_rs::parser::Builder::new()
        .base_uri(Some(url))
        .id_generator(stable_id)
        .timestamp_parser(dates::parse)
        .build()
        .parse(bytes)
}

/// feed-rs's id for an item without one, except that where feed-rs would make up a random
/// UUID (no link and no title), this leaves the id empty for [`convert`] to derive a stable one.
fn stable_id(
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

/// An RSS author is `email (Name)`; feed-rs keeps the parentheses around the name.
fn author_name(raw: &str) -> Option<String> {
    let name = sanitize::plain_text(raw);
    let name = match name.strip_prefix('(').and_then(|n| n.strip_suffix(')')) {
        Some(inner) => inner.trim().to_owned(),
        None => name,
    };
    (!name.is_empty()).then_some(name)
}

/// Whether an id is a URL that runs code when followed. Ids are opaque and never become links
/// as they are, but such an id is replaced by its hash so that no template can ever misuse it.
fn is_script_url(id: &str) -> bool {
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
fn content_id(date: Option<DateTime<Utc>>, text: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(date.map(|d| d.to_rfc3339()).unwrap_or_default());
    hasher.update([0]);
    hasher.update(text);
    let digest = hasher.finalize();
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// A feed as feed-rs parsed it, with the xml:base in scope for each of its entries (see
/// [`markup::entry_bases`]).
type Parsed = (feed_rs::model::Feed, Vec<Option<Url>>);

fn parse_with_repairs(bytes: &[u8], url: &str) -> Result<Parsed, ParseError> {
    if bytes.starts_with(b"\x1f\x8b") {
        return Err(ParseError(
            "not a feed: gzip-compressed bytes, served without a Content-Encoding".to_owned(),
        ));
    }
    let doc = encoding::to_utf8(bytes);
    let doc = markup::strip_bom(&doc);
    if doc.trim_ascii().is_empty() {
        return Err(ParseError("not a feed: the document is empty".to_owned()));
    }
    if doc.trim_ascii_start().starts_with(b"{") {
        return parse_json(doc, url);
    }
    if looks_like_html(doc) {
        return Err(not_a_feed_html(doc, url));
    }
    let doc = prepare::prepare(doc);
    let with_bases = |feed, doc: &[u8]| (feed, markup::entry_bases(doc, Url::parse(url).ok()));
    let first = match parse_raw(&doc, url) {
        Ok(feed) => return Ok(with_bases(feed, &doc)),
        Err(e) => e,
    };
    if let Some(fixed) = repair::repair(&doc) {
        match parse_raw(&fixed, url) {
            Ok(feed) => return Ok(with_bases(feed, &fixed)),
            // A repaired `<rss>` root gets further; its error says more than "no feed root".
            Err(second) if is_no_feed_root(&first) => return Err(describe(&second, &fixed)),
            Err(_) => {}
        }
    }
    Err(describe(&first, &doc))
}

fn is_no_feed_root(err: &feed_rs::parser::ParseFeedError) -> bool {
    matches!(
        err,
        feed_rs::parser::ParseFeedError::ParseError(feed_rs::parser::ParseErrorKind::NoFeedRoot)
    )
}

fn parse_json(doc: &[u8], url: &str) -> Result<Parsed, ParseError> {
    let first = match parse_raw(doc, url) {
        Ok(feed) => return Ok((feed, Vec::new())),
        Err(e) => e,
    };
    if let Some(fixed) = json::repair(doc)
        && let Ok(feed) = parse_raw(&fixed, url)
    {
        return Ok((feed, Vec::new()));
    }
    Err(describe(&first, doc))
}

/// The element names only an HTML page starts with.
const HTML_ROOTS: [&str; 5] = ["html", "head", "body", "meta", "link"];

fn looks_like_html(doc: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&doc[..doc.len().min(512)]).to_ascii_lowercase();
    head.trim_start().starts_with("<!doctype html")
        || markup::root(doc).is_some_and(|root| {
            HTML_ROOTS
                .iter()
                .any(|h| root.name.eq_ignore_ascii_case(h.as_bytes()))
        })
}

fn not_a_feed_html(bytes: &[u8], url: &str) -> ParseError {
    let links = crate::parse::autodiscover::feed_links(&String::from_utf8_lossy(bytes), url);
    if links.is_empty() {
        ParseError("not a feed: an HTML page that links to no feed".to_owned())
    } else {
        ParseError(format!(
            "not a feed: an HTML page, which links to {}",
            links.join(", ")
        ))
    }
}

fn describe(err: &feed_rs::parser::ParseFeedError, doc: &[u8]) -> ParseError {
    use feed_rs::parser::{ParseErrorKind as K, ParseFeedError as E};
    let msg = match err {
        E::ParseError(K::NoFeedRoot) => match markup::root(doc) {
            Some(root) if root.name.iter().all(|b| b.is_ascii_graphic()) => format!(
                "not a feed: the root element is <{}>, not <rss>, <feed> or <rdf:RDF>",
                String::from_utf8_lossy(root.name)
            ),
            _ => "not a feed: no XML or JSON document found".to_owned(),
        },
        E::ParseError(kind) => format!("not a feed: {kind}"),
        E::IoError(e) => format!("cannot read the feed: {e}"),
        E::JsonSerde(e) => format!("broken JSON Feed: {e}"),
        E::JsonUnsupportedVersion(v) => format!("unsupported JSON Feed version {v}"),
        E::XmlReader(e) => format!("broken XML: {e}"),
    };
    ParseError(msg)
}

fn convert(
    feed: feed_rs::model::Feed,
    bases: &[Option<Url>],
    url: &str,
    fetched_at: DateTime<Utc>,
    max_items: usize,
) -> Feed {
    let feed_url = Url::parse(url).ok();
    let site_base = pick_link(&feed.links, feed_url.as_ref(), true);
    let site_link = site_base.as_ref().map(Url::to_string);
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
    // feed-rs drops entries only in odd documents; then the xml:bases cannot be matched up.
    let bases = if bases.len() == feed.entries.len() {
        bases
    } else {
        &[]
    };
    let mut items: Vec<Item> = newest_entries(feed.entries, fetched_at, max_items)
        .into_iter()
        .map(|(n, entry)| {
            let link_url = pick_link(&entry.links, feed_url.as_ref(), false)
                .or_else(|| safe_url(&entry.id, None));
            // Relative URLs in the HTML resolve against the xml:base in scope (on the content,
            // else the entry or its ancestors); without one, against the post's own link,
            // which is on the site even when the feed is hosted elsewhere.
            let scoped_base = bases.get(n).cloned().flatten();
            let content_base = entry
                .base
                .as_deref()
                .and_then(|b| scoped_base.as_ref().or(feed_url.as_ref())?.join(b).ok())
                .or(scoped_base)
                .or_else(|| link_url.clone())
                .or_else(|| site_base.clone())
                .or_else(|| feed_url.clone());
            let body = entry.content.as_ref().and_then(|c| c.body.as_deref());
            let summary = entry.summary.as_ref().map(|s| s.content.as_str());
            let raw_content = body.or(summary);
            let clean = |html: &str| {
                Some(sanitize::clean_html(html, content_base.as_ref()))
                    .filter(|h| !h.trim().is_empty())
            };
            let content_html = raw_content.and_then(clean);
            // The excerpt comes from the summary, else the content; without a body, the
            // content is the summary, already cleaned.
            let clean_summary = summary.filter(|_| body.is_some()).and_then(clean);
            let excerpt_source = clean_summary.as_deref().or(content_html.as_deref());
            let author = entry
                .authors
                .iter()
                .filter_map(|p| author_name(p.name.as_deref().unwrap_or("")))
                .collect::<Vec<_>>()
                .join(", ");
            let id = match entry.id.trim() {
                "" => content_id(entry.published.or(entry.updated), raw_content.unwrap_or("")),
                id if is_script_url(id) => content_id(None, id),
                id => id.to_owned(),
            };
            Item {
                id,
                title: entry
                    .title
                    .as_ref()
                    .map(|t| sanitize::plain_text(&t.content))
                    .unwrap_or_default(),
                link: link_url.map(Into::into),
                published: clamp(entry.published),
                updated: clamp(entry.updated),
                author: (!author.is_empty()).then_some(author),
                excerpt: sanitize::excerpt(excerpt_source.unwrap_or(""), EXCERPT_CHARS),
                content_html,
                first_seen: None,
            }
        })
        .collect();
    // Newest first; undated items after dated ones, in feed order (the sort is stable).
    items.sort_by(|a, b| crate::model::newest_first(a.date(), b.date()));
    dedup_items(&mut items);
    items.truncate(max_items);
    Feed {
        title,
        site_link,
        description,
        items,
    }
}

/// Drops repeats of an item, and keeps items that merely share an id.
///
/// A feed that lists the same post twice (same id, title, link and date) shows it once. But
/// some real feeds give distinct posts the same guid (scripting.com reuses a day's permalink
/// for every untitled post of that day); those are different posts a reader wants to see, so
/// each is kept, and the later ones get the id made unique with a hash of what tells them
/// apart (stable from one fetch to the next, unlike a counter).
/// The entries worth converting, with their position in the document: the newest first
/// (undated last, in feed order), at most a little more than `max_items` (room for the exact
/// repeats [`dedup_items`] drops). Choosing before sanitizing keeps a feed of 10,000 entries
/// as cheap as one of `max_items`.
fn newest_entries(
    entries: Vec<feed_rs::model::Entry>,
    fetched_at: DateTime<Utc>,
    max_items: usize,
) -> Vec<(usize, feed_rs::model::Entry)> {
    let date = |e: &feed_rs::model::Entry| e.published.or(e.updated).map(|d| d.min(fetched_at));
    let mut entries: Vec<(usize, feed_rs::model::Entry)> =
        entries.into_iter().enumerate().collect();
    entries.sort_by(|(_, a), (_, b)| crate::model::newest_first(date(a), date(b)));
    entries.truncate(max_items.saturating_add(max_items / 2 + 16));
    entries
}

fn dedup_items(items: &mut Vec<Item>) {
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

/// The alternate (or first untyped) link; for a feed's own links, skip the `self` link.
fn pick_link(links: &[feed_rs::model::Link], base: Option<&Url>, site: bool) -> Option<Url> {
    let candidates = links.iter().filter(|l| {
        let rel = l.rel.as_deref().unwrap_or("alternate");
        rel == "alternate" && !(site && is_feed_type(l.media_type.as_deref()))
    });
    candidates
        .chain(links.iter().filter(|l| l.rel.is_none()))
        .find_map(|l| safe_url(&l.href, base))
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

    fn text(bytes: Option<Vec<u8>>) -> Option<String> {
        bytes.map(|b| String::from_utf8(b).unwrap())
    }

    #[test]
    fn repairs_bare_ampersands() {
        assert_eq!(
            text(repair::escape_bare_ampersands(
                b"a & b &amp; c &#38; d <![CDATA[x & y]]> &"
            ))
            .as_deref(),
            Some("a &amp; b &amp; c &#38; d <![CDATA[x & y]]> &amp;")
        );
        assert_eq!(repair::escape_bare_ampersands(b"a &amp; b"), None);
    }

    #[test]
    fn adds_rss_version() {
        let fixed = text(repair::add_missing_rss_version(b"<rss><channel/></rss>")).unwrap();
        assert!(fixed.starts_with("<rss version=\"2.0\">"), "{fixed}");
        let fixed = text(repair::add_missing_rss_version(
            b"<?xml version=\"1.0\"?><!-- <rss> --><rss version=\"0.94\" x='y'>",
        ))
        .unwrap();
        assert_eq!(
            fixed,
            "<?xml version=\"1.0\"?><!-- <rss> --><rss version=\"2.0\" x='y'>"
        );
        assert_eq!(
            repair::add_missing_rss_version(b"<rss version=\"2.0\"/>"),
            None
        );
    }

    #[test]
    fn drops_an_unknown_default_namespace_only() {
        let fixed = text(prepare::drop_unknown_default_namespace(
            b"<?xml version='1.0'?>\n<rss version=\"2.0\" xmlns=\"http://backend.userland.com/rss2\" xmlns:x=\"urn:x\">",
        ))
        .unwrap();
        assert_eq!(
            fixed,
            "<?xml version='1.0'?>\n<rss version=\"2.0\" xmlns:x=\"urn:x\">"
        );
        assert_eq!(
            prepare::drop_unknown_default_namespace(
                b"<feed xmlns=\"http://www.w3.org/2005/Atom\">"
            ),
            None
        );
    }

    #[test]
    fn upgrades_atom03_text_constructs() {
        let out = String::from_utf8(prepare::upgrade_atom03(
            b"<feed xmlns=\"http://purl.org/atom/ns#\"><title mode=\"escaped\" type=\"text/html\">a</title>\
              <content type=\"application/xhtml+xml\" mode=\"xml\"><div/></content><issued>x</issued></feed>",
        ))
        .unwrap();
        assert_eq!(
            out,
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title type=\"html\">a</title>\
             <content type=\"xhtml\"><div/></content><published>x</published></feed>"
        );
    }

    #[test]
    fn reads_stray_bytes_as_windows_1252() {
        let out = encoding::utf8_with_cp1252_fallback(b"caf\xe9 \x93q\x94 \xc3\xa9");
        assert_eq!(String::from_utf8(out).unwrap(), "café “q” é");
        let out = encoding::to_utf8(b"<?xml version='1.0' encoding='utf-8'?><a>\xe9</a>");
        assert_eq!(
            std::str::from_utf8(&out).unwrap(),
            "<?xml version='1.0' encoding='UTF-8'?><a>é</a>"
        );
    }

    #[test]
    fn decodes_utf16() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss>é</rss>".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let out = encoding::to_utf8(&bytes);
        assert_eq!(
            std::str::from_utf8(&out).unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss>é</rss>"
        );
    }

    #[test]
    fn repairs_loose_json_feeds() {
        let fixed = json::repair(
            br#"{"version":"http://jsonfeed.org/version/1","items":[{"id":7,"tags":"a,b",
                "attachments":[{"url":"https://x.example/a.mp3"}]}, 3]}"#,
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&fixed).unwrap();
        assert_eq!(v["version"], "https://jsonfeed.org/version/1");
        assert_eq!(v["title"], "");
        assert_eq!(v["items"].as_array().unwrap().len(), 1);
        assert_eq!(v["items"][0]["id"], "7");
        assert_eq!(v["items"][0]["tags"][0], "a,b");
        assert_eq!(
            v["items"][0]["attachments"][0]["mime_type"],
            "application/octet-stream"
        );
    }

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
