//! OPML 2.0: reading a person's list exported from a feed reader, and writing blogrolls.

use std::fmt::Write as _;
use std::path::Path;

use crate::render::xml::escape;
use crate::site::{Diagnostic, Person, Subscription, normalize_tags};
use crate::urls;

/// Reads a person's list from an OPML export. Outlines nested in folders get the folders'
/// names as tags; the owner's name comes from `<ownerName>`, else `<title>`, else the slug.
pub fn parse_person(text: &str, rel: &Path, slug: String) -> Result<Person, Vec<Diagnostic>> {
    let doc = roxmltree::Document::parse(text).map_err(|e| {
        let pos = e.pos();
        let mut d = Diagnostic::file(rel, format!("not a valid OPML file: {e}"));
        d.line = pos.row as usize;
        d.col = pos.col as usize;
        d.source_line = text
            .lines()
            .nth(d.line.saturating_sub(1))
            .map(str::to_owned);
        vec![d]
    })?;
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
    let head_text = |name: &str| {
        root.descendants()
            .find(|n| n.has_tag_name(name))
            .and_then(|n| n.text())
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
    };
    let name = head_text("ownerName")
        .or_else(|| head_text("title"))
        .unwrap_or_else(|| slug.clone());
    let mut problems = Vec::new();
    let mut feeds: Vec<Subscription> = Vec::new();
    let Some(body) = root.children().find(|n| n.has_tag_name("body")) else {
        return Err(vec![Diagnostic::file(rel, "OPML file has no <body>")]);
    };
    for outline in body.descendants().filter(|n| n.has_tag_name("outline")) {
        let Some(raw) = outline.attribute("xmlUrl") else {
            continue;
        };
        let locate = |msg: String| {
            let pos = doc.text_pos_at(outline.range().start);
            let mut d = Diagnostic::file(rel, msg);
            d.line = pos.row as usize;
            d.col = pos.col as usize;
            d.source_line = text
                .lines()
                .nth(d.line.saturating_sub(1))
                .map(str::to_owned);
            d
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
        feeds.push(Subscription {
            url: raw.trim().to_owned(),
            key,
            // The outline's text is the reader's name for the feed, not an override:
            // the feed's own title wins.
            title: None,
            tags: normalize_tags(tags),
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

/// One feed in a blogroll.
pub struct BlogrollEntry<'a> {
    /// The feed's title.
    pub title: &'a str,
    /// The feed URL.
    pub xml_url: &'a str,
    /// The feed's web site, if known.
    pub html_url: Option<&'a str>,
    /// Tags, written as the OPML `category` attribute.
    pub tags: &'a [String],
}

/// Writes an OPML 2.0 blogroll.
pub fn write_blogroll(title: &str, owner: Option<&str>, entries: &[BlogrollEntry<'_>]) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n");
    let _ = writeln!(out, "    <title>{}</title>", escape(title));
    if let Some(owner) = owner {
        let _ = writeln!(out, "    <ownerName>{}</ownerName>", escape(owner));
    }
    out.push_str("  </head>\n  <body>\n");
    for e in entries {
        let _ = write!(
            out,
            "    <outline type=\"rss\" text=\"{t}\" title=\"{t}\" xmlUrl=\"{x}\"",
            t = escape(e.title),
            x = escape(e.xml_url)
        );
        if let Some(html) = e.html_url {
            let _ = write!(out, " htmlUrl=\"{}\"", escape(html));
        }
        if !e.tags.is_empty() {
            let _ = write!(out, " category=\"{}\"", escape(&e.tags.join(",")));
        }
        out.push_str("/>\n");
    }
    out.push_str("  </body>\n</opml>\n");
    out
}
