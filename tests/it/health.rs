//! Feed health on the site: the grace period, the `/status/` page, and the example site's
//! failing feed.

use crate::server::{Route, TestServer};
use crate::{TestSite, rss};

#[test]
fn one_failure_alarms_nobody_three_in_a_row_do() {
    let server = TestServer::start();
    server.route(
        "/flaky.xml",
        Route::xml(rss(
            "Flaky",
            &[(
                "Flaky post",
                "https://f.example/1",
                "Mon, 02 Nov 2026 10:00:00 GMT",
            )],
        )),
    );
    server.route(
        "/fine.xml",
        Route::xml(rss(
            "Fine",
            &[(
                "Fine post",
                "https://g.example/1",
                "Mon, 02 Nov 2026 10:00:00 GMT",
            )],
        )),
    );
    let site = TestSite::new("");
    site.person(
        "ana",
        "Ana",
        &[server.url("/flaky.xml"), server.url("/fine.xml")],
    );
    site.build().unwrap();
    let slug = toluu::index::feed_slug("Flaky", &server.url("/flaky.xml"));
    let feed_page = format!("feeds/{slug}/index.html");

    server.route("/flaky.xml", Route::status(404));
    let (code, _, stderr) = site.run(&["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("within the grace period: HTTP 404"),
        "{stderr}"
    );
    assert!(stderr.contains("0 failing"), "{stderr}");
    let status = site.output("status/index.html");
    assert!(
        status.contains("<span class=\"count\">0</span> failing"),
        "{status}"
    );
    assert!(
        status.contains("Failed 1 build in a row, within the grace period"),
        "{status}"
    );
    assert!(!status.contains("flag-warn\">failing"), "{status}");
    assert!(!site.output(&feed_page).contains("This feed is failing"));
    assert!(
        !site
            .output("people/ana/index.html")
            .contains("flag-warn\">failing")
    );

    site.build().unwrap();
    let (_, _, stderr) = site.run(&["build"]);
    assert!(stderr.contains("1 failing"), "{stderr}");
    let row = stderr.lines().find(|l| l.contains("/flaky.xml")).unwrap();
    assert!(
        row.contains("failing")
            && row.contains("3 builds in a row: HTTP 404 Not Found [people/ana.toml]"),
        "{row}"
    );
    let status = site.output("status/index.html");
    assert!(
        status.contains("<span class=\"count\">1</span> failing"),
        "{status}"
    );
    assert!(
        status.contains("flag flag-warn\">failing</span>"),
        "{status}"
    );
    assert!(status.contains("3 builds in a row"), "{status}");
    let flaky = status.find("Flaky").unwrap();
    let fine = status.find("Fine</a>").unwrap();
    assert!(flaky < fine, "problems first");
    let page = site.output(&feed_page);
    assert!(page.contains("This feed is failing"), "{page}");
    assert!(
        page.contains("href=\"../../status/\""),
        "links to the status page"
    );
    assert!(
        site.output("people/ana/index.html")
            .contains("flag-warn\">failing")
    );
    assert!(
        site.output("index.html").contains("status/\">Feed status"),
        "footer link"
    );

    // One success clears it.
    server.route(
        "/flaky.xml",
        Route::xml(rss(
            "Flaky",
            &[(
                "Back again",
                "https://f.example/2",
                "Tue, 03 Nov 2026 10:00:00 GMT",
            )],
        )),
    );
    site.build().unwrap();
    let status = site.output("status/index.html");
    assert!(
        status.contains("<span class=\"count\">0</span> failing"),
        "{status}"
    );
    assert!(
        site.output("index.html").contains("Flaky post"),
        "history kept"
    );
}

#[test]
fn the_example_status_page_shows_its_failing_feed() {
    let out = tempfile::tempdir().unwrap();
    let options = toluu::BuildOptions {
        offline: true,
        output_dir: Some(out.path().join("public")),
        ..Default::default()
    };
    // A copy: builds of one site take its lock, and other tests build the example too.
    toluu::build(crate::themes::example_copy().path(), &options).unwrap();
    let status = std::fs::read_to_string(out.path().join("public/status/index.html")).unwrap();
    assert!(
        status.contains("<span class=\"count\">1</span> failing"),
        "{status}"
    );
    assert!(
        status.contains("Failing since 10 Nov 2026, 12 builds in a row"),
        "{status}"
    );
    assert!(status.contains("Connection refused"), "{status}");
    let first = status.find("status-item").unwrap();
    assert!(
        status[first..].find("The Morning Paper").unwrap() < 400,
        "newest problem first"
    );
}

#[test]
fn check_fetch_reports_every_feed_in_the_summary_words_and_touches_nothing() {
    let server = TestServer::start();
    server.route(
        "/ok.xml",
        Route::xml(rss(
            "Fine",
            &[(
                "Fine post",
                "https://g.example/1",
                "Mon, 02 Nov 2026 10:00:00 GMT",
            )],
        )),
    );
    server.route("/missing.xml", Route::status(404));
    let site = TestSite::new("");
    site.person(
        "ana",
        "Ana",
        &[server.url("/ok.xml"), server.url("/missing.xml")],
    );
    let (code, stdout, stderr) = site.run(&["check", "--fetch"]);
    assert_eq!(code, 1, "a failing feed fails the check: {stdout}{stderr}");
    let row = stdout
        .lines()
        .find(|l| l.contains("/missing.xml"))
        .expect(&stdout);
    assert!(
        row.contains("failing") && row.contains("HTTP 404 Not Found [people/ana.toml]"),
        "{row}"
    );
    let row = stdout.lines().find(|l| l.contains("/ok.xml")).unwrap();
    assert!(row.contains(" ok ") && row.contains(" 200 "), "{row}");
    assert!(stdout.contains("2 feeds: 1 ok"), "{stdout}");
    assert!(!site.path().join(".toluu").exists() && !site.path().join("public").exists());
}

/// The grace period is for a feed that once worked: one that never did (a 404 from its first
/// build, a host that refuses) is failing at once, on its page, in the summary and on
/// `/status/`; and still so offline.
#[test]
fn a_feed_that_never_worked_is_failing_from_the_first_build() {
    let server = TestServer::start();
    server.route("/missing.xml", Route::status(404));
    server.route(
        "/fine.xml",
        Route::xml(rss(
            "Fine",
            &[(
                "Fine post",
                "https://g.example/1",
                "Mon, 02 Nov 2026 10:00:00 GMT",
            )],
        )),
    );
    // A port nothing listens on: the connection is refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let refused = format!("http://{}/feed.xml", closed.local_addr().unwrap());
    drop(closed);
    let site = TestSite::new("");
    site.person(
        "ana",
        "Ana",
        &[
            server.url("/missing.xml"),
            server.url("/fine.xml"),
            refused.clone(),
        ],
    );
    for args in [&["build"][..], &["build", "--offline"][..]] {
        let (code, _, stderr) = site.run(args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(stderr.contains("2 failing"), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("within the grace period"),
            "{args:?}: {stderr}"
        );
        let row = stderr.lines().find(|l| l.contains("/missing.xml")).unwrap();
        assert!(row.contains("failing") && row.contains("HTTP 404"), "{row}");
        let status = site.output("status/index.html");
        assert!(
            status.contains("<span class=\"count\">2</span> failing"),
            "{status}"
        );
        let slug = toluu::index::feed_slug("127.0.0.1", &server.url("/missing.xml"));
        let page = site.output(&format!("feeds/{slug}/index.html"));
        assert!(page.contains("This feed is failing"), "{page}");
        assert!(page.contains("never been fetched successfully"), "{page}");
        assert!(page.contains("HTTP 404"), "{page}");
    }
}
