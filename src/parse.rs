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
    Url::parse(id).is_ok_and(|u| matches!(u.scheme(), "javascript" | "vbscript" | "data"))
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
    // feed-rs drops entries only in odd documents; then the xml:bases cannot be matched up.
    let bases = if bases.len() == feed.entries.len() {
        bases
    } else {
        &[]
    };
    let mut items: Vec<Item> = newest_entries(feed.entries, fetched_at, max_items)
        .into_iter()
        .map(|(n, entry)| {
            let link = pick_link(&entry.links, feed_url.as_ref(), false)
                .or_else(|| safe_link(&entry.id, None));
            // Relative URLs in the HTML resolve against the xml:base in scope (on the content,
            // else the entry or its ancestors); without one, against the post's own link,
            // which is on the site even when the feed is hosted elsewhere.
            let scoped_base = bases.get(n).cloned().flatten();
            let content_base = entry
                .base
                .as_deref()
                .and_then(|b| scoped_base.as_ref().or(feed_url.as_ref())?.join(b).ok())
                .or(scoped_base)
                .or_else(|| link.as_deref().and_then(|l| Url::parse(l).ok()))
                .or_else(|| site_base.clone())
                .or_else(|| feed_url.clone());
            let raw_content = entry
                .content
                .as_ref()
                .and_then(|c| c.body.clone())
                .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()));
            let content_html = raw_content
                .as_deref()
                .map(|html| sanitize::clean_html(html, content_base.as_ref()))
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
                .filter_map(|p| author_name(p.name.as_deref().unwrap_or("")))
                .collect::<Vec<_>>()
                .join(", ");
            let id = match entry.id.trim() {
                "" => content_id(
                    entry.published.or(entry.updated),
                    raw_content.as_deref().unwrap_or(""),
                ),
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
                link,
                published: clamp(entry.published),
                updated: clamp(entry.updated),
                author: (!author.is_empty()).then_some(author),
                excerpt: sanitize::excerpt(&excerpt_source, EXCERPT_CHARS),
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
    let mut seen = HashSet::new();
    items.retain(|i| seen.insert((i.id.clone(), i.title.clone(), i.link.clone(), i.date())));
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

/// Dates as feeds write them. feed-rs's own parser reads RFC 3339 and RFC 2822 leniently, but
/// gives up on several forms common in real feeds; this one reads those too, and gives `None`
/// (an undated item) rather than a guess for anything it cannot read with confidence.
mod dates {
    use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

    /// Month abbreviations in English, Portuguese, Spanish, German and Italian, by month.
    const MONTHS: [&[&str]; 12] = [
        &["jan", "ene", "gen"],
        &["feb", "fev"],
        &["mar", "mär", "mrz"],
        &["apr", "abr", "avr"],
        &["may", "mai", "mag"],
        &["jun", "giu"],
        &["jul", "lug"],
        &["aug", "ago"],
        &["sep", "set", "sept"],
        &["oct", "out", "okt", "ott"],
        &["nov"],
        &["dec", "dez", "dic"],
    ];
    const MONTH_NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    /// Time zone abbreviations seen in feeds, with their offset in minutes. Ambiguous ones
    /// (IST, …) are left out: an unknown zone makes the date unreadable, not wrong.
    const ZONES: [(&str, i32); 34] = [
        ("UT", 0),
        ("UTC", 0),
        ("GMT", 0),
        ("Z", 0),
        ("WET", 0),
        ("WEST", 60),
        ("BST", 60),
        ("CET", 60),
        ("MET", 60),
        ("CEST", 120),
        ("MEST", 120),
        ("EET", 120),
        ("EEST", 180),
        ("MSK", 180),
        ("SGT", 480),
        ("HKT", 480),
        ("AWST", 480),
        ("JST", 540),
        ("KST", 540),
        ("ACST", 570),
        ("AEST", 600),
        ("AEDT", 660),
        ("NZST", 720),
        ("NZDT", 780),
        ("EST", -300),
        ("EDT", -240),
        ("CST", -360),
        ("CDT", -300),
        ("MST", -420),
        ("MDT", -360),
        ("PST", -480),
        ("PDT", -420),
        ("AKST", -540),
        ("HST", -600),
    ];

    pub fn parse(raw: &str) -> Option<DateTime<Utc>> {
        let text = raw.trim();
        if text.is_empty() {
            return None;
        }
        DateTime::parse_from_rfc3339(text)
            .or_else(|_| DateTime::parse_from_rfc2822(text))
            .ok()
            .map(|d| d.to_utc())
            .or_else(|| iso(text))
            .or_else(|| words(text))
    }

    /// `2024-01-05`, `2024-01-05 10:00`, `2024-01-05T10:00:00.5+0100`, `2020/1/10 14:33:00`:
    /// ISO-like dates, with the time, seconds or zone missing (UTC is assumed).
    fn iso(text: &str) -> Option<DateTime<Utc>> {
        let b = text.as_bytes();
        if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || !matches!(b[4], b'-' | b'/') {
            return None;
        }
        let text = text.replacen(' ', "T", 1);
        let (local, offset) = match text.find('T') {
            Some(t) => {
                let (local, offset) = split_offset(&text[t..])?;
                (format!("{}{}", &text[..t], local.trim_end()), offset)
            }
            None => (text.clone(), 0),
        };
        let sep = if local.contains('/') { '/' } else { '-' };
        let naive = ["%H:%M:%S%.f", "%H:%M"]
            .iter()
            .find_map(|time| {
                let format = format!("%Y{sep}%m{sep}%dT{time}");
                NaiveDateTime::parse_from_str(&local, &format).ok()
            })
            .or_else(|| {
                NaiveDate::parse_from_str(&local, &format!("%Y{sep}%m{sep}%d"))
                    .ok()
                    .map(|d| d.and_time(NaiveTime::MIN))
            })?;
        at_offset(naive, offset)
    }

    /// Splits `T10:00:00+01:00` into the local part and the offset in minutes (0 when none).
    fn split_offset(time: &str) -> Option<(&str, i32)> {
        if let Some(local) = time.strip_suffix(['Z', 'z']) {
            return Some((local, 0));
        }
        let Some(sign_at) = time.rfind(['+', '-']) else {
            return Some((time, 0));
        };
        Some((&time[..sign_at], offset_minutes(&time[sign_at..])?))
    }

    /// `+0100`, `-05:00`, `+09`: an offset in minutes.
    fn offset_minutes(text: &str) -> Option<i32> {
        let sign = match text.as_bytes().first()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let digits: String = text[1..].chars().filter(|&c| c != ':').collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (hours, minutes) = match digits.len() {
            2 => (digits.parse::<i32>().ok()?, 0),
            4 => (digits[..2].parse().ok()?, digits[2..].parse::<i32>().ok()?),
            _ => return None,
        };
        (hours < 24 && minutes < 60).then_some(sign * (hours * 60 + minutes))
    }

    /// Dates in words, in any order: `Friday, January 29, 2021 04:42 PM`,
    /// `Seg, 24 Set 2018 19:42:40 -0300`, `Fri, 17 May 2019 06:00:00 BST`. The weekday is
    /// ignored (it is often wrong or not in English).
    fn words(text: &str) -> Option<DateTime<Utc>> {
        let cleaned = text.replace(',', " ");
        let mut tokens: Vec<&str> = cleaned.split_whitespace().collect();
        if tokens
            .first()
            .is_some_and(|t| t.chars().all(|c| c.is_alphabetic() || c == '.') && month(t).is_none())
        {
            tokens.remove(0);
        }
        let (mut day, mut month_number, mut year) = (None, None, None);
        let (mut time, mut pm, mut offset) = (None, None, None);
        for token in tokens {
            if let Some(m) = month(token) {
                month_number.replace(m).is_none().then_some(())?;
            } else if token.contains(':') && time.is_none() {
                time = Some(clock(token)?);
            } else if token.eq_ignore_ascii_case("am") || token.eq_ignore_ascii_case("pm") {
                pm = Some(token.eq_ignore_ascii_case("pm"));
            } else if let Some(minutes) = zone(token) {
                offset.replace(minutes).is_none().then_some(())?;
            } else if token.bytes().all(|b| b.is_ascii_digit()) {
                let n: i32 = token.parse().ok()?;
                match token.len() {
                    1 | 2 if day.is_none() => day = Some(n),
                    2 if year.is_none() => year = Some(2000 + n),
                    4 if year.is_none() => year = Some(n),
                    _ => return None,
                }
            } else {
                return None;
            }
        }
        let (mut hour, minute, second) = time.unwrap_or((0, 0, 0));
        match pm {
            Some(true) if hour < 12 => hour += 12,
            Some(false) if hour == 12 => hour = 0,
            _ => {}
        }
        let date = NaiveDate::from_ymd_opt(year?, month_number?, u32::try_from(day?).ok()?)?;
        let naive = date.and_time(NaiveTime::from_hms_opt(hour, minute, second)?);
        at_offset(naive, offset.unwrap_or(0))
    }

    fn month(token: &str) -> Option<u32> {
        let lower = token.trim_end_matches('.').to_lowercase();
        let index = MONTHS
            .iter()
            .position(|names| names.contains(&lower.as_str()))
            .or_else(|| MONTH_NAMES.iter().position(|&name| name == lower))?;
        u32::try_from(index + 1).ok()
    }

    /// `14:33`, `14:33:07`, `24:10:00` (read as 00:10, as feed-rs does).
    fn clock(token: &str) -> Option<(u32, u32, u32)> {
        let mut parts = token.split(':').map(|p| p.parse::<u32>().ok());
        let hour = parts.next()??;
        let minute = parts.next()??;
        let second = parts.next().unwrap_or(Some(0))?;
        if parts.next().is_some() {
            return None;
        }
        Some((if hour == 24 { 0 } else { hour }, minute, second))
    }

    fn zone(token: &str) -> Option<i32> {
        offset_minutes(token).or_else(|| {
            ZONES
                .iter()
                .find(|(name, _)| *name == token)
                .map(|&(_, minutes)| minutes)
        })
    }

    fn at_offset(naive: NaiveDateTime, minutes: i32) -> Option<DateTime<Utc>> {
        let offset = FixedOffset::east_opt(minutes * 60)?;
        Some(offset.from_local_datetime(&naive).single()?.to_utc())
    }
}

/// Getting the bytes into an encoding feed-rs reads right.
mod encoding {
    use std::borrow::Cow;

    use super::markup;

    /// Labels of the single-byte encodings a UTF-8 document is often mislabelled as.
    const LEGACY_LABELS: [&str; 9] = [
        "iso-8859-1",
        "iso8859-1",
        "latin1",
        "latin-1",
        "l1",
        "windows-1252",
        "cp1252",
        "us-ascii",
        "ascii",
    ];

    /// Returns the document as bytes feed-rs decodes correctly:
    /// - UTF-16 (which feed-rs cannot read) becomes UTF-8;
    /// - a document in UTF-8 (declared, or by default) with bytes that are not UTF-8 has those
    ///   bytes read as windows-1252, the usual culprit (lenient readers all do this);
    /// - a document declared Latin-1 or ASCII whose bytes are valid, non-ASCII UTF-8 is the
    ///   UTF-8 it really is (a mislabelled Latin-1 document is almost never valid UTF-8).
    ///
    /// Documents in other declared encodings are left to feed-rs, which decodes them.
    pub fn to_utf8(bytes: &[u8]) -> Cow<'_, [u8]> {
        if let Some(text) = decode_utf16(bytes) {
            return Cow::Owned(declare_utf8(text.into_bytes()));
        }
        let declared = declared_encoding(bytes).map(|e| e.to_ascii_lowercase());
        let is_utf8 = std::str::from_utf8(bytes).is_ok();
        match declared.as_deref() {
            None | Some("utf-8" | "utf8") if !is_utf8 => {
                Cow::Owned(declare_utf8(utf8_with_cp1252_fallback(bytes)))
            }
            Some(label) if LEGACY_LABELS.contains(&label) && is_utf8 && !bytes.is_ascii() => {
                Cow::Owned(declare_utf8(bytes.to_vec()))
            }
            _ => Cow::Borrowed(bytes),
        }
    }

    /// The `encoding` of the XML declaration, if any.
    fn declared_encoding(bytes: &[u8]) -> Option<String> {
        let decl = markup::xml_declaration(bytes)?;
        let attr = markup::attributes(decl)
            .into_iter()
            .find(|a| &decl[a.name.clone()] == b"encoding")?;
        Some(String::from_utf8_lossy(&decl[attr.value]).trim().to_owned())
    }

    /// Rewrites the declaration's `encoding` to UTF-8, once the bytes are UTF-8.
    fn declare_utf8(mut bytes: Vec<u8>) -> Vec<u8> {
        let Some(decl) = markup::xml_declaration(&bytes) else {
            return bytes;
        };
        let offset = decl.as_ptr() as usize - bytes.as_ptr() as usize;
        if let Some(attr) = markup::attributes(decl)
            .into_iter()
            .find(|a| &decl[a.name.clone()] == b"encoding")
        {
            let range = offset + attr.value.start..offset + attr.value.end;
            bytes.splice(range, b"UTF-8".iter().copied());
        }
        bytes
    }

    /// UTF-16 with a byte order mark, or without one but starting with `<` (as XML must).
    fn decode_utf16(bytes: &[u8]) -> Option<String> {
        let (little_endian, body) = match bytes {
            [0xFF, 0xFE, rest @ ..] => (true, rest),
            [0xFE, 0xFF, rest @ ..] => (false, rest),
            [b'<', 0, c, 0, ..] if *c != 0 => (true, bytes),
            [0, b'<', 0, c, ..] if *c != 0 => (false, bytes),
            _ => return None,
        };
        let units = body.chunks_exact(2).map(|pair| {
            let pair = [pair[0], pair[1]];
            if little_endian {
                u16::from_le_bytes(pair)
            } else {
                u16::from_be_bytes(pair)
            }
        });
        Some(
            char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect(),
        )
    }

    /// Keeps the valid UTF-8 runs and reads every other byte as windows-1252.
    pub fn utf8_with_cp1252_fallback(mut bytes: &[u8]) -> Vec<u8> {
        let mut out = String::with_capacity(bytes.len() + bytes.len() / 8);
        loop {
            match std::str::from_utf8(bytes) {
                Ok(rest) => {
                    out.push_str(rest);
                    return out.into_bytes();
                }
                Err(e) => {
                    let (good, bad) = bytes.split_at(e.valid_up_to());
                    out.push_str(std::str::from_utf8(good).expect("valid up to here"));
                    let n = e.error_len().unwrap_or(bad.len());
                    out.extend(bad[..n].iter().map(|&b| cp1252(b)));
                    bytes = &bad[n..];
                }
            }
        }
    }

    /// windows-1252, which is Latin-1 except for printable characters in 0x80–0x9F.
    fn cp1252(byte: u8) -> char {
        const HIGH: [char; 32] = [
            '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
            '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ',
            '\u{9D}', 'ž', 'Ÿ',
        ];
        match byte {
            0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
            _ => char::from(byte),
        }
    }
}

