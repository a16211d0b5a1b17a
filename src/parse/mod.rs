//! Parsing feed bytes (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed) into the [`crate::model`]:
//! called by the refresh stage on each body it fetches, it hands back a clean [`Feed`].
//!
//! feed-rs does the parsing; `convert` turns its output into our model: plain-text titles,
//! absolute and checked links, sanitized content, UTC dates clamped to the fetch time, and the
//! items in a stable order (their ids made safe and unique by `ids`).
//!
//! Real feeds break feed-rs in a few common ways. So the bytes are first made into text
//! feed-rs decodes right (`encoding`: UTF-16, stray Latin-1 bytes, mislabelled UTF-8) and
//! into a shape it reads (`prepare`: Atom 0.3, RSS in an unknown default namespace); a feed
//! feed-rs still rejects is retried once after `repair` (bare `&`, a missing RSS version or
//! channel, broken Media RSS) or `json::repair` (a sloppy JSON Feed). Dates go through a
//! more lenient parser than feed-rs's (`dates`). Every fix is generic: nothing here knows a
//! particular feed.

use chrono::{DateTime, Utc};
use url::Url;

use crate::model::Feed;
use crate::parse::convert::convert;
use crate::parse::ids::stable_id;

pub mod autodiscover;
mod convert;
mod dates;
mod encoding;
mod ids;
pub mod images;
mod json;
pub mod links;
mod markup;
mod prepare;
mod repair;

pub use convert::EXCERPT_CHARS;

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

/// Whether `doc` is an HTML page (a doctype or an `<html>`-like root), not a feed.
pub fn looks_like_html(doc: &[u8]) -> bool {
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
}
