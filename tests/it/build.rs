//! A fixture site whose feeds come from a loopback server: every page of the site is built
//! and shows the right content.

use crate::server::{Route, TestServer};
use crate::{TestSite, fixture, read_tree, rss};

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://atom.example/blog/">
  <title>Atom &amp; Eve</title>
  <subtitle>Notes from the garden</subtitle>
  <link rel="alternate" href="https://atom.example/blog/"/>
  <id>urn:atom-eve</id>
  <updated>2026-11-05T08:00:00Z</updated>
  <entry>
    <title type="html">Pruning &lt;em&gt;roses&lt;/em&gt;</title>
    <id>urn:atom-eve:1</id>
    <link rel="alternate" href="posts/pruning.html"/>
    <updated>2026-11-05T08:00:00+02:00</updated>
    <author><name>Eve</name></author>
    <content type="html">&lt;p&gt;See &lt;a href="../about.html"&gt;about&lt;/a&gt; and &lt;img src="img/rose.png" alt="a rose"&gt;&lt;/p&gt;</content>
  </entry>
</feed>
"#;

fn fixture_site(server: &TestServer, base_url: &str) -> TestSite {
    server.route(
        "/shared.xml",
        Route::xml(rss(
            "Shared Blog",
            &[
                (
                    "Newest shared post",
                    "https://shared.example/3",
                    "Wed, 04 Nov 2026 10:00:00 GMT",
                ),
                (
                    "Older shared post",
                    "https://shared.example/2",
                    "Sun, 01 Nov 2026 10:00:00 GMT",
                ),
            ],
        ))
        .with_etag("\"v1\""),
    );
    server.route("/atom.xml", Route::ok("application/atom+xml", ATOM));
    server.route(
        "/solo.xml",
        Route::xml(rss(
            "Solo Notes",
            &[(
                "A solo note",
                "https://solo.example/1",
                "Mon, 02 Nov 2026 10:00:00 GMT",
            )],
        )),
    );
    let site = TestSite::new(&format!(
        "title = \"Reading Room\"\nbase_url = \"{base_url}\"\ndescription = \"What we read\"\n[build]\nposts_per_page = 2\n"
    ));
    site.write(
        "people/ana.toml",
        &format!(
            "# Ana's list\nname = \"Ana Lima\"\nbio = \"Reads about *gardens*.\"\nhomepage = \"https://ana.example/\"\n\n\
             [[feeds]]\nurl = \"{}\"\ntags = [\"Garden\", \"life\"]\nnote = \"The **best** on roses.\"\n\n\
             [[feeds]]\nurl = \"{}\"\ntags = [\"tech\"]\n",
            server.url("/atom.xml"),
            server.url("/shared.xml")
        ),
    );
    site.write(
        "people/bo.toml",
        &format!(
            "name = \"Bo Chen\"\n[[feeds]]\nurl = \"{}\"\ntitle = \"Bo's name for it\"\n[[feeds]]\nurl = \"{}\"\ntags = [\"tech\"]\n",
            server.url("/solo.xml"),
            // The same feed, spelled differently: fetched once, counted as one.
            server.url("/shared.xml").replace("127.0.0.1", "127.0.0.1:").replace("::", ":").replace("http://", "HTTP://")
        ),
    );
    site.write(
        "people/cy.opml",
        &format!(
            r#"<?xml version="1.0"?><opml version="2.0"><head><title>Cy's feeds</title><ownerName>Cy Obi</ownerName></head>
            <body><outline text="Tech"><outline type="rss" text="Shared" xmlUrl="{}"/></outline></body></opml>"#,
            server.url("/shared.xml")
        ),
    );
    site.write("pages/about.md", "# About us\n\nWe read *together*.\n");
    site
}

