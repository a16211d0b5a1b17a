//! Discovery beyond the lists, on a test web on loopback: sites whose posts link to each
//! other, one blogroll, one site without a feed and one "platform" every post links to.
//! The feeds found, their order and their reasons are checked exactly; so are the bounds
//! (sites that hang), the retry interval, the conditional GET and `--offline`.

use std::time::{Duration, Instant};

use crate::TestSite;
use crate::server::{Route, TestServer};

/// An RSS feed of `site` titled `title`; each post is (slug, title, date, links in its text).
fn feed(site: &TestServer, title: &str, posts: &[(&str, &str, &str, &[String])]) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>{title}</title>\
         <link>{}</link><description>The posts of {title}</description>\n",
        site.url("/")
    );
    for (slug, t, date, links) in posts {
        let text: String = links
            .iter()
            .map(|l| format!("&lt;a href=\"{l}\"&gt;a link&lt;/a&gt; "))
            .collect();
        out.push_str(&format!(
            "<item><title>{t}</title><link>{link}</link><guid>{link}</guid>\
             <pubDate>{date}</pubDate><description>&lt;p&gt;{text}&lt;/p&gt;</description></item>\n",
            link = site.url(&format!("/{slug}"))
        ));
    }
    out + "</channel></rss>\n"
}

fn page(head: &str) -> Route {
    Route::ok(
        "text/html",
        format!("<!doctype html><html><head>{head}</head><body>home</body></html>"),
    )
}

/// The test web: the servers by name, started.
struct Web {
    a: TestServer,
    b: TestServer,
    f: TestServer,
    g: TestServer,
    c: TestServer,
    d: TestServer,
    e: TestServer,
    h: TestServer,
    platform: TestServer,
}

