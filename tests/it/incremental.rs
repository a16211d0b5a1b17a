//! State across builds, against the loopback server: history, item identity, politeness
//! (`min_interval_secs`, `max-age`, `Retry-After`), permanent moves, dead feeds, the build
//! report and the build lock.

use crate::server::{Route, TestServer};
use crate::{TestSite, rss};

fn feed_report<'a>(
    report: &'a toluu::report::BuildReport,
    url: &str,
) -> &'a toluu::report::FeedReport {
    report
        .feeds
        .iter()
        .find(|f| f.url == url)
        .unwrap_or_else(|| panic!("{url} not in {report:?}"))
}

fn posts_in(html: &str) -> usize {
    // Both layouts: `post` (excerpts) and `post post-line` (compact).
    html.matches("<article class=\"post").count()
}

#[test]
fn items_that_drop_out_stay_and_keep_their_first_date() {
    let server = TestServer::start();
    server.route(
        "/f.xml",
        Route::xml(rss(
            "History",
            &[
                (
                    "Second post",
                    "https://h.example/2",
                    "Mon, 02 Nov 2026 10:00:00 GMT",
                ),
                (
                    "First post",
                    "https://h.example/1",
                    "Sun, 01 Nov 2026 10:00:00 GMT",
                ),
            ],
        )),
    );
    let site = TestSite::new("");
    site.person("ana", "ana", &[server.url("/f.xml")]);
    let report = site.build().unwrap();
    let url = server.url("/f.xml");
    assert_eq!(
        (
            feed_report(&report, &url).items_new,
            feed_report(&report, &url).items
        ),
        (2, 2)
    );

    // The first post drops out; the second is re-dated by its server; a third appears.
    server.route(
        "/f.xml",
        Route::xml(rss(
            "History",
            &[
                (
                    "Second post",
                    "https://h.example/2",
                    "Tue, 17 Nov 2026 10:00:00 GMT",
                ),
                (
                    "Third post",
                    "https://h.example/3",
                    "Thu, 05 Nov 2026 10:00:00 GMT",
                ),
            ],
        )),
    );
    let report = site.build().unwrap();
    let r = feed_report(&report, &url);
    assert_eq!((r.items_new, r.items), (1, 3), "{r:?}");
    let river = site.output("index.html");
    assert!(
        river.contains("First post"),
        "dropped items stay on the site"
    );
    assert!(river.contains("Third post"));
    assert_eq!(posts_in(&river), 3, "the re-dated post is one item");
    assert!(river.contains("2 Nov 2026"), "the first date is kept");
    assert!(!river.contains("17 Nov 2026"), "the new date is not used");
    let third = river.find("Third post").unwrap();
    let second = river.find("Second post").unwrap();
    assert!(third < second, "the re-dated post did not jump to the top");
}