/// A minimal scanner for the tags of a document that may not be well-formed: enough to look at
/// the root element and to rewrite tags and attributes without a full parse.
mod markup {
    use std::ops::Range;

    use url::Url;

    /// A start or end tag: `doc[start..end]` runs from its `<` to its `>`.
    pub struct Tag<'a> {
        pub start: usize,
        pub end: usize,
        pub name: &'a [u8],
        pub closing: bool,
    }

    /// One `name="value"` attribute of a tag, as ranges into the tag's bytes; `whole` includes
    /// the whitespace before it.
    pub struct Attr {
        pub whole: Range<usize>,
        pub name: Range<usize>,
        pub value: Range<usize>,
    }

    pub fn strip_bom(doc: &[u8]) -> &[u8] {
        doc.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(doc)
    }

    pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }

    /// The `<?xml … ?>` declaration at the start of the document.
    pub fn xml_declaration(doc: &[u8]) -> Option<&[u8]> {
        let doc = strip_bom(doc).trim_ascii_start();
        if !doc.starts_with(b"<?xml") {
            return None;
        }
        Some(&doc[..find(doc, b"?>")? + 2])
    }

    /// The next start or end tag at or after `from`, skipping comments, CDATA sections,
    /// processing instructions and the doctype. `None` at the end or at an unclosed tag.
    pub fn next_tag(doc: &[u8], mut from: usize) -> Option<Tag<'_>> {
        loop {
            let lt = from + doc[from..].iter().position(|&b| b == b'<')?;
            let rest = &doc[lt..];
            let skip = if rest.starts_with(b"<!--") {
                find(rest, b"-->").map(|i| i + 3)
            } else if rest.starts_with(b"<![CDATA[") {
                find(rest, b"]]>").map(|i| i + 3)
            } else if rest.starts_with(b"<?") {
                find(rest, b"?>").map(|i| i + 2)
            } else if rest.starts_with(b"<!") {
                let gt = rest.iter().position(|&b| b == b'>')?;
                match rest.iter().position(|&b| b == b'[') {
                    Some(bracket) if bracket < gt => find(rest, b"]>").map(|i| i + 2),
                    _ => Some(gt + 1),
                }
            } else {
                let closing = rest.get(1) == Some(&b'/');
                let name_start = lt + 1 + usize::from(closing);
                let name_len = doc[name_start..]
                    .iter()
                    .position(|&b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/'))
                    .unwrap_or(doc.len() - name_start);
                let name = &doc[name_start..name_start + name_len];
                if name
                    .first()
                    .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'_' || b >= 0x80)
                {
                    let end = tag_end(doc, name_start + name_len)?;
                    return Some(Tag {
                        start: lt,
                        end,
                        name,
                        closing,
                    });
                }
                Some(1)
            };
            from = lt + skip?;
        }
    }

    /// The index just past the `>` that ends the tag whose attributes start at `from`.
    fn tag_end(doc: &[u8], from: usize) -> Option<usize> {
        let mut quote = None;
        for (i, &b) in doc[from..].iter().enumerate() {
            match (quote, b) {
                (None, b'"' | b'\'') => quote = Some(b),
                (None, b'>') => return Some(from + i + 1),
                (Some(q), _) if q == b => quote = None,
                _ => {}
            }
        }
        None
    }

    /// For each entry of a feed (each `<item>` or `<entry>` at the depth of the first one, in
    /// document order, as feed-rs lists them), the xml:base in scope for it, its own included,
    /// resolved against `doc_url`; `None` for an entry with no xml:base in scope. Empty when the
    /// document has no xml:base at all. feed-rs resolves links against xml:base but does not
    /// say which base applies to an entry's HTML.
    pub fn entry_bases(doc: &[u8], doc_url: Option<Url>) -> Vec<Option<Url>> {
        if find(doc, b"xml:base").is_none() {
            return Vec::new();
        }
        let mut open: Vec<Option<Url>> = Vec::new();
        let mut entry_depth = None;
        let mut out = Vec::new();
        let mut at = 0;
        while let Some(tag) = next_tag(doc, at) {
            at = tag.end;
            if tag.closing {
                open.pop();
                continue;
            }
            let raw = &doc[tag.start..tag.end];
            let parent = open.last().cloned().flatten();
            let own = attributes(raw)
                .into_iter()
                .find(|a| &raw[a.name.clone()] == b"xml:base")
                .map(|a| String::from_utf8_lossy(&raw[a.value]).trim().to_owned());
            let base = match own {
                Some(own) => parent
                    .as_ref()
                    .or(doc_url.as_ref())
                    .and_then(|p| p.join(&own).ok())
                    .or_else(|| Url::parse(&own).ok()),
                None => parent,
            };
            let local = tag.name.rsplit(|&b| b == b':').next().unwrap_or(tag.name);
            if matches!(local, b"item" | b"entry")
                && *entry_depth.get_or_insert(open.len()) == open.len()
            {
                out.push(base.clone());
            }
            if !raw.ends_with(b"/>") {
                open.push(base);
            }
        }
        out
    }

    /// The document's root element.
    pub fn root(doc: &[u8]) -> Option<Tag<'_>> {
        next_tag(doc, 0).filter(|t| !t.closing)
    }

    /// The quoted attributes of a tag (or of the XML declaration), given its bytes.
    pub fn attributes(tag: &[u8]) -> Vec<Attr> {
        let mut out = Vec::new();
        let name_end = tag
            .iter()
            .position(u8::is_ascii_whitespace)
            .unwrap_or(tag.len());
        let mut i = name_end;
        loop {
            let whole_start = i;
            while i < tag.len() && tag[i].is_ascii_whitespace() {
                i += 1;
            }
            let name_start = i;
            while i < tag.len()
                && !tag[i].is_ascii_whitespace()
                && !matches!(tag[i], b'=' | b'>' | b'/' | b'?')
            {
                i += 1;
            }
            let name = name_start..i;
            while i < tag.len() && tag[i].is_ascii_whitespace() {
                i += 1;
            }
            if name.is_empty() || tag.get(i) != Some(&b'=') {
                if i >= tag.len() || name.is_empty() {
                    return out;
                }
                continue;
            }
            i += 1;
            while i < tag.len() && tag[i].is_ascii_whitespace() {
                i += 1;
            }
            let Some(&quote @ (b'"' | b'\'')) = tag.get(i) else {
                return out;
            };
            let Some(len) = tag[i + 1..].iter().position(|&b| b == quote) else {
                return out;
            };
            out.push(Attr {
                whole: whole_start..i + len + 2,
                name,
                value: i + 1..i + 1 + len,
            });
            i += len + 2;
        }
    }
}