#[test]
fn builds_every_page_with_the_right_content() {
    let server = TestServer::start();
    let site = fixture_site(&server, "https://acme.github.io/reading/");
    let report = site.build().expect("build");
    assert_eq!(report.failed(), 0, "{report}");
    assert_eq!(report.feeds.len(), 3, "the shared feed is fetched once");
    let fetches = server
        .seen()
        .iter()
        .filter(|s| s.path == "/shared.xml")
        .count();
    assert_eq!(fetches, 1);
    let ua = server.seen()[0].user_agent.clone().unwrap();
    assert!(
        ua.starts_with(&format!("toluu/{}", env!("CARGO_PKG_VERSION"))),
        "{ua}"
    );

    // The river: newest first, paginated by 2, with feed names and readers.
    let river = site.output("index.html");
    let pruning = river
        .find("Pruning roses")
        .expect("newest post (5 Nov, +02:00) on page 1");
    let newest = river
        .find("Newest shared post")
        .expect("4 Nov post on page 1");
    assert!(pruning < newest, "newest first");
    assert!(
        river.contains("href=\"https://shared.example/3\""),
        "links out to the original"
    );
    assert!(river.contains("Shared Blog"));
    assert!(
        river.contains("Ana Lima") && river.contains("Cy Obi"),
        "who reads it"
    );
    assert!(
        river.contains("https://acme.github.io/reading/"),
        "canonical uses base_url"
    );
    // Paginated by about 2: each post once, newest first, page after page.
    let pages = site.river_pages("");
    assert!(pages.len() >= 2, "{pages:?}");
    assert!(
        pages[1].starts_with("page/2026-11-0"),
        "named by a date: {pages:?}"
    );
    let all: String = pages.iter().map(|p| site.output(p)).collect();
    let places: Vec<usize> = [
        "Pruning roses",
        "Newest shared post",
        "A solo note",
        "Older shared post",
    ]
    .iter()
    .map(|t| {
        assert_eq!(all.matches(&format!(">{t}<")).count(), 1, "{t} once");
        all.find(&format!(">{t}<")).unwrap()
    })
    .collect();
    assert!(places.windows(2).all(|w| w[0] < w[1]), "newest first");
    assert!(river.contains(&format!(
        "{}\" rel=\"next\"",
        &pages[1][..pages[1].len() - "index.html".len()]
    )));
    let page2 = site.output(&pages[1]);
    assert!(
        page2.contains("href=\"../../style.css\""),
        "relative links work under any base path"
    );

    // People.
    let people = site.output("people/index.html");
    for name in ["Ana Lima", "Bo Chen", "Cy Obi"] {
        assert!(people.contains(name), "{name}");
    }
    let ana = site.output("people/ana/index.html");
    assert!(ana.contains("<em>gardens</em>"), "bio is markdown");
    assert!(
        ana.contains("<strong>best</strong> on roses"),
        "note is markdown"
    );
    assert!(
        ana.contains("Atom &amp; Eve"),
        "reading list shows the feed title"
    );
    assert!(ana.contains("https://ana.example/"));
    assert!(
        ana.contains("tags/garden/"),
        "tags are lowercased and linked"
    );
    assert!(ana.contains("Pruning roses"), "their latest posts");
    assert!(!ana.contains("A solo note"), "only their feeds' posts");
    let bo = site.output("people/bo/index.html");
    assert!(
        bo.contains("Bo&#39;s name for it") || bo.contains("Bo's name for it"),
        "title override: {bo}"
    );
    let cy = site.output("people/cy/index.html");
    assert!(cy.contains("Shared Blog"), "OPML list works");
    assert!(cy.contains("tags/tech/"), "OPML folder became a tag");

    // Feeds: ranked by readers; the shared one first with 3 readers.
    let feeds = site.output("feeds/index.html");
    let shared = feeds.find("Shared Blog").unwrap();
    assert!(shared < feeds.find("Atom &amp; Eve").unwrap());
    assert!(
        shared
            < feeds
                .find("Bo&#39;s name for it")
                .or(feeds.find("Bo's name for it"))
                .unwrap()
    );
    let feed_dirs: Vec<String> = std::fs::read_dir(site.path().join("public/feeds"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(feed_dirs.len(), 3);
    let atom_dir = feed_dirs
        .iter()
        .find(|d| d.starts_with("atom-eve-"))
        .expect("slug from title");
    let atom_page = site.output(&format!("feeds/{atom_dir}/index.html"));
    assert!(atom_page.contains("Notes from the garden"), "description");
    assert!(
        atom_page.contains("https://atom.example/blog/"),
        "site link"
    );
    assert!(
        atom_page.contains("https://atom.example/blog/posts/pruning.html"),
        "xml:base resolved"
    );
    assert!(atom_page.contains("Ana Lima"), "who reads it");
    assert!(atom_page.contains("2026-11-05T06:00:00Z"), "dates in UTC");

    // Tags.
    let tech = site.output("tags/tech/index.html");
    assert!(tech.contains("Shared Blog"));
    assert!(!tech.contains("Atom &amp; Eve"));
    assert!(site.output("tags/index.html").contains("garden"));

    // Pages, 404, sitemap.
    let about = site.output("about/index.html");
    assert!(about.contains("<em>together</em>"));
    assert!(river.contains("about/"), "extra pages are in the nav");
    assert!(
        site.output("404.html").contains("/reading/"),
        "404 links under the base path"
    );
    let sitemap = site.output("sitemap.xml");
    assert!(sitemap.contains("<loc>https://acme.github.io/reading/people/ana/</loc>"));

    // Atom and OPML outputs are valid and complete.
    let atom = site.output("atom.xml");
    let parsed = feed_rs::parser::parse(atom.as_bytes()).expect("our Atom parses");
    assert_eq!(parsed.entries.len(), 4);
    assert_eq!(
        parsed.entries[0].title.as_ref().unwrap().content,
        "Pruning roses"
    );
    let ana_atom = feed_rs::parser::parse(site.output("people/ana/atom.xml").as_bytes()).unwrap();
    assert_eq!(ana_atom.entries.len(), 3);
    let opml = site.output("feeds.opml");
    roxmltree::Document::parse(&opml).expect("OPML is XML");
    assert_eq!(opml.matches("xmlUrl=").count(), 3);
    let bo_opml = site.output("people/bo/feeds.opml");
    assert!(bo_opml.contains(&server.url("/solo.xml")));
    assert!(bo_opml.contains("<ownerName>Bo Chen</ownerName>"));

    // The Atom content's relative links and images were made absolute.
    assert!(
        atom.contains("https://atom.example/blog/posts/img/rose.png")
            || atom.contains("https://atom.example/blog/img/rose.png"),
        "{atom}"
    );
}

#[test]
fn second_build_is_conditional_and_304_keeps_the_content() {
    let server = TestServer::start();
    let site = fixture_site(&server, "https://example.org/");
    site.build().unwrap();
    server.reset();
    let report = site.build().unwrap();
    let shared = server
        .seen()
        .into_iter()
        .find(|s| s.path == "/shared.xml")
        .unwrap();
    assert_eq!(
        shared.if_none_match.as_deref(),
        Some("\"v1\""),
        "sends the cached ETag"
    );
    let status = report
        .feeds
        .iter()
        .find(|f| f.url.ends_with("/shared.xml"))
        .unwrap()
        .status;
    assert_eq!(status, "not modified");
    assert!(site.output("index.html").contains("Newest shared post"));
}

#[test]
fn offline_builds_are_byte_identical_and_need_no_server() {
    let server = TestServer::start();
    let site = fixture_site(&server, "https://example.org/");
    site.build().unwrap();
    drop(server);
    site.build_offline().unwrap();
    let first = read_tree(&site.path().join("public"));
    site.build_offline().unwrap();
    let second = read_tree(&site.path().join("public"));
    assert!(first.len() > 15);
    assert_eq!(first, second);
    assert!(site.output("index.html").contains("Newest shared post"));
}

#[test]
fn hostile_feeds_never_reach_a_page_unsanitized() {
    let server = TestServer::start();
    let names = [
        "rss2.xml",
        "atom.xml",
        "rss1.rdf",
        "jsonfeed.json",
        "nodates.xml",
        "entities.xml",
        "latin1.xml",
        "malicious.xml",
        "future.xml",
        "atom03.xml",
        "malicious-atom.xml",
        "malicious-rss-fields.xml",
        "malicious.json",
    ];
    let mut list = String::from("name = \"Mal\"\n");
    for name in names {
        server.route(
            &format!("/{name}"),
            Route::ok("application/xml", fixture(name)),
        );
        list.push_str(&format!(
            "[[feeds]]\nurl = \"{}\"\n",
            server.url(&format!("/{name}"))
        ));
    }
    let site = TestSite::new("[build]\nposts_per_page = 500\n");
    site.write("people/mal.toml", &list);
    let report = site.build().unwrap();
    assert_eq!(report.failed(), 0, "{report}");
    let river = site.output("index.html");
    assert!(river.contains("Café Français"), "ISO-8859-1 decoded");
    for kept in [
        "Moorings checked",
        "Deckhand Dee",
        "Buoy one",
        "Lock gates open",
    ] {
        assert!(river.contains(kept), "the harmless part stays: {kept}");
    }
    let mut checked = 0;
    for (path, bytes) in read_tree(&site.path().join("public")) {
        if !(path.ends_with(".html") || path.ends_with(".xml") || path.ends_with(".opml")) {
            continue;
        }
        let broken = crate::safety::violations(&path, &bytes);
        assert!(broken.is_empty(), "{}", broken.join("\n"));
        // Every payload in the fixtures calls one of these; none may survive, even as text.
        let raw = String::from_utf8_lossy(&bytes);
        for call in ["alert(", "steal(", "msgbox("] {
            assert!(!raw.contains(call), "{path} contains {call}");
        }
        // The theme's own script is the one script a page may load, and its search box the
        // one form.
        let text = String::from_utf8_lossy(&bytes)
            .to_lowercase()
            .replacen("<form class=\"site-search\" role=\"search\"", "", 1)
            .replace("<script src=\"./theme.js\"></script>", "")
            .replace("<script src=\"/theme.js\"></script>", "")
            .replace("<script src=\"../theme.js\"></script>", "")
            .replace("<script src=\"../../theme.js\"></script>", "")
            .replace("<script src=\"../../../theme.js\"></script>", "");
        for bad in [
            "<script",
            "javascript:",
            "onerror=",
            "onclick=",
            "<iframe",
            "<form",
            "<base ",
            "http-equiv",
            "expression(",
            "src=\"data:",
            "href=\"data:",
        ] {
            assert!(!text.contains(bad), "{path} contains {bad}");
        }
        checked += 1;
    }
    assert!(checked > 10);
}
