//! OPML 2.0: reading a person's list exported from a feed reader, and writing blogrolls.
//!
//! Readers' exports vary: the feed URL attribute is spelled `xmlUrl`, `xmlurl`, `XMLURL` or
//! `url`; a feed sits in several folders; URLs use the `feed://` scheme; files are declared
//! ISO-8859-1. All of those are read. An outline that still cannot be read is set aside as a
//! problem at its line, and the others are kept.

use std::path::Path;

use super::diagnostic::Diagnostic;
use super::person::{Person, Subscription, normalize_tags};
use crate::urls;

/// A list read from an OPML file, with the outlines that could not be read.
#[derive(Debug)]
pub struct OpmlList {
    /// The list: every outline that could be read, a feed in several folders once (with the
    /// tags of all of them).
    pub person: Person,
    /// One problem per outline that could not be read, at its line.
    pub skipped: Vec<Diagnostic>,
    /// How many outlines named a feed URL (read or not).
    pub outlines: usize,
}

/// Reads a person's list from an OPML file used as a list (`people/<slug>.opml`): every
/// outline must be readable, since `toluu check` reports the others as errors.
pub fn parse_person(text: &str, rel: &Path, slug: String) -> Result<Person, Vec<Diagnostic>> {
    let list = read_list(text, rel, slug)?;
    if list.skipped.is_empty() {
        Ok(list.person)
    } else {
        Err(list.skipped)
    }
}

/// Reads a person's list from an OPML export. Outlines nested in folders get the folders'
/// names as tags; the owner's name comes from `<ownerName>`, else `<title>`, else the slug.
/// Fails only when the file is not OPML at all.
pub fn read_list(text: &str, rel: &Path, slug: String) -> Result<OpmlList, Vec<Diagnostic>> {
    let doc = roxmltree::Document::parse(text).map_err(|e| {
        let pos = e.pos();
        let msg = format!("not a valid OPML file: {e}");
        vec![at_line(rel, text, pos.row, pos.col, msg)]
    })?;
    let root = opml_root(&doc, rel)?;
    let name = owner_name(root).unwrap_or_else(|| slug.clone());
    let Some(body) = root.children().find(|n| n.has_tag_name("body")) else {
        return Err(vec![Diagnostic::file(rel, "OPML file has no <body>")]);
    };
    let mut skipped = Vec::new();
    let mut feeds: Vec<Subscription> = Vec::new();
    let mut outlines = 0;
    for outline in body.descendants().filter(|n| n.has_tag_name("outline")) {
        let Some(raw) = feed_url_attribute(outline) else {
            continue;
        };
        outlines += 1;
        match subscription(outline, raw) {
            Ok(sub) => merge(&mut feeds, sub),
            Err(message) => {
                let pos = doc.text_pos_at(outline.range().start);
                skipped.push(at_line(rel, text, pos.row, pos.col, message));
            }
        }
    }
    let person = Person {
        slug,
        file: rel.to_owned(),
        name,
        bio: String::new(),
        homepage: None,
        avatar: None,
        feeds,
    };
    Ok(OpmlList {
        person,
        skipped,
        outlines,
    })
}

/// The outline's feed URL, in any of the spellings exporters write: `xmlUrl` in any case,
/// else `url` (unless the outline is a link to a page or to another OPML file).
fn feed_url_attribute<'a>(outline: roxmltree::Node<'a, '_>) -> Option<&'a str> {
    let named = |name: &str| {
        outline
            .attributes()
            .find(|a| a.name().eq_ignore_ascii_case(name))
            .map(|a| a.value())
    };
    if let Some(url) = named("xmlUrl") {
        return Some(url);
    }
    let kind = named("type").unwrap_or("").to_ascii_lowercase();
    if matches!(kind.as_str(), "link" | "include" | "redirect") {
        return None;
    }
    named("url")
}

/// One outline as a subscription, or why it cannot be one.
fn subscription(outline: roxmltree::Node<'_, '_>, raw: &str) -> Result<Subscription, String> {
    let url = feed_scheme_to_https(raw.trim());
    let key = urls::normalize(&url).map_err(|e| {
        if url.contains(':') {
            format!("feed url '{raw}': {e}")
        } else {
            format!("feed url '{raw}' is relative: give the feed's full address (https://…)")
        }
    })?;
    Ok(Subscription {
        url,
        key,
        // The outline's text is the reader's name for the feed, not an override: the feed's
        // own title wins.
        title: None,
        options: Default::default(),
        tags: normalize_tags(outline_tags(outline)),
        note: outline
            .attribute("description")
            .map(str::to_owned)
            .filter(|n| !n.trim().is_empty()),
    })
}

