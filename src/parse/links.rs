//! The links of a site besides its feeds: the blogroll a page advertises
//! (`<link rel="blogroll">`), the entries of a blogroll (OPML), and the links of a post's
//! (sanitized) content. Every URL passes [`safe_link`].

use scraper::{Html, Selector};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::urls::safe_link;

/// One entry of a blogroll: the site it names and, when it gives one, its feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlogrollEntry {
    /// The site (`htmlUrl`), if given and safe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// The feed (`xmlUrl`), if given and safe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feed: Option<String>,
}

/// The blogrolls `html` (fetched from `page_url`) advertises with `<link rel="blogroll">`,
/// absolute, in page order, without duplicates.
pub fn blogroll_links(html: &str, page_url: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let base = Url::parse(page_url).ok();
    let Ok(sel) = Selector::parse("link[rel][href]") else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for el in doc.select(&sel) {
        let v = el.value();
        let is_blogroll = v.attr("rel").is_some_and(|r| {
            r.split_ascii_whitespace()
                .any(|t| t.eq_ignore_ascii_case("blogroll"))
        });
        if is_blogroll
            && let Some(link) = v.attr("href").and_then(|h| safe_link(h, base.as_ref()))
            && !out.contains(&link)
        {
            out.push(link);
        }
    }
    out
}

/// The entries of a blogroll in OPML (fetched from `opml_url`), in file order, at most `max`;
/// an outline with neither a safe `htmlUrl` nor a safe `xmlUrl` is left out.
pub fn blogroll_entries(
    text: &str,
    opml_url: &str,
    max: usize,
) -> Result<Vec<BlogrollEntry>, String> {
    let doc =
        roxmltree::Document::parse(text).map_err(|e| format!("not a valid OPML file: {e}"))?;
    if !doc.root_element().has_tag_name("opml") {
        return Err("not an OPML file (no <opml>)".to_owned());
    }
    let base = Url::parse(opml_url).ok();
    let safe = |n: roxmltree::Node, name: &str| {
        n.attribute(name).and_then(|v| safe_link(v, base.as_ref()))
    };
    Ok(doc
        .descendants()
        .filter(|n| n.has_tag_name("outline"))
        .map(|n| BlogrollEntry {
            site: safe(n, "htmlUrl"),
            feed: safe(n, "xmlUrl"),
        })
        .filter(|e| e.site.is_some() || e.feed.is_some())
        .take(max)
        .collect())
}

/// The absolute `http(s)` links (`<a href>`) of a post's sanitized content, in order,
/// without duplicates, at most `max`. The content is what [`crate::sanitize`] wrote (every
/// attribute double-quoted, `&` written `&amp;`), so a scan finds them without parsing the
/// HTML again: this runs over every post of every build.
pub fn outbound_links(content_html: &str, max: usize) -> Vec<String> {
    outbound_urls(content_html, max)
        .into_iter()
        .map(String::from)
        .collect()
}

/// [`outbound_links`], as parsed URLs (for a caller that reads their hosts).
pub fn outbound_urls(content_html: &str, max: usize) -> Vec<url::Url> {
    let mut out: Vec<url::Url> = Vec::new();
    let mut rest = content_html;
    while out.len() < max {
        let Some(start) = memchr::memmem::find(rest.as_bytes(), b"<a ") else {
            break;
        };
        rest = &rest[start + 3..];
        let tag = &rest[..memchr::memchr(b'>', rest.as_bytes()).unwrap_or(rest.len())];
        let Some(h) = memchr::memmem::find(tag.as_bytes(), b"href=\"") else {
            continue;
        };
        let value = &tag[h + 6..];
        let Some(end) = value.find('"') else { continue };
        let href = value[..end].replace("&amp;", "&");
        if let Some(link) = crate::urls::safe_url(&href, None)
            && !out.contains(&link)
        {
            out.push(link);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_blogroll_of_a_page() {
        let html = r#"<html><head>
            <link rel="alternate" type="application/rss+xml" href="/feed.xml">
            <link rel="blogroll" type="text/x-opml" href="/blogroll.opml">
            <link rel="blogroll" href="javascript:alert(1)">
            </head></html>"#;
        assert_eq!(
            blogroll_links(html, "https://blog.example/"),
            ["https://blog.example/blogroll.opml"]
        );
    }

    #[test]
    fn reads_blogroll_entries() {
        let opml = r#"<opml version="2.0"><body><outline text="Friends">
            <outline text="A" htmlUrl="https://a.example/" xmlUrl="https://a.example/feed"/>
            <outline text="B" htmlUrl="/b/"/>
            <outline text="C" xmlUrl="javascript:x"/>
            </outline></body></opml>"#;
        let entries = blogroll_entries(opml, "https://blog.example/roll.opml", 10).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].feed.as_deref(), Some("https://a.example/feed"));
        assert_eq!(entries[1].site.as_deref(), Some("https://blog.example/b/"));
        assert!(blogroll_entries("<html/>", "https://x.example/", 10).is_err());
    }

    #[test]
    fn collects_outbound_links() {
        let html = r#"<p><a href="https://a.example/x">a</a> <a href="https://a.example/x">again</a>
            <a href="mailto:me@x.example">mail</a> <a href="/relative">rel</a>
            <a rel="noopener" href="https://b.example/?a=1&amp;b=2">b</a> <abbr>no</abbr></p>"#;
        assert_eq!(
            outbound_links(html, 10),
            ["https://a.example/x", "https://b.example/?a=1&b=2"]
        );
        assert_eq!(outbound_links(html, 1), ["https://a.example/x"]);
    }
}
