//! Rivers: fairness (a noisy feed cannot take over a page, a new feed's backlog does not bury
//! everyone), rivers by tag with their Atom feed and OPML, paginated person rivers.

use chrono::{Duration, TimeZone, Utc};

use crate::server::{Route, TestServer};
use crate::{TestSite, rss};

/// An RSS feed of `n` posts, one every `step_hours`, the newest at `newest_hours` before
/// 20 Nov 2026 12:00 UTC.
fn feed(title: &str, n: usize, newest_hours: i64, step_hours: i64) -> String {
    let start = Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap();
    let items: Vec<(String, String, String)> = (0..n)
        .map(|i| {
            let date = start - Duration::hours(newest_hours + step_hours * i as i64);
            (
                format!("{title} post {i}"),
                format!("https://{}.example/{i}", title.to_lowercase()),
                date.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
            )
        })
        .collect();
    let refs: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    rss(title, &refs)
}

/// How many posts of the feed titled `title` the river page at `rel` shows.
fn posts_of(site: &TestSite, rel: &str, title: &str) -> usize {
    site.output(rel)
        .split("class=\"post-feed\"")
        .skip(1)
        .filter(|s| {
            s.split("</a>")
                .next()
                .unwrap_or("")
                .ends_with(&format!(">{title}"))
        })
        .count()
}

fn river_pages(site: &TestSite, prefix: &str) -> Vec<String> {
    let mut pages = vec![format!("{prefix}index.html")];
    let mut n = 2;
    while site
        .path()
        .join("public")
        .join(format!("{prefix}page/{n}/index.html"))
        .exists()
    {
        pages.push(format!("{prefix}page/{n}/index.html"));
        n += 1;
    }
    pages
}

fn serve(server: &TestServer) {
    // Noisy posts every hour, the newest of all; the quiet feeds post once a day.
    server.route("/noisy.xml", Route::xml(feed("Noisy", 100, 0, 1)));
    server.route("/quiet.xml", Route::xml(feed("Quiet", 10, 50, 24)));
    server.route("/calm.xml", Route::xml(feed("Calm", 10, 51, 24)));
}

fn site_with(server: &TestServer, per_page: usize, river: &str) -> TestSite {
    let site = TestSite::new(&format!(
        "[build]\nposts_per_page = {per_page}\nitems_per_feed = 100\n[river]\n{river}\n"
    ));
    site.write(
        "people/ana.toml",
        &format!(
            "name = \"Ana\"\n[[feeds]]\nurl = \"{}\"\ntags = [\"news\"]\n[[feeds]]\nurl = \"{}\"\ntags = [\"slow\"]\n",
            server.url("/quiet.xml"),
            server.url("/calm.xml")
        ),
    );
    site
}

fn add_noisy(site: &TestSite, server: &TestServer) {
    site.write(
        "people/bo.toml",
        &format!(
            "name = \"Bo\"\n[[feeds]]\nurl = \"{}\"\ntags = [\"news\"]\n[[feeds]]\nurl = \"{}\"\n",
            server.url("/noisy.xml"),
            server.url("/quiet.xml")
        ),
    );
}