/// Changes made before the first parse, for documents feed-rs parses without an error but
/// wrongly (as an empty feed).
mod prepare {
    use std::borrow::Cow;

    use super::markup::{self, Tag};

    /// The namespaces feed-rs knows for a root element's default namespace.
    const KNOWN_DEFAULT_NAMESPACES: [&str; 2] =
        ["http://www.w3.org/2005/Atom", "http://purl.org/rss/1.0/"];

    pub fn prepare(doc: &[u8]) -> Cow<'_, [u8]> {
        let mut doc = Cow::Borrowed(doc);
        if markup::find(&doc[..doc.len().min(4096)], b"purl.org/atom/ns#").is_some() {
            doc = Cow::Owned(upgrade_atom03(&doc));
        }
        if let Some(fixed) = drop_unknown_default_namespace(&doc) {
            doc = Cow::Owned(fixed);
        }
        doc
    }

    /// feed-rs only reads RSS and Atom elements in their own namespace (or in none). Feeds that
    /// put RSS in another default namespace (the UserLand RSS 2.0 one, RSS 0.90's Netscape
    /// one) parse as empty; without the declaration their elements are read as plain RSS.
    pub fn drop_unknown_default_namespace(doc: &[u8]) -> Option<Vec<u8>> {
        let root = markup::root(doc)?;
        let tag = &doc[root.start..root.end];
        let attr = markup::attributes(tag)
            .into_iter()
            .find(|a| &tag[a.name.clone()] == b"xmlns")?;
        let uri = String::from_utf8_lossy(&tag[attr.value.clone()]);
        if KNOWN_DEFAULT_NAMESPACES.contains(&uri.trim()) {
            return None;
        }
        let mut out = doc.to_vec();
        out.drain(root.start + attr.whole.start..root.start + attr.whole.end);
        Some(out)
    }

    /// Atom 0.3 parses in feed-rs as an empty feed: rename its namespace and the elements Atom
    /// 1.0 renamed, and turn its text constructs' `type` (a MIME type) and `mode` into an Atom
    /// 1.0 `type`.
    pub fn upgrade_atom03(doc: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(doc.len() + 256);
        let mut at = 0;
        while let Some(tag) = markup::next_tag(doc, at) {
            out.extend_from_slice(&doc[at..tag.start]);
            out.extend_from_slice(&rewrite_atom03_tag(doc, &tag));
            at = tag.end;
        }
        out.extend_from_slice(&doc[at..]);
        replace_all(
            &out,
            b"http://purl.org/atom/ns#",
            b"http://www.w3.org/2005/Atom",
        )
    }

    fn rewrite_atom03_tag(doc: &[u8], tag: &Tag<'_>) -> Vec<u8> {
        let raw = &doc[tag.start..tag.end];
        let renamed: &[u8] = match tag.name {
            b"issued" => b"published",
            b"modified" => b"updated",
            b"tagline" => b"subtitle",
            b"copyright" => b"rights",
            other => other,
        };
        if tag.closing {
            return [b"</", renamed, b">"].concat();
        }
        let attrs = markup::attributes(raw);
        // A construct with `src` (content elsewhere) keeps its MIME type, as Atom 1.0 wants.
        let is_text_construct = matches!(
            tag.name,
            b"title" | b"tagline" | b"summary" | b"content" | b"copyright" | b"info"
        ) && !attrs.iter().any(|a| &raw[a.name.clone()] == b"src");
        let name_end = 1 + tag.name.len();
        let mut out = [b"<", renamed].concat();
        let mut mime = None;
        let mut mode = None;
        for attr in &attrs {
            let name = &raw[attr.name.clone()];
            let value = String::from_utf8_lossy(&raw[attr.value.clone()]).to_ascii_lowercase();
            match name {
                b"type" if is_text_construct => mime = Some(value),
                b"mode" if is_text_construct => mode = Some(value),
                _ => out.extend_from_slice(&raw[attr.whole.clone()]),
            }
        }
        if is_text_construct {
            let mime = mime.as_deref().unwrap_or("text/plain");
            let kind = match mode.as_deref().unwrap_or("xml") {
                "escaped" if mime.contains("html") => "html",
                "xml" if mime.contains("html") || mime.contains("xml") => "xhtml",
                _ => "text",
            };
            out.extend_from_slice(format!(" type=\"{kind}\"").as_bytes());
        }
        let tail_start = attrs.last().map_or(name_end, |a| a.whole.end);
        out.extend_from_slice(&raw[tail_start..]);
        out
    }

    pub fn replace_all(doc: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(doc.len());
        let mut rest = doc;
        while let Some(i) = markup::find(rest, from) {
            out.extend_from_slice(&rest[..i]);
            out.extend_from_slice(to);
            rest = &rest[i + from.len()..];
        }
        out.extend_from_slice(rest);
        out
    }
}