/// `feed://host/x` and `feed:https://host/x` (the old "subscribe" links) as the `https://` or
/// `http(s)://` URL they stand for.
fn feed_scheme_to_https(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("feed:http://") || lower.starts_with("feed:https://") {
        url["feed:".len()..].to_owned()
    } else if lower.starts_with("feed://") {
        format!("https://{}", &url["feed://".len()..])
    } else {
        url.to_owned()
    }
}

/// Adds `sub` to `feeds`; a feed already there (from another folder) gets the new tags.
fn merge(feeds: &mut Vec<Subscription>, sub: Subscription) {
    match feeds.iter_mut().find(|f| f.key == sub.key) {
        Some(known) => {
            let tags = known.tags.iter().chain(&sub.tags).cloned().collect();
            known.tags = normalize_tags(tags);
            if known.note.is_none() {
                known.note = sub.note;
            }
        }
        None => feeds.push(sub),
    }
}

/// The text of an OPML file given as bytes, decoded as its byte-order mark or its XML
/// declaration says (`encoding="ISO-8859-1"`); UTF-8 when neither does, and windows-1252 when
/// the bytes are not UTF-8 and nothing is declared.
pub fn decode(bytes: &[u8], rel: &Path) -> Result<String, Diagnostic> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return Ok(encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned());
    }
    let encoding = match declared_encoding(bytes) {
        Some(label) => encoding_rs::Encoding::for_label(label.as_bytes()).ok_or_else(|| {
            Diagnostic::file(
                rel,
                format!(
                    "unknown encoding '{label}' in the XML declaration; save the file as UTF-8"
                ),
            )
        })?,
        None if std::str::from_utf8(bytes).is_err() => encoding_rs::WINDOWS_1252,
        None => encoding_rs::UTF_8,
    };
    Ok(encoding.decode_without_bom_handling(bytes).0.into_owned())
}

/// The `encoding` of the `<?xml …?>` declaration, if any.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned();
    let decl = head.trim_start().strip_prefix("<?xml")?;
    let decl = &decl[..decl.find("?>")?];
    let at = decl.find("encoding")? + "encoding".len();
    let rest = decl[at..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    Some(value[..value.find(quote)?].trim().to_owned())
}

/// The document's `<opml>` root element, checked to be one.
fn opml_root<'a, 'input>(
    doc: &'a roxmltree::Document<'input>,
    rel: &Path,
) -> Result<roxmltree::Node<'a, 'input>, Vec<Diagnostic>> {
    let root = doc.root_element();
    if root.tag_name().name() != "opml" {
        return Err(vec![Diagnostic::file(
            rel,
            format!(
                "root element is <{}>, expected <opml>",
                root.tag_name().name()
            ),
        )]);
    }
    Ok(root)
}

/// A diagnostic at a 1-based row and column of the OPML text.
fn at_line(rel: &Path, text: &str, row: u32, col: u32, message: String) -> Diagnostic {
    let mut d = Diagnostic::file(rel, message);
    d.line = row as usize;
    d.col = col as usize;
    d.source_line = text
        .lines()
        .nth(d.line.saturating_sub(1))
        .map(str::to_owned);
    d
}

/// The list owner's name: `<ownerName>`, else the document's `<title>`.
fn owner_name(root: roxmltree::Node<'_, '_>) -> Option<String> {
    let head_text = |name: &str| {
        root.descendants()
            .find(|n| n.has_tag_name(name))
            .and_then(|n| n.text())
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
    };
    head_text("ownerName").or_else(|| head_text("title"))
}

/// An outline's tags: the names of the folders it sits in, outermost first, then its own
/// `category` attribute (comma- or slash-separated).
fn outline_tags(outline: roxmltree::Node<'_, '_>) -> Vec<String> {
    let mut tags: Vec<String> = outline
        .ancestors()
        .skip(1)
        .take_while(|n| n.has_tag_name("outline"))
        .filter_map(|n| n.attribute("text").or(n.attribute("title")))
        .map(str::to_owned)
        .collect();
    tags.reverse();
    if let Some(category) = outline.attribute("category") {
        tags.extend(
            category
                .split([',', '/'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
        );
    }
    tags
}