#[test]
fn a_304_reads_no_post_yet_keeps_them_all_and_new_content_merges_with_them() {
    let server = TestServer::start();
    let post = |n: u32| {
        (
            format!("Post {n}"),
            format!("https://e.example/{n}"),
            format!("Mon, {:02} Nov 2026 10:00:00 GMT", n),
        )
    };
    let serve = |posts: &[u32], etag: &str| {
        let posts: Vec<(String, String, String)> = posts.iter().map(|&n| post(n)).collect();
        let posts: Vec<(&str, &str, &str)> = posts
            .iter()
            .map(|(t, l, d)| (t.as_str(), l.as_str(), d.as_str()))
            .collect();
        server.route("/e.xml", Route::xml(rss("Etags", &posts)).with_etag(etag));
    };
    serve(&[2, 1], "\"one\"");
    let site = TestSite::new("");
    site.person("ana", "ana", &[server.url("/e.xml")]);
    let url = server.url("/e.xml");
    site.build().unwrap();
    // A 304: the entry is read without its posts; the report still counts them, the site
    // still shows them, and the cache file still has them.
    let report = site.build().unwrap();
    let r = feed_report(&report, &url);
    assert_eq!((r.status, r.items), ("not modified", 2), "{r:?}");
    site.write("people/bo.toml", "name = \"Bo\"\n");
    let report = site.build().unwrap();
    assert_eq!(feed_report(&report, &url).items, 2);
    assert_eq!(posts_in(&site.output("index.html")), 2);
    // New content after the 304s: merged with the posts the cache had.
    serve(&[3, 2], "\"two\"");
    let report = site.build().unwrap();
    let r = feed_report(&report, &url);
    assert_eq!((r.items_new, r.items), (1, 3), "{r:?}");
    let river = site.output("index.html");
    assert!(
        river.contains("Post 1") && river.contains("Post 3"),
        "{river}"
    );
    let cached = std::fs::read_dir(site.path().join(".toluu/cache"))
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().ends_with(".json"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .unwrap();
    assert_eq!(cached.matches("\"id\":").count(), 3, "{cached}");
}

#[test]
fn keep_items_bounds_the_history_and_items_per_feed_bounds_the_feed_page() {
    let server = TestServer::start();
    let items: Vec<(String, String, String)> = (1..=6)
        .map(|i| {
            (
                format!("Post {i}"),
                format!("https://k.example/{i}"),
                format!("Mon, 0{i} Nov 2026 10:00:00 GMT"),
            )
        })
        .collect();
    let as_refs = |range: std::ops::Range<usize>| -> Vec<(&str, &str, &str)> {
        items[range]
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
            .collect()
    };
    server.route("/k.xml", Route::xml(rss("Keep", &as_refs(0..3))));
    let site = TestSite::new("[build]\nkeep_items = 4\nitems_per_feed = 2\n");
    site.person("ana", "ana", &[server.url("/k.xml")]);
    site.build().unwrap();
    server.route("/k.xml", Route::xml(rss("Keep", &as_refs(3..6))));
    site.build().unwrap();
    let river = site.output("index.html");
    for kept in ["Post 6", "Post 5", "Post 4", "Post 3"] {
        assert!(river.contains(kept), "{kept} kept");
    }
    assert!(
        !river.contains("Post 2") && !river.contains("Post 1"),
        "keep_items = 4"
    );
    let slug = toluu::index::feed_slug("Keep", &server.url("/k.xml"));
    let feed_page = site.output(&format!("feeds/{slug}/index.html"));
    assert_eq!(
        posts_in(&feed_page),
        2,
        "the feed page shows items_per_feed"
    );
}

#[test]
fn the_same_post_in_two_feeds_is_one_post_in_the_river() {
    let server = TestServer::start();
    let shared = (
        "Cross-posted",
        "https://x.example/post",
        "Mon, 02 Nov 2026 10:00:00 GMT",
    );
    server.route(
        "/own.xml",
        Route::xml(rss(
            "Own blog",
            &[
                shared,
                (
                    "Own only",
                    "https://x.example/own",
                    "Sun, 01 Nov 2026 10:00:00 GMT",
                ),
            ],
        )),
    );
    server.route("/group.xml", Route::xml(rss("Group blog", &[shared])));
    let site = TestSite::new("");
    site.person("ana", "ana", &[server.url("/own.xml")]);
    site.person("bo", "bo", &[server.url("/group.xml")]);
    site.build().unwrap();
    let river = site.output("index.html");
    assert_eq!(posts_in(&river), 2, "{river}");
    // Bo's own river still has it: it is his feed's post.
    let bo = site.output("people/bo/index.html");
    assert!(bo.contains("Cross-posted"));
}

#[test]
fn min_interval_and_max_age_spare_the_server_and_keep_the_items() {
    let server = TestServer::start();
    let body = rss(
        "Polite",
        &[(
            "Polite post",
            "https://p.example/1",
            "Mon, 02 Nov 2026 10:00:00 GMT",
        )],
    );
    server.route("/slow.xml", Route::xml(body.clone()));
    server.route(
        "/cached.xml",
        Route::xml(body.replace("Polite", "Cached"))
            .with_header("Cache-Control", "public, max-age=600"),
    );
    server.route(
        "/nocache.xml",
        Route::xml(body.replace("Polite", "Fresh")).with_header("Cache-Control", "no-cache"),
    );
    let site = TestSite::new("[fetch]\nmin_interval_secs = 3600\n");
    site.person("ana", "ana", &[server.url("/slow.xml")]);
    let other = TestSite::new("");
    other.person(
        "bo",
        "bo",
        &[server.url("/cached.xml"), server.url("/nocache.xml")],
    );
    site.build().unwrap();
    other.build().unwrap();
    server.reset();
    let report = site.build().unwrap();
    let other_report = other.build().unwrap();
    let paths: Vec<String> = server.seen().into_iter().map(|s| s.path).collect();
    assert_eq!(
        paths,
        ["/nocache.xml"],
        "only the no-cache feed is fetched again"
    );
    let r = feed_report(&report, &server.url("/slow.xml"));
    assert_eq!(r.status, "skipped");
    assert!(
        r.note
            .as_deref()
            .unwrap_or("")
            .contains("min_interval_secs"),
        "{r:?}"
    );
    let r = feed_report(&other_report, &server.url("/cached.xml"));
    assert!(
        r.note.as_deref().unwrap_or("").contains("max-age=600"),
        "{r:?}"
    );
    assert!(
        site.output("index.html").contains("Polite post"),
        "items kept"
    );
    assert!(
        other.output("index.html").contains("Cached post"),
        "items kept"
    );
}

#[test]
fn a_503_with_retry_after_is_skipped_until_then_and_keeps_the_items() {
    let server = TestServer::start();
    server.route(
        "/busy.xml",
        Route::xml(rss(
            "Busy",
            &[(
                "Busy post",
                "https://b.example/1",
                "Mon, 02 Nov 2026 10:00:00 GMT",
            )],
        )),
    );
    let site = TestSite::new("");
    site.person("ana", "ana", &[server.url("/busy.xml")]);
    site.build().unwrap();
    server.route(
        "/busy.xml",
        Route::status(503).with_header("Retry-After", "120"),
    );
    let report = site.build().unwrap();
    let r = feed_report(&report, &server.url("/busy.xml"));
    let error = r.error.as_deref().unwrap_or("");
    assert!(
        error.contains("HTTP 503") && error.contains("retrying after"),
        "{r:?}"
    );
    assert_eq!(r.health, "ok", "one 503 alarms nobody");
    assert!(site.output("index.html").contains("Busy post"));
    server.reset();
    let report = site.build().unwrap();
    assert!(
        server.seen().is_empty(),
        "not asked again before Retry-After"
    );
    let r = feed_report(&report, &server.url("/busy.xml"));
    assert_eq!(r.status, "skipped");
    assert!(site.output("index.html").contains("Busy post"));
}

#[test]
fn a_permanent_redirect_is_followed_and_reported_as_moved() {
    let server = TestServer::start();
    let body = rss(
        "Mover",
        &[(
            "Moved post",
            "https://m.example/1",
            "Mon, 02 Nov 2026 10:00:00 GMT",
        )],
    );
    server.route("/new.xml", Route::xml(body.clone()));
    server.route("/old.xml", Route::redirect(301, &server.url("/new.xml")));
    server.route(
        "/temp.xml",
        Route::redirect(302, &server.url("/new-temp.xml")),
    );
    server.route("/new-temp.xml", Route::xml(body.replace("Mover", "Temp")));
    let site = TestSite::new("");
    site.person(
        "ana",
        "ana",
        &[server.url("/old.xml"), server.url("/temp.xml")],
    );
    site.person("bo", "bo", &[server.url("/old.xml")]);
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 0, "{stderr}");
    let expected = format!(
        "moved: update people/ana.toml, people/bo.toml to {}",
        server.url("/new.xml")
    );
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(
        !stderr.contains("/new-temp.xml"),
        "a 302 is not a move: {stderr}"
    );
    assert!(site.output("index.html").contains("Moved post"), "followed");
    let status = site.output("status/index.html");
    assert!(
        status.contains(&format!("Moved to <a href=\"{}\"", server.url("/new.xml"))),
        "{status}"
    );
    assert!(
        status.contains("update people/ana.toml, people/bo.toml"),
        "{status}"
    );
}

