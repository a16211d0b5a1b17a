//! Changes made before the first parse, for documents feed-rs parses without an error but
//! wrongly (as an empty feed).

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