#[test]
fn a_noisy_feed_cannot_take_over_a_page() {
    let server = TestServer::start();
    serve(&server);
    // All three feeds from the first build: none is new, so only the per-page share applies.
    let site = site_with(&server, 6, "");
    add_noisy(&site, &server);
    site.build().expect("build");
    let pages = river_pages(&site, "");
    assert_eq!(pages.len(), 20, "120 posts, 6 a page");
    let (mut noisy, mut quiet, mut calm) = (0, 0, 0);
    for (i, page) in pages.iter().enumerate() {
        let n = posts_of(&site, page, "Noisy");
        let q = posts_of(&site, page, "Quiet");
        let c = posts_of(&site, page, "Calm");
        assert_eq!(n + q + c, 6, "{page} is full");
        // While the other feeds have enough posts left to fill the page, the noisy one shows
        // at most 3 a page; after that, it fills the pages.
        if 20 - (quiet + calm) >= 3 {
            assert!(n <= 3, "{page}: {n} noisy posts");
        } else {
            assert!(i >= 6, "{page}");
        }
        (noisy, quiet, calm) = (noisy + n, quiet + q, calm + c);
    }
    assert_eq!((noisy, quiet, calm), (100, 10, 10), "no post is lost");
    // Page 1 still begins with the newest post of all, and is newest first.
    let first = site.output("index.html");
    assert!(first.find("Noisy post 0").unwrap() < first.find("Quiet post 0").unwrap());
    assert!(first.find("Noisy post 2").unwrap() < first.find("Calm post 0").unwrap());
    assert!(
        !first.contains("Noisy post 3<"),
        "the 4th noisy post moved to page 2"
    );
    assert!(site.output("page/2/index.html").contains("Noisy post 3<"));

    // The same share holds in the tag river the noisy feed is in, and in its reader's river.
    for prefix in ["tags/news/", "people/bo/"] {
        let pages = river_pages(&site, prefix);
        assert!(pages.len() > 1, "{prefix} is paginated");
        assert!(posts_of(&site, &pages[0], "Noisy") <= 3, "{prefix}");
    }

    // With the share off, the noisy feed fills page 1.
    let open = site_with(&server, 6, "max_per_feed_per_page = 0");
    add_noisy(&open, &server);
    open.build().expect("build");
    assert_eq!(posts_of(&open, "index.html", "Noisy"), 6);
}

#[test]
fn a_new_feeds_backlog_does_not_bury_everyone() {
    let server = TestServer::start();
    serve(&server);
    let site = site_with(&server, 10, "max_per_feed_per_page = 0");
    site.build()
        .expect("first build: the site's founding feeds");
    assert_eq!(posts_of(&site, "index.html", "Quiet"), 5);

    // Bo joins with a feed of 100 posts, all newer than anything else.
    add_noisy(&site, &server);
    site.build().expect("second build");
    let pages = river_pages(&site, "");
    let noisy: usize = pages.iter().map(|p| posts_of(&site, p, "Noisy")).sum();
    assert_eq!(noisy, 3, "its backlog contributes its 3 newest posts");
    let first = site.output("index.html");
    assert!(first.contains("Noisy post 0<") && first.contains("Noisy post 2<"));
    assert!(!first.contains("Noisy post 3<"));
    assert_eq!(posts_of(&site, "index.html", "Quiet"), 4);
    // Its own page still shows all it has.
    let feed_page = std::fs::read_dir(site.path().join("public/feeds"))
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("noisy-"))
        .expect("the noisy feed's page");
    let text = std::fs::read_to_string(feed_page.path().join("index.html")).unwrap();
    assert!(text.contains("Noisy post 99<"));
    // The cache remembers when the feed was first seen, so the next build agrees.
    site.build().expect("third build");
    let noisy: usize = river_pages(&site, "")
        .iter()
        .map(|p| posts_of(&site, p, "Noisy"))
        .sum();
    assert_eq!(noisy, 3);

    // With the limit off, all of it comes in.
    site.write(
        "toluu.toml",
        "title = \"t\"\n[build]\nposts_per_page = 10\nitems_per_feed = 100\n[river]\nmax_per_feed_per_page = 0\nnew_feed_items = 0\n",
    );
    site.build().expect("fourth build");
    assert_eq!(posts_of(&site, "index.html", "Noisy"), 10);
}