#[test]
fn gone_and_long_failing_feeds_are_dead() {
    let server = TestServer::start();
    let body = rss(
        "Doomed",
        &[(
            "Last words",
            "https://d.example/1",
            "Mon, 02 Nov 2026 10:00:00 GMT",
        )],
    );
    server.route("/gone.xml", Route::xml(body.clone()));
    server.route("/broken.xml", Route::xml(body.replace("Doomed", "Broken")));
    let site = TestSite::new("[health]\ndead_after_builds = 4\n");
    site.person(
        "ana",
        "ana",
        &[server.url("/gone.xml"), server.url("/broken.xml")],
    );
    site.build().unwrap();
    server.route("/gone.xml", Route::status(410));
    server.route("/broken.xml", Route::status(500));
    let report = site.build().unwrap();
    assert_eq!(
        feed_report(&report, &server.url("/gone.xml")).health,
        "dead",
        "410 is dead at once"
    );
    assert_eq!(
        feed_report(&report, &server.url("/broken.xml")).health,
        "ok",
        "within grace"
    );
    let mut report = report;
    for _ in 0..3 {
        report = site.build().unwrap();
    }
    let broken = feed_report(&report, &server.url("/broken.xml"));
    assert_eq!((broken.health, broken.failures), ("dead", 4), "{broken:?}");
    let status = site.output("status/index.html");
    assert!(
        status.contains("<span class=\"count\">2</span> dead"),
        "{status}"
    );
    assert!(
        status.contains("Remove it from people/ana.toml"),
        "{status}"
    );
    assert!(
        site.output("index.html").contains("Last words"),
        "items are kept"
    );
}