/// Repairs tried when feed-rs rejects a document: each fixes a breakage common in real feeds
/// that lenient readers accept.
mod repair {
    use super::markup;
    use super::prepare::replace_all;

    /// A repair: the fixed document, or `None` when the breakage it fixes is not there.
    type Repair = fn(&[u8]) -> Option<Vec<u8>>;

    /// The document with every applicable repair made, or `None` when none applies.
    pub fn repair(doc: &[u8]) -> Option<Vec<u8>> {
        let repairs: [Repair; 4] = [
            add_missing_rss_version,
            add_missing_channel,
            escape_bare_ampersands,
            ignore_media_rss,
        ];
        let mut fixed: Option<Vec<u8>> = None;
        for repair in repairs {
            if let Some(out) = repair(fixed.as_deref().unwrap_or(doc)) {
                fixed = Some(out);
            }
        }
        fixed
    }

    /// `<rss>` without a `version` (or with one feed-rs does not know, like `0.94` or `2.01`)
    /// is rejected by feed-rs; call it 2.0, which reads every RSS 0.9x/2.x element.
    pub fn add_missing_rss_version(doc: &[u8]) -> Option<Vec<u8>> {
        let root = markup::root(doc)?;
        if root.name != b"rss" {
            return None;
        }
        let tag = &doc[root.start..root.end];
        let attrs = markup::attributes(tag);
        let version = attrs.iter().find(|a| &tag[a.name.clone()] == b"version");
        if version.is_some_and(|v| &tag[v.value.clone()] == b"2.0") {
            return None;
        }
        let mut out = doc[..root.start].to_vec();
        out.extend_from_slice(b"<rss version=\"2.0\"");
        for attr in attrs.iter().filter(|a| &tag[a.name.clone()] != b"version") {
            out.extend_from_slice(&tag[attr.whole.clone()]);
        }
        let tail = attrs.last().map_or(4, |a| a.whole.end);
        out.extend_from_slice(&tag[tail..]);
        out.extend_from_slice(&doc[root.end..]);
        Some(out)
    }

