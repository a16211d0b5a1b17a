//! Every error path of the core build: bad lists, and feeds that fail in each way. A failing
//! feed never fails the build and never loses what was there before.

use crate::server::{Route, TestServer};
use crate::{TestSite, rss};

fn one_person(site: &TestSite, urls: &[String]) {
    let mut list = String::from("name = \"Ana\"\n");
    for url in urls {
        list.push_str(&format!("[[feeds]]\nurl = \"{url}\"\n"));
    }
    site.write("people/ana.toml", &list);
}

#[test]
fn unknown_key_names_file_line_column_and_expected_keys() {
    let site = TestSite::new("");
    site.write(
        "people/ana.toml",
        "name = \"Ana\"\nbio = \"hi\"\n\n[[feeds]]\nurl = \"https://a.example/feed\"\n\nfeeds_url = \"x\"\n",
    );
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("people/ana.toml:7:1: unknown field `feeds_url`"),
        "{stderr}"
    );
    assert!(stderr.contains("expected one of"), "{stderr}");
    assert!(
        stderr.contains("7 | feeds_url = \"x\""),
        "shows the line: {stderr}"
    );
    assert!(!site.path().join("public").exists(), "nothing is written");
}

#[test]
fn bad_toml_syntax_and_bad_url_are_located() {
    let site = TestSite::new("");
    site.write(
        "people/bo.toml",
        "name = \"Bo\"\n[[feeds]]\nurl = \"https://a.example/feed\n",
    );
    site.write(
        "people/cy.toml",
        "name = \"Cy\"\n[[feeds]]\nurl = \"https://ok.example/feed\"\n[[feeds]]\nurl = \"javascript:alert(1)\"\n",
    );
    let (code, _, stderr) = site.run(&["check"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("people/bo.toml:3:"), "{stderr}");
    assert!(
        stderr.contains(
            "people/cy.toml:5:7: feed url 'javascript:alert(1)': unsupported scheme 'javascript'"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("2 problems found"),
        "both files reported: {stderr}"
    );
}

#[test]
fn bad_site_config_is_exit_code_two() {
    let site = TestSite::new("base_url = \"not a url\"\n[fetch]\nconcurency = 3\n");
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("toluu.toml:4:1: unknown field `concurency`"),
        "{stderr}"
    );
}

#[test]
fn failing_feed_keeps_its_last_good_items_and_is_reported() {
    let server = TestServer::start();
    server.route(
        "/a.xml",
        Route::xml(rss(
            "Feed A",
            &[(
                "Kept post",
                "https://a.example/1",
                "Mon, 02 Nov 2026 10:00:00 GMT",
            )],
        )),
    );
    server.route(
        "/b.xml",
        Route::xml(rss(
            "Feed B",
            &[(
                "Other post",
                "https://b.example/1",
                "Tue, 03 Nov 2026 10:00:00 GMT",
            )],
        )),
    );
    let site = TestSite::new("[fetch]\ntimeout_secs = 5\n");
    one_person(&site, &[server.url("/a.xml"), server.url("/b.xml")]);
    let report = site.build().expect("first build");
    assert_eq!(report.failed(), 0);
    assert!(site.output("index.html").contains("Kept post"));

    server.route("/a.xml", Route::status(404));
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 0, "a failing feed does not fail the build: {stderr}");
    assert!(stderr.contains("HTTP 404"), "{stderr}");
    assert!(
        stderr.contains("people/ana.toml"),
        "names the list: {stderr}"
    );
    assert!(stderr.contains("1 failed"), "{stderr}");
    let river = site.output("index.html");
    assert!(river.contains("Kept post"), "last good items stay");
    assert!(river.contains("Other post"));
    let feeds = site.output("feeds/index.html");
    assert!(feeds.contains("Feed A"));

    let (code, _, stderr) = site.run(&["build", "--strict"]);
    assert_eq!(code, 1, "--strict fails on a failing feed: {stderr}");
}

