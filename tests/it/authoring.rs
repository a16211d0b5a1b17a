//! `toluu add` and `toluu import` the way a new user meets them: a feed URL that does not
//! parse, a page with no feed, a reader's OPML export with folders, odd spellings and a legacy
//! encoding. Through the real binary, with the user's own list around.

use std::fs;

use crate::TestSite;
use crate::cli::{feed_route, page};
use crate::server::{Route, TestServer};

const LIST: &str =
    "# Ana's list\nname = \"Ana\"\n\n[[feeds]]\nurl = \"https://old.example/feed\"\n";

fn list_of(site: &TestSite, slug: &str) -> String {
    fs::read_to_string(site.path().join(format!("people/{slug}.toml"))).unwrap()
}

#[test]
fn add_a_feed_that_does_not_parse_shows_its_error_and_guesses_nothing() {
    let server = TestServer::start();
    // A feed with a broken item, on a host that also has a good feed at a common path.
    server.route(
        "/feed.xml",
        Route::xml("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><item><title>x</wrong></channel></rss>"),
    );
    server.route("/atom.xml", feed_route("Another feed", "p"));
    let site = TestSite::new("");
    site.write("people/ana.toml", LIST);

    let (code, stdout, stderr) =
        site.run(&["add", &server.url("/feed.xml"), "--person", "ana", "-C"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stderr.contains(&format!("{}: cannot add it: ", server.url("/feed.xml"))),
        "{stderr}"
    );
    assert!(!stderr.contains("atom.xml"), "{stderr}");
    let paths: Vec<String> = server.seen().into_iter().map(|s| s.path).collect();
    assert_eq!(paths, ["/feed.xml"], "no other URL of the host is tried");
    assert_eq!(list_of(&site, "ana"), LIST, "nothing written");

    // Neither a feed nor a web page: said so, nothing guessed.
    server.reset();
    server.route("/notes.txt", Route::ok("text/plain", "just some text"));
    let (code, _, stderr) = site.run(&["add", &server.url("/notes.txt"), "--person", "ana", "-C"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("cannot add it: not a feed"), "{stderr}");
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn add_a_page_without_feeds_says_what_it_tried() {
    let server = TestServer::start();
    server.route("/blog/", page(&[("application/rss+xml", "/blog/gone.xml")]));
    server.route("/blog/gone.xml", Route::status(404));
    let site = TestSite::new("");
    site.write("people/ana.toml", LIST);
    let (code, _, stderr) = site.run(&["add", &server.url("/blog/"), "--person", "ana", "-C"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("no feed found: it is a web page"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "  {} (linked from the page): HTTP 404",
            server.url("/blog/gone.xml")
        )),
        "{stderr}"
    );
    for path in [
        "/feed",
        "/rss.xml",
        "/atom.xml",
        "/index.xml",
        "/feed.xml",
        "/feed.json",
    ] {
        assert!(
            stderr.contains(&format!("  {}: HTTP 404", server.url(path))),
            "{path}: {stderr}"
        );
    }
    assert_eq!(list_of(&site, "ana"), LIST);
}