#[test]
fn the_report_and_the_summary_table_give_http_code_bytes_time_and_new_items() {
    let server = TestServer::start();
    let body = rss(
        "Counted",
        &[(
            "Counted post",
            "https://c.example/1",
            "Mon, 02 Nov 2026 10:00:00 GMT",
        )],
    );
    let len = body.len();
    server.route("/c.xml", Route::xml(body).with_etag("\"c1\""));
    let site = TestSite::new("");
    site.person("ana", "ana", &[server.url("/c.xml")]);
    let report_path = site.path().join("report.json");
    let (code, _, stderr) = site.run(&["build", "--report", report_path.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    let feed = &json["feeds"][0];
    assert_eq!(feed["http_status"], 200, "{json}");
    assert_eq!(feed["bytes"], len as u64);
    assert_eq!(
        (feed["items_new"].as_u64(), feed["items"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(feed["health"], "ok");
    assert!(feed["millis"].is_u64());
    assert!(stderr.contains("new/total"), "{stderr}");
    let row = stderr
        .lines()
        .find(|l| l.contains("/c.xml"))
        .expect("a row per feed");
    assert!(
        row.contains(" ok ") && row.contains(" 200 ") && row.contains("1/1"),
        "{row}"
    );

    let (code, _, stderr) = site.run(&["build", "--report", report_path.to_str().unwrap()]);
    assert_eq!(code, 0);
    let row = stderr.lines().find(|l| l.contains("/c.xml")).unwrap();
    assert!(
        row.contains("not modified") && row.contains(" 304 ") && row.contains("0/1"),
        "{row}"
    );
}

#[test]
fn a_second_build_at_once_is_refused_with_the_other_pid_and_nothing_changes() {
    let server = TestServer::start();
    server.route(
        "/l.xml",
        Route::xml(rss(
            "Locked",
            &[(
                "Locked post",
                "https://l.example/1",
                "Mon, 02 Nov 2026 10:00:00 GMT",
            )],
        )),
    );
    let site = TestSite::new("");
    site.person("ana", "ana", &[server.url("/l.xml")]);
    let held = toluu::refresh::lock::BuildLock::acquire(&site.path().join(".toluu/lock")).unwrap();
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "another toluu build (pid {}) is running",
            std::process::id()
        )),
        "{stderr}"
    );
    assert!(server.seen().is_empty(), "nothing fetched");
    assert!(!site.path().join("public").exists(), "nothing written");
    drop(held);
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_cache_file_of_the_older_format_is_ignored_and_refetched() {
    let server = TestServer::start();
    server.route(
        "/o.xml",
        Route::xml(rss(
            "Old",
            &[(
                "New content",
                "https://o.example/1",
                "Mon, 02 Nov 2026 10:00:00 GMT",
            )],
        )),
    );
    let site = TestSite::new("");
    site.person("ana", "ana", &[server.url("/o.xml")]);
    site.build().unwrap();
    let cache = toluu::refresh::cache::Cache::new(site.path().join(".toluu/cache"));
    let path = cache.path_for(&server.url("/o.xml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let old = text.replacen(
        &format!("\"format\": {}", toluu::refresh::cache::CACHE_FORMAT),
        "\"format\": 1",
        1,
    );
    assert_ne!(old, text);
    std::fs::write(&path, old).unwrap();
    server.reset();
    let report = site.build().unwrap();
    assert!(
        report.cache_warnings[0].contains("cache file of format 1"),
        "{report}"
    );
    assert_eq!(server.seen().len(), 1);
    assert!(!server.seen()[0].conditional(), "refetched from scratch");
    assert!(
        cache.load(&server.url("/o.xml")).unwrap().is_some(),
        "rewritten in the new format"
    );
}

/// The "done when": the example site, its feeds served from the loopback server (the
/// list files of a copy rewritten to point there, the feeds made from its committed cache),
/// makes only conditional requests on its second build.
#[test]
fn a_second_build_of_the_example_site_makes_only_conditional_requests() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
    let site = TestSite::new("title = \"x\"\n");
    for entry in walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = entry.path().strip_prefix(&root).unwrap();
        let skip = rel.starts_with(".toluu") || rel.starts_with("public");
        if entry.file_type().is_file() && !skip {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            site.write(rel.to_str().unwrap(), &text);
        }
    }
    let config = std::fs::read_to_string(site.path().join("toluu.toml")).unwrap();
    site.write(
        "toluu.toml",
        &config.replace("offline = true", "offline = false"),
    );

    let server = TestServer::start();
    let example = toluu::site::load_site(&root).unwrap();
    let committed = toluu::refresh::cache::Cache::new(root.join(".toluu/cache"));
    let mut served = 0;
    for (n, key) in toluu::distinct_feeds(&example).iter().enumerate() {
        let feed = committed.load(key).unwrap().unwrap().feed.unwrap();
        let items: Vec<(String, String, String)> = feed
            .items
            .iter()
            .filter_map(|i| Some((i.title.clone(), i.link.clone()?, i.date()?.to_rfc2822())))
            .collect();
        let refs: Vec<(&str, &str, &str)> = items
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
            .collect();
        let path = format!("/feed{n}.xml");
        let route = Route::xml(rss(&feed.title, &refs));
        // Half the feeds give an ETag, half a Last-Modified: both validators are exercised.
        let route = if n % 2 == 0 {
            route.with_etag(&format!("\"e{n}\""))
        } else {
            route.with_last_modified("Fri, 20 Nov 2026 06:00:00 GMT")
        };
        server.route(&path, route);
        for person in &example.people {
            for sub in person.feeds.iter().filter(|s| &s.key == key) {
                let file = site.path().join(&person.file);
                let text = std::fs::read_to_string(&file).unwrap();
                let quoted = format!("\"{}\"", sub.url);
                assert!(
                    text.contains(&quoted),
                    "{}: {}",
                    person.file.display(),
                    sub.url
                );
                let text = text.replace(&quoted, &format!("\"{}\"", server.url(&path)));
                std::fs::write(&file, text).unwrap();
            }
        }
        served += 1;
    }
    assert!(served >= 15);

    let first = site.build().expect("first build");
    assert_eq!(first.failed(), 0, "{first}");
    let seen = server.seen();
    assert_eq!(seen.len(), served, "one request per feed");
    assert!(
        seen.iter().all(|s| !s.conditional()),
        "nothing to validate yet"
    );
    let river = site.output("index.html");

    server.reset();
    let second = site.build().expect("second build");
    let seen = server.seen();
    assert_eq!(seen.len(), served, "one request per feed: {seen:?}");
    let unconditional: Vec<&str> = seen
        .iter()
        .filter(|s| !s.conditional())
        .map(|s| s.path.as_str())
        .collect();
    assert!(
        unconditional.is_empty(),
        "unconditional requests: {unconditional:?}"
    );
    assert!(
        second.feeds.iter().all(|f| f.status == "not modified"),
        "{second}"
    );
    // The same site, but for when it was updated (the time of this build's fetches).
    assert_eq!(
        crate::unclocked(site.output("index.html").as_bytes()),
        crate::unclocked(river.as_bytes()),
        "304s keep the same site"
    );
}

#[test]
fn items_without_guid_or_link_keep_one_identity_across_builds() {
    let server = TestServer::start();
    let body = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Bare</title>\
        <item><title>No guid, no link</title><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate>\
        <description>Only a title and a date.</description></item>\
        <item><description>Not even a title.</description></item>\
        <item><title>Link only</title><link>https://bare.example/1</link></item>\
        </channel></rss>";
    server.route("/bare.xml", Route::xml(body));
    let site = TestSite::new("");
    site.person("ana", "ana", &[server.url("/bare.xml")]);
    site.build().unwrap();
    let report = site.build().unwrap();
    let r = feed_report(&report, &server.url("/bare.xml"));
    assert_eq!(
        (r.items_new, r.items),
        (0, 3),
        "the same three items: {r:?}"
    );
    assert_eq!(posts_in(&site.output("index.html")), 3);
}

#[test]
fn a_304_writes_the_fetch_record_alone_and_a_new_post_the_whole_entry() {
    let server = TestServer::start();
    let one = [(
        "One",
        "https://r.example/1",
        "Mon, 02 Nov 2026 10:00:00 GMT",
    )];
    server.route(
        "/r.xml",
        Route::xml(rss("Records", &one)).with_etag("\"v1\""),
    );
    let site = TestSite::new("[fetch]\nmin_interval_secs = 0\n");
    site.person("ana", "Ana", &[server.url("/r.xml")]);
    site.build().unwrap();
    // A cache as a new build sees it: the records are read once per cache.
    let cache = || toluu::refresh::cache::Cache::new(site.path().join(".toluu/cache"));
    let url = server.url("/r.xml");
    let entry_path = cache().path_for(&url);
    let records_path = site
        .path()
        .join(".toluu/cache")
        .join(toluu::refresh::cache::RECORDS_FILE);
    let entry_bytes = std::fs::read(&entry_path).unwrap();
    let first = cache().load(&url).unwrap().unwrap().fetch.fetched_at;
    assert!(!records_path.exists());

    // A 304: the entry's file is not rewritten, its record in the records file is newer.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let report = site.build().unwrap();
    assert_eq!(feed_report(&report, &url).status, "not modified");
    assert_eq!(std::fs::read(&entry_path).unwrap(), entry_bytes);
    let records = std::fs::read_to_string(&records_path).unwrap();
    assert_eq!(records.lines().count(), 1, "{records}");
    assert!(records.contains(&url), "{records}");
    let loaded = cache().load(&url).unwrap().unwrap();
    assert!(loaded.fetch.fetched_at > first);
    assert_eq!(loaded.feed.unwrap().items.len(), 1);
    assert_eq!(
        feed_report(&site.build().unwrap(), &url).status,
        "not modified",
        "the validators of the record are sent again"
    );

    // A record older than the entry (a build killed before it wrote its records) is passed
    // over, and a corrupt one too.
    let mut record: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&records_path).unwrap().trim()).unwrap();
    record["fetch"]["fetched_at"] = "2000-01-01T00:00:00Z".into();
    std::fs::write(&records_path, format!("{record}\n")).unwrap();
    assert_eq!(cache().load(&url).unwrap().unwrap().fetch.fetched_at, first);
    std::fs::write(&records_path, "{ not json\n").unwrap();
    assert_eq!(cache().load(&url).unwrap().unwrap().fetch.fetched_at, first);

    // A new post: the whole entry is written and its record goes.
    let two = [
        (
            "Two",
            "https://r.example/2",
            "Tue, 03 Nov 2026 10:00:00 GMT",
        ),
        one[0],
    ];
    server.route(
        "/r.xml",
        Route::xml(rss("Records", &two)).with_etag("\"v2\""),
    );
    site.build().unwrap();
    assert!(!records_path.exists());
    let loaded = cache().load(&url).unwrap().unwrap();
    assert_eq!(loaded.feed.unwrap().items.len(), 2);
    assert_eq!(loaded.fetch.etag.as_deref(), Some("\"v2\""));
    assert!(site.output("index.html").contains("Two"));
}
