//! Feeds' icons and people's faces, served by a loopback server: where an icon is found (the
//! feed, the home page's `<link rel="icon">`, `/favicon.ico`), what is refused (not an image,
//! too large, too slow), how the state keeps them (a 304 reuses the kept picture, offline
//! builds use it), the monograms, and that no page loads anything from another site.

use std::fs;
use std::time::{Duration, Instant};

use toluu::refresh::icons::store::icon_id;

use crate::server::{Route, TestServer};
use crate::{TestSite, read_tree};

/// A PNG's first bytes and a little more: enough for the sniffing, and a real picture.
fn png_bytes(tag: u8) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend([tag; 40]);
    bytes
}

fn ico_bytes() -> Vec<u8> {
    let mut bytes = b"\0\0\x01\0\x01\0\x10\x10".to_vec();
    bytes.extend([7u8; 30]);
    bytes
}

/// An Atom feed titled `title`, with `extra` in its head, one post, its site at `link`.
fn atom(title: &str, link: &str, extra: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title><id>urn:{title}</id>
<link rel="alternate" href="{link}"/>{extra}<updated>2026-11-05T08:00:00Z</updated>
<entry><title>Post of {title}</title><id>urn:{title}:1</id><link href="https://post.example/{title}"/>
<updated>2026-11-05T08:00:00Z</updated><summary>Text.</summary></entry></feed>"#
    )
}

fn site_reading(server: &TestServer, config: &str, feeds: &[&str]) -> TestSite {
    let site = TestSite::new(config);
    let urls: Vec<String> = feeds.iter().map(|p| server.url(p)).collect();
    site.person("ann", "Ann Example", &urls);
    site
}

/// The site path of the icon kept for the feed at `url` with extension `ext`.
fn icon_path(url: &str, ext: &str) -> String {
    let key = toluu::urls::normalize(url).unwrap();
    format!("icons/{}.{ext}", icon_id(&key))
}

fn output_bytes(site: &TestSite, rel: &str) -> Option<Vec<u8>> {
    fs::read(site.path().join("public").join(rel)).ok()
}

#[test]
fn an_icon_named_by_the_feed_is_fetched_and_shown_from_the_site_itself() {
    let server = TestServer::start();
    let home = server.url("/home/");
    server.route(
        "/feed.xml",
        Route::ok(
            "application/atom+xml",
            atom("Iconic", &home, "<icon>/pics/i.png</icon>"),
        ),
    );
    server.route("/pics/i.png", Route::ok("image/png", png_bytes(1)));
    let site = site_reading(&server, "", &["/feed.xml"]);
    let report = site.build().unwrap();
    assert!(
        report.cache_warnings.is_empty(),
        "{:?}",
        report.cache_warnings
    );
    let path = icon_path(&server.url("/feed.xml"), "png");
    assert_eq!(output_bytes(&site, &path), Some(png_bytes(1)));
    let river = site.output("index.html");
    assert!(
        river.contains(&format!(
            r#"<img class="feed-icon" src="./{path}" alt="" width="20" height="20">"#
        )),
        "{river}"
    );
    assert!(site.output("feeds/index.html").contains(&path));
    // Kept in the state: the picture and its record.
    let state = site.path().join(".toluu/icons");
    assert!(state.join(path.trim_start_matches("icons/")).exists());
    // Not looked at again before its time: the second build asks for no picture.
    server.reset();
    site.build().unwrap();
    assert!(!server.seen().iter().any(|s| s.path.starts_with("/pics/")));
}

