//! Repairs tried when feed-rs rejects a document: each fixes a breakage common in real feeds
//! that lenient readers accept.

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