    /// An `<rss>` with no `<channel>` is an empty feed, not a broken one.
    pub fn add_missing_channel(doc: &[u8]) -> Option<Vec<u8>> {
        let root = markup::root(doc)?;
        if root.name != b"rss" || doc[..root.end].ends_with(b"/>") {
            return None;
        }
        let mut at = root.end;
        while let Some(tag) = markup::next_tag(doc, at) {
            if tag.name == b"channel" {
                return None;
            }
            at = tag.end;
        }
        Some([&doc[..root.end], b"<channel></channel>", &doc[root.end..]].concat())
    }

    /// Escapes `&` characters that do not start an entity or character reference, outside
    /// CDATA sections and comments (where `&` is literal).
    pub fn escape_bare_ampersands(doc: &[u8]) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(doc.len() + 64);
        let mut changed = false;
        let mut i = 0;
        while i < doc.len() {
            let rest = &doc[i..];
            let literal_end = if rest.starts_with(b"<![CDATA[") {
                markup::find(rest, b"]]>").map(|e| e + 3)
            } else if rest.starts_with(b"<!--") {
                markup::find(rest, b"-->").map(|e| e + 3)
            } else {
                None
            };
            if let Some(len) = literal_end {
                out.extend_from_slice(&rest[..len]);
                i += len;
                continue;
            }
            out.push(doc[i]);
            if doc[i] == b'&' && !starts_reference(&rest[1..]) {
                out.extend_from_slice(b"amp;");
                changed = true;
            }
            i += 1;
        }
        changed.then_some(out)
    }

    /// Whether the text after an `&` is `name;`, `#123;` or `#x1F;`.
    fn starts_reference(after: &[u8]) -> bool {
        let len = after
            .iter()
            .take(32)
            .position(|&b| !(b.is_ascii_alphanumeric() || b == b'#'));
        matches!(len, Some(n) if n > 0 && after[n] == b';')
    }

    /// feed-rs fails a whole feed over a Media RSS element it finds incomplete (an empty
    /// `<media:description/>`, an unknown `type`). toluu uses nothing from Media RSS, so when
    /// a feed fails, its Media RSS namespace is renamed to one feed-rs skips.
    pub fn ignore_media_rss(doc: &[u8]) -> Option<Vec<u8>> {
        const MRSS: &[u8] = b"search.yahoo.com/mrss";
        markup::find(doc, MRSS)?;
        Some(replace_all(doc, MRSS, b"media-rss.invalid/ignored"))
    }
}

