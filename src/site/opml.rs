//! OPML 2.0: reading a person's list exported from a feed reader, and writing blogrolls.

use std::path::Path;

use super::diagnostic::Diagnostic;
use super::person::{Person, Subscription, normalize_tags};
use crate::urls;

/// Reads a person's list from an OPML export. Outlines nested in folders get the folders'
/// names as tags; the owner's name comes from `<ownerName>`, else `<title>`, else the slug.
pub fn parse_person(text: &str, rel: &Path, slug: String) -> Result<Person, Vec<Diagnostic>> {
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
    let mut problems = Vec::new();
    let mut feeds: Vec<Subscription> = Vec::new();
    for outline in body.descendants().filter(|n| n.has_tag_name("outline")) {
        let Some(raw) = outline.attribute("xmlUrl") else {
            continue;
        };
        let locate = |msg: String| {
            let pos = doc.text_pos_at(outline.range().start);
            at_line(rel, text, pos.row, pos.col, msg)
        };
        let key = match urls::normalize(raw) {
            Ok(key) => key,
            Err(e) => {
                problems.push(locate(format!("feed url '{raw}': {e}")));
                continue;
            }
        };
        if feeds.iter().any(|f| f.key == key) {
            problems.push(locate(format!("feed '{raw}' is listed twice in this list")));
            continue;
        }
        feeds.push(Subscription {
            url: raw.trim().to_owned(),
            key,
            // The outline's text is the reader's name for the feed, not an override:
            // the feed's own title wins.
            title: None,
            options: Default::default(),
            tags: normalize_tags(outline_tags(outline)),
            note: outline
                .attribute("description")
                .map(str::to_owned)
                .filter(|n| !n.trim().is_empty()),
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Person {
        slug,
        file: rel.to_owned(),
        name,
        bio: String::new(),
        homepage: None,
        avatar: None,
        feeds,
    })
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