#[test]
fn every_tag_has_a_river_an_atom_feed_and_an_opml() {
    let server = TestServer::start();
    serve(&server);
    let site = site_with(&server, 4, "");
    add_noisy(&site, &server);
    site.build().expect("build");

    let outlines = |rel: &str| -> Vec<String> {
        let text = site.output(rel);
        let doc = roxmltree::Document::parse(&text).expect("well-formed OPML");
        let mut urls: Vec<String> = doc
            .descendants()
            .filter_map(|n| n.attribute("xmlUrl").map(str::to_owned))
            .collect();
        urls.sort();
        urls
    };
    let mut news = vec![server.url("/noisy.xml"), server.url("/quiet.xml")];
    news.sort();
    assert_eq!(outlines("tags/news/feeds.opml"), news);
    assert_eq!(
        outlines("tags/slow/feeds.opml"),
        vec![server.url("/calm.xml")]
    );

    let atom = site.output("tags/slow/atom.xml");
    let doc = roxmltree::Document::parse(&atom).expect("well-formed Atom");
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| e.children().find(|c| c.has_tag_name("title"))?.text())
        .collect();
    assert_eq!(titles.len(), 10);
    assert!(
        titles.iter().all(|t| t.starts_with("Calm post")),
        "{titles:?}"
    );
    assert!(
        atom.contains("tags/slow/atom.xml"),
        "its own id and self link"
    );

    // The tag's river is paginated like the home river, and its page links its feeds.
    let page1 = site.output("tags/slow/index.html");
    assert!(
        page1.contains("href=\"../../tags/slow/atom.xml\""),
        "{page1}"
    );
    assert!(page1.contains("href=\"../../tags/slow/feeds.opml\""));
    assert!(page1.contains("href=\"../../tags/slow/page/2/\""));
    let page3 = site.output("tags/slow/page/3/index.html");
    assert!(page3.contains("Calm post 8<") && page3.contains("Calm post 9<"));
    assert!(!page3.contains("Quiet post"));
    assert!(!site.path().join("public/tags/slow/page/4").exists());
}

#[test]
fn full_content_is_behind_a_read_more_disclosure() {
    let server = TestServer::start();
    let long = "A paragraph that goes on about pruning. ".repeat(30);
    server.route(
        "/full.xml",
        Route::ok(
            "application/atom+xml",
            format!(
                r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Full</title><id>urn:full</id><updated>2026-11-05T08:00:00Z</updated>
<entry><title>Long one</title><id>urn:full:1</id><link href="https://full.example/1"/><updated>2026-11-05T08:00:00Z</updated>
<summary>Short summary.</summary>
<content type="html">&lt;p&gt;{long}&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;p&gt;The &lt;b&gt;end&lt;/b&gt;.&lt;/p&gt;</content></entry>
</feed>"#
            ),
        ),
    );
    server.route(
        "/short.xml",
        Route::xml(rss(
            "Short",
            &[(
                "Brief",
                "https://short.example/1",
                "Mon, 02 Nov 2026 10:00:00 GMT",
            )],
        )),
    );
    let site = TestSite::new("");
    site.person(
        "ana",
        "Ana",
        &[server.url("/full.xml"), server.url("/short.xml")],
    );
    site.build().expect("build");
    let river = site.output("index.html");
    let long_post = &river[river.find("Long one").unwrap()..river.find("Brief").unwrap()];
    assert!(long_post.contains("Short summary."), "the excerpt stays");
    assert!(
        long_post.contains("<details class=\"post-more\">"),
        "{long_post}"
    );
    assert!(long_post.contains("<summary>Read more"));
    assert!(
        long_post.contains("<p>The <b>end</b>.</p>"),
        "the whole content"
    );
    assert!(!long_post.contains("<script"), "sanitized");
    let short_post = &river[river.find("Brief").unwrap()..];
    assert!(
        !short_post.contains("post-more"),
        "nothing more to read than the excerpt"
    );
    // Only the post with more to read has one.
    assert_eq!(river.matches("<details class=\"post-more\">").count(), 1);
}

#[test]
fn person_and_tag_rivers_stop_at_max_pages() {
    let server = TestServer::start();
    serve(&server);
    let site = site_with(&server, 6, "max_pages = 2");
    add_noisy(&site, &server);
    site.build().expect("build");
    assert_eq!(
        river_pages(&site, "people/bo/").len(),
        2,
        "capped at 2 pages"
    );
    assert_eq!(
        river_pages(&site, "tags/news/").len(),
        2,
        "capped at 2 pages"
    );
    assert!(
        river_pages(&site, "").len() > 2,
        "the site's river keeps every post"
    );
    let last = site.output("people/bo/page/2/index.html");
    assert!(
        last.contains("Page 2 of 2"),
        "pagination counts the pages kept"
    );

    let unlimited = site_with(&server, 6, "max_pages = 0");
    add_noisy(&unlimited, &server);
    unlimited.build().expect("build");
    assert!(river_pages(&unlimited, "people/bo/").len() > 2);
}
