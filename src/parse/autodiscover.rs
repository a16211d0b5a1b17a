//! Finding the feeds a web page advertises with `<link rel="alternate">`.

use scraper::{Html, Selector};
use url::Url;

use crate::urls::safe_link;

/// The feed types a page may advertise.
const FEED_TYPES: [&str; 4] = [
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
];

/// The absolute URLs of the feeds `html` (fetched from `page_url`) links to, in page order,
/// without duplicates. Honors `<base href>`.
pub fn feed_links(html: &str, page_url: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut base = Url::parse(page_url).ok();
    if let Ok(sel) = Selector::parse("base[href]")
        && let Some(href) = doc.select(&sel).next().and_then(|e| e.value().attr("href"))
        && let Some(b) = safe_link(href, base.as_ref())
    {
        base = Url::parse(&b).ok();
    }
    let Ok(sel) = Selector::parse("link[rel][href]") else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for el in doc.select(&sel) {
        let v = el.value();
        let rel_ok = v.attr("rel").is_some_and(|r| {
            r.split_ascii_whitespace()
                .any(|t| t.eq_ignore_ascii_case("alternate"))
        });
        let type_ok = v
            .attr("type")
            .is_some_and(|t| FEED_TYPES.contains(&t.trim().to_ascii_lowercase().as_str()));
        if rel_ok
            && type_ok
            && let Some(link) = v.attr("href").and_then(|h| safe_link(h, base.as_ref()))
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
    fn finds_alternate_links() {
        let html = r#"<html><head>
            <link rel="alternate" type="application/rss+xml" href="/feed.xml">
            <link rel="alternate" type="application/atom+xml" href="https://x.example/atom.xml">
            <link rel="stylesheet" href="/s.css">
            <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
            </head></html>"#;
        assert_eq!(
            feed_links(html, "https://blog.example/post/1"),
            vec![
                "https://blog.example/feed.xml",
                "https://x.example/atom.xml"
            ]
        );
    }
}