/// Repairs for JSON Feeds feed-rs rejects: its serde model is strict where the spec (and real
/// feeds) are loose.
mod json {
    use serde_json::{Map, Value};

    const FEED_STRINGS: [&str; 7] = [
        "title",
        "home_page_url",
        "feed_url",
        "language",
        "description",
        "icon",
        "favicon",
    ];
    const ITEM_STRINGS: [&str; 9] = [
        "id",
        "url",
        "external_url",
        "title",
        "content_html",
        "content_text",
        "summary",
        "date_published",
        "date_modified",
    ];

    /// The feed with an `http:` version URL, a missing title, numeric ids, a string of tags,
    /// an attachment without a MIME type and other wrongly typed fields made acceptable; or
    /// `None` when the bytes are not a JSON object.
    pub fn repair(doc: &[u8]) -> Option<Vec<u8>> {
        let mut value: Value = serde_json::from_slice(doc).ok()?;
        let feed = value.as_object_mut()?;
        let version = feed.get("version").and_then(Value::as_str).unwrap_or("");
        let version = match version.strip_prefix("http://jsonfeed.org/version/") {
            Some(v) => format!("https://jsonfeed.org/version/{v}"),
            None if version.is_empty() && feed.get("items").is_some_and(Value::is_array) => {
                "https://jsonfeed.org/version/1".to_owned()
            }
            None => version.to_owned(),
        };
        feed.insert("version".to_owned(), version.into());
        strings(feed, &FEED_STRINGS);
        feed.entry("title").or_insert_with(|| "".into());
        authors(feed);
        match feed.get_mut("items") {
            Some(Value::Array(items)) => {
                items.retain(Value::is_object);
                items
                    .iter_mut()
                    .filter_map(Value::as_object_mut)
                    .for_each(item);
            }
            _ => {
                feed.insert("items".to_owned(), Value::Array(Vec::new()));
            }
        }
        serde_json::to_vec(&value).ok()
    }

