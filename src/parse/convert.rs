//! Turning feed-rs's model of a feed into ours: plain-text titles, absolute and checked links,
//! sanitized content, UTC dates clamped to the fetch time, and the items in a stable order.

use chrono::{DateTime, Utc};
use feed_rs::model::Entry;
use url::Url;

use crate::model::{Feed, Item};
use crate::parse::encoding::undouble;
use crate::parse::ids::{content_id, dedup_items, is_script_url};
use crate::sanitize;
use crate::urls::safe_url;

/// The longest excerpt kept for an item, in characters.
pub const EXCERPT_CHARS: usize = 280;
/// The most categories kept for an item, and the longest one kept, in characters: a feed
/// cannot fill the cache with them.
const MAX_CATEGORIES: usize = 32;
const CATEGORY_CHARS: usize = 100;

/// What each entry of a feed is converted against.
struct FeedContext {
    /// The feed's own URL.
    url: Option<Url>,
    /// The link to the feed's site.
    site_base: Option<Url>,
    /// No date is later than this.
    fetched_at: DateTime<Utc>,
}

/// A feed parsed from `url` at `fetched_at` as our model, with at most `max_items` items;
/// `bases` are the xml:bases in scope for its entries, in document order.
pub(super) fn convert(
    feed: feed_rs::model::Feed,
    bases: &[Option<Url>],
    url: &str,
    fetched_at: DateTime<Utc>,
    max_items: usize,
) -> Feed {
    let feed_url = Url::parse(url).ok();
    let icon = [&feed.icon, &feed.logo]
        .into_iter()
        .flatten()
        .find_map(|image| safe_url(image.uri.trim(), feed_url.as_ref()))
        .map(String::from);
    let site_base = pick_link(&feed.links, feed_url.as_ref(), true);
    let site_link = site_base.as_ref().map(Url::to_string);
    let title = feed
        .title
        .as_ref()
        .map(|t| text(&t.content))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| fallback_title(url));
    let description = feed
        .description
        .as_ref()
        .map(|d| sanitize::truncate_words(&text(&d.content), 500))
        .filter(|d| !d.is_empty());
    // feed-rs drops entries only in odd documents; then the xml:bases cannot be matched up.
    let bases = if bases.len() == feed.entries.len() {
        bases
    } else {
        &[]
    };
    let context = FeedContext {
        url: feed_url,
        site_base,
        fetched_at,
    };
    let mut items: Vec<Item> = newest_entries(feed.entries, fetched_at, max_items)
        .into_iter()
        .map(|(n, entry)| convert_entry(entry, bases.get(n).cloned().flatten(), &context))
        .collect();
    // Newest first; undated items after dated ones, in feed order (the sort is stable).
    items.sort_by(|a, b| crate::model::newest_first(a.date(), b.date()));
    dedup_items(&mut items);
    items.truncate(max_items);
    Feed {
        title,
        site_link,
        description,
        icon,
        items,
    }
}

/// One entry as an item; `scoped_base` is the xml:base in scope for it.
fn convert_entry(entry: Entry, scoped_base: Option<Url>, feed: &FeedContext) -> Item {
    let link_url = pick_link(&entry.links, feed.url.as_ref(), false)
        .or_else(|| safe_url(&entry.id, None))
        .or_else(|| permalink_path(&entry.id, scoped_base.as_ref().or(feed.url.as_ref())));
    let content_base = content_base(&entry, scoped_base, link_url.as_ref(), feed);
    let body = entry
        .content
        .as_ref()
        .and_then(|c| c.body.as_deref())
        .map(undouble);
    let summary = entry.summary.as_ref().map(|s| undouble(&s.content));
    let (body, summary) = (body.as_deref(), summary.as_deref());
    let raw_content = body.or(summary);
    let clean = |html: &str| {
        Some(sanitize::clean_html(html, content_base.as_ref())).filter(|h| !h.trim().is_empty())
    };
    let content_html = raw_content.and_then(clean);
    // The excerpt comes from the summary, else the content; without a body, the
    // content is the summary, already cleaned.
    let clean_summary = summary.filter(|_| body.is_some()).and_then(clean);
    let excerpt_source = clean_summary.as_deref().or(content_html.as_deref());
    let clamp = |d: Option<DateTime<Utc>>| d.map(|d| d.min(feed.fetched_at));
    let excerpt = sanitize::excerpt(excerpt_source.unwrap_or(""), EXCERPT_CHARS);
    let has_more = Some(
        content_html
            .as_deref()
            .is_some_and(|html| sanitize::shows_more(html, &excerpt)),
    );
    Item {
        id: item_id(&entry, raw_content),
        title: entry
            .title
            .as_ref()
            .map(|t| text(&t.content))
            .unwrap_or_default(),
        link: link_url.map(Into::into),
        published: clamp(entry.published),
        updated: clamp(entry.updated),
        author: authors(&entry),
        excerpt,
        categories: categories(&entry),
        // Copied to its exact length: the sanitizer's buffer grew by doubling, and the
        // allocator keeps a block that shrinks by less than half, so the item would hold
        // up to twice its content for the whole build.
        content_html: content_html.map(|html| html.as_str().to_owned()),
        has_more,
        first_seen: None,
    }
}