#[test]
fn without_one_in_the_feed_the_home_page_icon_then_favicon_ico_are_used() {
    let server = TestServer::start();
    let linked = server.url("/linked/");
    let bare = server.url("/bare/");
    server.route(
        "/a.xml",
        Route::ok("application/atom+xml", atom("Linked", &linked, "")),
    );
    server.route(
        "/linked/",
        Route::ok(
            "text/html",
            r#"<html><head><link rel="icon" type="image/svg+xml" href="/x.svg"><link rel="shortcut icon" href="/linked/fav.png"></head></html>"#,
        ),
    );
    server.route("/linked/fav.png", Route::ok("image/png", png_bytes(2)));
    server.route(
        "/b.xml",
        Route::ok("application/atom+xml", atom("Bare", &bare, "")),
    );
    server.route(
        "/bare/",
        Route::ok("text/html", "<html><head></head></html>"),
    );
    server.route("/favicon.ico", Route::ok("image/x-icon", ico_bytes()));
    let site = site_reading(&server, "", &["/a.xml", "/b.xml"]);
    site.build().unwrap();
    let a = icon_path(&server.url("/a.xml"), "png");
    let b = icon_path(&server.url("/b.xml"), "ico");
    assert_eq!(output_bytes(&site, &a), Some(png_bytes(2)));
    assert_eq!(output_bytes(&site, &b), Some(ico_bytes()));
    assert!(
        !server.seen().iter().any(|s| s.path == "/x.svg"),
        "SVG icons are not asked for"
    );
}

#[test]
fn refused_icons_name_their_url_and_the_feed_still_builds_with_a_monogram() {
    let server = TestServer::start();
    let home = server.url("/home/");
    server.route(
        "/html.xml",
        Route::ok(
            "application/atom+xml",
            atom("Htmlicon", &home, "<icon>/not-image.png</icon>"),
        ),
    );
    server.route(
        "/not-image.png",
        Route::ok("image/png", "<html>oops</html>"),
    );
    server.route(
        "/big.xml",
        Route::ok(
            "application/atom+xml",
            atom("Bigicon", &home, "<logo>/big.png</logo>"),
        ),
    );
    let mut big = png_bytes(3);
    big.resize(20 * 1024, 0);
    server.route("/big.png", Route::ok("image/png", big));
    server.route(
        "/svg.xml",
        Route::ok(
            "application/atom+xml",
            atom("Svgicon", &home, "<icon>/i.svg.png</icon>"),
        ),
    );
    server.route(
        "/i.svg.png",
        Route::ok(
            "image/svg+xml",
            r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
        ),
    );
    let site = site_reading(&server, "", &["/html.xml", "/big.xml", "/svg.xml"]);
    let report = site.build().unwrap();
    let warnings = report.cache_warnings.join("\n");
    let not_image = server.url("/not-image.png");
    assert!(
        warnings.contains(&format!("icon {not_image}: not an image")),
        "{warnings}"
    );
    let big_url = server.url("/big.png");
    assert!(
        warnings.contains(&format!("icon {big_url}: response too large")),
        "{warnings}"
    );
    assert!(warnings.contains("under 16 KB"), "{warnings}");
    assert!(warnings.contains("SVG"), "{warnings}");
    assert!(
        warnings.contains("a monogram is shown instead"),
        "{warnings}"
    );
    assert!(report.feeds.iter().all(|f| f.status == "ok"), "{report}");
    for feed in ["/html.xml", "/big.xml", "/svg.xml"] {
        let url = server.url(feed);
        let svg = output_bytes(&site, &icon_path(&url, "svg")).expect("a monogram");
        assert!(String::from_utf8(svg).unwrap().starts_with("<svg"));
        assert!(output_bytes(&site, &icon_path(&url, "png")).is_none());
    }
    // Every picture of the site is under 16 KB.
    for (path, bytes) in read_tree(&site.path().join("public")) {
        if path.starts_with("icons/") || path.starts_with("faces/") {
            assert!(bytes.len() < 16 * 1024, "{path}: {} bytes", bytes.len());
        }
    }
}

#[test]
fn a_hanging_icon_server_is_bounded_by_the_timeout() {
    let server = TestServer::start();
    let home = server.url("/home/");
    server.route(
        "/feed.xml",
        Route::ok(
            "application/atom+xml",
            atom("Slow", &home, "<icon>/hang.png</icon>"),
        ),
    );
    server.route("/hang.png", Route::hang());
    let site = site_reading(
        &server,
        "[fetch]\ntimeout_secs = 2\nconnect_timeout_secs = 2\n",
        &["/feed.xml"],
    );
    let start = Instant::now();
    let report = site.build().unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "{:?}",
        start.elapsed()
    );
    let warnings = report.cache_warnings.join("\n");
    assert!(
        warnings.contains(&server.url("/hang.png")) && warnings.contains("timed out"),
        "{warnings}"
    );
    assert!(site.output("index.html").contains("Post of Slow"));
}