#[test]
fn hung_server_times_out_and_names_the_url() {
    let server = TestServer::start();
    server.route("/hang.xml", Route::hang());
    server.route(
        "/ok.xml",
        Route::xml(rss(
            "Fine",
            &[(
                "Fine post",
                "https://f.example/1",
                "Mon, 02 Nov 2026 10:00:00 GMT",
            )],
        )),
    );
    let site = TestSite::new("[fetch]\ntimeout_secs = 1\nconnect_timeout_secs = 1\n");
    one_person(&site, &[server.url("/hang.xml"), server.url("/ok.xml")]);
    let started = std::time::Instant::now();
    let report = site.build().expect("build completes");
    assert!(
        started.elapsed().as_secs_f64() < 5.0,
        "took {:?}",
        started.elapsed()
    );
    let failed: Vec<_> = report
        .feeds
        .iter()
        .filter(|f| f.status == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0].url.ends_with("/hang.xml"));
    assert!(
        failed[0]
            .error
            .as_deref()
            .unwrap()
            .contains("timed out after 1 s"),
        "{failed:?}"
    );
    assert!(site.output("index.html").contains("Fine post"));
}

#[test]
fn oversize_body_is_refused() {
    let server = TestServer::start();
    let mut big = rss(
        "Big",
        &[(
            "Huge",
            "https://big.example/1",
            "Mon, 02 Nov 2026 10:00:00 GMT",
        )],
    );
    big.push_str(&"<!-- padding -->".repeat(2000));
    server.route("/big.xml", Route::xml(big));
    let site = TestSite::new("[fetch]\nmax_bytes = 4096\n");
    one_person(&site, &[server.url("/big.xml")]);
    let report = site.build().expect("build completes");
    let error = report.feeds[0].error.clone().unwrap_or_default();
    assert!(error.contains("too large"), "{error}");
    assert!(error.contains("4096"), "{error}");
    assert!(!site.output("index.html").contains("Huge"));
}

#[test]
fn html_page_instead_of_feed_names_the_feed_it_links_to() {
    let server = TestServer::start();
    server.route(
        "/blog/",
        Route::ok(
            "text/html",
            "<!DOCTYPE html><html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/blog/feed.xml\"></head><body>Hi</body></html>",
        ),
    );
    let site = TestSite::new("");
    one_person(&site, &[server.url("/blog/")]);
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 0);
    let expected = format!(
        "not a feed: an HTML page, which links to {}",
        server.url("/blog/feed.xml")
    );
    assert!(stderr.contains(&expected), "{stderr}");
}

#[test]
fn broken_xml_and_refused_connection_are_reported() {
    let server = TestServer::start();
    server.route(
        "/broken.xml",
        Route::xml("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Cut"),
    );
    // A port nobody listens on: bind, read the port, close.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let refused = format!(
        "http://127.0.0.1:{}/feed.xml",
        closed.local_addr().unwrap().port()
    );
    drop(closed);
    let site = TestSite::new("[fetch]\ntimeout_secs = 3\n");
    one_person(&site, &[server.url("/broken.xml"), refused.clone()]);
    let report = site.build().expect("build completes");
    assert_eq!(report.failed(), 2, "{report:?}");
    let by_url = |u: &str| {
        report
            .feeds
            .iter()
            .find(|f| f.url == u)
            .unwrap()
            .error
            .clone()
            .unwrap()
    };
    assert!(
        by_url(&server.url("/broken.xml")).contains("not a feed")
            || by_url(&server.url("/broken.xml")).contains("XML")
    );
    assert!(
        by_url(&refused).contains("could not connect"),
        "{}",
        by_url(&refused)
    );
    assert!(
        site.path().join("public/index.html").exists(),
        "the site is still written"
    );
}

#[test]
fn corrupt_cache_file_is_reported_and_refetched() {
    let server = TestServer::start();
    server.route(
        "/a.xml",
        Route::xml(rss(
            "Feed A",
            &[(
                "Fresh",
                "https://a.example/1",
                "Mon, 02 Nov 2026 10:00:00 GMT",
            )],
        )),
    );
    let site = TestSite::new("");
    one_person(&site, &[server.url("/a.xml")]);
    site.build().unwrap();
    let cache_dir = site.path().join(".toluu/cache");
    let file = std::fs::read_dir(&cache_dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::write(&file, "{ this is not json").unwrap();
    let report = site.build().unwrap();
    assert_eq!(report.cache_warnings.len(), 1);
    assert!(
        report.cache_warnings[0].contains("corrupt cache file"),
        "{:?}",
        report.cache_warnings
    );
    assert!(site.output("index.html").contains("Fresh"));
}