/// The entry's categories as plain text, in document order, each once: an Atom category's
/// term and its label when it has one; an RSS `category` and a JSON Feed tag are terms.
fn categories(entry: &Entry) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let names = entry
        .categories
        .iter()
        .flat_map(|c| std::iter::once(c.term.as_str()).chain(c.label.as_deref()));
    for name in names {
        // Cut before cleaning too: a hostile category may be megabytes long.
        let raw: String = name.chars().take(CATEGORY_CHARS * 4).collect();
        let name = sanitize::plain_text(&raw);
        let name: String = name.trim().chars().take(CATEGORY_CHARS).collect();
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
            if out.len() == MAX_CATEGORIES {
                break;
            }
        }
    }
    out
}

/// The URL that relative URLs in the entry's HTML are made absolute against.
fn content_base(
    entry: &Entry,
    scoped_base: Option<Url>,
    link: Option<&Url>,
    feed: &FeedContext,
) -> Option<Url> {
    // Relative URLs in the HTML resolve against the xml:base in scope (on the content,
    // else the entry or its ancestors); without one, against the post's own link,
    // which is on the site even when the feed is hosted elsewhere.
    entry
        .base
        .as_deref()
        .and_then(|b| scoped_base.as_ref().or(feed.url.as_ref())?.join(b).ok())
        .or(scoped_base)
        .or_else(|| link.cloned())
        .or_else(|| feed.site_base.clone())
        .or_else(|| feed.url.clone())
}

/// The entry's id, unless it has none (then a hash of its date and content) or it is a
/// script URL (then a hash of it).
fn item_id(entry: &Entry, raw_content: Option<&str>) -> String {
    match entry.id.trim() {
        "" => content_id(entry.published.or(entry.updated), raw_content.unwrap_or("")),
        id if is_script_url(id) => content_id(None, id),
        id => id.to_owned(),
    }
}

/// Feed text as plain text, repaired if its UTF-8 was decoded twice.
fn text(raw: &str) -> String {
    sanitize::plain_text(&undouble(raw))
}

/// A permalink guid that is a path (`/blog/post`, as some feeds without `<link>` have),
/// made absolute against the entry's base like every other link; an id that is not a path
/// (`post-3`, `tag:…`) is no link.
fn permalink_path(id: &str, base: Option<&Url>) -> Option<Url> {
    let id = id.trim();
    let is_path = (id.starts_with('/') && !id.starts_with("//"))
        || id.starts_with("./")
        || id.starts_with("../");
    if !is_path || id.chars().any(char::is_whitespace) {
        return None;
    }
    safe_url(id, base)
}

/// The names of the entry's authors, joined by commas; `None` when it names none.
fn authors(entry: &Entry) -> Option<String> {
    let author = entry
        .authors
        .iter()
        .filter_map(|p| author_name(p.name.as_deref().unwrap_or("")))
        .collect::<Vec<_>>()
        .join(", ");
    (!author.is_empty()).then_some(author)
}

/// An RSS author is `email (Name)`; feed-rs keeps the parentheses around the name.
fn author_name(raw: &str) -> Option<String> {
    let name = text(raw);
    let name = match name.strip_prefix('(').and_then(|n| n.strip_suffix(')')) {
        Some(inner) => inner.trim().to_owned(),
        None => name,
    };
    (!name.is_empty()).then_some(name)
}

/// The entries worth converting, with their position in the document: the newest first
/// (undated last, in feed order), at most a little more than `max_items` (room for the exact
/// repeats [`dedup_items`] drops). Choosing before sanitizing keeps a feed of 10,000 entries
/// as cheap as one of `max_items`.
fn newest_entries(
    entries: Vec<Entry>,
    fetched_at: DateTime<Utc>,
    max_items: usize,
) -> Vec<(usize, Entry)> {
    let date = |e: &Entry| e.published.or(e.updated).map(|d| d.min(fetched_at));
    let mut entries: Vec<(usize, Entry)> = entries.into_iter().enumerate().collect();
    entries.sort_by(|(_, a), (_, b)| crate::model::newest_first(date(a), date(b)));
    entries.truncate(max_items.saturating_add(max_items / 2 + 16));
    entries
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
