//! OPML 2.0 blogrolls: the site's, each person's (`feeds.opml`) and `toluu export`'s.

use std::fmt::Write as _;

use super::xml::escape;

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