#[test]
fn a_feeds_icon_is_looked_up_while_the_other_feeds_are_still_coming_in() {
    let server = TestServer::start();
    let fast_home = server.url("/fast/");
    server.route(
        "/fast.xml",
        Route::ok("application/atom+xml", atom("Fast", &fast_home, "")),
    );
    server.route(
        "/fast/",
        Route::ok(
            "text/html",
            r#"<html><head><link rel="icon" href="/fast/i.png"></head></html>"#,
        ),
    );
    server.route("/fast/i.png", Route::ok("image/png", png_bytes(3)));
    // The other feed takes about two seconds to arrive, a byte every 4 ms.
    let slow = atom("Slow", &server.url("/slow/"), "");
    server.route(
        "/slow.xml",
        Route::ok("application/atom+xml", slow).trickle(Duration::from_millis(4)),
    );
    let site = site_reading(&server, "", &["/fast.xml", "/slow.xml"]);
    let report = site.build().unwrap();
    let seen = server.seen();
    let at = |path: &str| seen.iter().find(|s| s.path == path).map(|s| s.at).unwrap();
    let slow_asked = at("/slow.xml");
    // Asked long before the slow feed was whole, not after the refresh.
    assert!(
        at("/fast/") < slow_asked + Duration::from_millis(1200),
        "home page asked {:?} after the slow feed",
        at("/fast/") - slow_asked
    );
    assert!(at("/fast/i.png") < slow_asked + Duration::from_millis(1200));
    assert!(
        !report.cache_warnings.iter().any(|w| w.contains("fast")),
        "{:?}",
        report.cache_warnings
    );
    let path = icon_path(&server.url("/fast.xml"), "png");
    assert_eq!(output_bytes(&site, &path), Some(png_bytes(3)));
    assert!(site.output("index.html").contains("Post of Slow"));
}

/// Makes every kept picture of `site` due again, as if a week had passed.
fn age_the_state(site: &TestSite) {
    for entry in fs::read_dir(site.path().join(".toluu/icons")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = fs::read_to_string(&path).unwrap();
            let mut record: serde_json::Value = serde_json::from_str(&text).unwrap();
            record["checked_at"] = "2020-01-01T00:00:00Z".into();
            fs::write(&path, record.to_string()).unwrap();
        }
    }
}

#[test]
fn a_due_icon_is_asked_for_conditionally_and_a_304_keeps_it() {
    let server = TestServer::start();
    let home = server.url("/home/");
    server.route(
        "/feed.xml",
        Route::ok(
            "application/atom+xml",
            atom("Kept", &home, "<icon>/k.png</icon>"),
        ),
    );
    server.route(
        "/k.png",
        Route::ok("image/png", png_bytes(4)).with_etag("\"k1\""),
    );
    let site = site_reading(&server, "", &["/feed.xml"]);
    site.build().unwrap();
    age_the_state(&site);
    server.reset();
    let report = site.build().unwrap();
    assert!(
        report.cache_warnings.is_empty(),
        "{:?}",
        report.cache_warnings
    );
    let asked: Vec<_> = server
        .seen()
        .into_iter()
        .filter(|s| s.path == "/k.png")
        .collect();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].if_none_match.as_deref(), Some("\"k1\""));
    let path = icon_path(&server.url("/feed.xml"), "png");
    assert_eq!(output_bytes(&site, &path), Some(png_bytes(4)));
}