    fn item(item: &mut Map<String, Value>) {
        strings(item, &ITEM_STRINGS);
        authors(item);
        match item.get_mut("tags") {
            Some(Value::Array(tags)) => tags.retain(Value::is_string),
            Some(Value::String(tag)) => {
                let tags = vec![Value::String(std::mem::take(tag))];
                item.insert("tags".to_owned(), Value::Array(tags));
            }
            Some(_) => {
                item.remove("tags");
            }
            None => {}
        }
        match item.get_mut("attachments") {
            Some(Value::Array(list)) => {
                list.retain(|a| a.get("url").is_some_and(Value::is_string));
                for a in list.iter_mut().filter_map(Value::as_object_mut) {
                    strings(a, &["mime_type", "title"]);
                    a.entry("mime_type")
                        .or_insert_with(|| "application/octet-stream".into());
                    if !a.get("size_in_bytes").is_none_or(Value::is_u64) {
                        a.remove("size_in_bytes");
                    }
                }
            }
            Some(_) => {
                item.remove("attachments");
            }
            None => {}
        }
    }

    fn authors(obj: &mut Map<String, Value>) {
        match obj.get_mut("author") {
            Some(Value::Object(author)) => strings(author, &["name", "url"]),
            Some(_) => {
                obj.remove("author");
            }
            None => {}
        }
        match obj.get_mut("authors") {
            Some(Value::Array(list)) => {
                list.retain(Value::is_object);
                for author in list.iter_mut().filter_map(Value::as_object_mut) {
                    strings(author, &["name", "url"]);
                }
            }
            Some(_) => {
                obj.remove("authors");
            }
            None => {}
        }
    }

    /// Makes each of `keys` a string: numbers are written out, other values are dropped.
    fn strings(obj: &mut Map<String, Value>, keys: &[&str]) {
        for &key in keys {
            match obj.get(key) {
                None | Some(Value::String(_)) => {}
                Some(Value::Number(n)) => {
                    let text = n.to_string();
                    obj.insert(key.to_owned(), text.into());
                }
                Some(_) => {
                    obj.remove(key);
                }
            }
        }
    }
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