impl Web {
    fn start() -> Web {
        let web = Web {
            a: TestServer::start(),
            b: TestServer::start(),
            f: TestServer::start(),
            g: TestServer::start(),
            c: TestServer::start(),
            d: TestServer::start(),
            e: TestServer::start(),
            h: TestServer::start(),
            platform: TestServer::start(),
        };
        let p = web.platform.url("/share");
        let (c, d, e) = (web.c.url("/c1"), web.d.url("/d1"), web.e.url("/"));
        let mon = "Mon, 02 Mar 2026 10:00:00 GMT";
        let tue = "Tue, 03 Mar 2026 10:00:00 GMT";
        let wed = "Wed, 04 Mar 2026 10:00:00 GMT";
        // The listed feeds: every one links to the platform.
        let a = feed(
            &web.a,
            "Ana's Notes",
            &[
                ("a1", "On caching", mon, &[c.clone(), p.clone()]),
                ("a2", "On queues", tue, &[d.clone(), p.clone()]),
            ],
        );
        let b = feed(
            &web.b,
            "Bo's Log",
            &[
                ("b1", "Week one", mon, &[c.clone(), p.clone()]),
                ("b2", "Week two", wed, std::slice::from_ref(&c)),
                ("b3", "Week three", tue, &[e, p.clone()]),
            ],
        );
        let f = feed(
            &web.f,
            "Fay's Field",
            &[("f1", "Seeds", mon, &[d, p.clone()])],
        );
        let g = feed(
            &web.g,
            "Gus",
            &[("g1", "Hello", mon, &[p.clone(), web.g.url("/self")])],
        );
        for (server, body) in [(&web.a, a), (&web.b, b), (&web.f, f), (&web.g, g)] {
            server.route("/feed.xml", Route::xml(body));
            server.route("/", page(""));
        }
        web.a.route(
            "/",
            page(r#"<link rel="blogroll" type="text/x-opml" href="/blogroll.opml">"#),
        );
        web.a.route(
            "/blogroll.opml",
            Route::ok(
                "text/x-opml",
                format!(
                    r#"<opml version="2.0"><head><title>Friends</title></head><body>
                    <outline text="Hal" htmlUrl="{}" xmlUrl="{}"/>
                    <outline text="Cleo" htmlUrl="{}"/>
                    <outline text="Gus" htmlUrl="{}"/></body></opml>"#,
                    web.h.url("/"),
                    web.h.url("/hal.xml"),
                    web.c.url("/"),
                    web.g.url("/")
                ),
            ),
        );
        // The sites linked to: C advertises its feed, D has one at a common path, E none,
        // H is known by its blogroll entry's feed.
        let alternate = format!(
            r#"<link rel="alternate" type="application/rss+xml" href="{}">"#,
            web.c.url("/rss")
        );
        web.c.route("/", page(&alternate));
        web.c.route("/c1", page(&alternate));
        let cleo = feed(
            &web.c,
            "Cleo Writes",
            &[("c1", "Caches all the way down", mon, &[])],
        );
        web.c
            .route("/rss", Route::xml(cleo).with_etag("\"cleo-1\""));
        web.d.route("/", page(""));
        let dee = feed(&web.d, "Dee's Queue", &[("d1", "Backpressure", mon, &[])]);
        web.d.route("/feed.xml", Route::xml(dee));
        web.e.route("/", page(""));
        let hal = feed(&web.h, "Hal's Hours", &[("h1", "Clocks", mon, &[])]);
        web.h.route("/hal.xml", Route::xml(hal));
        web.platform.route("/", page(""));
        web
    }

    fn site(&self, discover: &str) -> TestSite {
        let site = TestSite::new(&format!("[discover]\n{discover}\n"));
        let url = |s: &TestServer| s.url("/feed.xml");
        site.person("ana", "Ana", &[url(&self.a), url(&self.g)]);
        site.person("bo", "Bo", &[url(&self.b), url(&self.f), url(&self.g)]);
        site.person("cy", "Cy", &[url(&self.a), url(&self.b)]);
        site.person("di", "Di", &[url(&self.a), url(&self.b), url(&self.g)]);
        site
    }
}

/// The text of the "Mentioned by what you read" section, tags stripped, one entry a line.
fn mentioned(site: &TestSite) -> Vec<String> {
    let html = site.output("discover/index.html");
    let Some(section) = html.split("Mentioned by what you read").nth(1) else {
        return Vec::new();
    };
    let section = section.split("</section>").next().unwrap();
    section
        .split("<li>")
        .skip(1)
        .map(|li| {
            let mut text = String::new();
            let mut in_tag = false;
            for ch in li.split("<br>").next().unwrap().chars() {
                match ch {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .replace("&#39;", "'")
        })
        .collect()
}

#[test]
fn the_feeds_the_posts_link_to_in_order_with_their_reasons() {
    let web = Web::start();
    let site = web.site("");
    let report = site.build().expect("builds");
    assert!(
        report.cache_warnings.is_empty(),
        "{:?}",
        report.cache_warnings
    );
    // C: 2 feeds, 4 readers, 3 posts (and Ana's blogroll); D: 2 feeds, 4 readers, 2 posts;
    // H: Ana's blogroll only. E has no feed; the platform is linked from every feed; Gus is
    // in the lists.
    assert_eq!(
        mentioned(&site),
        [
            "Cleo Writes linked from 3 posts in 2 feeds: Ana's Notes, Bo's Log; in the blogroll of Ana's Notes feed",
            "Dee's Queue linked from 2 posts in 2 feeds: Ana's Notes, Fay's Field feed",
            "Hal's Hours in the blogroll of Ana's Notes feed",
        ]
    );
    let discover = site.output("discover/index.html");
    assert!(
        discover.contains("Week two</a> in"),
        "the sample is the newest linking post"
    );
    assert!(
        discover.contains("Caches all the way down"),
        "a post of the found feed"
    );

    let (code, json, err) = site.run(&["suggest", "--json"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let links = |slug: &str| -> Vec<(String, String)> {
        json["people"][slug]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["source"] == "links")
            .map(|s| {
                (
                    s["url"].as_str().unwrap().to_owned(),
                    s["reason"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(
        links("bo"),
        [
            (
                web.c.url("/rss"),
                "linked from 2 posts in feeds you read, most recently in Bo's Log on 4 Mar 2026"
                    .to_owned()
            ),
            (
                web.d.url("/feed.xml"),
                "linked from 1 post in feeds you read, most recently in Fay's Field on 2 Mar 2026"
                    .to_owned()
            ),
        ]
    );
    assert_eq!(links("ana").len(), 3);
    assert_eq!(
        links("ana")[2],
        (
            web.h.url("/hal.xml"),
            "in the blogroll of Ana's Notes".to_owned()
        )
    );
    // The group's own suggestions come first, marked as such.
    let mut from_lists = 0;
    for (slug, list) in json["people"].as_object().unwrap() {
        let sources: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["source"].as_str().unwrap())
            .collect();
        let first_link = sources
            .iter()
            .position(|s| *s == "links")
            .unwrap_or(sources.len());
        assert!(
            sources[first_link..].iter().all(|s| *s == "links"),
            "{slug}: {sources:?}"
        );
        from_lists += first_link;
    }
    assert!(from_lists > 0, "{json}");
    let page = site.output("people/bo/index.html");
    assert!(page.contains("Cleo Writes"), "{page}");
    assert!(
        page.contains("linked from 2 posts in feeds you read"),
        "{page}"
    );
}

#[test]
fn visits_wait_their_retry_interval_then_ask_conditionally_and_offline_reads_the_state() {
    let web = Web::start();
    let site = web.site("");
    site.build().expect("builds");
    let first = mentioned(&site);
    assert_eq!(first.len(), 3);
    assert!(web.c.seen().iter().any(|s| s.path == "/rss"));
    // Within the retry interval: no visit.
    web.c.reset();
    web.a.reset();
    site.build().expect("builds again");
    assert!(web.c.seen().is_empty(), "{:?}", web.c.seen());
    assert!(
        !web.a.seen().iter().any(|s| s.path == "/"),
        "{:?}",
        web.a.seen()
    );
    assert_eq!(mentioned(&site), first);
    // Past it (the state says eight days ago): the known feed is asked for conditionally.
    let state_path = site.path().join(".toluu/links.json");
    let state = std::fs::read_to_string(&state_path).unwrap();
    let old = (chrono::Utc::now() - chrono::Duration::days(8)).to_rfc3339();
    let re = regex_lite_replace(&state, "\"checked\": \"", &old);
    std::fs::write(&state_path, re).unwrap();
    site.build().expect("builds after the interval");
    let asked: Vec<_> = web
        .c
        .seen()
        .into_iter()
        .filter(|s| s.path == "/rss")
        .collect();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0].if_none_match.as_deref(), Some("\"cleo-1\""));
    // Offline: the state alone, even with every linked site gone.
    drop(web);
    site.build_offline().expect("builds offline");
    assert_eq!(mentioned(&site), first);
}

/// `text` with the value after every `key` replaced by `value` (up to the next quote).
fn regex_lite_replace(text: &str, key: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(key) {
        out.push_str(&rest[..i + key.len()]);
        out.push_str(value);
        let after = &rest[i + key.len()..];
        rest = &after[after.find('"').unwrap()..];
    }
    out + rest
}

#[test]
fn hanging_sites_never_fail_or_hold_up_the_build() {
    let web = Web::start();
    for server in [&web.c, &web.d, &web.h] {
        server.route_prefix("/", Route::hang());
    }
    web.a.route("/", Route::hang());
    // The feeds' own timeout bounds the icon lookup of the hanging home page.
    let site = web.site("follow_timeout_secs = 2\n[fetch]\ntimeout_secs = 3");
    let started = Instant::now();
    site.build().expect("builds");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(8), "took {took:?}");
    assert!(mentioned(&site).is_empty());
    // Nothing was learnt from the sites that did not answer, so the next build tries again.
    let state = std::fs::read_to_string(site.path().join(".toluu/links.json")).unwrap_or_default();
    assert!(
        !state.contains(web.c.base.trim_start_matches("http://")),
        "{state}"
    );
}

#[test]
fn follow_links_off_fetches_nothing_more() {
    let web = Web::start();
    let site = web.site("follow_links = false");
    site.build().expect("builds");
    for server in [&web.c, &web.d, &web.e, &web.h] {
        assert!(server.seen().is_empty());
    }
    // The feed, and its home page and favicon for its icon; never its blogroll.
    let asked: Vec<String> = web.a.seen().into_iter().map(|s| s.path).collect();
    assert!(
        asked
            .iter()
            .all(|p| ["/feed.xml", "/", "/favicon.ico"].contains(&p.as_str())),
        "{asked:?}"
    );
    assert!(asked.iter().any(|p| p == "/feed.xml"));
    assert!(mentioned(&site).is_empty());
    assert!(!site.path().join(".toluu/links.json").exists());
}