#[test]
fn offline_builds_use_the_kept_pictures_and_a_failure_keeps_them_too() {
    let server = TestServer::start();
    let home = server.url("/home/");
    let avatar = server.url("/ann.png");
    server.route(
        "/feed.xml",
        Route::ok(
            "application/atom+xml",
            atom("Offline", &home, "<icon>/o.png</icon>"),
        ),
    );
    server.route("/o.png", Route::ok("image/png", png_bytes(5)));
    server.route("/ann.png", Route::ok("image/png", png_bytes(6)));
    let site = TestSite::new("");
    site.write(
        "people/ann.toml",
        &format!(
            "name = \"Ann Example\"\navatar = \"{avatar}\"\n[[feeds]]\nurl = \"{}\"\n",
            server.url("/feed.xml")
        ),
    );
    site.person("bob", "Bob Builder", &[server.url("/feed.xml")]);
    site.build().unwrap();
    let icon = icon_path(&server.url("/feed.xml"), "png");
    let face = format!("faces/{}.png", icon_id(&avatar));
    assert_eq!(output_bytes(&site, &face), Some(png_bytes(6)));
    let river = site.output("index.html");
    assert!(
        river.contains(&format!(
            r#"<img class="face" src="./{face}" alt="Ann Example" width="28" height="28">"#
        )),
        "{river}"
    );
    assert!(
        river.contains(
            r#"title="Bob Builder"><img class="face" src="./faces/bob.svg" alt="Bob Builder""#
        ),
        "{river}"
    );
    assert!(site.output("faces/bob.svg").contains(">BB</text>"));
    // The pictures are gone from the server: offline, the state still has them.
    server.route("/o.png", Route::status(404));
    server.route("/ann.png", Route::status(500));
    server.reset();
    site.build_offline().unwrap();
    assert!(server.seen().is_empty());
    assert_eq!(output_bytes(&site, &icon), Some(png_bytes(5)));
    assert_eq!(output_bytes(&site, &face), Some(png_bytes(6)));
    // Online and due, the failed look leaves the kept pictures in place, and says so.
    age_the_state(&site);
    let report = site.build().unwrap();
    let warnings = report.cache_warnings.join("\n");
    assert!(
        warnings.contains(&format!(
            "avatar of Ann Example (people/ann.toml): icon {avatar}: HTTP 500"
        )),
        "{warnings}"
    );
    assert!(
        warnings.contains("the icon kept before stays"),
        "{warnings}"
    );
    assert_eq!(output_bytes(&site, &face), Some(png_bytes(6)));
    assert_eq!(output_bytes(&site, &icon), Some(png_bytes(5)));
}

#[test]
fn monograms_are_the_same_every_build_and_differ_by_feed() {
    let server = TestServer::start();
    for (path, title) in [("/one.xml", "Alpha Beta"), ("/two.xml", "Gamma")] {
        server.route(
            path,
            Route::ok(
                "application/atom+xml",
                atom(title, "https://home.example/", ""),
            ),
        );
    }
    let site = site_reading(&server, "", &["/one.xml", "/two.xml"]);
    site.build().unwrap();
    let one = output_bytes(&site, &icon_path(&server.url("/one.xml"), "svg")).unwrap();
    let two = output_bytes(&site, &icon_path(&server.url("/two.xml"), "svg")).unwrap();
    assert!(String::from_utf8_lossy(&one).contains(">A</text>"));
    assert!(String::from_utf8_lossy(&two).contains(">G</text>"));
    assert_ne!(one, two);
    let first = read_tree(&site.path().join("public"));
    site.build_offline().unwrap();
    assert_eq!(first, read_tree(&site.path().join("public")));
    // The home page is under a reserved name: never asked.
    assert!(server.seen().iter().all(|s| s.path.ends_with(".xml")));
}

/// Every `src` of an `<img>`, `<script>`, `<iframe>` and every `href` of a `<link>` in `html`.
fn loaded_urls(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (tag, attr) in [
        ("<img", "src=\""),
        ("<script", "src=\""),
        ("<iframe", "src=\""),
        ("<link", "href=\""),
    ] {
        for part in html.split(tag).skip(1) {
            let element = &part[..part.find('>').unwrap_or(part.len())];
            if let Some(start) = element.find(attr) {
                let rest = &element[start + attr.len()..];
                out.push(rest[..rest.find('"').unwrap_or(rest.len())].to_owned());
            }
        }
    }
    out
}

