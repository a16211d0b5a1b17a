//! A hostile site: 250 feeds on the loopback server, most of them built to stop, stall or
//! slow a build (HTML nested 20 000 deep, a flat flood of elements, servers that never answer
//! or trickle, bodies without end, thousands of items, broken XML, errors, redirect loops),
//! among 50 ordinary control feeds. With 5 s timeouts the cold build ends within 30 s and the
//! offline rebuild within 3 s, every control post is on the river, and each hostile feed
//! with content keeps its items' titles and links.

use std::time::{Duration, Instant};

use crate::server::{Route, TestServer};
use crate::{TestSite, rss};

/// How many feeds of each kind.
const EACH: usize = 24;
const CONTROLS: usize = 50;

fn item(title: &str, link: &str, description: &str) -> String {
    format!(
        "<item><title>{title}</title><link>{link}</link><guid>{link}</guid>\
         <pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate><description>{description}</description></item>"
    )
}

fn channel(title: &str, items: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>\
         <link>https://h.example/</link><description>d</description>{items}</channel></rss>"
    )
}

/// Routes every feed of the hostile site on `server`; returns their URLs.
fn hostile_feeds(server: &TestServer) -> Vec<String> {
    let mut paths = Vec::new();
    let mut add = |path: String, route: Route| {
        server.route(&path, route);
        paths.push(path);
    };
    for i in 0..CONTROLS {
        let title = format!("Control {i} post");
        let link = format!("https://control.example/{i}");
        add(
            format!("/control/{i}.xml"),
            Route::xml(rss(
                &format!("Control {i}"),
                &[(&title, &link, "Tue, 03 Nov 2026 10:00:00 GMT")],
            )),
        );
    }
    // Escaped, as feeds carry HTML in <description>.
    let deep = format!(
        "{}deep{}",
        "&lt;div&gt;".repeat(20_000),
        "&lt;/div&gt;".repeat(20_000)
    );
    let flat = "&lt;span&gt;x&lt;/span&gt;".repeat(30_000);
    let many: String = (0..3000)
        .map(|n| {
            item(
                &format!("Many {n}"),
                &format!("https://many.example/{n}"),
                "short",
            )
        })
        .collect();
    for i in 0..EACH {
        let deep_item = item(
            &format!("Deep {i}"),
            &format!("https://deep.example/{i}"),
            &deep,
        );
        add(
            format!("/deep/{i}.xml"),
            Route::xml(channel(&format!("Deep {i}"), &deep_item)),
        );
        let flat_item = item(
            &format!("Flat {i}"),
            &format!("https://flat.example/{i}"),
            &flat,
        );
        add(
            format!("/flat/{i}.xml"),
            Route::xml(channel(&format!("Flat {i}"), &flat_item)),
        );
        add(
            format!("/many/{i}.xml"),
            Route::xml(channel(&format!("Many {i}"), &many)),
        );
        add(format!("/hang/{i}.xml"), Route::hang());
        add(
            format!("/trickle/{i}.xml"),
            Route::xml("<rss version='2.0'>".repeat(50)).trickle(Duration::from_millis(500)),
        );
        add(
            format!("/endless/{i}.xml"),
            Route::xml("<rss><channel><title>x</title>").endless(1 << 30),
        );
        add(
            format!("/broken/{i}.xml"),
            Route::xml("<?xml version=\"1.0\"?><rss><channel><title>Broken<item><title>"),
        );
        add(
            format!("/status/{i}.xml"),
            Route::status([404, 500, 410][i % 3]),
        );
    }
    for i in 0..(250 - CONTROLS - 8 * EACH) {
        server.route_prefix(&format!("/loop{i}"), Route::redirect_loop());
        paths.push(format!("/loop{i}"));
    }
    paths.iter().map(|p| server.url(p)).collect()
}

#[test]
fn a_site_of_250_hostile_feeds_builds_in_bounded_time() {
    let server = TestServer::start();
    let urls = hostile_feeds(&server);
    assert_eq!(urls.len(), 250);
    let site = TestSite::new(
        "[fetch]\ntimeout_secs = 5\nconnect_timeout_secs = 2\nmax_bytes = 4194304\n\
         [build]\nposts_per_page = 100\n[river]\nmax_per_feed_per_page = 1\n",
    );
    // Five readers of 50 feeds each.
    for (n, chunk) in urls.chunks(50).enumerate() {
        site.person(&format!("p{n}"), &format!("Person {n}"), chunk);
    }
    let started = Instant::now();
    let (code, _, stderr) = site.run(&["build", "-v"]);
    let stages = stderr
        .lines()
        .find(|l| l.starts_with("stages:"))
        .unwrap_or_default();
    eprintln!("{stages}");
    let cold = started.elapsed();
    assert_eq!(code, 0, "{stderr}");
    let started = Instant::now();
    let (code, _, stderr) = site.run(&["build", "--offline", "-q"]);
    let offline = started.elapsed();
    assert_eq!(code, 0, "{stderr}");
    eprintln!("hostile site of 250 feeds: cold build {cold:?}, offline rebuild {offline:?}");
    assert!(cold < Duration::from_secs(30), "cold build took {cold:?}");
    assert!(
        offline < Duration::from_secs(3),
        "offline rebuild took {offline:?}"
    );

    // Sanitized and judged once, when parsed: the cache holds the result, and rendering reads
    // it instead of parsing the HTML again.
    let cache = toluu::refresh::cache::Cache::new(site.path().join(".toluu/cache"));
    let deep = cache.load(&server.url("/deep/0.xml")).unwrap().unwrap();
    let item = &deep.feed.unwrap().items[0];
    assert_eq!(item.title, "Deep 0");
    assert!(item.has_more.is_some(), "{item:?}");
    let kept = item.content_html.as_deref().unwrap_or_default();
    assert!(
        kept.matches("<div>").count() <= toluu::sanitize::bound::MAX_DEPTH,
        "cut at the bound"
    );

    let mut river = String::new();
    for rel in site.river_pages("") {
        river.push_str(&site.output(&rel));
    }
    for i in 0..CONTROLS {
        assert!(
            river.contains(&format!("Control {i} post")),
            "control post {i} is missing"
        );
    }
    for i in 0..EACH {
        for (kind, host) in [("Deep", "deep"), ("Flat", "flat")] {
            let feed = site.output(&format!(
                "feeds/{}/index.html",
                toluu::index::feed_slug(
                    &format!("{kind} {i}"),
                    &server.url(&format!("/{host}/{i}.xml"))
                )
            ));
            assert!(
                feed.contains(&format!("{kind} {i}</a>")) || feed.contains(&format!("{kind} {i}")),
                "{kind} {i}"
            );
            assert!(
                feed.contains(&format!("https://{host}.example/{i}")),
                "{kind} {i} keeps its link"
            );
        }
    }
}
