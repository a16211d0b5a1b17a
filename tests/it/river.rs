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

/// The titles of the posts on the page at `rel`, in order.
fn titles_on(site: &TestSite, rel: &str) -> Vec<String> {
    site.output(rel)
        .split("class=\"post-title\">")
        .skip(1)
        .map(|s| {
            let s = if s.starts_with("<a") {
                &s[s.find('>').unwrap() + 1..]
            } else {
                s
            };
            s[..s.find('<').unwrap()].to_owned()
        })
        .collect()
}

/// The titles of a river's posts, page after page, with each page's count.
fn river_titles(site: &TestSite, prefix: &str) -> (Vec<String>, Vec<usize>) {
    let pages: Vec<Vec<String>> = site
        .river_pages(prefix)
        .iter()
        .map(|p| titles_on(site, p))
        .collect();
    let sizes = pages.iter().map(Vec::len).collect();
    (pages.into_iter().flatten().collect(), sizes)
}

fn of(titles: &[String], feed: &str) -> usize {
    titles
        .iter()
        .filter(|t| t.starts_with(&format!("{feed} post ")))
        .count()
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
    let (all, sizes) = river_titles(&site, "");
    // About 6 a page: the first at least 6, every page at most 12, all but the last at least 3.
    assert!(sizes.len() > 10 && sizes[0] >= 6, "{sizes:?}");
    assert!(sizes.iter().all(|&n| n <= 12), "{sizes:?}");
    assert!(
        sizes[1..sizes.len() - 1].iter().all(|&n| n >= 3),
        "{sizes:?}"
    );
    assert_eq!(
        (of(&all, "Noisy"), of(&all, "Quiet"), of(&all, "Calm")),
        (100, 10, 10),
        "no post is lost"
    );
    // While the other feeds have posts left, the noisy one shows at most 3 in any 6 posts in
    // a row; after that, it fills the pages.
    let last_other = all.iter().rposition(|t| !t.starts_with("Noisy")).unwrap();
    for w in all[..=last_other].windows(6) {
        assert!(of(w, "Noisy") <= 3, "{w:?}");
    }
    assert!(last_other < 60, "the quiet feeds came up: {last_other}");
    // The river begins with the newest post of all, and each feed keeps its order.
    assert_eq!(
        all[..6],
        [
            "Noisy post 0",
            "Noisy post 1",
            "Noisy post 2",
            "Quiet post 0",
            "Calm post 0",
            "Quiet post 1"
        ]
    );
    let noisy: Vec<&String> = all.iter().filter(|t| t.starts_with("Noisy")).collect();
    assert!((0..100).all(|i| *noisy[i] == format!("Noisy post {i}")));

    // The same share holds in the tag river the noisy feed is in, and in its reader's river.
    for prefix in ["tags/news/", "people/bo/"] {
        let (all, sizes) = river_titles(&site, prefix);
        assert!(sizes.len() > 1, "{prefix} is paginated");
        assert!(of(&all[..6], "Noisy") <= 3, "{prefix}");
    }

    // With the share off, the noisy feed fills page 1.
    let open = site_with(&server, 6, "max_per_feed_per_page = 0");
    add_noisy(&open, &server);
    open.build().expect("build");
    assert_eq!(of(&river_titles(&open, "").0[..6], "Noisy"), 6);
}

#[test]
fn a_new_feeds_backlog_does_not_bury_everyone() {
    let server = TestServer::start();
    serve(&server);
    let site = site_with(&server, 10, "max_per_feed_per_page = 0");
    site.build()
        .expect("first build: the site's founding feeds");
    assert_eq!(of(&river_titles(&site, "").0[..10], "Quiet"), 5);

    // Bo joins with a feed of 100 posts, all newer than anything else.
    add_noisy(&site, &server);
    site.build().expect("second build");
    let (all, _) = river_titles(&site, "");
    assert_eq!(
        of(&all, "Noisy"),
        3,
        "its backlog contributes its 3 newest posts"
    );
    assert_eq!(all[..3], ["Noisy post 0", "Noisy post 1", "Noisy post 2"]);
    assert_eq!(of(&all[..10], "Quiet"), 4);
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
    assert_eq!(of(&river_titles(&site, "").0, "Noisy"), 3);

    // With the limit off, all of it comes in.
    site.write(
        "toluu.toml",
        "title = \"t\"\n[build]\nposts_per_page = 10\nitems_per_feed = 100\n[river]\nmax_per_feed_per_page = 0\nnew_feed_items = 0\n",
    );
    site.build().expect("fourth build");
    assert_eq!(of(&river_titles(&site, "").0[..10], "Noisy"), 10);
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
    assert!(
        page1.contains("href=\"../../tags/slow/page/2026-11-"),
        "{page1}"
    );
    let (all, sizes) = river_titles(&site, "tags/slow/");
    assert!(sizes.len() > 1 && sizes[0] >= 4, "{sizes:?}");
    assert_eq!(
        all,
        (0..10)
            .map(|i| format!("Calm post {i}"))
            .collect::<Vec<_>>()
    );
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
    let bo = site.river_pages("people/bo/");
    assert_eq!(bo.len(), 2, "capped at 2 pages");
    assert_eq!(site.river_pages("tags/news/").len(), 2, "capped at 2 pages");
    assert!(
        site.river_pages("").len() > 2,
        "the site's river keeps every post"
    );
    let last = site.output(&bo[1]);
    assert!(
        last.contains("aria-disabled=\"true\">Older"),
        "the last page kept links to no older one"
    );

    let unlimited = site_with(&server, 6, "max_pages = 0");
    add_noisy(&unlimited, &server);
    unlimited.build().expect("build");
    assert!(unlimited.river_pages("people/bo/").len() > 2);
}