/// No page of `dir` loads a resource from another origin than `base_url`'s.
fn assert_nothing_third_party(dir: &std::path::Path, base_url: &str) {
    let probe =
        r#"<img class="x" src="https://cdn.example/a.png"><link rel="icon" href="//x.example/i">"#;
    assert_eq!(
        loaded_urls(probe),
        ["https://cdn.example/a.png", "//x.example/i"]
    );
    let mut scanned = 0;
    for (path, bytes) in read_tree(dir) {
        if !path.ends_with(".html") {
            continue;
        }
        scanned += 1;
        // Post content is the feeds' own (sanitized) HTML, not the page's frame: its images
        // are the posts', shown as the feed has them.
        let html = String::from_utf8_lossy(&bytes);
        let frame: String = html
            .split("<div class=\"post-content")
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    part.split_once("</div>").map_or("", |p| p.1)
                }
            })
            .collect();
        for url in loaded_urls(&frame) {
            let absolute = url.contains("://") || url.starts_with("//");
            assert!(
                !absolute || url.starts_with(base_url),
                "{path}: loads {url}"
            );
        }
    }
    assert!(scanned > 10, "only {scanned} pages scanned");
}

#[test]
fn no_page_of_the_example_site_loads_anything_from_another_site() {
    let dir = tempfile::tempdir().unwrap();
    // A copy: builds of one site take its lock, and other tests build the example too.
    let copy = crate::themes::example_copy();
    let example = copy.path();
    let options = toluu::BuildOptions {
        offline: true,
        output_dir: Some(dir.path().join("out")),
        ..Default::default()
    };
    toluu::build(example, &options).unwrap();
    let out = dir.path().join("out");
    assert_nothing_third_party(&out, "https://example.org/");
    // The example's committed state gives some feeds and people real pictures.
    let tree = read_tree(&out);
    let pictures = |dir: &str, ext: &str| {
        tree.iter()
            .filter(|(p, _)| p.starts_with(dir) && p.ends_with(ext))
            .count()
    };
    assert!(pictures("icons/", ".png") >= 3 && pictures("faces/", ".png") >= 3);
    assert!(pictures("icons/", ".svg") >= 3 && pictures("faces/", ".svg") >= 3);
}

#[test]
fn the_feeds_of_one_site_ask_for_its_favicon_and_home_page_once() {
    let server = TestServer::start();
    let paths: Vec<String> = (0..6).map(|i| format!("/f{i}.xml")).collect();
    for (i, path) in paths.iter().enumerate() {
        // Three feeds share a home page, three have one each: all share /favicon.ico.
        let home = if i < 3 {
            server.url("/shared/")
        } else {
            server.url(&format!("/own{i}/"))
        };
        server.route(
            path,
            Route::ok("application/atom+xml", atom(&format!("F{i}"), &home, "")),
        );
    }
    server.route("/shared/", Route::ok("text/html", "<html></html>"));
    for i in 3..6 {
        server.route(
            &format!("/own{i}/"),
            Route::ok("text/html", "<html></html>"),
        );
    }
    server.route("/favicon.ico", Route::ok("image/x-icon", ico_bytes()));
    let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    // Without the follower, whose blogroll visits ask for the same home pages.
    let site = site_reading(&server, "[discover]\nfollow_links = false\n", &refs);
    site.build().unwrap();
    let asked = |p: &str| server.seen().iter().filter(|s| s.path == p).count();
    assert_eq!(asked("/favicon.ico"), 1, "{:?}", server.seen());
    assert_eq!(asked("/shared/"), 1);
    assert_eq!(asked("/own4/"), 1);
    for path in &paths {
        let icon = icon_path(&server.url(path), "ico");
        assert_eq!(output_bytes(&site, &icon), Some(ico_bytes()), "{path}");
    }
}
