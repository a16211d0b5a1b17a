//! Atom and OPML files carry the theme's XSLT, so a browser shows them as readable pages; every
//! page links its blogroll.

use std::path::Path;

use crate::server::{Route, TestServer};
use crate::{TestSite, rss};

#[test]
fn atom_and_opml_point_at_a_well_formed_xslt() {
    let server = TestServer::start();
    server.route(
        "/a.xml",
        Route::xml(rss(
            "Alpha",
            &[(
                "First",
                "https://a.example/1",
                "Mon, 02 Nov 2026 10:00:00 GMT",
            )],
        )),
    );
    let site = TestSite::new("");
    site.write(
        "people/ana.toml",
        &format!(
            "name = \"Ana\"\n[[feeds]]\nurl = \"{}\"\ntags = [\"notes\"]\n",
            server.url("/a.xml")
        ),
    );
    site.build().expect("build");
    let public = site.path().join("public");

    for rel in [
        "atom.xml",
        "feeds.opml",
        "people/ana/atom.xml",
        "people/ana/feeds.opml",
        "tags/notes/atom.xml",
        "tags/notes/feeds.opml",
    ] {
        let text = site.output(rel);
        let doc = roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("{rel} is not well-formed: {e}"));
        let pi = doc
            .root()
            .children()
            .find_map(|n| n.pi().filter(|pi| pi.target == "xml-stylesheet"))
            .unwrap_or_else(|| panic!("{rel} has no xml-stylesheet"));
        let value = pi.value.unwrap_or("");
        assert!(value.contains("type=\"text/xsl\""), "{rel}: {value}");
        let href = value
            .split("href=\"")
            .nth(1)
            .and_then(|v| v.split('"').next())
            .unwrap();
        let dir = Path::new(rel).parent().unwrap();
        let target = public.join(dir).join(href);
        assert!(
            target.canonicalize().unwrap() == public.join("feed.xsl").canonicalize().unwrap(),
            "{rel}: {href} resolves to the theme's stylesheet"
        );
    }
    // The sitemap is for crawlers: no stylesheet.
    assert!(!site.output("sitemap.xml").contains("xml-stylesheet"));

    // The stylesheet is well-formed XSLT that renders both kinds of document, and explains
    // how to subscribe.
    let xsl = site.output("feed.xsl");
    let doc = roxmltree::Document::parse(&xsl).expect("the XSLT is well-formed XML");
    const XSL: &str = "http://www.w3.org/1999/XSL/Transform";
    let root = doc.root_element();
    assert_eq!(root.tag_name().namespace(), Some(XSL));
    assert_eq!(root.tag_name().name(), "stylesheet");
    let matches: Vec<&str> = root
        .children()
        .filter(|n| n.tag_name().namespace() == Some(XSL) && n.tag_name().name() == "template")
        .filter_map(|n| n.attribute("match"))
        .collect();
    assert_eq!(matches, ["/atom:feed", "/opml"]);
    assert_eq!(
        root.lookup_namespace_uri(Some("atom")),
        Some("http://www.w3.org/2005/Atom")
    );
    assert!(xsl.contains("Subscribe to it") && xsl.contains("Import OPML"));
}

#[test]
fn every_page_links_its_blogroll() {
    let site = TestSite::new("");
    site.write(
        "people/ana.toml",
        "name = \"Ana\"\n[[feeds]]\nurl = \"http://127.0.0.1:9/feed\"\ntags = [\"notes\"]\n",
    );
    site.build_offline().expect("build");
    for (rel, opml) in [
        ("index.html", "./feeds.opml"),
        ("people/index.html", "../feeds.opml"),
        ("people/ana/index.html", "../../people/ana/feeds.opml"),
        ("tags/notes/index.html", "../../tags/notes/feeds.opml"),
    ] {
        let page = site.output(rel);
        assert!(
            page.contains(&format!(
                "<link rel=\"blogroll\" type=\"text/x-opml\" title=\"Blogroll\" href=\"{opml}\">"
            )),
            "{rel}"
        );
        assert!(
            page.contains(&format!(
                "<link rel=\"alternate\" type=\"text/x-opml\" title=\"Blogroll\" href=\"{opml}\">"
            )),
            "{rel}"
        );
    }
}
